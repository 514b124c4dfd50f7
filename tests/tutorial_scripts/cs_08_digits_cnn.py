# Course demo: a small CNN on scikit-learn's offline 8x8 digits, trained with Adam (converges as in torch)
import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_digits

torch.manual_seed(0)
digits = load_digits()
X = torch.tensor(digits.images[:512], dtype=torch.float32).unsqueeze(1) / 16.0
y = torch.tensor(digits.target[:512])
X_test = torch.tensor(digits.images[1500:1700], dtype=torch.float32).unsqueeze(1) / 16.0
y_test = torch.tensor(digits.target[1500:1700])
print(X.shape, y[:10], X.dtype, y.dtype)
train_loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True)
net = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 2 * 2, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 10))
print(net)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-2)
num_epochs = 5
for epoch in range(num_epochs):
    net.train()
    total, n = 0.0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = loss_fn(net(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
        n += len(xb)
    net.eval()
    with torch.no_grad():
        acc = (net(X_test).argmax(1) == y_test).float().mean().item()
    print(f'epoch {epoch + 1}: train loss {total / n:.3f}, test acc {acc:.3f}')
with torch.no_grad():
    print(net(X_test[:3]).softmax(1).round(decimals=2))
