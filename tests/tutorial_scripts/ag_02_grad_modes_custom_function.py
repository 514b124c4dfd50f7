# Autograd extras: no_grad as decorator, inference_mode, set_grad_enabled, custom Functions
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)


@torch.no_grad()
def doubler(t):
    return t * 2


print(doubler(x).requires_grad, torch.is_grad_enabled())
with torch.inference_mode():
    w = x * 2
print(w.requires_grad)
with torch.set_grad_enabled(False):
    print((x * 2).requires_grad)
torch.set_grad_enabled(True)
with torch.enable_grad():
    print((x * 2).requires_grad)
print(torch.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (torch.randn(3, dtype=torch.double, requires_grad=True),)))


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


a = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
out = MyReLU.apply(a)
print(out, out.requires_grad)
out.sum().backward()
print(a.grad)


class MulConstant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        print('needs_input_grad', ctx.needs_input_grad)
        return grad_output * ctx.constant, None


b = torch.ones(2, requires_grad=True)
MulConstant.apply(b, 5.0).sum().backward()
print(b.grad)
t = torch.ones(2, 2, requires_grad=True)
u = t.detach()
u.zero_()
print(t)
v = torch.zeros(3).requires_grad_()
print(v.requires_grad, v.is_leaf, (v + 1).is_leaf, v.grad)
