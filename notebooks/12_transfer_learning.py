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
# # 12. Transfer learning: save, load, replace the head, fine-tune
#
# When a dataset is small, starting from a model trained on a related task converges faster and
# overfits less than starting from random weights. The tutorials load a pretrained `googlenet`, read
# the size of its final `fc` layer, and replace it with a new `nn.Linear` for their own classes.
#
# Pretrained weights would have to be downloaded, and this course runs offline. So we do the whole
# cycle ourselves: train a small model on digits 0–4, save its `state_dict`, load it into a fresh
# model, replace `fc` with a 10-class head and fine-tune on all ten digits. Finally we export the
# weights to `safetensors`, a format PyTorch reads too.

# %%
import os
import tempfile

import nbtorch as torch
from nbtorch import nn
from nbtorch import vision as torchvision
from nbtorch.utils.data import DataLoader, Subset
from nbtorch.widgets import TrainingCurves

torch.manual_seed(0)
workdir = tempfile.mkdtemp()

# %% [markdown]
# ## The tutorial's GoogLeNet
# `torchvision.models` builds the standard architectures. Asking for pretrained weights needs a
# download, which fails here without a network (on a machine with internet it would fetch them):

# %%
from nbtorch.vision import models

try:
    googlenet = models.googlenet(pretrained=True)
except RuntimeError as err:
    print("RuntimeError:", str(err).split(', and')[0])

# %% [markdown]
# The architecture itself needs no download. Its final layer is called `fc`; replacing it gives a
# model for our own number of classes (10 here):

# %%
googlenet = models.googlenet()

# the number of inputs of the classification layer
fc_in_features = googlenet.fc.in_features
print("fc_in_features:", fc_in_features)

# the number of outputs of the classification layer
fc_out_features = googlenet.fc.out_features
print("fc_out_features:", fc_out_features)

# a new head with 10 classes
googlenet.fc = torch.nn.Linear(fc_in_features, 10)
print(googlenet.fc)

# %% [markdown]
# ## A small pretrained model of our own

# %%
class SmallNet(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.fc = nn.Linear(32 * 2 * 2, num_classes)

    def forward(self, x):
        return self.fc(self.features(x))


transform = torchvision.transforms.Compose([torchvision.transforms.ToTensor(),
                                            torchvision.transforms.Normalize((0.5,), (0.5,))])
train_all = torchvision.datasets.Digits(root='data', train=True, transform=transform)
test_all = torchvision.datasets.Digits(root='data', train=False, transform=transform)
first_five = Subset(train_all, [i for i, t in enumerate(train_all.targets) if t < 5])


def train(model, dataset, epochs, lr, params=None, curves=None, name='loss'):
    loader = DataLoader(dataset, batch_size=64, shuffle=True)
    optimizer = torch.optim.Adam(params if params is not None else model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    step = 0
    for epoch in range(epochs):
        for X, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(X), y)
            loss.backward()
            optimizer.step()
            if curves is not None:
                curves.log(step=step, **{name: loss.item()})
            step += 1
    return loss.item()


def accuracy(model, dataset):
    model.eval()
    with torch.no_grad():
        X, y = next(iter(DataLoader(dataset, batch_size=len(dataset))))
        acc = (model(X).argmax(1) == y).float().mean().item()
    model.train()
    return acc


torch.manual_seed(0)
pretrained = SmallNet(num_classes=5)
curves = TrainingCurves()
curves

# %%
train(pretrained, first_five, epochs=5, lr=0.01, curves=curves, name='pretrain_loss')
curves.flush()
test_five = Subset(test_all, [i for i, t in enumerate(test_all.targets) if t < 5])
print(f"accuracy on digits 0-4: {accuracy(pretrained, test_five):.3f}")

# %% [markdown]
# ## Save and load the `state_dict`

# %%
path = os.path.join(workdir, 'smallnet.pt')
torch.save(pretrained.state_dict(), path)
state = torch.load(path)
print(list(state.keys()))

model = SmallNet(num_classes=5)
print(model.load_state_dict(state))

# %% [markdown]
# ## Replace the head and fine-tune
# Freeze the feature extractor (`requires_grad_(False)`), put a new 10-class `fc` on top, and train
# only the new head for a little while.

# %%
model.features.requires_grad_(False)
fc_in_features = model.fc.in_features
model.fc = nn.Linear(fc_in_features, 10)
print(model.fc, [n for n, p in model.named_parameters() if p.requires_grad])

torch.manual_seed(1)
train(model, train_all, epochs=4, lr=0.02, params=model.fc.parameters(), curves=curves, name='finetune_loss')
curves.flush()
print(f"held-out accuracy on all ten digits: {accuracy(model, test_all):.3f}")

# %% [markdown]
# ## Export to safetensors
# `.safetensors` files hold only tensors — loading one never runs code. A file written by nbtorch
# loads into a real PyTorch model of the same architecture (checked below when PyTorch is installed).

# %%
st_path = os.path.join(workdir, 'smallnet.safetensors')
torch.save(model.state_dict(), st_path)
reloaded = torch.load(st_path)
print(sorted(reloaded.keys()) == sorted(model.state_dict().keys()))

try:
    import torch as real_torch
    from safetensors.torch import load_file
except ImportError:
    real_torch = None
if real_torch is not None and real_torch is not torch:
    class TorchSmallNet(real_torch.nn.Module):
        def __init__(self, num_classes):
            super().__init__()
            nn_ = real_torch.nn
            self.features = nn_.Sequential(
                nn_.Conv2d(1, 16, 3, padding=1), nn_.ReLU(), nn_.MaxPool2d(2),
                nn_.Conv2d(16, 32, 3, padding=1), nn_.ReLU(), nn_.MaxPool2d(2), nn_.Flatten())
            self.fc = nn_.Linear(128, num_classes)

        def forward(self, x):
            return self.fc(self.features(x))

    theirs = TorchSmallNet(10)
    theirs.load_state_dict(load_file(st_path))
    X = next(iter(DataLoader(test_all, batch_size=32)))[0]
    with real_torch.no_grad(), torch.no_grad():
        model.eval()
        assert abs(theirs(real_torch.from_numpy(X.numpy())).numpy() - model(X).numpy()).max() < 1e-4
        model.train()
print("exported", len(reloaded), "tensors")

# %% [markdown]
# ## Exercises
# 1. The fine-tuned model must reach at least 90 % on the held-out digits.
# 2. The frozen features must not have changed during fine-tuning.

# %%
assert accuracy(model, test_all) >= 0.90
for (name, p) in model.features.state_dict().items():
    assert torch.equal(p, state['features.' + name]), name
print("all checks passed")

# %% [markdown]
# ## Summary
# - `state_dict()` / `load_state_dict()` move weights; `torch.save`/`torch.load` store them safely.
# - Transfer learning: load a trained model, replace its last layer (`model.fc = nn.Linear(...)`),
#   freeze or not, and fine-tune.
# - `safetensors` files carry weights between nbtorch and PyTorch without running any code.
