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
# # 11. Training a CNN
#
# Everything so far comes together: a `Dataset` and `DataLoader`, a convolutional `nn.Module`, a loss,
# an optimizer, and the training loop. We train on scikit-learn's bundled handwritten digits (8 × 8
# pixels, 10 classes) and watch the loss, the accuracy and the gradients live.
#
# The loop follows the tutorials' recipe:
# 1. define the model; 2. iterate over the data; 3. run the model; 4. compute the loss;
# 5. backpropagate; 6. update the parameters with the optimizer.

# %%
import nbtorch as torch
from nbtorch import nn
from nbtorch import vision as torchvision
from nbtorch.utils.data import DataLoader
from nbtorch.utils.tensorboard import SummaryWriter
from nbtorch.widgets import TrainingCurves, GradientView

torch.manual_seed(0)

# %% [markdown]
# ## Data
# `Digits` splits the 1797 images into a fixed training and held-out test part.

# %%
transform = torchvision.transforms.Compose([
    torchvision.transforms.ToTensor(),
    torchvision.transforms.Normalize((0.5,), (0.5,)),
])
train_data = torchvision.datasets.Digits(root='data', train=True, transform=transform)
test_data = torchvision.datasets.Digits(root='data', train=False, transform=transform)
print(len(train_data), len(test_data), train_data[0][0].shape, train_data.classes)

batch_size = 64
train_loader = DataLoader(train_data, batch_size=batch_size, shuffle=True)
test_loader = DataLoader(test_data, batch_size=256)
print(len(train_loader), "iterations per epoch")

# %% [markdown]
# ## Model
# Two convolution blocks (convolution → ReLU → max pooling) and a linear classifier.

# %%
class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),   # 16 x 8 x 8
            nn.ReLU(),
            nn.MaxPool2d(2),                              # 16 x 4 x 4
            nn.Conv2d(16, 32, kernel_size=3, padding=1),  # 32 x 4 x 4
            nn.ReLU(),
            nn.MaxPool2d(2),                              # 32 x 2 x 2
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 2 * 2, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


net = DigitNet()
print(net)
print(sum(p.numel() for p in net.parameters()), "parameters")

# %% [markdown]
# ## Training, live
# `TrainingCurves` plots the training loss per iteration and the held-out accuracy per epoch;
# `GradientView` shows each layer's gradient size after every step; `SummaryWriter` keeps the same
# calls you would use with TensorBoard and shows them here.

# %%
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
num_epochs = 6

curves = TrainingCurves()
grad_view = GradientView(net)
writer = SummaryWriter('logs')
curves

# %%
grad_view

# %%
def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for X, y in loader:
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += y.numel()
    model.train()
    return correct / total


step = 0
for epoch in range(num_epochs):
    for X, y in train_loader:
        optimizer.zero_grad()
        loss = loss_fn(net(X), y)
        loss.backward()
        optimizer.step()
        curves.log(step=step, train_loss=loss.item())
        writer.add_scalar('loss/train', loss.item(), step)
        step += 1
    acc = evaluate(net, test_loader)
    curves.log(step=step, test_accuracy=acc)
    writer.add_scalar('accuracy/test', acc, step)
    print(f"epoch {epoch + 1}: last loss {loss.item():.3f}, held-out accuracy {acc:.3f}")
curves.flush()
grad_view.update()
writer.close()

# %%
writer

# %% [markdown]
# ## Where does it go wrong?

# %%
net.eval()
with torch.no_grad():
    X, y = next(iter(test_loader))
    pred = net(X).argmax(dim=1)
wrong = (pred != y).nonzero().view(-1)
print(len(wrong), "of", len(y), "wrong in the first test batch")
print("true:", y[wrong[:8]].tolist())
print("pred:", pred[wrong[:8]].tolist())

# %% [markdown]
# ## Exercises
# 1. The held-out accuracy must reach at least 95 %.
# 2. `evaluate` must leave the model in training mode.

# %%
final_acc = evaluate(net, test_loader)
assert final_acc >= 0.95, final_acc
net.train()
evaluate(net, test_loader)
assert net.training
print("all checks passed")

# %% [markdown]
# ## Summary
# - The training loop is zero_grad → forward → loss → backward → step, repeated over batches and epochs.
# - Evaluate under `torch.no_grad()` and in `eval()` mode, then switch back with `train()`.
# - Live curves and gradient views show whether training is healthy while it runs.
