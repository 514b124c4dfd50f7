# Course source 003/004: F.conv2d by hand, Conv2d padding='same', groups, MaxPool2d(ceil_mode), activations
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn import Conv2d, MaxPool2d, ReLU, Sigmoid

input = torch.tensor([[1, 2, 0, 3, 1],
                      [0, 1, 2, 3, 1],
                      [1, 2, 1, 0, 0],
                      [5, 2, 3, 1, 1],
                      [2, 1, 0, 1, 1]])
kernel = torch.tensor([[1, 2, 1],
                       [0, 1, 0],
                       [2, 1, 0]])
print(input.shape)
print(kernel.shape)
input = torch.reshape(input, (1, 1, 5, 5))
kernel = torch.reshape(kernel, (1, 1, 3, 3))
print(input.shape)
print(kernel.shape)
for kw in [dict(stride=1), dict(stride=2), dict(stride=1, padding=1)]:
    try:
        print(F.conv2d(input, kernel, **kw))
    except Exception as e:
        print(type(e).__name__, e)
finput, fkernel = input.float(), kernel.float()
print(F.conv2d(finput, fkernel, stride=1))
print(F.conv2d(finput, fkernel, stride=2))
print(F.conv2d(finput, fkernel, stride=1, padding=1))

torch.manual_seed(0)
input_feat = torch.tensor([[4, 1, 7, 5], [4, 4, 2, 5], [7, 7, 2, 4], [1, 0, 2, 4]], dtype=torch.float32).unsqueeze(0).unsqueeze(0)
print(input_feat, input_feat.shape)
conv2d = nn.Conv2d(1, 1, (2, 2), stride=1, padding='same', bias=True)
output = conv2d(input_feat)
print(conv2d.weight, conv2d.bias)
print(output)
try:
    nn.Conv2d(1, 1, 3, stride=2, padding='same')
except Exception as e:
    print(type(e).__name__, e)
x = torch.rand(1, 4, 5, 5)
dw = nn.Conv2d(4, 4, 3, groups=4, padding=1)
pw = nn.Conv2d(4, 8, 1)
print(dw, pw)
print(dw.weight.shape, pw(dw(x)).shape)
try:
    nn.Conv2d(4, 6, 3, groups=4)
except Exception as e:
    print(type(e).__name__, e)


class MyNetwork(nn.Module):
    def __init__(self):
        super(MyNetwork, self).__init__()
        self.conv1 = Conv2d(in_channels=3, out_channels=6, kernel_size=3, stride=1, padding=0)
        self.maxpool1 = MaxPool2d(kernel_size=3, ceil_mode=True)

    def forward(self, x):
        x = self.conv1(x)
        return x


mynetwork = MyNetwork()
print(mynetwork)
imgs = torch.rand(4, 3, 32, 32)
output = mynetwork(imgs)
print(output.shape)
output = torch.reshape(output, (-1, 3, 30, 30))
print(output.shape)

pool_in = torch.tensor([[1, 2, 0, 3, 1],
                        [0, 1, 2, 3, 1],
                        [1, 2, 1, 0, 0],
                        [5, 2, 3, 1, 1],
                        [2, 1, 0, 1, 1]], dtype=torch.float32)
pool_in = torch.reshape(pool_in, (-1, 1, 5, 5))
print(mynetwork.maxpool1(pool_in))
print(MaxPool2d(kernel_size=3, ceil_mode=False)(pool_in))
print(MaxPool2d(2, return_indices=True)(pool_in))
print(F.max_pool2d(pool_in, 2, stride=1, dilation=2))

act_in = torch.tensor([[1, -0.5], [-1, 3]])
act_in = torch.reshape(act_in, (-1, 1, 2, 2))
print(act_in.shape)
print(ReLU()(act_in))
print(Sigmoid()(act_in))
print(nn.ReLU(inplace=True), nn.LeakyReLU(0.1), nn.Softmax(dim=1))
