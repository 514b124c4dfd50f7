# Indexing and selection ops as tutorials use them
import torch

torch.manual_seed(0)
x = torch.randn(4, 5)
print(x[1:3, ::2], x[[0, 2]], x[:, [1, 3]], x[x > 0], x[torch.tensor([True, False, True, False])])
print(x[-1], x[..., 0], x[None].shape, x[:, None, :].shape)
idx = torch.tensor([[0, 1], [2, 3]])
print(torch.gather(x, 1, idx.repeat(2, 1)))
print(torch.zeros(3, 5).scatter_(1, torch.tensor([[0], [2], [4]]), 1.0))
print(torch.zeros(2, 4).scatter(1, torch.tensor([[1, 2], [0, 3]]), torch.tensor([[5., 6.], [7., 8.]])))
print(torch.where(x > 0, x, torch.zeros_like(x)))
print(torch.where(x > 1))
print(torch.nonzero(x > 1), (x > 1).nonzero(as_tuple=True))
print(torch.topk(x[0], 3), x.sort(dim=1), x.argsort(dim=0, descending=True))
print(torch.unique(torch.tensor([3, 1, 2, 3, 1])), torch.unique(torch.tensor([3, 1, 2, 3]), return_counts=True))
print(x.masked_fill(x < 0, 0.0), x.clamp(-0.5, 0.5), x.clamp(min=0))
print(x.max(), x.max(dim=0), x.min(1, keepdim=True), x.argmax(), x.argmax(dim=1))
print(x.sum(0), x.mean(dim=1, keepdim=True), x.std(), x.var(0), x.norm(), x.prod(1), x.logsumexp(1))
print(x.cumsum(1)[0], x.cumprod(0)[:, 0], x.abs().sqrt().sum())
print(torch.einsum('ij,kj->ik', x, x).shape, torch.einsum('ii', torch.eye(3)), torch.einsum('i,j->ij', torch.arange(2.), torch.arange(3.)))
print(torch.bmm(torch.ones(2, 3, 4), torch.ones(2, 4, 1)).shape, torch.mv(x, torch.ones(5)), torch.outer(torch.arange(2.), torch.arange(3.)))
try:
    torch.matmul(torch.ones(2, 3), torch.ones(2, 3))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.ones(2, 3) @ torch.ones(3, 2, dtype=torch.long)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    x[10]
except IndexError as e:
    print(type(e).__name__, e)
try:
    torch.cat([torch.ones(2, 3), torch.ones(2, 4)])
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.ones(3) + torch.ones(4)
except RuntimeError as e:
    print(type(e).__name__, e)
print(torch.tensor([1, 2]) / 2, torch.tensor([1, 2]) * 1.5, torch.tensor([1, 2]) // 2, torch.tensor([5, -5]) % 3)
print(torch.tensor([True, False]).sum(), torch.tensor([1, 2], dtype=torch.int32).sum().dtype, torch.arange(5).float().mean())
print((torch.arange(6).view(2, 3) == torch.tensor([0, 1, 5])).all(dim=1), torch.tensor([0.1, 0.2]) + torch.tensor([1], dtype=torch.float64))
print(torch.maximum(torch.tensor([1, 5]), torch.tensor([3, 2])), torch.stack([x[0], x[1]], dim=1).shape, torch.eq(x, x).all())
