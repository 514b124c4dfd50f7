# A tour of torch.optim on a small regression: each optimizer from the same start, 20 steps, then the weights
import torch
from torch import nn, optim

torch.manual_seed(0)
X = torch.randn(32, 3)
true_w = torch.tensor([[1.5], [-2.0], [0.5]])
y = X @ true_w + 0.3 + 0.1 * torch.randn(32, 1)
start = nn.Linear(3, 1).state_dict()
configs = [
    (optim.SGD, dict(lr=0.1)), (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    (optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.1)), (optim.Adam, dict(lr=0.05)),
    (optim.Adam, dict(lr=0.05, amsgrad=True, weight_decay=0.01)), (optim.AdamW, dict(lr=0.05)),
    (optim.Adagrad, dict(lr=0.3, lr_decay=0.01)), (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (optim.Adadelta, dict(lr=1.0, rho=0.9)),
]
loss_fn = nn.MSELoss()
for cls, kw in configs:
    model = nn.Linear(3, 1)
    model.load_state_dict(start)
    opt = cls(model.parameters(), **kw)
    losses = []
    for step in range(20):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 4))
    print(cls.__name__, kw)
    print('  losses', losses[::5], 'final weight', model.weight.data, 'bias', model.bias.data)
    print('  state keys', sorted(opt.state[model.weight].keys()), opt.param_groups[0]['lr'])


def closure():
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    return loss


model = nn.Linear(3, 1)
model.load_state_dict(start)
opt = optim.SGD(model.parameters(), lr=0.1)
print(opt.step(closure), opt.step(closure))
opt.add_param_group({'params': [nn.Parameter(torch.zeros(2))], 'lr': 0.5})
print(len(opt.param_groups), opt.param_groups[1]['lr'], opt.param_groups[1]['momentum'])
opt.zero_grad(set_to_none=True)
print(model.weight.grad)
try:
    optim.SGD([], lr=0.1)
except ValueError as e:
    print(type(e).__name__, e)
try:
    optim.Adam(model.parameters(), lr=-0.1)
except ValueError as e:
    print(type(e).__name__, e)
