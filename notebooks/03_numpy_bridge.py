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
# # 3. The NumPy bridge
#
# A CPU tensor and the NumPy array you get from `.numpy()` (or give to `torch.from_numpy`) **share
# memory**: change one and the other changes too. In nbtorch this is literal — a tensor *is* a NumPy
# array plus autograd bookkeeping (`tensor._data`).

# %%
import numpy as np
import nbtorch as torch
from nbtorch.widgets import GraphView

# %% [markdown]
# ## Tensor → NumPy

# %%
a = torch.ones(5)
print(a)
b = a.numpy()
print(b)

# %% [markdown]
# Adding 1 to the tensor in place changes the array too:

# %%
a.add_(1)
print(a, b)

# %% [markdown]
# ## NumPy → tensor
# `torch.from_numpy` keeps NumPy's dtype: `np.ones` is `float64`, so the tensor is `torch.float64`.

# %%
a = np.ones(5)
b = torch.from_numpy(a)
np.add(a, 1, out=a)
print(a, b)

# %% [markdown]
# `torch.tensor(array)` copies instead, and `torch.as_tensor` shares when it can:

# %%
a = np.zeros(3, dtype=np.float32)
copied, shared = torch.tensor(a), torch.as_tensor(a)
a[0] = 7
print(copied, shared)

# %% [markdown]
# ## Python numbers and lists
# `item()` turns a one-element tensor into a Python number, `tolist()` a tensor into nested lists.

# %%
a = torch.tensor(1)
b = a.item()
print(b, type(b))
a = [1, 2, 3]
b = torch.tensor(a)
c = b.numpy().tolist()
print(c, type(c))
print(torch.tensor([[1.5, 2.0], [3.0, 4.0]]).tolist())

# %%
try:
    torch.tensor([1, 2, 3]).item()
except RuntimeError as err:
    print("RuntimeError:", err)

# %% [markdown]
# ## Tensors that require grad
# `.numpy()` refuses a tensor that is part of a graph, because NumPy cannot track gradients;
# `detach()` gives a tensor (sharing memory) that is not.

# %%
w = torch.tensor([1.0, 2.0], requires_grad=True)
try:
    w.numpy()
except RuntimeError as err:
    print("RuntimeError:", err)
print(w.detach().numpy())

# %% [markdown]
# `GraphView` shows that `detach()` cuts the graph: `y` depends on `w` only through the first term.

# %%
y = w * 2 + w.detach() ** 2
GraphView(y.sum())

# %% [markdown]
# ## Exercises
# 1. Make a tensor from `np.arange(4)` that shares memory with it, and check that writing to the array
#    shows in the tensor.
# 2. Convert `torch.tensor([[1, 2], [3, 4]])` to a nested Python list.

# %%
arr = np.arange(4)
t = torch.from_numpy(arr)
arr[0] = 42
assert t[0].item() == 42 and t.dtype == torch.int64
assert torch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
print("all checks passed")

# %% [markdown]
# ## Summary
# - `.numpy()` and `torch.from_numpy` share memory in both directions; `torch.tensor` copies.
# - `item()` and `tolist()` give plain Python values.
# - Call `.detach()` before `.numpy()` on a tensor that requires grad.
