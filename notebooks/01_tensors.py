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
# # 1. Tensors
#
# A **tensor** is an n-dimensional array that also knows how it was computed, so that gradients can flow
# back through it. PyTorch is built from a few packages; this course follows them in order:
#
# | package | what it does | chapter |
# |---|---|---|
# | `torch` | tensors and the math on them | 1–4 |
# | `torch.autograd` | automatic differentiation | 5 |
# | `torch.nn` | layers, losses, `nn.Module` | 6, 7, 9, 10 |
# | `torch.optim` | optimizers | 7 |
# | `torch.utils.data` | `Dataset` and `DataLoader` | 8 |
#
# We write `import nbtorch as torch`: every line below is PyTorch code and prints what PyTorch prints.
# nbtorch is written in plain NumPy, so you can open any function and read how it works.

# %%
import numpy as np
import nbtorch as torch
from nbtorch.widgets import GraphView

torch.manual_seed(0)

# %% [markdown]
# ## Creating tensors
# `torch.tensor(data)` copies a Python list or NumPy array. Python floats become `float32` (the default
# dtype), Python ints become `int64`.

# %%
x = torch.tensor([[1, 2], [3, 4]])
x, x.dtype

# %%
torch.tensor([5.5, 3]), torch.tensor([5.5, 3]).dtype

# %% [markdown]
# Factories make tensors of a given shape. `torch.empty` does not initialise memory in PyTorch (so it may
# show anything); nbtorch fills it with zeros.

# %%
print(torch.zeros(2, 3))
print(torch.ones(2, 3))
print(torch.zeros(5, 3, dtype=torch.long))
print(torch.empty(5, 3).shape)
print(torch.full((2, 2), 7.0))
print(torch.eye(3))

# %% [markdown]
# Random tensors: `rand` is uniform on [0, 1), `randn` is standard normal, `randint(low, high, size)`
# draws integers. `torch.manual_seed` makes them reproducible.

# %%
torch.manual_seed(0)
print(torch.rand(5, 3))
print(torch.randn(2, 3))
print(torch.randint(0, 10, (2, 4)))
print(torch.normal(0.0, 1.0, size=(2, 2)))

# %% [markdown]
# Ranges: `arange(start, end, step)` works like Python's `range`; `linspace(start, end, steps)` gives
# `steps` evenly spaced points including both ends. The tutorials sometimes write `torch.arrange` —
# that name does not exist:

# %%
print(torch.arange(0, 10, 2))
print(torch.arange(0, 1, 0.25))
print(torch.linspace(0, 1, steps=5))
try:
    torch.arrange(0, 10, 2)
except AttributeError as err:
    print("AttributeError:", err)

# %% [markdown]
# From NumPy: `torch.from_numpy` shares memory with the array (chapter 3 explores this).

# %%
a = np.array([[1.0, 2.0], [3.0, 4.0]])
t = torch.from_numpy(a)
t

# %% [markdown]
# New tensors from existing ones: the `new_*` methods and the `*_like` functions reuse the dtype and
# device of the tensor unless you override them.

# %%
x = torch.tensor([5.5, 3])
x = x.new_ones(5, 3, dtype=torch.double)
print(x)
torch.manual_seed(0)
x = torch.randn_like(x, dtype=torch.float)
print(x)
print(x.size())

# %% [markdown]
# ## Attributes

# %%
x = torch.randn(3, 4)
print("shape:", x.shape)
print("size():", x.size(), "size(1):", x.size(1))
print("dtype:", x.dtype)
print("device:", x.device)
print("dim():", x.dim())
print("requires_grad:", x.requires_grad)
print("numel():", x.numel())
print("is_cuda:", x.is_cuda)
print("T shape:", x.T.shape)
print("is_contiguous():", x.is_contiguous(), "| after .T:", x.T.is_contiguous())
print("item():", torch.tensor([3.5]).item())

# %% [markdown]
# A tutorial spells it `is_continguous()`; Python tells you the name is wrong:

# %%
try:
    x.is_continguous()
except AttributeError as err:
    print("AttributeError:", err)

# %% [markdown]
# ## dtypes
# The default floating dtype is `float32`; integers are `int64`. Operations follow PyTorch's type
# promotion: an integer tensor times a Python float gives `float32`, and int / int gives a float.

# %%
i = torch.tensor([1, 2, 3])
print(i.dtype, (i * 1.5).dtype, (i / 2).dtype, (i // 2).dtype)
print(torch.tensor([1.0]).double().dtype, i.float().dtype, torch.tensor([True, False]).dtype)
print(torch.tensor([True, False, True]).sum(), torch.tensor([True, False, True]).sum().dtype)

# %% [markdown]
# ## Scalar, vector, matrix and beyond
# The number of nested brackets is the number of dimensions.
#
# | dim | name | typical use |
# |---|---|---|
# | 0 | scalar | a loss |
# | 1 | vector | a bias, one input of a linear layer |
# | 2 | matrix | a batch of inputs to a linear layer |
# | 3 | | a batch of sequences for an RNN: (words, sentences, encoding) |
# | 4 | | a batch of images for a CNN: (N, C, H, W) |

# %%
from nbtorch import tensor

# Scalar
x = tensor(65.)
y = x.shape
print(y)
print(type(y))
print(x.dim())
x *= 2
print(x.item())

# %%
# Vector
v = tensor([1.5, -0., 3.0])
n = tensor([[[]]])
print(v, v.size(), v.dim())
print(n.size())

# %%
# Matrix
M = tensor([[1., 2.], [3., 4.]])
print(M.size(), M.shape, M.dim())
print(M.matmul(M))
print(M * M)

# %%
for d in range(5):
    t = torch.zeros(*([2] * d))
    print(d, t.dim(), t.shape)

# %% [markdown]
# ## A first look at the graph
# Tensors that require gradients remember the operations applied to them. `GraphView` draws that
# history live from the real tensors (chapter 5 uses it to step through `backward`).

# %%
w = torch.tensor([2.0, -1.0], requires_grad=True)
b = torch.tensor(0.5, requires_grad=True)
y = (w * torch.tensor([3.0, 4.0])).sum() + b
view = GraphView(y)
view

# %% [markdown]
# ## Exercises
# 1. Make a `3 × 4` tensor of ones with dtype `int64` and check its attributes.
# 2. Make the 5 points `0, 0.25, …, 1` with `linspace` and with `arange`.
# 3. What dtype does `torch.tensor([1, 2]) / 2` have?

# %%
e1 = torch.ones(3, 4, dtype=torch.int64)
assert e1.shape == (3, 4) and e1.dtype == torch.int64 and e1.numel() == 12
e2a, e2b = torch.linspace(0, 1, 5), torch.arange(0, 1.25, 0.25)
assert torch.allclose(e2a, e2b)
assert (torch.tensor([1, 2]) / 2).dtype == torch.float32
print("all checks passed")

# %% [markdown]
# ## Summary
# - `tensor`, `zeros`, `ones`, `empty`, `full`, `eye`, `arange`, `linspace`, `rand`, `randn`, `randint`,
#   `normal`, `from_numpy` and the `new_*`/`*_like` family create tensors.
# - Every tensor has a `shape`, `dtype`, `device` and number of dimensions; `float32` and `int64` are
#   the defaults, and type promotion follows PyTorch's rules.
# - Tensors that require grad record their history, which `GraphView` shows.
