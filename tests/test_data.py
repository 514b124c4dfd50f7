"""utils.data against torch.utils.data: datasets, samplers, collate, DataLoader batches, order and errors."""
import collections
import random

import numpy as np
import pytest
import torch
import torch.utils.data as TD

import nbtorch
import nbtorch.utils.data as ND
from helpers import to_np


def same(nb, th):
    """Recursively equal: containers of the same kind, tensors with equal dtype, shape and values."""
    if isinstance(th, torch.Tensor):
        assert isinstance(nb, nbtorch.Tensor), type(nb)
        assert str(nb.dtype).split('.')[-1] == str(th.dtype).split('.')[-1]
        assert tuple(nb.shape) == tuple(th.shape)
        np.testing.assert_array_equal(to_np(nb), to_np(th))
    elif isinstance(th, dict):
        assert type(nb).__name__ == type(th).__name__ and list(nb) == list(th)
        for k in th:
            same(nb[k], th[k])
    elif isinstance(th, (list, tuple)):
        assert type(nb).__name__ == type(th).__name__ and len(nb) == len(th), (nb, th)
        for a, b in zip(nb, th):
            same(a, b)
    else:
        assert nb == th and type(nb) is type(th)


def both(fn):
    """Run fn(lib, data) with torch and nbtorch and compare the results."""
    nbtorch.manual_seed(0)
    torch.manual_seed(0)
    th = fn(torch, TD)
    nb = fn(nbtorch, ND)
    same(nb, th)
    return nb


def tensor_ds(lib, D, n=11):
    x = lib.arange(n * 3, dtype=lib.float32).reshape(n, 3)
    return D.TensorDataset(x, lib.arange(n))


# ---------------------------------------------------------------- datasets
def test_tensor_dataset():
    both(lambda lib, D: [tensor_ds(lib, D)[i] for i in (0, 5, -1)] + [len(tensor_ds(lib, D))])


def test_tensor_dataset_size_mismatch():
    for D, lib in ((TD, torch), (ND, nbtorch)):
        with pytest.raises(AssertionError, match="Size mismatch between tensors"):
            D.TensorDataset(lib.zeros(3, 2), lib.zeros(4))


def test_subset_concat_and_add():
    def f(lib, D):
        ds = tensor_ds(lib, D)
        sub = D.Subset(ds, [4, 2, 9])
        cat = D.ConcatDataset([sub, ds])
        plus = sub + sub
        return [sub[1], len(sub), len(cat), cat[2], cat[3], cat[-1], cat.cumulative_sizes, len(plus), plus[4]]
    both(f)
    for D, lib in ((TD, torch), (ND, nbtorch)):
        with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
            D.ConcatDataset([tensor_ds(lib, D)])[-12]


@pytest.mark.parametrize('lengths', [[3, 8], [0.3, 0.7], [0.5, 0.25, 0.25], [0.34, 0.33, 0.33]])
def test_random_split(lengths):
    def f(lib, D):
        parts = D.random_split(tensor_ds(lib, D), lengths)
        g = lib.Generator().manual_seed(42)
        parts2 = D.random_split(range(11), lengths, generator=g)
        return [list(p.indices) for p in parts] + [[len(p) for p in parts]] + [list(p.indices) for p in parts2]
    both(f)


def test_random_split_errors():
    for D in (TD, ND):
        with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
            D.random_split(range(10), [3, 3])
        with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
            D.random_split(range(10), [0.5, 1.5, -1.0])


# ---------------------------------------------------------------- samplers
def test_samplers_equal_torch():
    def f(lib, D):
        g = lib.Generator().manual_seed(7)
        out = [list(D.SequentialSampler(range(5))), list(D.RandomSampler(range(10))),
               list(D.RandomSampler(range(10), generator=g)),
               list(D.RandomSampler(range(10), replacement=True, num_samples=70)),
               list(D.RandomSampler(range(6), num_samples=15)),
               list(D.SubsetRandomSampler([3, 5, 7, 9, 11])),
               list(D.WeightedRandomSampler([0.1, 0.5, 2.0, 0.3], 25)),
               list(D.WeightedRandomSampler([0.1, 0.5, 2.0, 0.3], 3, replacement=False)),
               list(D.BatchSampler(range(10), 3, False)), list(D.BatchSampler(range(10), 3, True)),
               len(D.BatchSampler(range(10), 3, False)), len(D.BatchSampler(range(10), 3, True)),
               len(D.RandomSampler(range(6), num_samples=15))]
        return out
    both(f)


@pytest.mark.parametrize('make', [
    lambda D: D.RandomSampler(range(3), replacement=1),
    lambda D: D.RandomSampler(range(3), num_samples=0),
    lambda D: D.BatchSampler(range(3), 0, False),
    lambda D: D.BatchSampler(range(3), 2, drop_last=None),
    lambda D: D.WeightedRandomSampler([1.0, 2.0], num_samples=-1),
    lambda D: D.WeightedRandomSampler([[1.0, 2.0]], num_samples=1),
])
def test_sampler_errors_match_torch(make):
    with pytest.raises(Exception) as th:
        make(TD)
    with pytest.raises(type(th.value)) as nb:
        make(ND)
    assert str(nb.value) == str(th.value)


# ---------------------------------------------------------------- collate
Point = collections.namedtuple('Point', ['x', 'y'])


@pytest.mark.parametrize('make_batch', [
    lambda lib: [lib.ones(2, 3), lib.zeros(2, 3)],
    lambda lib: [1.5, 2.0, -3.25],
    lambda lib: [1, 2, 3],
    lambda lib: [True, False],
    lambda lib: [np.arange(3, dtype=np.float32), np.ones(3, np.float32)],
    lambda lib: [np.int64(3), np.int64(5)],
    lambda lib: [np.float32(3.5), np.float32(5)],
    lambda lib: ['a', 'bc'],
    lambda lib: [(lib.ones(2), 1), (lib.zeros(2), 0)],
    lambda lib: [[lib.ones(2), 1.0], [lib.zeros(2), 0.5]],
    lambda lib: [{'img': lib.ones(2), 'label': 3, 'name': 'a'}, {'img': lib.zeros(2), 'label': 1, 'name': 'b'}],
    lambda lib: [collections.OrderedDict(a=1.0, b=np.zeros(2)), collections.OrderedDict(a=2.0, b=np.ones(2))],
    lambda lib: [Point(lib.ones(1), 2), Point(lib.zeros(1), 3)],
    lambda lib: [{'nested': [(1, 2.0), (3, 4.0)]}, {'nested': [(5, 6.0), (7, 8.0)]}],
], ids=['tensors', 'floats', 'ints', 'bools', 'ndarrays', 'np_int', 'np_float32', 'strings', 'tuples', 'lists',
        'dicts', 'ordereddict', 'namedtuple', 'nested'])
def test_default_collate_equals_torch(make_batch):
    nb = ND.default_collate(make_batch(nbtorch))
    th = TD.default_collate(make_batch(torch))
    if isinstance(th, Point):
        assert isinstance(nb, Point)
        th, nb = tuple(th), tuple(nb)
    same(nb, th)


def test_default_collate_errors():
    for D, lib in ((TD, torch), (ND, nbtorch)):
        with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy arrays, numbers, "
                                            "dicts or lists; found <class 'object'>"):
            D.default_collate([object(), object()])
        with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
            D.default_collate([[1, 2], [1]])
        with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
            D.default_collate([lib.ones(2), lib.ones(3)])
        with pytest.raises(TypeError, match="default_collate: batch must contain"):
            D.default_collate([np.array(['a']), np.array(['b'])])


def test_default_convert():
    for x in [np.arange(3), {'a': np.ones(2)}, (np.ones(1), 2), 'str', 3.0]:
        same(ND.default_convert(x), TD.default_convert(x))


# ---------------------------------------------------------------- DataLoader
class Squares(object):
    """A plain map-style dataset (not even a Dataset subclass), returning tuples of mixed types."""

    def __init__(self, lib, n=13):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.lib.full((2,), float(i)), i * i, {'i': float(i)}


@pytest.mark.parametrize('kwargs', [
    dict(), dict(batch_size=4), dict(batch_size=4, drop_last=True), dict(batch_size=5, shuffle=True),
    dict(batch_size=3, shuffle=True, drop_last=True), dict(batch_size=None), dict(batch_size=4, num_workers=2),
    dict(batch_size=4, shuffle=True, num_workers=3, persistent_workers=True, pin_memory=True),
])
def test_dataloader_batches_equal_torch(kwargs):
    """Same batches (values, dtypes, structure) and, with shuffle, the same order as torch after manual_seed."""
    def f(lib, D):
        loader = D.DataLoader(Squares(lib), **kwargs)
        epochs = [list(loader) for _ in range(3)]
        return [len(loader)] + epochs + [lib.rand(3)]   # the global RNG ends in the same state
    both(f)


def test_shuffle_with_generator_equals_torch_and_is_reproducible():
    def f(lib, D):
        g = lib.Generator().manual_seed(123)
        loader = D.DataLoader(tensor_ds(lib, D, 20), batch_size=6, shuffle=True, generator=g)
        return [[b[1] for b in loader] for _ in range(2)] + [g.initial_seed()]
    both(f)
    a, b = f(nbtorch, ND), f(nbtorch, ND)      # a generator seeded alike gives the same epochs
    for x, y in zip(a[:2], b[:2]):
        for u, v in zip(x, y):
            assert u.tolist() == v.tolist()


def test_num_workers_give_same_batches_as_zero():
    ds = Squares(nbtorch, 17)
    nbtorch.manual_seed(5)
    zero = [b[1].tolist() for b in ND.DataLoader(ds, batch_size=3, shuffle=True)]
    for w in (1, 2, 4):
        nbtorch.manual_seed(5)
        assert [b[1].tolist() for b in ND.DataLoader(ds, batch_size=3, shuffle=True, num_workers=w)] == zero


def test_worker_info_and_worker_init_fn():
    seen = []

    class Recorder(ND.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            info = ND.get_worker_info()
            return info.id, info.num_workers, i

    loader = ND.DataLoader(Recorder(), batch_size=2, num_workers=2, worker_init_fn=lambda wid: seen.append(wid))
    batches = [[t.tolist() for t in b] for b in loader]
    assert seen == [0, 1]
    assert batches == [[[0, 0], [2, 2], [0, 1]], [[1, 1], [2, 2], [2, 3]], [[0, 0], [2, 2], [4, 5]]]
    assert ND.get_worker_info() is None
    loader = ND.DataLoader(Recorder(), batch_size=2, num_workers=2, worker_init_fn=lambda wid: seen.append(wid),
                           persistent_workers=True)
    list(loader), list(loader)
    assert seen == [0, 1, 0, 1]          # persistent workers are initialised once


def test_worker_random_state_is_per_worker_and_seeded_like_torch():
    """Inside worker k, torch seeds the generator with base_seed + k; the main process RNG is untouched."""
    class Noise(object):
        def __init__(self, lib):
            self.lib = lib

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return self.lib.rand(1), random.random()

    def f(lib, D):
        loader = D.DataLoader(Noise(lib), batch_size=2, num_workers=2)
        return [list(loader)] + [lib.rand(2)]
    nbtorch.manual_seed(0)
    torch.manual_seed(0)
    th = f(torch, TD)
    nbtorch.manual_seed(0)
    nb = f(nbtorch, ND)
    # workers' draws equal torch's (seed base_seed + worker_id), and so does the main process afterwards
    same(nb[1], th[1])
    for b_nb, b_th in zip(nb[0], th[0]):
        np.testing.assert_array_equal(to_np(b_nb[0]), to_np(b_th[0]))
        np.testing.assert_allclose(to_np(b_nb[1]), to_np(b_th[1]))


class Stream(ND.IterableDataset):
    def __init__(self, n, with_len=False):
        self.n = n
        if with_len:
            self.__len__ = lambda: n

    def __iter__(self):
        info = ND.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))


class TStream(TD.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = TD.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))


@pytest.mark.parametrize('kwargs', [dict(batch_size=4), dict(batch_size=4, drop_last=True), dict(batch_size=None),
                                    dict(batch_size=3, num_workers=2)])
def test_iterable_dataset_equals_torch(kwargs):
    th = [b.tolist() if isinstance(b, torch.Tensor) else b for b in TD.DataLoader(TStream(10), **kwargs)]
    nb = [b.tolist() if isinstance(b, nbtorch.Tensor) else b for b in ND.DataLoader(Stream(10), **kwargs)]
    assert nb == th


def test_len_of_iterable_loader_without_len_raises_type_error():
    with pytest.raises(TypeError):
        len(TD.DataLoader(TStream(10), batch_size=2))
    with pytest.raises(TypeError, match="has no len"):
        len(ND.DataLoader(Stream(10), batch_size=2))

    class Sized(ND.IterableDataset):
        def __iter__(self):
            return iter(range(10))

        def __len__(self):
            return 10
    assert len(ND.DataLoader(Sized(), batch_size=3)) == 4
    assert len(ND.DataLoader(Sized(), batch_size=3, drop_last=True)) == 3


def test_next_iter_and_sampler_options():
    def f(lib, D):
        ds = tensor_ds(lib, D, 10)
        out = [next(iter(D.DataLoader(ds, batch_size=4)))]
        out.append(list(D.DataLoader(ds, sampler=[9, 1, 4], batch_size=2)))
        out.append(list(D.DataLoader(ds, batch_sampler=[[0, 1], [7, 8, 9]])))
        out.append(list(D.DataLoader(ds, batch_size=3, sampler=D.SubsetRandomSampler([1, 3, 5, 7]))))
        out.append(list(D.DataLoader(ds, batch_size=3, collate_fn=lambda b: len(b))))
        out.append(len(D.DataLoader(ds, batch_sampler=[[0, 1], [7, 8, 9]])))
        return out
    both(f)


# ---------------------------------------------------------------- errors (issue 7: DataLoader misuse)
@pytest.mark.parametrize('make', [
    lambda lib, D, ds: D.DataLoader(ds, batch_size=0),
    lambda lib, D, ds: D.DataLoader(ds, batch_size=-2),
    lambda lib, D, ds: D.DataLoader(ds, shuffle=True, sampler=D.SequentialSampler(ds)),
    lambda lib, D, ds: D.DataLoader(ds, batch_size=4, batch_sampler=[[0, 1]]),
    lambda lib, D, ds: D.DataLoader(ds, shuffle=True, batch_sampler=[[0, 1]]),
    lambda lib, D, ds: D.DataLoader(ds, sampler=[0], batch_sampler=[[0, 1]]),
    lambda lib, D, ds: D.DataLoader(ds, drop_last=True, batch_sampler=[[0, 1]]),
    lambda lib, D, ds: D.DataLoader(ds, batch_size=None, drop_last=True),
    lambda lib, D, ds: D.DataLoader(ds, num_workers=-1),
    lambda lib, D, ds: D.DataLoader(ds, persistent_workers=True),
    lambda lib, D, ds: D.DataLoader(ds, prefetch_factor=2),
    lambda lib, D, ds: D.DataLoader(ds, timeout=-1),
    lambda lib, D, ds: setattr(D.DataLoader(ds), 'batch_size', 3),
])
def test_dataloader_misuse_raises_torchs_error(make):
    with pytest.raises(Exception) as th:
        make(torch, TD, tensor_ds(torch, TD))
    with pytest.raises(type(th.value)) as nb:
        make(nbtorch, ND, tensor_ds(nbtorch, ND))
    assert str(nb.value) == str(th.value)


def test_iterable_dataset_misuse():
    for D, S in ((TD, TStream), (ND, Stream)):
        with pytest.raises(ValueError, match="expected unspecified shuffle option, but got shuffle=True"):
            D.DataLoader(S(3), shuffle=True)
        with pytest.raises(ValueError, match="expected unspecified sampler option"):
            D.DataLoader(S(3), sampler=[0])


class Broken(ND.Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == 7:
            raise KeyError(f'missing file for sample {i}')
        if i == 8:
            raise ValueError('bad pixel')
        return nbtorch.tensor(float(i))


@pytest.mark.parametrize('workers', [0, 2])
def test_error_in_getitem_names_the_index_and_keeps_the_type(workers):
    loader = ND.DataLoader(Broken(), batch_size=3, num_workers=workers)
    it = iter(loader)
    next(it), next(it)
    with pytest.raises(KeyError) as e:
        next(it)
    msg = str(e.value)
    assert 'index 7' in msg and 'Broken' in msg and 'missing file for sample 7' in msg
    assert 'Traceback' in msg and ('worker process 0' in msg if workers else True)
    assert isinstance(e.value.__cause__, KeyError)
    with pytest.raises(ValueError, match="(?s)fetching index 8 of Broken.*bad pixel"):
        list(ND.DataLoader(Broken(), batch_size=1, sampler=[8]))


def test_error_with_unusual_constructor_becomes_runtime_error():
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(a, b)

    class DS(ND.Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            raise Odd(1, 2)
    with pytest.raises(RuntimeError, match="Caught Odd in DataLoader while fetching index 0"):
        next(iter(ND.DataLoader(DS())))


def test_collate_error_is_reported():
    ds = [nbtorch.ones(2), nbtorch.ones(3)]
    with pytest.raises(RuntimeError, match="(?s)collate_fn.*stack expects each tensor to be equal size"):
        next(iter(ND.DataLoader(ds, batch_size=2)))


def test_training_loop_with_dataloader_matches_torch():
    """The tutorial loop: shuffle + SGD on a linear model gives torch's losses."""
    rs = np.random.RandomState(0)
    X, w = rs.randn(64, 3).astype(np.float32), np.array([[2.0], [-3.4], [1.0]], np.float32)
    Y = (X @ w + 4.2 + 0.01 * rs.randn(64, 1)).astype(np.float32)

    def train(lib, D):
        lib.manual_seed(0)
        ds = D.TensorDataset(lib.tensor(X), lib.tensor(Y))
        W = lib.zeros(3, 1, requires_grad=True)
        b = lib.zeros(1, requires_grad=True)
        opt = lib.optim.SGD([W, b], lr=0.05)
        losses = []
        for _ in range(3):
            for xb, yb in D.DataLoader(ds, batch_size=10, shuffle=True):
                loss = ((xb @ W + b - yb) ** 2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
        return losses
    np.testing.assert_allclose(train(nbtorch, ND), train(torch, TD), rtol=1e-5)


def test_python2_next_method_raises_attribute_error_with_hint():
    """A course typo: iter(loader).next(). torch raises AttributeError; we add how to write it."""
    with pytest.raises(AttributeError, match="_SingleProcessDataLoaderIter' object has no attribute 'next'"):
        iter(TD.DataLoader([1, 2])).next()
    with pytest.raises(AttributeError, match=r"(?s)_SingleProcessDataLoaderIter' object has no attribute 'next'.*"
                                             r"next\(iterator\)"):
        iter(ND.DataLoader([1, 2])).next()


def test_error_through_random_split_names_both_indices():
    train, _ = ND.random_split(Broken(), [7, 3], generator=nbtorch.Generator().manual_seed(0))
    bad = [i for i, j in enumerate(train.indices) if j in (7, 8)]
    with pytest.raises((KeyError, ValueError), match=r"index \d+ of Subset \(index [78] of Broken\)"):
        list(ND.DataLoader(train, batch_size=2))
    assert bad
