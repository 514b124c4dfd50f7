# nn.Module API tour: children, modules, buffers, state_dict, train/eval, apply, hooks, containers
from collections import OrderedDict
import torch
from torch import nn

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.ModuleDict({'fc': nn.Linear(4 * 3 * 3, 5), 'act': nn.Softmax(dim=1)})
        self.extra = nn.ModuleList([nn.Linear(5, 5) for _ in range(2)])
        self.register_buffer('steps', torch.zeros(1))
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x):
        x = self.features(x).flatten(1)
        x = self.head['fc'](x)
        for layer in self.extra:
            x = layer(x)
        return self.head['act'](x * self.scale)


net = Net()
print(net)
print([n for n, _ in net.named_children()])
print([n for n, _ in net.named_modules()])
print([(n, tuple(p.shape)) for n, p in net.named_parameters()])
print([n for n, _ in net.named_buffers()])
print(list(net.state_dict().keys()))
print(sum(p.numel() for p in net.parameters()), sum(p.numel() for p in net.parameters() if p.requires_grad))
print(net.training, net.eval().training, net.features[1].training, net.train().training)


def init_weights(m):
    if isinstance(m, nn.Linear):
        torch.nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)
        print('init', m)


net.apply(init_weights)
x = torch.randn(2, 1, 8, 8)
acts = {}
handle = net.features.register_forward_hook(lambda m, i, o: acts.update(features=o.shape))
pre = net.head['fc'].register_forward_pre_hook(lambda m, i: print('pre-hook', i[0].shape))
out = net(x)
print(acts, out.sum(1))
handle.remove()
pre.remove()
grads = []
net.head['fc'].register_full_backward_hook(lambda m, gi, go: grads.append((gi[0].shape, go[0].shape)))
out[:, 0].sum().backward()
print(grads)
print(net.features[1].running_mean, net.features[1].num_batches_tracked)
net.features.requires_grad_(False)
print([n for n, p in net.named_parameters() if p.requires_grad])
net.zero_grad()
print(net.scale.grad, net.features[0].weight.grad)
seq = nn.Sequential(OrderedDict([('conv1', nn.Conv2d(1, 20, 5)), ('relu1', nn.ReLU())]))
print(seq, seq.conv1, len(seq), seq[-1], seq[0:1])
seq.append(nn.Flatten())
print(seq)
ml = nn.ModuleList([nn.ReLU()])
ml.extend([nn.Tanh()])
ml.insert(0, nn.Sigmoid())
print(ml, len(ml))
print(nn.Linear(2, 3).weight.dtype, nn.Linear(2, 3).double().weight.dtype, nn.Linear(2, 3, bias=False).bias)
try:
    nn.Linear(2, 3)(torch.ones(4, 5))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    net.nonexistent
except AttributeError as e:
    print(type(e).__name__, e)
