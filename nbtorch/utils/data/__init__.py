"""``nbtorch.utils.data``: datasets, samplers and the DataLoader, with torch.utils.data's names."""
from .dataset import Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset, random_split
from .sampler import (Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler,
                      BatchSampler)
from .dataloader import DataLoader, get_worker_info, WorkerInfo
from ._collate import default_collate, default_convert

__all__ = ['Dataset', 'IterableDataset', 'TensorDataset', 'Subset', 'ConcatDataset', 'ChainDataset',
           'random_split', 'Sampler', 'SequentialSampler', 'RandomSampler', 'SubsetRandomSampler',
           'WeightedRandomSampler', 'BatchSampler', 'DataLoader', 'get_worker_info', 'WorkerInfo',
           'default_collate', 'default_convert']
