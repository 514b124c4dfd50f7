# Older autograd tutorials (Variable), torch.autograd.functional.jacobian / vjp, and the linalg basics
import torch
from torch.autograd import Variable
from torch.autograd.functional import jacobian, vjp

x = Variable(torch.ones(2, 2), requires_grad=True)
print(x, x.is_leaf)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad, x.grad.data)
print(Variable(torch.tensor([1., 2.])).requires_grad)


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = torch.rand(2, 2, generator=torch.Generator().manual_seed(0))
print(jacobian(exp_reducer, inputs))


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


print(jacobian(exp_adder, (torch.tensor([1., 2.]), torch.tensor([3., 4.]))))
print(jacobian(lambda a: a ** 2, torch.tensor(3.0)))
print(vjp(exp_reducer, inputs, torch.ones(2)))
print(jacobian(lambda a: (a.sin(), a * 2), torch.tensor([0.5, 1.0])))
W = torch.tensor([[2., 1.], [1., 3.]])
print(jacobian(lambda v: W @ v, torch.tensor([1., -1.])))

A = torch.tensor([[4., 7.], [2., 6.]])
# LU in torch (MKL/OpenBLAS through ATen) and NumPy round differently in float32: print rounded values
print(round(torch.det(A).item(), 4), round(torch.linalg.det(A).item(), 4), torch.inverse(A), (torch.linalg.inv(A) @ A).round(decimals=4))
print(torch.linalg.svd(A, full_matrices=False).S, torch.svd(A).S, torch.slogdet(A), torch.logdet(A))
print(torch.linalg.norm(A), torch.linalg.vector_norm(torch.tensor([3., 4.])), torch.linalg.matrix_rank(A))
print(torch.linalg.solve(A, torch.tensor([1., 2.])), torch.pinverse(torch.tensor([[1., 2.], [2., 5.]])))
print(torch.linalg.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.])))
try:
    torch.linalg.inv(torch.zeros(2, 2))
except RuntimeError as e:
    print(type(e).__name__, e)
