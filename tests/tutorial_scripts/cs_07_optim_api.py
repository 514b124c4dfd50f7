# Course source 000: torch.optim signatures (with the notes' typos), StepLR, clip_grad_norm_
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(3, 2)
params = list(model.parameters())
for make in [lambda: torch.optim.SGD(params, lr=0.01, mementum=0, dampening=0, weight_decay=0, nesterov=False),
             lambda: torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_deacy=0),
             lambda: torch.optim.SGD(params, lr=0.01, momentum=0, dampening=0, weight_decay=0, nesterov=True),
             lambda: torch.optim.SGD(params, lr=-1),
             lambda: torch.optim.Adam(params, betas=(1.0, 0.999))]:
    try:
        print(make())
    except Exception as e:
        print(type(e).__name__, e)
opts = [torch.optim.Adadelta(params, lr=1.0, rho=0.9, eps=1e-06, weight_decay=0),
        torch.optim.Adagrad(params, lr=0.01, lr_decay=0, weight_decay=0),
        torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0),
        torch.optim.SGD(params, lr=0.01, momentum=0.9, dampening=0, weight_decay=0, nesterov=False),
        torch.optim.AdamW(params), torch.optim.RMSprop(params)]
for o in opts:
    print(o)
    print(sorted(o.defaults))

x = torch.randn(5, 3)
y = torch.randn(5, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1, last_epoch=-1)
for epoch in range(5):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    print(epoch, total, scheduler.get_last_lr(), optimizer.param_groups[0]['lr'])
    optimizer.step()
    scheduler.step()
print(model.weight, model.bias)
print(optimizer.state_dict()['param_groups'])
print(scheduler.state_dict())
