# Transfer learning tutorial, condensed: resnet18 (random weights: no download), new fc head, fine-tune vs
# fixed feature extractor, StepLR, on small synthetic images
import torch
import torch.nn as nn
import torch.optim as optim
from torch.optim import lr_scheduler
from torchvision import models

torch.manual_seed(0)
inputs = torch.rand(4, 3, 32, 32)
labels = torch.tensor([0, 1, 1, 0])
model_ft = models.resnet18(weights=None)
num_ftrs = model_ft.fc.in_features
model_ft.fc = nn.Linear(num_ftrs, 2)
criterion = nn.CrossEntropyLoss()
optimizer_ft = optim.SGD(model_ft.parameters(), lr=0.001, momentum=0.9)
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_ft, step_size=7, gamma=0.1)
model_ft.train()
for step in range(2):
    optimizer_ft.zero_grad()
    outputs = model_ft(inputs)
    _, preds = torch.max(outputs, 1)
    loss = criterion(outputs, labels)
    loss.backward()
    optimizer_ft.step()
    print(step, f'{loss.item():.4f}', preds, torch.sum(preds == labels.data).item())
exp_lr_scheduler.step()
print(model_ft.bn1.running_mean[:4], model_ft.layer4[1].bn2.num_batches_tracked)
model_conv = models.resnet18(weights=None)
for param in model_conv.parameters():
    param.requires_grad = False
model_conv.fc = nn.Linear(model_conv.fc.in_features, 2)
optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.001, momentum=0.9)
outputs = model_conv(inputs)
loss = criterion(outputs, labels)
loss.backward()
print(f'{loss.item():.4f}', model_conv.conv1.weight.grad, model_conv.fc.weight.grad.shape)
model_conv.eval()
with torch.no_grad():
    print(model_conv(inputs).argmax(1))
