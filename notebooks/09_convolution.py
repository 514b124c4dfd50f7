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
# # 9. Convolution
#
# A convolution slides a small kernel over the input; each output value is the sum of the elementwise
# products of the kernel and the window under it, plus a bias. Two properties make it the workhorse
# of vision models: **sparse connections** (few parameters) and **translation invariance**.
#
# `KernelSlider` shows the window sliding over *your* tensor and the arithmetic of each output value;
# every number it shows comes from nbtorch's real `F.conv2d` (`nbtorch/ops/conv.py`: an im2col view
# plus one matrix multiplication).

# %%
import nbtorch as torch
import nbtorch.nn.functional as F
from nbtorch import nn
from nbtorch.nn import Conv2d
from nbtorch import vision as torchvision
from nbtorch.utils.data import DataLoader
from nbtorch.utils.tensorboard import SummaryWriter
from nbtorch.widgets import KernelSlider

torch.manual_seed(0)

# %% [markdown]
# ## `F.conv2d` on a 5 × 5 input
# `torch.nn.functional.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)`
# wants a 4-D input `(N, C, H, W)` and a 4-D weight `(out_channels, in_channels/groups, kH, kW)`.

# %%
input = torch.tensor([[1, 2, 0, 3, 1],
                      [0, 1, 2, 3, 1],
                      [1, 2, 1, 0, 0],
                      [5, 2, 3, 1, 1],
                      [2, 1, 0, 1, 1]])

kernel = torch.tensor([[1, 2, 1],
                       [0, 1, 0],
                       [2, 1, 0]])

print(input.shape)  # not yet the shape conv2d needs
print(kernel.shape)

input = torch.reshape(input, (1, 1, 5, 5))
kernel = torch.reshape(kernel, (1, 1, 3, 3))

print(input.shape)  # now it is
print(kernel.shape)

output1 = F.conv2d(input, kernel, stride=1)
print(output1)
output2 = F.conv2d(input, kernel, stride=2)
print(output2)
output3 = F.conv2d(input, kernel, stride=1, padding=1)
print(output3)

# %% [markdown]
# The output size along each axis is
# $\left\lfloor \frac{H + 2p - d(k-1) - 1}{s} \right\rfloor + 1$.
# Step through the three cases; the slider also prints this formula with the actual numbers.

# %%
KernelSlider(input, kernel, stride=1)

# %%
KernelSlider(input, kernel, stride=2)

# %%
KernelSlider(input, kernel, stride=1, padding=1)

# %% [markdown]
# ## Multiple channels
# With `m` input channels, each kernel also has `m` channels: the input channel *i* is convolved with
# kernel channel *i* and the `m` results are summed. `n` kernels give `n` output channels.

# %%
x = torch.randint(0, 4, (1, 2, 4, 4)).float()
w = torch.randint(-1, 2, (3, 2, 2, 2)).float()
b = torch.tensor([0.5, 0.0, -1.0])
y = F.conv2d(x, w, b)
print(y.shape)
manual = sum(F.conv2d(x[:, i:i + 1], w[:, i:i + 1]) for i in range(2)) + b.view(1, 3, 1, 1)
print(torch.allclose(y, manual))
KernelSlider(x, w, bias=b)

# %% [markdown]
# ## `nn.Conv2d`
# `nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
# bias=True, padding_mode='zeros')` holds the kernel and bias as parameters. `padding='same'` keeps the
# size (stride must be 1), `padding='valid'` means no padding.

# %%
input_feat = torch.tensor([[4, 1, 7, 5], [4, 4, 2, 5], [7, 7, 2, 4], [1, 0, 2, 4]], dtype=torch.float32).unsqueeze(0).unsqueeze(0)
print(input_feat.shape)
conv2d = nn.Conv2d(1, 1, (2, 2), stride=1, padding='same', bias=True)
output = conv2d(input_feat)
print(output.shape)
print(nn.Conv2d(1, 1, (2, 2), padding='valid')(input_feat).shape)
KernelSlider.from_module(conv2d, input_feat)

# %% [markdown]
# ## Dilation
# Dilation spreads the kernel out: with `dilation=2` a 3 × 3 kernel covers a 5 × 5 area.

# %%
big = torch.arange(49.).view(1, 1, 7, 7)
print(F.conv2d(big, torch.ones(1, 1, 3, 3), dilation=2).shape)
KernelSlider(big, torch.ones(1, 1, 3, 3), dilation=2)

# %% [markdown]
# ## Groups and depthwise-separable convolution
# `groups` splits the channels into groups that are convolved separately; it must divide both
# `in_channels` and `out_channels`. With `groups = in_channels` each channel gets its own kernel: a
# **depthwise (DW)** convolution. Following it with a 1 × 1 **pointwise (PW)** convolution gives the
# depthwise-separable convolution of MobileNet: the same output shape as a standard convolution with
# far fewer parameters.

# %%
m, n = 4, 8
standard = nn.Conv2d(m, n, 3, padding=1)
depthwise = nn.Conv2d(m, m, 3, padding=1, groups=m)
pointwise = nn.Conv2d(m, n, 1)
x = torch.randn(1, m, 6, 6)
print(standard(x).shape, pointwise(depthwise(x)).shape)
count = lambda *mods: sum(p.numel() for mod in mods for p in mod.parameters())
print("parameters:", count(standard), "vs", count(depthwise, pointwise))
try:
    nn.Conv2d(4, 6, 3, groups=4)
except ValueError as err:
    print("ValueError:", err)

# %%
KernelSlider.from_module(depthwise, x)

# %% [markdown]
# ## A convolution layer on images
# The tutorial runs a `Conv2d(3, 6, 3)` over CIFAR10 and logs inputs and outputs to TensorBoard. We
# have no network, so we use the bundled digits, resized to 32 × 32 and repeated to 3 channels, and
# nbtorch's `SummaryWriter`, which shows the images right here.

# %%
dataset = torchvision.datasets.Digits('related_data', train=False, transform=torchvision.transforms.Compose([
    torchvision.transforms.Resize(32),
    torchvision.transforms.Grayscale(num_output_channels=3),
    torchvision.transforms.ToTensor(),
]))

dataloader = DataLoader(dataset, batch_size=64)


class MyNetwork(nn.Module):
    def __init__(self):
        super(MyNetwork, self).__init__()
        self.conv1 = Conv2d(in_channels=3, out_channels=6, kernel_size=3, stride=1, padding=0)

    def forward(self, x):
        x = self.conv1(x)
        return x


mynetwork = MyNetwork()
print(mynetwork)

writer = SummaryWriter("logs")

step = 0
for data in dataloader:
    imgs, targets = data
    output = mynetwork(imgs)
    # print(output.shape)  # [64, 6, 30, 30]: batch_size, channels, H, W

    writer.add_images("input", imgs, step)
    output = torch.reshape(output, (-1, 3, 30, 30))  # 6 channels can't be shown: split into two 3-channel images
    writer.add_images("ouput", output, step)

    step += 1
    if step == 2:  # two batches are enough to see it here
        break

writer.close()
writer

# %% [markdown]
# ## Exercises
# 1. Predict the output shape of a `Conv2d(3, 16, 5, stride=2, padding=2)` on a `(8, 3, 32, 32)` batch.
# 2. Check with `F.conv2d` that convolving with a kernel that is 1 in the middle and 0 elsewhere
#    (with `padding=1`) returns the input.

# %%
assert nn.Conv2d(3, 16, 5, stride=2, padding=2)(torch.zeros(8, 3, 32, 32)).shape == (8, 16, 16, 16)
ident = torch.zeros(1, 1, 3, 3)
ident[0, 0, 1, 1] = 1
z = torch.randn(1, 1, 5, 5)
assert torch.allclose(F.conv2d(z, ident, padding=1), z)
print("all checks passed")

# %% [markdown]
# ## Summary
# - Output size: $\lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1$; `padding='same'` keeps the size.
# - Multi-channel kernels sum over input channels; the number of kernels is the number of output channels.
# - `groups=in_channels` gives a depthwise convolution; depthwise + 1 × 1 pointwise is much cheaper
#   than a standard convolution of the same shape.
