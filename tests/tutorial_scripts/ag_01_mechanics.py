# Autograd mechanics: grad_fn names of indexing, leaves, retain_grad, hooks, errors, dtypes of grads
import torch

torch.manual_seed(0)
h = torch.randn(2, 3, 5, requires_grad=True) * 1
for idx in [(0, 0, slice(None, 4)), (0, 0), (0, slice(None), 1), (slice(None), 0), (slice(1, 2),),
            (slice(None), slice(None), slice(None, None, 2)), (0, slice(None), slice(None)), (Ellipsis, 2),
            (None, 0), (torch.tensor([0, 1]),), (h > 0,), (0, [0, 2])]:
    r = h[idx]
    print(tuple(r.shape), r.grad_fn.name() if r.grad_fn is not None else None)
print(h[0, 0, :4])
print(h[:, 0])
print(h.view(-1)[3], h.reshape(6, 5)[1:3, 2])
print(h.T.shape if h.dim() == 2 else h.permute(2, 0, 1).grad_fn)
print(h[0].t().grad_fn, h[0].unsqueeze(0).grad_fn, h[0].squeeze().grad_fn, h.flatten().grad_fn)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.retain_grad()
z = (y ** 2).sum()
hook_log = []
h1 = x.register_hook(lambda g: hook_log.append(g.clone()))
y.register_hook(lambda g: g * 10)
z.backward()
print(x.grad, y.grad, hook_log, x.is_leaf, y.is_leaf, z.is_leaf)
h1.remove()
print(z.grad_fn, z.grad_fn.next_functions)
print(y.grad_fn.next_functions[0][0], y.grad_fn.next_functions[0][0].variable is x)

g, = torch.autograd.grad((x * x).sum(), x)
print(g, g.dtype)
out = x.double() * 3
g, = torch.autograd.grad(out, x, grad_outputs=torch.ones(3))
print(g, g.dtype)
out = x * 3
g, = torch.autograd.grad(out, x, grad_outputs=torch.ones(3, dtype=torch.float64))
print(g, g.dtype)
w = torch.ones(3, requires_grad=True)
(w * 2).backward(torch.ones(3, dtype=torch.float64))
print(w.grad, w.grad.dtype)
try:
    torch.autograd.grad((x * 2).sum(), [x, w])
except Exception as e:
    print(type(e).__name__, e)
print(torch.autograd.grad((x * 2).sum(), [x, w], allow_unused=True))

a = torch.tensor([0.0, 1.0, -1.0], requires_grad=True)
for f in [torch.log, torch.sqrt, torch.rsqrt, torch.reciprocal, torch.log1p, lambda t: t ** 0.5,
          lambda t: 1 / t, lambda t: t / 0, lambda t: t.pow(-1), lambda t: torch.log(t).exp()]:
    r = f(a)
    r.sum().backward()
    print(r, a.grad)
    a.grad = None
print(torch.tensor([0.0, -1.0]).log(), torch.tensor([1.0, 0.0]) / torch.tensor([0.0, 0.0]))

try:
    x.add_(1)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    x.numpy()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x.detach().numpy(), x.data)
v = torch.ones(2, requires_grad=True)
u = v.sigmoid()
s = u.sum()
u.mul_(2)
try:
    s.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
nl = (v * 2)
_ = nl.grad
print(torch.randint(low=0, high=5, size=(4,)), torch.randint(3, 9, (2, 2)), torch.randint(high=4, size=(3,)))
