# DataLoader details: default collate of numbers/arrays/dicts/tuples, samplers, generator, errors
import numpy as np
import torch
from torch.utils.data import (Dataset, DataLoader, TensorDataset, Subset, ConcatDataset, random_split,
                              SequentialSampler, RandomSampler, BatchSampler, IterableDataset)


class DictDS(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {'x': np.full(2, i, dtype=np.float32), 'y': i, 'name': f's{i}', 'w': float(i) / 2}


for batch in DataLoader(DictDS(), batch_size=2):
    print(batch)


class TupleDS(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.tensor([i, i + 1]), (i, np.int64(i * 2)), True


print(next(iter(DataLoader(TupleDS(), batch_size=3))))
print(list(SequentialSampler(range(4))), list(BatchSampler(SequentialSampler(range(7)), 3, drop_last=False)))
torch.manual_seed(0)
print(list(RandomSampler(range(6))))
g = torch.Generator().manual_seed(1)
print([b.tolist() for b, in DataLoader(TensorDataset(torch.arange(6)), batch_size=4, shuffle=True, generator=g)])
ds = TensorDataset(torch.arange(10), torch.arange(10) * 10)
print(len(Subset(ds, [1, 3])), Subset(ds, [1, 3])[1], len(ConcatDataset([ds, ds])), ConcatDataset([ds, ds])[12])
a, b = random_split(ds, [0.7, 0.3], generator=torch.Generator().manual_seed(0))
print(len(a), len(b), sorted(a.indices))
loader = DataLoader(ds, batch_sampler=BatchSampler(RandomSampler(ds), batch_size=4, drop_last=True))
print(len(loader), [x.shape for x, y in loader])
print([x for x in DataLoader(ds, batch_size=None)][:2])


class Stream(IterableDataset):
    def __iter__(self):
        return iter(range(5))


print(list(DataLoader(Stream(), batch_size=2)))
for bad in [dict(batch_size=0), dict(batch_size=2, shuffle=True, sampler=SequentialSampler(ds)),
            dict(batch_sampler=BatchSampler(SequentialSampler(ds), 2, False), batch_size=3)]:
    try:
        DataLoader(ds, **bad)
    except Exception as e:
        print(type(e).__name__, e)
try:
    TensorDataset(torch.ones(3), torch.ones(4))
except Exception as e:
    print(type(e).__name__, e)
