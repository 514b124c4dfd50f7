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
# # 6. Building networks with `nn.Module`
#
# A network is a subclass of `nn.Module` with two parts: `__init__` creates the layers, and `forward`
# says how data flows through them. Assigning a layer or an `nn.Parameter` to `self` registers it, so
# `parameters()`, `state_dict()`, `.to(device)` and `zero_grad()` find it. Read
# `nbtorch/nn/modules/module.py` to see the `__setattr__` that does this.

# %%
import nbtorch as torch
from nbtorch import nn
import nbtorch.nn.functional as F
from nbtorch.widgets import GraphView, GradientView

torch.manual_seed(0)

# %% [markdown]
# ## Parameters
# `nn.Parameter` is a tensor with `requires_grad=True` by default that a Module registers as learnable.

# %%
p = nn.Parameter(torch.ones(2))
print(p)
print(p.requires_grad)

# %% [markdown]
# ## A first Module

# %%
class LinearRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out


model = LinearRegressionModel(1, 1)
print(model)
for name, param in model.named_parameters():
    print(name, tuple(param.shape))
print(list(model.state_dict().keys()))

# %% [markdown]
# `nn.Linear(in_features, out_features)` computes $y = xA^T + b$:

# %%
fc = nn.Linear(3, 2)
x = torch.randn(4, 3)
print(torch.allclose(fc(x), x @ fc.weight.T + fc.bias))
print(fc.weight.shape, fc.bias.shape)

# %% [markdown]
# ## Sequential
# For a plain stack of layers, `nn.Sequential` writes `forward` for you. It can be indexed and sliced.

# %%
net = nn.Sequential(
    nn.Conv2d(3, 32, 5, padding=2),
    nn.MaxPool2d(2),
    nn.Conv2d(32, 32, 5, padding=2),
    nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 5, padding=2),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(64 * 4 * 4, 64),
    nn.Linear(64, 10),
)
print(net)
x = torch.ones((64, 3, 32, 32))
print(net(x).shape)
print(net[0], len(net), net[-2:])

# %% [markdown]
# ## The layer families
# The tutorials' table lists the kinds of layers in `torch.nn`. Here is a working example of each.
#
# | family | example here |
# |---|---|
# | Convolution layers | `nn.Conv2d` (chapter 9) |
# | Pooling layers | `nn.MaxPool2d` (chapter 10) |
# | Padding layers | `nn.ZeroPad2d`, `nn.ReflectionPad2d` |
# | Non-linear activations | `nn.ReLU` (chapter 10) |
# | Normalization layers | `nn.BatchNorm2d`, `nn.LayerNorm` |
# | Recurrent layers | `nn.RNN`, `nn.LSTM`, `nn.GRU` |
# | Transformer layers | `nn.TransformerEncoderLayer` |
# | Linear layers | `nn.Linear` |
# | Dropout layers | `nn.Dropout` |
# | Sparse layers | `nn.Embedding` |
# | Distance functions | `nn.CosineSimilarity`, `nn.PairwiseDistance` |
# | Loss functions | `nn.MSELoss`, `nn.CrossEntropyLoss` (chapter 7) |

# %%
img = torch.arange(9.).view(1, 1, 3, 3)
print(nn.ZeroPad2d(1)(img).shape)
print(nn.ReflectionPad2d(1)(img)[0, 0])

# %%
torch.manual_seed(0)
bn = nn.BatchNorm2d(2)
feats = torch.randn(4, 2, 3, 3) * 5 + 3
out = bn(feats)
print(out.mean(dim=(0, 2, 3)).abs().max() < 1e-5, bn.running_mean)
ln = nn.LayerNorm(3)
print(ln(torch.tensor([[1.0, 2.0, 3.0]])))

# %%
torch.manual_seed(0)
rnn = nn.RNN(input_size=4, hidden_size=3, batch_first=True)
lstm = nn.LSTM(input_size=4, hidden_size=3, num_layers=2, batch_first=True)
gru = nn.GRU(input_size=4, hidden_size=3, bidirectional=True, batch_first=True)
seq = torch.randn(2, 5, 4)          # (batch, time, features)
out, h = rnn(seq)
print(out.shape, h.shape)
out, (h, c) = lstm(seq)
print(out.shape, h.shape, c.shape)
out, h = gru(seq)
print(out.shape, h.shape)

# %%
torch.manual_seed(0)
layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
layer.eval()
print(layer(torch.randn(2, 5, 8)).shape)

# %%
torch.manual_seed(0)
drop = nn.Dropout(p=0.5)
print(drop(torch.ones(8)))
drop.eval()
print(drop(torch.ones(8)))

# %%
torch.manual_seed(0)
emb = nn.Embedding(10, 3)
print(emb(torch.tensor([[1, 2, 4], [4, 3, 9]])).shape)
a, b = torch.tensor([[1.0, 0.0], [1.0, 1.0]]), torch.tensor([[0.0, 1.0], [1.0, 1.0]])
print(nn.CosineSimilarity(dim=1)(a, b))
print(nn.PairwiseDistance()(a, b))

# %% [markdown]
# ## Inspecting a model live
# `GradientView` hooks into a model and shows, per parameter, how large its gradient is after each
# backward pass. Parameters that got no gradient are flagged (here the unused layer `spare`).

# %%
class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 8)
        self.out = nn.Linear(8, 3)
        self.spare = nn.Linear(8, 8)     # never used in forward

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))


torch.manual_seed(0)
net = TwoLayer()
grad_view = GradientView(net)
loss = net(torch.randn(5, 4)).pow(2).mean()
loss.backward()
grad_view.update()
grad_view

# %% [markdown]
# And the graph of that forward pass, with nodes grouped by the module that created them:

# %%
GraphView(loss, params=net)

# %% [markdown]
# ## Exercises
# 1. Build `nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))` and count its parameters.
# 2. Check that its `state_dict` has the keys `0.weight, 0.bias, 2.weight, 2.bias`.

# %%
m = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
n_params = sum(p.numel() for p in m.parameters())
assert n_params == 2 * 4 + 4 + 4 * 1 + 1
assert list(m.state_dict().keys()) == ['0.weight', '0.bias', '2.weight', '2.bias']
print("all checks passed")

# %% [markdown]
# ## Summary
# - Subclass `nn.Module`, create layers in `__init__`, use them in `forward`; call the model, not `forward`.
# - `nn.Parameter`s and sub-modules assigned to `self` are registered automatically.
# - `nn.Sequential` chains layers; every family of layers in the table has a working member.
