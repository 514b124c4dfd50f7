# Older tutorials: torch.Tensor constructors, type(), in-place ops, new_* and *_like, clone/detach
import torch

torch.manual_seed(3)
x = torch.Tensor(2, 3).zero_()
print(x, x.type())
y = torch.FloatTensor([[1, 2, 3], [4, 5, 6]])
print(y.type(torch.IntTensor), y.int().type(), y.type(torch.DoubleTensor).dtype)
print(y.new_zeros(2), y.new_full((2, 2), 7), y.new_tensor([1, 2]), y.new_empty(0).shape, y.new_ones(1, dtype=torch.int64))
z = torch.zeros_like(y, dtype=torch.int64)
print(z, torch.full_like(y, 3), torch.ones_like(y).add_(y).mul_(2).sub_(1).div_(2))
y.clamp_(2, 5)
print(y, y.sum(dim=1), y.fill_(1.5), y.zero_())
c = y.clone()
c[0, 0] = 9
print(y[0, 0], c[0, 0])
print(torch.linspace(-1, 1, steps=5), torch.logspace(0, 2, 3), torch.arange(1, 4, 0.5), torch.arange(5, dtype=torch.float32))
print(torch.normal(mean=torch.zeros(3), std=torch.ones(3)), torch.rand(2, 2).uniform_(-1, 1), torch.empty(3).normal_())
print(torch.randperm(5), torch.randn(2, generator=torch.Generator().manual_seed(0)), torch.bernoulli(torch.full((4,), 0.5)))
print(torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, replacement=True))
a = torch.arange(6).reshape(2, 3)
print(a.t().contiguous().view(-1), a.chunk(3, dim=1), a.split([1, 2], dim=1), a.repeat(2, 1), a.tile((1, 2)))
print(torch.tril(torch.ones(3, 3)), torch.triu(torch.ones(3, 3), diagonal=1), torch.diag(torch.tensor([1, 2])))
print(a.float().mean(), a.sum(dtype=torch.float64), a.numel(), a.element_size(), a.dim(), a.ndim, a.mT.shape)
print(a.to(torch.float16), a.half().dtype, a.bool(), a.char() if hasattr(a, 'char') else None, a.byte())
print(torch.is_floating_point(a.float()), a.is_floating_point(), torch.tensor(2).item() + 1, int(torch.tensor(3.7)), float(torch.tensor([2])))
print(torch.tensor([[1, 2], [3, 4]]).tolist(), list(torch.arange(3)), [t.item() for t in torch.arange(3)])
print(len(torch.zeros(4, 2)), torch.zeros(4, 2).size(-1), 3 in torch.arange(5), bool(torch.tensor([1])))
try:
    bool(torch.tensor([1, 2]))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.tensor([1, 2]).item()
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.tensor([[1, 2], [3]])
except ValueError as e:
    print(type(e).__name__, e)
