# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 2. Operations on tensors
#
# Arithmetic, in-place operations, indexing, reshaping, joining and splitting, selecting, and
# broadcasting. Every function here is a few lines of NumPy in `nbtorch/_tensor.py` and
# `nbtorch/ops/` — open them to see how each one computes its result *and* its gradient.

# %%
import nbtorch as torch
from nbtorch.widgets import GraphView

torch.manual_seed(0)

# %% [markdown]
# ## Arithmetic
# `+ - * /` work elementwise; `torch.add` is the function form and can write into a given `out` tensor.

# %%
x = torch.rand(5, 3)
y = torch.rand(5, 3)
print(x + y)
print(torch.add(x, y))
result = torch.empty(5, 3)
torch.add(x, y, out=result)
print(result)

# %% [markdown]
# ### The `_` rule
# Any method ending in an underscore changes the tensor **in place**: `y.add_(x)` adds `x` into `y`.

# %%
y.add_(x)
print(y)
z = torch.ones(3)
z.mul_(2).sub_(0.5)
print(z)

# %% [markdown]
# Matrix products and reductions:

# %%
a = torch.tensor([[1., 2.], [3., 4.]])
b = torch.tensor([[5., 6.], [7., 8.]])
print(torch.matmul(a, b))
print(a @ b)
print(torch.dot(torch.tensor([1., 2.]), torch.tensor([3., 4.])))
print(torch.sum(a), torch.mean(a), torch.max(a), torch.min(a))
print(torch.argmax(a, dim=1))
print(torch.softmax(a, dim=1))

# %% [markdown]
# ## `sum(dim, keepdim)`
# `dim` says which axis is folded away; `keepdim=True` keeps it with size 1. For a tensor of shape
# `(x, y, z)`, `dim=0` sums over `x`, `dim=1` over `y`, `dim=2` over `z`; a list sums over several.

# %%
t = torch.arange(24).reshape(2, 3, 4)
print(torch.sum(t, dim=0).shape, torch.sum(t, dim=1).shape, torch.sum(t, dim=2).shape)
print(torch.sum(t, dim=(0, 2)))
print(torch.sum(t, dim=1, keepdim=True).shape)

# %% [markdown]
# ## Indexing
# Indexing works as in NumPy. Slices are *views*: they share memory with the original.

# %%
x = torch.arange(12).reshape(3, 4)
print(x[0], x[:, 1], x[1:, ::2], x[-1, -1])
row = x[0]
row[0] = 100
print(x)
print(x[x > 5])
print(x[[0, 2]])

# %% [markdown]
# ## view and reshape
# `view` reinterprets the same memory with a new shape; `-1` lets PyTorch infer one size.
# `reshape` does the same but copies when it must (for example after `permute`).

# %%
x = torch.randn(4, 4)
y = x.view(16)
z = x.view(-1, 8)
print(x.size(), y.size(), z.size())
x = torch.randn(1)
print(x, x.item())

# %%
p = torch.arange(6).view(2, 3).permute(1, 0)
print(p.is_contiguous())
try:
    p.view(6)
except RuntimeError as err:
    print("RuntimeError:", err)
print(p.reshape(6))

# %% [markdown]
# `t()`, `permute`, `unsqueeze` and `squeeze` rearrange dimensions. (One tutorial writes `squeeeze`.)

# %%
m = torch.arange(6).view(2, 3)
print(m.t())
print(m.unsqueeze(0).shape, m.unsqueeze(-1).shape)
print(m.unsqueeze(0).squeeze(0).shape)
print(torch.zeros(2, 1, 3, 1).squeeze().shape)
try:
    m.squeeeze(0)
except AttributeError as err:
    print("AttributeError:", err)

# %% [markdown]
# ## Joining and splitting
# `cat` joins along an existing dim; `stack` makes a new one. `chunk` splits into equal-ish parts,
# `split` into given sizes, `unbind` removes a dimension.

# %%
x = torch.arange(6).view(2, 3)
y = torch.arange(6, 12).view(2, 3)
print(torch.cat((x, y), 0).shape, torch.cat((x, y), 1).shape)
print(torch.stack((x, y), dim=0).shape, torch.stack((x, y), dim=2).shape)
print(torch.chunk(torch.arange(10), 3))
print(torch.split(torch.arange(10), [2, 3, 5]))
print(torch.unbind(x, dim=0))

# %% [markdown]
# ## Selecting
# `index_select(input, dim, index)` picks whole rows/columns; `masked_select(input, mask)` picks the
# elements where a boolean mask is true and returns a 1-D tensor.

# %%
A = torch.tensor([[4, 5, 7], [3, 9, 8], [9, 6, 7]])
print(torch.index_select(A, dim=1, index=torch.tensor([0, 2])))
mask = A.ge(5)
print(mask)
print(torch.masked_select(A, mask))

# %% [markdown]
# ## repeat_interleave, scatter_add, cumsum, randperm

# %%
print(torch.repeat_interleave(torch.tensor([1, 2, 3]), 2))
print(torch.repeat_interleave(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 2]), dim=0))
src = torch.ones(2, 5)
index = torch.tensor([[0, 1, 2, 0, 0], [2, 0, 0, 1, 2]])
print(torch.zeros(3, 5, dtype=src.dtype).scatter_add(0, index, src))
print(torch.scatter_add(torch.zeros(3, 5), 0, index, src))
print(torch.cumsum(torch.arange(1, 6), dim=0))
torch.manual_seed(0)
print(torch.randperm(8))

# %% [markdown]
# ## Broadcasting
# When shapes differ, size-1 (or missing leading) dimensions are stretched to match.

# %%
col = torch.arange(3).view(3, 1)
row = torch.arange(4).view(1, 4)
print((col + row).shape)
print(col + row)
try:
    torch.ones(2, 3) + torch.ones(4)
except RuntimeError as err:
    print("RuntimeError:", err)

# %% [markdown]
# ## Broadcasting in the graph
# When a broadcast input requires grad, its gradient is summed back to its own shape.
# The graph below shows the ops; after `backward` each node also shows its gradient.

# %%
w = torch.ones(1, 4, requires_grad=True)
x = torch.arange(12.).view(3, 4)
loss = (x * w).sum()
loss.backward()
print(w.grad)
GraphView(loss)

# %% [markdown]
# ## Exercises
# 1. Reshape `torch.arange(12)` to `(3, 4)` and take the sum of each row with `keepdim=True`.
# 2. Use `masked_select` to get the even numbers of `torch.arange(10)`.
# 3. Stack three vectors of length 4 into a `(4, 3)` tensor.

# %%
e1 = torch.arange(12).view(3, 4).sum(dim=1, keepdim=True)
assert e1.shape == (3, 1) and e1.view(-1).tolist() == [6, 22, 38]
e2 = torch.masked_select(torch.arange(10), torch.arange(10) % 2 == 0)
assert e2.tolist() == [0, 2, 4, 6, 8]
e3 = torch.stack([torch.zeros(4), torch.ones(4), torch.full((4,), 2.0)], dim=1)
assert e3.shape == (4, 3) and e3[0].tolist() == [0.0, 1.0, 2.0]
print("all checks passed")

# %% [markdown]
# ## Summary
# - Methods ending in `_` work in place; `out=` writes into a tensor you provide.
# - `view` needs contiguous memory and never copies; `reshape` copies when it has to.
# - `cat`/`stack` join, `chunk`/`split`/`unbind` split, `index_select`/`masked_select` select.
# - Broadcasting stretches size-1 dims, and autograd sums gradients back to the original shape.
