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
# # 4. Devices: CPU and CUDA
#
# Every tensor lives on a **device**. nbtorch keeps CPU tensors in NumPy arrays and CUDA tensors in
# CuPy arrays; the ops ask `nbtorch/_backend.py` (the only file that imports CuPy) which array module
# to use, so the same code runs on both. This notebook runs on the CPU; where a GPU with CuPy is
# available, the same cells move the work to it.

# %%
import nbtorch as torch
from nbtorch.widgets import GraphView

torch.manual_seed(0)
has_gpu = torch.cuda.is_available()
print("the GPU path is", "available" if has_gpu else "not available here; everything runs on the CPU")

# %% [markdown]
# ## Choosing a device
# The usual idiom picks CUDA when it is there and falls back to the CPU:

# %%
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
x = torch.tensor([1.0, 2.0, 3.0], device=device)
print(x.device == device, x.is_cuda == has_gpu)

# %%
print(torch.device('cpu'), repr(torch.device('cpu')))
print(torch.device('cuda:0'), repr(torch.device('cuda', 0)))

# %% [markdown]
# ## Moving tensors with `.to`, `.cuda()` and `.cpu()`
# `.to` changes device, dtype or both. This is the tutorials' CUDA example, unchanged:

# %%
x = torch.randn(3)
if torch.cuda.is_available():
    device = torch.device("cuda")          # a CUDA device object
    y = torch.ones_like(x, device=device)  # create a tensor directly on the GPU
    x = x.to(device)                       # or just use .to("cuda")
    z = x + y
    print(z.device)
    print(z.to("cpu", torch.double))       # .to can change the dtype as well
print(x.to(torch.double).dtype, x.cpu().device)

# %% [markdown]
# Without CuPy or a GPU, asking for CUDA explains what is missing instead of failing obscurely:

# %%
if not has_gpu:
    try:
        torch.ones(2).cuda()
    except (AssertionError, RuntimeError) as err:
        print(type(err).__name__, "->", str(err).split(':')[0])
else:
    print(torch.ones(2).cuda().device)

# %% [markdown]
# All tensors in one operation must be on the same device; mixing them raises the same error as
# PyTorch (shown on a GPU machine):

# %%
if has_gpu:
    try:
        torch.ones(2, device='cuda') + torch.ones(2)
    except RuntimeError as err:
        print("RuntimeError:", err)

# %% [markdown]
# ## Gradients follow the data
# The backward pass runs on the device of the forward pass; the graph records `ToCopyBackward0` for a
# device move.

# %%
w = torch.randn(3, requires_grad=True)
out = (w.to(device) * 2).sum()
out.backward()
print(w.grad)
GraphView(out)

# %% [markdown]
# ## Exercises
# 1. Create a `float64` tensor on `device` with `torch.zeros`.
# 2. Move it back to the CPU as `float32` with one call to `.to`.

# %%
e1 = torch.zeros(2, 2, dtype=torch.float64, device=device)
e2 = e1.to('cpu', torch.float32)
assert e1.dtype == torch.float64 and e2.dtype == torch.float32 and e2.device == torch.device('cpu')
print("all checks passed")

# %% [markdown]
# ## Summary
# - `torch.device`, `torch.cuda.is_available()`, `.to(device)`, `.cuda()`, `.cpu()` work as in PyTorch.
# - nbtorch runs on NumPy on the CPU and on CuPy on an NVIDIA GPU (`pip install nbtorch[cuda]`).
# - Ops need all their tensors on one device; gradients flow back to where the data came from.
