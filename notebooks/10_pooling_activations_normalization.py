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
# # 10. Pooling, activations and normalization
#
# **Pooling** shrinks feature maps while keeping their strongest (max) or average response, which cuts
# computation and makes the model more robust. **Activations** add the non-linearity without which
# stacked linear layers would collapse into one. **Normalization** keeps activations in a good range so
# training is faster and more stable; **dropout** fights overfitting.

# %%
import nbtorch as torch
import nbtorch.nn.functional as F
from nbtorch import nn
from nbtorch.nn import MaxPool2d, ReLU, Sigmoid
from nbtorch import vision as torchvision
from nbtorch.utils.data import DataLoader
from nbtorch.utils.tensorboard import SummaryWriter
from nbtorch.widgets import KernelSlider

torch.manual_seed(0)

# %% [markdown]
# ## Max pooling and `ceil_mode`
# `nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`.
# The stride defaults to the kernel size. With `ceil_mode=True` a window that hangs over the edge is
# kept (ceil), otherwise dropped (floor).

# %%
class MyNetwork(nn.Module):
    def __init__(self):
        super(MyNetwork, self).__init__()
        self.maxpool1 = MaxPool2d(kernel_size=3, ceil_mode=True)

    def forward(self, input):
        output = self.maxpool1(input)
        return output


input = torch.tensor([[1, 2, 0, 3, 1],
                      [0, 1, 2, 3, 1],
                      [1, 2, 1, 0, 0],
                      [5, 2, 3, 1, 1],
                      [2, 1, 0, 1, 1]], dtype=torch.float32)
input = torch.reshape(input, (-1, 1, 5, 5))  # max pooling wants (N, C, H, W)

mynetwork = MyNetwork()
output = mynetwork(input)
print(output)
print(F.max_pool2d(input, kernel_size=3, ceil_mode=False))

# %%
KernelSlider.from_module(mynetwork.maxpool1, input)

# %% [markdown]
# Average pooling and `dilation` (the spacing between kernel elements):

# %%
print(F.avg_pool2d(input, kernel_size=2))
print(F.max_pool2d(input, kernel_size=2, stride=1, dilation=2))
pooled, idx = F.max_pool2d(input, 2, return_indices=True)
print(idx)
KernelSlider.from_module(nn.AvgPool2d(2), input)

# %% [markdown]
# The tutorial applies the pooling network to a dataset and logs both sides. With the offline digits:

# %%
dataset = torchvision.datasets.Digits("related_data", train=False, transform=torchvision.transforms.ToTensor(), size=28)
dataloader = DataLoader(dataset, batch_size=64)

writer = SummaryWriter("logs")
step = 0
for data in dataloader:
    imgs, targets = data
    output = mynetwork(imgs)  # pooling keeps the channels, so no reshape is needed

    writer.add_images("input_maxpool", imgs, step)
    writer.add_images("output_maxpool", output, step)

    step += 1
    if step == 2:  # two batches are enough to see it here
        break

writer.close()
print(imgs.shape, output.shape)
writer

# %% [markdown]
# ## Non-linear activations
# - `ReLU`: $\max(0, x)$ — cheap, and its gradient does not vanish for positive inputs;
# - `Sigmoid`: squashes to (0, 1), for binary outputs;
# - `Tanh`: squashes to (-1, 1);
# - `Softmax`: turns scores into a probability distribution over classes.

# %%
x = torch.tensor([[1, -0.5],
                  [-1, 3]])
print(ReLU()(x))
print(Sigmoid()(x))
print(torch.sigmoid(x), torch.tanh(x), F.relu(x), sep='\n')
print(torch.softmax(x, dim=1))

# %% [markdown]
# `inplace=True` overwrites the input instead of allocating a new tensor:

# %%
y = x.clone()
ReLU(inplace=True)(y)
print(y)

# %% [markdown]
# Their gradients tell the vanishing-gradient story: sigmoid's derivative is at most 0.25.

# %%
z = torch.linspace(-6, 6, 7, requires_grad=True)
for name, fn in [('relu', torch.relu), ('sigmoid', torch.sigmoid), ('tanh', torch.tanh)]:
    (g,) = torch.autograd.grad(fn(z).sum(), z)
    print(f"{name:8s}", [round(v, 3) for v in g.tolist()])

# %% [markdown]
# ## Batch normalization
# `nn.BatchNorm2d(num_features, eps=1e-05, momentum=0.1, affine=True)` normalises each channel over the
# batch in training mode and updates running statistics; in `eval()` mode it uses those statistics.

# %%
torch.manual_seed(0)
bn = nn.BatchNorm2d(3)
feats = torch.randn(8, 3, 4, 4) * 3 + 2
out = bn(feats)
print([round(v, 4) for v in out.mean(dim=(0, 2, 3)).tolist()])
print([round(v, 4) for v in out.std(dim=(0, 2, 3), unbiased=False).tolist()])
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print(bn(feats).mean().item() != out.mean().item())

# %% [markdown]
# ## Dropout
# `nn.Dropout(p=0.5)` zeroes each element with probability `p` during training and scales the rest by
# `1 / (1 - p)`, so the expected value is unchanged; in `eval()` it does nothing.

# %%
torch.manual_seed(0)
drop = nn.Dropout(p=0.5)
print(drop(torch.ones(10)))
drop.eval()
print(drop(torch.ones(10)))

# %% [markdown]
# ## Exercises
# 1. What shape does `MaxPool2d(2)` give for a `(1, 3, 7, 7)` input, with and without `ceil_mode`?
# 2. Check that `ReLU` equals `x.clamp(min=0)`.

# %%
assert nn.MaxPool2d(2)(torch.zeros(1, 3, 7, 7)).shape == (1, 3, 3, 3)
assert nn.MaxPool2d(2, ceil_mode=True)(torch.zeros(1, 3, 7, 7)).shape == (1, 3, 4, 4)
r = torch.randn(10)
assert torch.equal(nn.ReLU()(r), r.clamp(min=0))
print("all checks passed")

# %% [markdown]
# ## Summary
# - Max pooling keeps the strongest response per window; `ceil_mode` decides about partial windows.
# - ReLU, Sigmoid, Tanh and Softmax are the usual activations; sigmoid's small gradient can vanish.
# - BatchNorm normalises per channel with running statistics for evaluation; Dropout only acts in training.
