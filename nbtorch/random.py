"""Random number generation: ``manual_seed``, ``Generator`` and the arrays behind rand/randn/...

All randomness in nbtorch flows through a ``Generator`` (the global
``default_generator`` unless one is passed), so ``manual_seed`` makes every
random function reproducible.
"""
import numpy as np


class Generator:
    def __init__(self, device='cpu'):
        self.device = device
        self._seed = 67280421310721
        self._rs = np.random.RandomState(self._seed & 0xFFFFFFFF)

    def manual_seed(self, seed):
        seed = int(seed)
        self._seed = seed
        self._rs = np.random.RandomState(seed & 0xFFFFFFFF)
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy) & ((1 << 63) - 1)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from ._tensor import Tensor
        import pickle
        return Tensor._wrap(np.frombuffer(pickle.dumps(self._rs.get_state()), np.uint8).copy())

    def set_state(self, state):
        import pickle
        self._rs.set_state(pickle.loads(state._data.tobytes()))
        return self


default_generator = Generator()


def _gen(generator):
    return (generator or default_generator)._rs


def manual_seed(seed):
    """Seed nbtorch's global generator (and return it, as torch does)."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def uniform_array(shape, low, high, np_dtype, generator=None):
    return (_gen(generator).random_sample(shape) * (high - low) + low).astype(np_dtype)


def normal_array(shape, mean, std, np_dtype, generator=None):
    return (_gen(generator).standard_normal(shape) * std + mean).astype(np_dtype)


def random_array(shape, low, high, np_dtype, generator=None):
    if high is None:
        high = low
        low = 0
        if high == 0:
            high = 2 ** 24 if np.dtype(np_dtype).kind == 'f' else np.iinfo(np_dtype).max
    return _gen(generator).randint(low, high, size=shape).astype(np_dtype)


def bernoulli_array(shape, p, np_dtype, generator=None):
    return (_gen(generator).random_sample(shape) < p).astype(np_dtype)


def randperm_array(n, generator=None):
    return _gen(generator).permutation(n).astype(np.int64)
