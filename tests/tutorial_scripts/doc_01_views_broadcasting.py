# Tensor views and broadcasting semantics (docs notes)
import torch

t = torch.rand(4, 4)
b = t.view(2, 8)
print(t.data_ptr() == b.data_ptr())
b[0][0] = 3.14
print(t[0][0])
base = torch.tensor([[0, 1], [2, 3]])
print(base.is_contiguous())
t = base.transpose(0, 1)
print(t.is_contiguous(), t.stride(), base.stride())
c = t.contiguous()
print(c.is_contiguous(), c)
print(t._base is base if hasattr(t, '_base') else True)

x = torch.empty(5, 7, 3)
y = torch.empty(5, 7, 3)
print((x + y).size())
x = torch.empty((0,))
y = torch.empty(2, 2)
try:
    x + y
except RuntimeError as e:
    print(type(e).__name__, e)
x = torch.empty(5, 3, 4, 1)
y = torch.empty(3, 1, 1)
print((x + y).size())
x = torch.empty(5, 2, 4, 1)
y = torch.empty(3, 1, 1)
try:
    (x + y).size()
except RuntimeError as e:
    print(type(e).__name__, e)
x = torch.empty(1)
y = torch.empty(3, 1, 7)
print((x + y).size())
x = torch.empty(5, 1, 4, 1)
y = torch.empty(3, 1, 1)
print((x + y).size())
x = torch.empty(5, 3, 4, 1)
y = torch.empty(3, 1, 1)
print(x.add_(y).size())
x = torch.empty(1, 3, 1)
y = torch.empty(3, 1, 7)
try:
    x.add_(y)
except RuntimeError as e:
    print(type(e).__name__, e)
a = torch.arange(3.)
print(a[:, None] * a[None, :], (a.unsqueeze(1) - a).abs())
print(torch.ones(2, 3).expand(4, 2, 3).shape, torch.arange(3).expand(2, 3))
try:
    torch.ones(2, 3).expand(3, 3)
except RuntimeError as e:
    print(type(e).__name__, e)
n = torch.arange(12).view(3, 4)
print(n.narrow(1, 1, 2), n.T.reshape(-1), n.flatten(), n.unflatten(1, (2, 2)).shape)
print(n.view(2, -1), n.view(-1))
try:
    n.view(5, -1)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    n.view(-1, -1)
except RuntimeError as e:
    print(type(e).__name__, e)
s = n[1]
s += 100
print(n)
n[:, 0] = torch.tensor([7, 8, 9])
n[n > 100] = 0
print(n, n.flip(0), n.roll(1, 1))
