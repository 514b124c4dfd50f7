# Course source 002: scalar/vector/matrix, sum(dim, keepdim), backward(retain_graph), linear regression demo
import numpy as np
import torch
from torch import tensor
import torch.nn as nn

x = tensor(65.)
y = x.shape
print(y)
print(type(y))
print(x.dim())
x *= 2
print(x.item(), x)
v = tensor([1.5, -0., 3.0])
n = tensor([[[]]])
print(v, n, n.size(), v.size(), v.dim())
M = tensor([[1., 2.], [3., 4.]])
print(M.size(), M.shape, M.dim())
print(M.matmul(M))
print(M * M)

torch.manual_seed(0)
x = torch.randn(3, 4, requires_grad=True)
print(x)
b = torch.randn(3, 4, requires_grad=True)
t = x + b
print(torch.sum(t, dim=0), torch.sum(t, dim=1, keepdim=True), torch.sum(t, (0, 1)))
s = t.sum()
s.backward(retain_graph=True)
print(b.grad)
s.backward(retain_graph=True)
print(b.grad)
try:
    s.backward()
    s.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x.grad)

a = torch.ones(5)
print(a.numpy())
print(torch.from_numpy(np.ones(5)))

x_values = [i for i in range(11)]
x_train = np.array(x_values, dtype=np.float32).reshape(-1, 1)
y_values = [2 * i + 1 for i in x_values]
y_train = np.array(y_values, dtype=np.float32).reshape(-1, 1)


class LinearRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out


input_dim = 1
output_dim = 1
model = LinearRegressionModel(input_dim, output_dim)
print(model)
epochs = 1000
learning_rate = 0.01
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
criterion = nn.MSELoss()
for epoch in range(epochs):
    inputs = torch.from_numpy(x_train)
    labels = torch.from_numpy(y_train)
    optimizer.zero_grad()
    output = model.forward(inputs)
    loss = criterion(output, labels)
    loss.backward()
    optimizer.step()
    if epoch % 50 == 0:
        print('Epoch:', epoch, 'Loss:', f'{loss.item():.6g}')
predicted = model(torch.from_numpy(x_train).requires_grad_()).data.numpy()
print(predicted.round(3).ravel())
print(model.state_dict())
