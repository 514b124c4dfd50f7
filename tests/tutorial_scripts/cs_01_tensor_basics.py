# Course source 000: creating tensors, attributes, operations (incl. the notes' misspelt names)
import torch
import numpy as np

torch.manual_seed(0)
x = torch.tensor([[1, 2], [3, 4]])
print(x)
print(torch.zeros(2, 3), torch.ones(2, 3))
print(torch.empty(2, 3).shape)
print(torch.rand(2, 3))
print(torch.randn(2, 3))
print(torch.arange(0, 10, 2))
print(torch.linspace(0, 1, 5))
print(torch.eye(3))
print(torch.from_numpy(np.array([1.5, 2.5])))
for name in ['arrange', 'squeeeze']:
    try:
        getattr(torch, name)
    except AttributeError as e:
        print(type(e).__name__)
try:
    x.squeeeze(0)
except AttributeError as e:
    print(type(e).__name__, e)

t = torch.randn(2, 3)
print(t.shape, t.size(), t.size(1), t.dtype, t.device, t.dim(), t.requires_grad, t.numel(), t.is_cuda)
print(t.T)
print(torch.tensor([3.5]).item(), t.is_contiguous(), t.T.is_contiguous())
try:
    t.is_continguous()
except AttributeError as e:
    print(type(e).__name__, e)

a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([4.0, 5.0, 6.0])
print(a + b, a - b, a * b, a / b)
m = torch.arange(6.).view(2, 3)
print(torch.matmul(m, m.T), torch.dot(a, b))
print(torch.sum(m), torch.mean(m), torch.max(m), torch.min(m))
print(torch.argmax(m, dim=1), torch.softmax(m, dim=1))
print(m.view(3, 2), m.reshape(-1), m.t())
print(m.unsqueeze(0).shape, m.unsqueeze(0).squeeze(0).shape)
print(torch.cat((m, m), dim=0), torch.cat((m, m), dim=1).shape)
print(torch.max(m, dim=1))
print(torch.sigmoid(a), torch.tanh(a), torch.nn.functional.relu(a - 2))

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
x = torch.tensor([1.0, 2.0, 3.0], device=device)
print(x, device, torch.cuda.is_available())
print(x.numpy(), type(x.numpy()))
print(torch.repeat_interleave(torch.tensor([1, 2, 3]), 2))
print(torch.repeat_interleave(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 2]), dim=0))
print(torch.scatter_add(torch.zeros(3, 5), 0, torch.tensor([[0, 1, 2, 0, 0], [2, 0, 0, 1, 2]]), torch.ones(2, 5)))
print(torch.randperm(8))
print(torch.cumsum(torch.arange(1, 6), dim=0), torch.cumsum(m, dim=1))
