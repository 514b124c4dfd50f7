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
# # 7. Losses and optimizers
#
# A **loss** measures how wrong the model is; an **optimizer** uses the gradients of the loss to update
# the parameters. Every optimizer in `nbtorch/optim/` is one short file whose `step` reads like the
# algorithm box in PyTorch's documentation.

# %%
import numpy as np
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import nbtorch as torch
from nbtorch import nn
from nbtorch.widgets import TrainingCurves

torch.manual_seed(0)

# %% [markdown]
# ## Losses
# - `nn.MSELoss()`: mean squared error, for regression.
# - `nn.CrossEntropyLoss()`: for classification; takes raw scores (logits) and class indices.
# - `nn.BCEWithLogitsLoss()`: binary classification; sigmoid and binary cross-entropy in one stable op.

# %%
pred = torch.tensor([2.5, 0.0, 2.0])
target = torch.tensor([3.0, -0.5, 2.0])
print(nn.MSELoss()(pred, target))

logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
labels = torch.tensor([0, 2])
print(nn.CrossEntropyLoss()(logits, labels))
print(nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels))

scores = torch.tensor([0.8, -1.2, 3.0])
truth = torch.tensor([1.0, 0.0, 1.0])
print(nn.BCEWithLogitsLoss()(scores, truth))

# %% [markdown]
# Fused losses stay finite even for huge logits, where computing `softmax` then `log` would overflow:

# %%
big = torch.tensor([[1e4, -1e4, 0.0]], requires_grad=True)
loss = nn.CrossEntropyLoss()(big, torch.tensor([1]))
loss.backward()
print(loss, big.grad)

# %% [markdown]
# A wrong target dtype or class index raises the same error as PyTorch:

# %%
for bad in (torch.tensor([0.0, 2.0]), torch.tensor([0, 5])):
    try:
        nn.CrossEntropyLoss()(logits, bad)
    except (RuntimeError, IndexError) as err:
        print(type(err).__name__ + ":", err)

# %% [markdown]
# ## Optimizers
# `torch.optim.Optimizer(params, defaults)` is the base class. The tutorials list:
#
# ```
# torch.optim.Adadelta(params, lr=1.0, rho=0.9, eps=1e-06, weight_decay=0)
# torch.optim.Adagrad(params, lr=0.01, lr_decay=0, weight_decay=0)
# torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0)
# torch.optim.SGD(params, lr=0.01, momentum=0, dampening=0, weight_decay=0, nesterov=False)
# ```
# Two of them are misspelled in one tutorial (`weight_deacy`, `mementum`); PyTorch rejects them:

# %%
w = nn.Parameter(torch.zeros(2))
for name, kwargs in [('Adam', dict(weight_deacy=0)), ('SGD', dict(lr=0.01, mementum=0.9))]:
    try:
        getattr(torch.optim, name)([w], **kwargs)
    except TypeError as err:
        print("TypeError:", err)

# %% [markdown]
# Every optimizer is used the same way: `zero_grad()`, compute the loss, `backward()`, `step()`.
# Here they race on the same 2-D loss surface, an elongated valley
# $f(x, y) = x^2/20 + y^2$, starting from $(-7, 2)$.

# %%
def surface(p):
    return p[0] ** 2 / 20 + p[1] ** 2


def trajectory(make_opt, steps=40):
    p = nn.Parameter(torch.tensor([-7.0, 2.0]))
    opt = make_opt([p])
    path = [p.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        surface(p).backward()
        opt.step()
        path.append(p.detach().clone())
    return torch.stack(path)


optimizers = {
    'SGD': lambda ps: torch.optim.SGD(ps, lr=0.4),
    'SGD momentum': lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
    'SGD nesterov': lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    'Adam': lambda ps: torch.optim.Adam(ps, lr=0.5),
    'Adagrad': lambda ps: torch.optim.Adagrad(ps, lr=1.5),
    'Adadelta': lambda ps: torch.optim.Adadelta(ps, lr=10.0),
}
paths = {name: trajectory(make) for name, make in optimizers.items()}
for name, path in paths.items():
    end = path[-1]
    print(f"{name:13s} ends at ({end[0].item():7.3f}, {end[1].item():7.3f}), loss {surface(end).item():.4f}")

# %%
xs, ys = np.meshgrid(np.linspace(-8, 8, 200), np.linspace(-3, 3, 200))
fig, ax = plt.subplots(figsize=(8, 4))
ax.contour(xs, ys, xs ** 2 / 20 + ys ** 2, levels=20, cmap='Greys')
for name, path in paths.items():
    ax.plot(path[:, 0].numpy(), path[:, 1].numpy(), '.-', label=name, markersize=3)
ax.legend(loc='lower right')
ax.set_title('40 steps of each optimizer')
plt.show()

# %% [markdown]
# ## Learning-rate schedules and gradient clipping
# `StepLR(optimizer, step_size, gamma)` multiplies the learning rate by `gamma` every `step_size`
# epochs. `nn.utils.clip_grad_norm_` rescales the gradients when their total norm is too large, which
# protects against exploding gradients.

# %%
p = nn.Parameter(torch.tensor([5.0]))
opt = torch.optim.SGD([p], lr=0.1)
scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
for epoch in range(7):
    opt.zero_grad()
    (p ** 2).sum().backward()
    opt.step()
    scheduler.step()
    print(epoch, scheduler.get_last_lr())

# %%
layer = nn.Linear(3, 3)
(layer(torch.full((2, 3), 100.0)) ** 2).sum().backward()
total = nn.utils.clip_grad_norm_(layer.parameters(), max_norm=1.0)
after = torch.sqrt(sum((q.grad ** 2).sum() for q in layer.parameters()))
print(f"norm before {total.item():.1f}, after {after.item():.4f}")

# %% [markdown]
# ## The tutorials' linear regression, with live curves
# Fit $y = 2x + 1$ with `nn.Linear(1, 1)`, `MSELoss` and `SGD`. `TrainingCurves` appends the loss while
# the loop runs (it never redraws the whole plot, so it does not flicker).

# %%
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


torch.manual_seed(0)
input_dim = 1
output_dim = 1
model = LinearRegressionModel(input_dim, output_dim)

epochs = 1000
learning_rate = 0.01
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
criterion = nn.MSELoss()
curves = TrainingCurves()
curves

# %%
for epoch in range(epochs):
    inputs = torch.from_numpy(x_train)
    labels = torch.from_numpy(y_train)

    optimizer.zero_grad()
    output = model.forward(inputs)
    loss = criterion(output, labels)
    loss.backward()
    optimizer.step()
    curves.log(step=epoch, loss=loss.item())

    if epoch % 50 == 0:
        print('Epoch:', epoch, 'Loss:', f'{loss.item():.4g}')
curves.flush()

# %%
w, b = model.linear.weight.item(), model.linear.bias.item()
print(f"learned y = {w:.3f} x + {b:.3f}")

# %% [markdown]
# ## Exercises
# 1. Compute `nn.MSELoss()` by hand for `pred = [1, 2]`, `target = [0, 0]`.
# 2. Run 100 Adam steps (lr=0.1) on $f(p) = (p - 3)^2$ starting at 0 and check that $p$ gets close to 3.

# %%
assert abs(nn.MSELoss()(torch.tensor([1.0, 2.0]), torch.zeros(2)).item() - 2.5) < 1e-6
p = nn.Parameter(torch.zeros(1))
opt = torch.optim.Adam([p], lr=0.1)
for _ in range(100):
    opt.zero_grad()
    ((p - 3) ** 2).sum().backward()
    opt.step()
assert abs(p.item() - 3) < 0.1
print("all checks passed")

# %% [markdown]
# ## Summary
# - `MSELoss` for regression, `CrossEntropyLoss` for classes, `BCEWithLogitsLoss` for yes/no; the
#   fused losses are numerically stable.
# - The training step is always `zero_grad` → forward → loss → `backward` → `step`.
# - Momentum, Nesterov, Adam, Adagrad and Adadelta take different paths to the same minimum;
#   `StepLR` and `clip_grad_norm_` shape and guard the updates.
