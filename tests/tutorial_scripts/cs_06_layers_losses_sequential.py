# Course source 000/004: the layer families table, Sequential CIFAR model, losses, backward, optimizer
import torch
from torch import nn
from torch.nn import Conv2d, MaxPool2d, Flatten, Linear, Sequential, L1Loss, MSELoss, CrossEntropyLoss

torch.manual_seed(0)
p = nn.Parameter(torch.randn(2))
print(p, p.requires_grad, type(p).__name__)
layers = [nn.Conv2d(3, 8, 3), nn.MaxPool2d(2), nn.ReLU(), nn.BatchNorm2d(8), nn.Linear(4, 2), nn.Dropout(),
          nn.ZeroPad2d(1), nn.ReflectionPad2d((1, 0, 2, 0)), nn.RNN(4, 3), nn.LSTM(4, 3, batch_first=True),
          nn.GRU(4, 3, num_layers=2), nn.TransformerEncoderLayer(d_model=8, nhead=2), nn.Embedding(10, 3),
          nn.PairwiseDistance(), nn.CosineSimilarity(dim=0), nn.BatchNorm1d(5, eps=1e-3, momentum=0.2, affine=False),
          nn.LayerNorm([4]), nn.Dropout2d(0.2), nn.Identity(), nn.Unflatten(1, (2, 2)), nn.ConstantPad2d(2, 3.5),
          nn.AvgPool2d(2), nn.AdaptiveAvgPool2d((1, 1)), nn.GELU(), nn.Tanh(), nn.LogSoftmax(dim=1),
          nn.ConvTranspose2d(4, 2, 3, stride=2), nn.Conv1d(2, 4, 3, padding=1), nn.MaxPool1d(2),
          nn.Conv3d(1, 2, 3), nn.MultiheadAttention(8, 2), nn.Flatten(0, 1)]
for layer in layers:
    print(layer)
print([k for k, _ in nn.TransformerEncoderLayer(d_model=8, nhead=2).named_parameters()])
print([(k, tuple(v.shape)) for k, v in nn.LSTM(4, 3, num_layers=2, bidirectional=True).state_dict().items()])


class Tudui(nn.Module):
    def __init__(self):
        super(Tudui, self).__init__()
        self.model1 = Sequential(
            Conv2d(3, 32, 5, padding=2),
            MaxPool2d(2),
            Conv2d(32, 32, 5, padding=2),
            MaxPool2d(2),
            Conv2d(32, 64, 5, padding=2),
            MaxPool2d(2),
            Flatten(),
            Linear(1024, 64),
            Linear(64, 10)
        )

    def forward(self, x):
        x = self.model1(x)
        return x


tudui = Tudui()
print(tudui)
input = torch.ones((64, 3, 32, 32))
output = tudui(input)
print(output.shape)
print(output[0])

inputs = torch.tensor([1, 2, 3], dtype=torch.float32)
targets = torch.tensor([1, 2, 5], dtype=torch.float32)
inputs = torch.reshape(inputs, (1, 1, 1, 3))
targets = torch.reshape(targets, (1, 1, 1, 3))
loss = L1Loss(reduction='sum')
result = loss(inputs, targets)
loss_mse = MSELoss()
result_mse = loss_mse(inputs, targets)
print(result, result_mse)
x = torch.tensor([0.1, 0.2, 0.3])
y = torch.tensor([1])
x = torch.reshape(x, (1, 3))
loss_cross = CrossEntropyLoss()
result_cross = loss_cross(x, y)
print(result_cross)
print(nn.BCEWithLogitsLoss()(torch.tensor([0.5, -1.0]), torch.tensor([1.0, 0.0])))

imgs = torch.rand(8, 3, 32, 32)
labels = torch.randint(0, 10, (8,))
optim = torch.optim.SGD(tudui.parameters(), lr=0.01)
for epoch in range(3):
    running_loss = 0.0
    for i in range(2):
        outputs = tudui(imgs[4 * i:4 * i + 4])
        result_loss = loss_cross(outputs, labels[4 * i:4 * i + 4])
        optim.zero_grad()
        result_loss.backward()
        optim.step()
        running_loss = running_loss + result_loss
    print(running_loss)
print(tudui.model1[0].bias.grad)
