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
# # 5. Autograd: automatic differentiation
#
# Set `requires_grad=True` on a tensor and every operation on it is recorded in a graph. Calling
# `.backward()` walks that graph from the output back to the inputs and accumulates the gradients into
# `.grad`. nbtorch's engine is about a hundred lines (`nbtorch/autograd/engine.py`): a topological sort,
# then a loop that calls each node's `backward` and adds up the gradients.

# %%
import nbtorch as torch
from nbtorch.widgets import GraphView

torch.manual_seed(0)

# %% [markdown]
# ## Recording a graph

# %%
x = torch.ones(2, 2, requires_grad=True)
x

# %%
y = x + 2
y

# %% [markdown]
# `y` was produced by an operation, so it has a `grad_fn`; `x` was created by you, so it is a *leaf*.

# %%
print(y.grad_fn)
print(x.grad_fn, x.is_leaf, y.is_leaf)

# %%
z = y * y * 3
out = z.mean()
z, out

# %% [markdown]
# `requires_grad_(True)` switches recording on for an existing tensor:

# %%
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

# %% [markdown]
# ## backward
# `out` is a scalar, so `out.backward()` is `out.backward(torch.tensor(1.))`. With
# $out = \frac{1}{4}\sum 3(x_i+2)^2$ we get $\partial out / \partial x_i = \frac{3}{2}(x_i + 2) = 4.5$.
#
# The graph view below is bound to these tensors. Press **Step** to walk through the backward pass one
# node at a time and watch the gradients arrive and accumulate.

# %%
view = GraphView(out)
view

# %%
out.backward()
x.grad

# %%
view.update()
print(view)

# %% [markdown]
# `grad_fn` nodes link to the nodes of their inputs through `next_functions`:

# %%
print(out.grad_fn.name(), [(f.name() if f is not None else None) for f, _ in out.grad_fn.next_functions])

# %% [markdown]
# ## Non-scalar outputs: the `gradient` argument
# For a vector output, `backward(v)` computes the vector–Jacobian product $v^T J$.

# %%
x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)

gradients = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(gradients)

print(x.grad)

# %% [markdown]
# Without `gradient`, a non-scalar output is an error:

# %%
try:
    (x * 2).backward()
except RuntimeError as err:
    print("RuntimeError:", err)

# %% [markdown]
# ## Gradients accumulate; `retain_graph`
# Each `backward` *adds* to `.grad`. After a backward the saved values of the graph are freed, so a
# second backward through the same graph needs `retain_graph=True` the first time.

# %%
x = torch.randn(3, 4, requires_grad=True)
s = torch.sum(x * x)
s.backward(retain_graph=True)
g1 = x.grad.clone()
s.backward()
print(torch.allclose(x.grad, 2 * g1))
try:
    s.backward()
except RuntimeError as err:
    print("RuntimeError:", str(err)[:90], "...")
x.grad.zero_()
print(x.grad.abs().sum())

# %% [markdown]
# ## Turning recording off: `no_grad` and `detach`

# %%
x = torch.randn(3, requires_grad=True)
print(x.requires_grad)
print((x ** 2).requires_grad)

with torch.no_grad():
    print((x ** 2).requires_grad)

d = x.detach()
print(d.requires_grad, d.grad_fn)

# %% [markdown]
# `torch.autograd.grad` returns gradients instead of accumulating them:

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(gx,) = torch.autograd.grad((x ** 3).sum(), x)
print(gx, x.grad)

# %% [markdown]
# ## Your own differentiable function
# Subclass `torch.autograd.Function` exactly as in PyTorch. nbtorch's own ops are written the same way.

# %%
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * grad


x = torch.tensor([1.0, 2.0], requires_grad=True)
y = Cube.apply(x).sum()
y.backward()
print(y.grad_fn.next_functions[0][0].name(), x.grad)
print(torch.autograd.gradcheck(Cube.apply, (torch.randn(3, dtype=torch.double, requires_grad=True),)))

# %% [markdown]
# ## Exercises
# 1. For $f(w) = \sum (w \cdot x - t)^2$ with `x = [1, 2]`, `t = [3, 1]`, `w = [1, 1]`, compute
#    `w.grad` with autograd and check it against the formula $2 x (w x - t)$.
# 2. Show that gradients accumulate over two backward calls on fresh graphs.

# %%
x = torch.tensor([1.0, 2.0])
t = torch.tensor([3.0, 1.0])
w = torch.tensor([1.0, 1.0], requires_grad=True)
((w * x - t) ** 2).sum().backward()
assert torch.allclose(w.grad, 2 * x * (w.detach() * x - t))
first = w.grad.clone()
((w * x - t) ** 2).sum().backward()
assert torch.allclose(w.grad, 2 * first)
print("all checks passed")

# %% [markdown]
# ## Summary
# - `requires_grad=True` records operations; results carry a `grad_fn` and leaves collect `.grad`.
# - `backward()` needs a scalar, or a `gradient` of the output's shape for a vector–Jacobian product.
# - Gradients accumulate; graphs are freed after `backward` unless `retain_graph=True`.
# - `no_grad()` and `detach()` stop recording; `autograd.Function` defines new differentiable ops.
