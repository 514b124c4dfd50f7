# Learning-rate schedulers tutorial: lr per epoch with get_last_lr()
import torch
from torch import nn, optim
from torch.optim import lr_scheduler

torch.manual_seed(0)
model = nn.Linear(2, 1)
x, y = torch.randn(8, 2), torch.randn(8, 1)


def run(make_sched, epochs=6, opt_cls=optim.SGD, **kw):
    opt = opt_cls(model.parameters(), lr=0.1, **kw)
    sched = make_sched(opt)
    lrs = []
    for epoch in range(epochs):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        lrs.append([round(v, 8) for v in sched.get_last_lr()])
        if isinstance(sched, lr_scheduler.ReduceLROnPlateau):
            sched.step(1.0)
        else:
            sched.step()
    print(type(sched).__name__, lrs)


run(lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5))
run(lambda o: lr_scheduler.MultiStepLR(o, milestones=[1, 4], gamma=0.1))
run(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9))
run(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.01))
run(lambda o: lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch))
run(lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=1, factor=0.5), epochs=8)
run(lambda o: lr_scheduler.StepLR(o, step_size=1), opt_cls=optim.Adam)
opt = optim.SGD(model.parameters(), lr=0.1)
s = lr_scheduler.StepLR(opt, step_size=3)
print(s.state_dict(), s.last_epoch, opt.param_groups[0]['initial_lr'])
print(model.weight, model.bias)
