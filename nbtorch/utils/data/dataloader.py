"""``DataLoader``: iterate over a dataset in (shuffled) batches.

How one epoch runs, as in torch:
1. ``iter(loader)`` draws a base seed from the loader's generator (the global one by default);
2. the sampler yields indices (``RandomSampler`` when ``shuffle=True``), the ``BatchSampler`` groups them;
3. for each batch, the samples ``dataset[i]`` are fetched and merged by ``collate_fn``.

Workers.  nbtorch does not start processes: with ``num_workers > 0`` the workers are *simulated in the
main process*.  Batch k is fetched by worker ``k % num_workers``, in order, so the batches are exactly
the ones ``num_workers=0`` gives.  Each worker still behaves like torch's: ``worker_init_fn(worker_id)``
runs once per worker (once in all with ``persistent_workers=True``), ``get_worker_info()`` answers
inside the dataset, and each worker has its own random state, seeded ``base_seed + worker_id`` (for
nbtorch's generator and Python's ``random``), which the main process's random state never sees.
There is no speed-up; this keeps notebooks simple (no pickling of datasets defined in a cell) and
errors easy to read.  ``pin_memory``, ``timeout``, ``prefetch_factor`` and ``multiprocessing_context``
are accepted and have no effect.
"""
import random as _pyrandom
import traceback

from ... import random as _random
from ..._tensor import Tensor
from .dataset import IterableDataset, Subset
from .sampler import SequentialSampler, RandomSampler, BatchSampler, _draw_seed
from ._collate import default_collate, default_convert

__all__ = ['DataLoader', 'get_worker_info', 'WorkerInfo', 'default_collate', 'default_convert']


class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: id, num_workers, seed, dataset."""
    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{self.__class__.__name__}({', '.join(items)})"


_worker_info = None


def get_worker_info():
    """Inside a DataLoader worker: a ``WorkerInfo``; in the main process: None."""
    return _worker_info


class _InfiniteConstantSampler:
    """For an iterable dataset: an endless stream of None 'indices' (the dataset decides when to stop)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Combine a dataset and a sampler; iterate over batches.

    Args (torch's): dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
    collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
    multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
    pin_memory_device='', in_order=True.  See the module docstring for how workers are run.
    """
    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device='', in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = 'iterable'
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = 'map'

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                                 "drop_last")

        if sampler is None:
            if self._dataset_kind == 'iterable':
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)   # checks batch_size > 0

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._worker_states = None          # kept between epochs when persistent_workers=True
        self.__initialized = True

    def __setattr__(self, attr, val):
        if self.__initialized and attr in ('batch_size', 'batch_sampler', 'sampler', 'drop_last', 'dataset',
                                           'persistent_workers'):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        return _MultiProcessingDataLoaderIter(self)

    def __len__(self):
        if self._dataset_kind == 'iterable':
            if not hasattr(self.dataset, '__len__'):
                raise TypeError(f"object of type '{type(self.dataset).__name__}' has no len(): this DataLoader "
                                "reads an IterableDataset (a stream), whose length is unknown unless the dataset "
                                "defines __len__")
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else -(-length // self.batch_size)
            return length
        return len(self._index_sampler)


class _Worker:
    """One simulated worker: its id, its own random states, and (iterable datasets) its own iterator."""

    def __init__(self, loader, worker_id, base_seed):
        self.id = worker_id
        self.seed = base_seed + worker_id
        self.info = WorkerInfo(id=worker_id, num_workers=loader.num_workers, seed=self.seed, dataset=loader.dataset)
        saved = _random.default_generator.get_state(), _pyrandom.getstate()
        try:
            _random.default_generator.manual_seed(self.seed)
            _pyrandom.seed(self.seed)
            self.rng = (_random.default_generator.get_state(), _pyrandom.getstate())
        finally:
            _random.default_generator.set_state(saved[0])
            _pyrandom.setstate(saved[1])
        self._dataset_iter = None
        self.done = False

    def run(self, fn, *args):
        """Run ``fn`` as this worker: with its WorkerInfo and its random state swapped in."""
        global _worker_info
        saved = _random.default_generator.get_state(), _pyrandom.getstate()
        _random.default_generator.set_state(self.rng[0])
        _pyrandom.setstate(self.rng[1])
        _worker_info = self.info
        try:
            return fn(*args)
        finally:
            _worker_info = None
            self.rng = (_random.default_generator.get_state(), _pyrandom.getstate())
            _random.default_generator.set_state(saved[0])
            _pyrandom.setstate(saved[1])


def _reraise(exc, where):
    """torch's ExceptionWrapper: the same exception type, the message naming where it happened, and the
    original traceback.  (Exceptions whose constructor needs other arguments become a RuntimeError.)"""
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        raise exc
    tb = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    msg = f"Caught {type(exc).__name__} {where}.\nOriginal {tb}"
    if type(exc) is KeyError:
        msg = KeyErrorMessage(msg)
    try:
        new = type(exc)(msg)
    except Exception:
        raise RuntimeError(msg) from exc
    raise new from exc


def _describe(dataset, idx):
    """'index 3 of Subset (index 17 of MyDataset)': follow Subsets down to the dataset that failed."""
    text = f"index {idx} of {type(dataset).__name__}"
    while isinstance(dataset, Subset) and isinstance(idx, int):
        try:
            idx, dataset = dataset.indices[idx], dataset.dataset
        except Exception:
            break
        text += f" (index {idx} of {type(dataset).__name__})"
    return text


class KeyErrorMessage(str):
    """A str whose repr is itself, so a KeyError's message prints with real line breaks (as torch)."""

    def __repr__(self):
        return self


class _DataLoaderIter:
    """One pass over the loader (an epoch)."""

    def __init__(self, loader):
        self._loader = loader
        self._dataset = loader.dataset
        self._collate_fn = loader.collate_fn
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._sampler_iter = iter(loader._index_sampler)
        self._num_yielded = 0
        self._workers = None
        if loader.num_workers > 0 and loader.persistent_workers and loader._worker_states is not None:
            self._workers = loader._worker_states        # torch reuses them without drawing a new seed
        else:
            self._base_seed = _draw_seed(loader.generator)
            if loader.num_workers > 0:
                self._workers = [_Worker(loader, i, self._base_seed) for i in range(loader.num_workers)]
                if loader.worker_init_fn is not None:
                    for w in self._workers:
                        w.run(loader.worker_init_fn, w.id)
                if loader.persistent_workers:
                    loader._worker_states = self._workers
        if self._workers is not None:
            for w in self._workers:
                w._dataset_iter, w.done = None, False
        self._dataset_iter = None
        self._ended = False

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __getattr__(self, name):
        hint = " Did you mean next(iterator)? (it.next() was Python 2)" if name == 'next' else ""
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'.{hint}")

    def __next__(self):
        if self._ended:
            raise StopIteration
        if self._workers is None:
            data = self._fetch(self._next_index(), None) if self._loader._dataset_kind == 'map' \
                else self._fetch_iterable(None)
        else:
            data = self._next_from_workers()
        self._num_yielded += 1
        return data

    def _next_from_workers(self):
        n = len(self._workers)
        if self._loader._dataset_kind == 'map':
            # the main process draws the indices (the sampler's randomness is the main process's)
            index = self._next_index()
            worker = self._workers[self._num_yielded % n]
            return worker.run(self._fetch, index, worker)
        # iterable: each worker streams its own copy; round-robin over the workers still running
        while not all(w.done for w in self._workers):
            worker = self._workers[self._num_yielded % n]
            if worker.done:
                self._num_yielded += 1
                continue
            try:
                return worker.run(self._fetch_iterable, worker)
            except StopIteration:
                worker.done = True
                self._num_yielded += 1
        self._ended = True
        raise StopIteration

    def _next_index(self):
        try:
            return next(self._sampler_iter)
        except StopIteration:
            self._ended = True
            raise

    @staticmethod
    def _where(worker):
        return 'in DataLoader' if worker is None else f'in DataLoader worker process {worker.id}'

    def _fetch(self, index, worker):
        """The batch at ``index`` (a list of indices, or one index without auto-batching), collated."""
        where = self._where(worker)
        if self._auto_collation:
            getitems = getattr(self._dataset, '__getitems__', None)
            if isinstance(self._dataset, Subset) and not callable(getattr(self._dataset.dataset, '__getitems__',
                                                                          None)):
                getitems = None       # item by item, so that an error names the failing index
            if getitems is not None:
                try:
                    data = getitems(index)
                except Exception as e:
                    _reraise(e, f"{where} while fetching indices {index} (__getitems__ of "
                                f"{type(self._dataset).__name__})")
            else:
                data = []
                for idx in index:
                    try:
                        data.append(self._dataset[idx])
                    except Exception as e:
                        _reraise(e, f"{where} while fetching {_describe(self._dataset, idx)}")
        else:
            try:
                data = self._dataset[index]
            except Exception as e:
                _reraise(e, f"{where} while fetching {_describe(self._dataset, index)}")
        return self._collate(data, where)

    def _fetch_iterable(self, worker):
        """The next batch of an iterable dataset: up to batch_size items from the stream, collated."""
        where = self._where(worker)
        holder = self if worker is None else worker
        if holder._dataset_iter is None:
            holder._dataset_iter = iter(self._dataset)
        it = holder._dataset_iter
        if self._auto_collation:
            data = []
            for _ in range(self._loader.batch_size):
                try:
                    data.append(next(it))
                except StopIteration:
                    break
                except Exception as e:
                    _reraise(e, f"{where} while reading item {len(data)} of a batch from "
                                f"{type(self._dataset).__name__}")
            if len(data) == 0 or (self._drop_last and len(data) < self._loader.batch_size):
                if worker is None:
                    self._ended = True
                raise StopIteration
        else:
            try:
                data = next(it)
            except StopIteration:
                if worker is None:
                    self._ended = True
                raise
        return self._collate(data, where)

    def _collate(self, data, where):
        try:
            return self._collate_fn(data)
        except Exception as e:
            _reraise(e, f"{where} in collate_fn ({getattr(self._collate_fn, '__name__', 'collate_fn')})")


class _SingleProcessDataLoaderIter(_DataLoaderIter):
    """An epoch with num_workers=0 (torch's class name, so messages read the same)."""


class _MultiProcessingDataLoaderIter(_DataLoaderIter):
    """An epoch with num_workers > 0: the workers are simulated in this process (see the module docstring)."""
