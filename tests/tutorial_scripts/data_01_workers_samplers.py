# DataLoader with worker processes, weighted/subset samplers, collate_fn, and schedulers used in tutorials
import torch
from torch.utils.data import (DataLoader, TensorDataset, WeightedRandomSampler, SubsetRandomSampler,
                              default_collate)
from torch.optim import lr_scheduler

ds = TensorDataset(torch.arange(12.).view(6, 2), torch.tensor([0, 1, 0, 1, 1, 0]))
print([y.tolist() for _, y in DataLoader(ds, batch_size=4, num_workers=2)])
torch.manual_seed(0)
print([y.tolist() for _, y in DataLoader(ds, batch_size=2, shuffle=True, num_workers=2)])
torch.manual_seed(0)
print(list(WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], num_samples=6, replacement=True)))
torch.manual_seed(0)
print(list(SubsetRandomSampler([0, 2, 4])))
print(default_collate([(1, 2.0), (3, 4.0)]), default_collate([{'a': torch.ones(2)}, {'a': torch.zeros(2)}]))


def pad_collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs), torch.tensor(ys) * 10


print(next(iter(DataLoader(ds, batch_size=3, collate_fn=pad_collate))))
model = torch.nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=8)
lrs = []
for _ in range(8):
    opt.step()
    lrs.append(round(sched.get_last_lr()[0], 6))
    sched.step()
print(lrs, round(opt.param_groups[0]['momentum'], 6))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3)
print([round(sched.get_last_lr()[0], 6) for _ in range(7) if (opt.step() or True) and (sched.step() or True)])
opt = torch.optim.SGD(model.parameters(), lr=0.1)
sched = lr_scheduler.SequentialLR(opt, [lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=2),
                                        lr_scheduler.ExponentialLR(opt, gamma=0.5)], milestones=[2])
out = []
for _ in range(5):
    opt.step()
    out.append(round(sched.get_last_lr()[0], 6))
    sched.step()
print(out)
