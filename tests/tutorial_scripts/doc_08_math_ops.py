# Pointwise math from the torch docs' "Math operations" list, with gradients
import math
import torch

x = torch.tensor([-0.9, -0.2, 0.4, 0.8], requires_grad=True)
y = torch.tensor([0.5, -1.5, 2.0, 0.1], requires_grad=True)
for name in ['asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'atanh', 'erf', 'erfc', 'sin', 'cos', 'tan', 'tanh',
             'exp', 'expm1', 'sigmoid', 'abs', 'square', 'deg2rad', 'rad2deg']:
    out = getattr(torch, name)(x)
    g, = torch.autograd.grad(out.sum(), x)
    print(f'{name:8s}', out, g)
for name in ['atan2', 'logaddexp', 'maximum', 'minimum', 'pow']:
    out = getattr(torch, name)(x, y) if name != 'pow' else torch.pow(x.abs(), y)
    gx, gy = torch.autograd.grad(out.sum(), (x, y))
    print(f'{name:8s}', out, gx, gy)
print(torch.acosh(torch.tensor([1.5, 3.0])), torch.arcsin(torch.tensor([0.5])), torch.tensor([2.0]).arctan2(torch.tensor([-1.0])))
print(torch.std_mean(torch.tensor([[1., 2.], [3., 5.]]), dim=0), torch.var_mean(torch.arange(5.)))
print(torch.bitwise_and(torch.tensor([12, 10]), torch.tensor([10, 6])), torch.bitwise_or(torch.tensor([12]), 3),
      torch.bitwise_not(torch.tensor([0, 5], dtype=torch.uint8)), torch.tensor([True, False]) ^ torch.tensor([True, True]))
t = torch.tensor([0.0, math.pi / 6])
t.sin_()
print(t, t.asin_())
print(torch.logaddexp(torch.tensor([-1000.0, 1000.0]), torch.tensor([-1000.0, 1000.0])), torch.erf(torch.tensor([0.0, 3.0, -3.0])))
