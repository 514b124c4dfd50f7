# Higher-order gradients with create_graph=True (the autograd tutorial's second derivatives)
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 3).sum()
g, = torch.autograd.grad(y, x, create_graph=True)
print(g)
g2, = torch.autograd.grad(g.sum(), x)
print(g2)
z = torch.tensor(2.0, requires_grad=True)
f = z ** 4
df, = torch.autograd.grad(f, z, create_graph=True)
d2f, = torch.autograd.grad(df, z, create_graph=True)
d3f, = torch.autograd.grad(d2f, z)
print(df, d2f, d3f)

