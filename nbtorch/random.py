"""Random numbers that are bit-for-bit (or within one float rounding) torch's CPU numbers.

torch's CPU generator (``CPUGeneratorImpl``) is a 32-bit Mersenne Twister
(MT19937) seeded with the classic ``init_genrand(seed & 0xffffffff)``.  NumPy
ships the same engine (``np.random.MT19937``; its ``_legacy_seeding`` is
``init_genrand``), so we keep one and read its raw 32-bit outputs with
``random_raw``.  On top of that stream we repeat torch's transforms
(ATen's ``TransformationHelper.h``, ``DistributionsHelper.h`` and
``native/cpu/DistributionTemplates.h``):

- ``random()`` is one 32-bit draw; ``random64()`` is two, ``(first << 32) | second``;
- uniform float32/float16: ``(u32 & (2**digits - 1)) * 2**-digits`` (digits 24 / 11);
  uniform float64: ``(u64 & (2**53 - 1)) * 2**-53``; then ``x * (to - from) + from``
  (torch's compiler fuses that into one multiply-add, which we emulate);
- normal: tensors with 16 or more elements are filled by ``normal_fill``
  (Box-Muller over blocks of 16 uniforms, the last block recomputed from fresh
  uniforms); smaller ones by a scalar Box-Muller on float64 uniforms that
  caches its second sample in the generator for the next call;
- ``random_(from, to)``: ``u % (to - from) + from``, with ``random64()`` when
  the range needs more than 32 bits;
- ``randperm``: Fisher-Yates with ``random() % (n - i)``;
- ``bernoulli_(p)`` with a float ``p``: ``uniform64 < p``; with a tensor of
  probabilities: ``uniform32 < p``.

Parity notes: float32 ``randn`` of 16+ elements uses vectorised (AVX)
log/sin/cos in torch, so a value may differ from ours by one float32 ulp
(about 1e-7); float16 ``randn`` of 16+ elements whose size is not a multiple of
16 writes its recomputed last block differently in torch, so those last values differ.
``bernoulli_`` with a float ``p`` on an *Intel* CPU goes
through MKL's own generator in torch (seeded from this stream), so there it
cannot match; on other CPUs it matches exactly.  CUDA tensors are filled from
this same CPU stream (torch uses a different, Philox, generator on GPU).
"""
import contextlib
import secrets
import struct

import numpy as np

_U64 = np.uint64
_DEFAULT_SEED = 67280421310721          # torch's default_rng_seed_val


class Generator:
    """torch.Generator: an MT19937 stream plus torch's cached normal sample.

    ``torch.Generator().manual_seed(0)`` gives the same numbers as the
    global generator after ``torch.manual_seed(0)``.
    """

    def __init__(self, device='cpu'):
        from ._device import device as _device
        self.device = _device(device)
        self.manual_seed(_DEFAULT_SEED)

    # ---------------------------------------------------------------- seeding
    def manual_seed(self, seed):
        """Seed the engine with ``seed`` (any int; negative ones wrap to uint64 as in torch)."""
        seed = int(seed)
        if not -(1 << 63) <= seed < (1 << 64):
            raise RuntimeError(f"Overflow when unpacking long long, got {seed}")
        self._seed = seed & 0xFFFFFFFFFFFFFFFF
        self._bg = np.random.MT19937(0)
        self._bg._legacy_seeding(self._seed & 0xFFFFFFFF)   # init_genrand
        self._next_double_normal = None                      # Box-Muller's cached second sample
        self._next_float_normal = None
        return self

    def seed(self):
        """Seed from a non-deterministic source and return that seed."""
        s = secrets.randbits(64)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    # ---------------------------------------------------------------- raw draws
    def _random(self, n):
        """n draws of torch's ``random()``: raw 32-bit outputs, as uint64."""
        return self._bg.random_raw(n)

    def _random64(self, n):
        """n draws of torch's ``random64()``: ``(first << 32) | second``."""
        r = self._bg.random_raw(2 * n)
        return (r[0::2] << _U64(32)) | r[1::2]

    # ---------------------------------------------------------------- state
    # The state is the bytes of torch's CPUGeneratorImplState (5056 bytes), so
    # torch.get_rng_state() and nbtorch.get_rng_state() can be exchanged.
    _LAYOUT = struct.Struct('<QiiQ624QdddiI')      # the_initial_seed, left, seeded, next, state, normal_*, is_valid

    def get_state(self):
        from ._tensor import Tensor
        st = self._bg.state['state']
        pos = int(st['pos'])
        normal_y = self._next_double_normal if self._next_double_normal is not None else 0.0
        pod = self._LAYOUT.pack(self._seed, 625 - pos, 1, pos, *(int(k) for k in st['key']),
                                0.0, normal_y, 0.0, int(self._next_double_normal is not None), 0)
        fl = self._next_float_normal
        tail = struct.pack('<f?3x', 0.0 if fl is None else fl, fl is not None)
        return Tensor._wrap(np.frombuffer(pod + tail, np.uint8).copy())

    def set_state(self, new_state):
        data = np.asarray(new_state._data if hasattr(new_state, '_data') else new_state)
        if data.dtype != np.uint8:
            raise RuntimeError(f"expected a torch.ByteTensor, but got {data.dtype}")
        raw = data.tobytes()
        if len(raw) not in (5056, 5048):
            raise RuntimeError(f"Expected either a THGeneratorState of size 5048 or a CPUGeneratorImplState of "
                               f"size 5056 but found the input RNG state size to be {len(raw)}")
        vals = self._LAYOUT.unpack(raw[:self._LAYOUT.size])
        seed, left, key = vals[0], vals[1], vals[4:4 + 624]
        normal_y, normal_valid = vals[4 + 624 + 1], vals[4 + 624 + 3]
        self._seed = seed
        self._bg = np.random.MT19937(0)
        self._bg.state = {'bit_generator': 'MT19937',
                          'state': {'key': np.array(key, np.uint32), 'pos': 625 - left}}
        self._next_double_normal = normal_y if normal_valid else None
        self._next_float_normal = None
        if len(raw) == 5056:
            fl, valid = struct.unpack('<f?', raw[5048:5053])
            self._next_float_normal = fl if valid else None
        return self

    def __reduce__(self):
        return (_rebuild_generator, (self.get_state()._data.tobytes(), str(self.device)))


def _rebuild_generator(state_bytes, device='cpu'):
    return Generator(device).set_state(np.frombuffer(state_bytes, np.uint8))


# torch's generator class lives in torch._C; taking its module name makes ``torch.manual_seed(0)``
# at the end of a notebook cell print what torch prints: <torch._C.Generator at 0x...>
Generator.__module__ = 'torch._C'

default_generator = Generator()


def _gen(generator):
    return default_generator if generator is None else generator


def manual_seed(seed):
    """Seed nbtorch's global generator (and return it, as torch does)."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, **kwargs):
    """Run a block and then restore the global generator's state."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# ------------------------------------------------------------------- transforms
def _fma(a, b, c):
    """a * b + c rounded once, as torch's compiled kernels compute it (float64 arrays).

    Dekker's exact product plus a two-sum: correct except in rare double-rounding ties.
    """
    p = a * b
    sa = a * 134217729.0
    ah = sa - (sa - a)
    al = a - ah
    sb = b * 134217729.0
    bh = sb - (sb - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)
    return s + (t + e)


def _size(shape):
    n = 1
    for s in shape:
        n *= int(s)
    return n


def _digits(np_dtype):
    return {np.dtype(np.float64): 53, np.dtype(np.float32): 24, np.dtype(np.float16): 11}[np.dtype(np_dtype)]


def _uniform01(g, n, np_dtype):
    """torch's uniform_real_distribution(0, 1) draws for ``np_dtype``, as float64 values."""
    d = 24 if np_dtype == np.float16 else _digits(np_dtype)     # half draws like float32
    raw = g._random64(n) if d == 53 else g._random(n)
    return (raw & _U64((1 << d) - 1)).astype(np.float64) * (2.0 ** -d)


def uniform_array(shape, low, high, np_dtype, generator=None):
    """uniform_(low, high): ``x * (high - low) + low`` with x uniform in [0, 1)."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind != 'f':
        raise NotImplementedError(f'"check_uniform_bounds" not implemented for \'{_legacy_name(np_dtype)}\'')
    if np_dtype == np.float16:                     # torch computes half in float32 (its opmath type)
        out = uniform_array(shape, low, high, np.float32, generator).astype(np.float16)
        out[out == np.float16(high)] = np.float16(low)  # and keeps the range half-open: `to` becomes `from`
        return out
    g = _gen(generator)
    x = _uniform01(g, _size(shape), np_dtype)
    lo, hi = np_dtype.type(low), np_dtype.type(high)
    span = float(hi - lo)                          # computed in the tensor's dtype, as torch does
    if np_dtype == np.float64:
        out = _fma(x, span, float(lo))
    else:                                          # exact product in float64, one rounding to float32
        out = (x * span + float(lo)).astype(np_dtype)
    return out.astype(np_dtype, copy=False).reshape(shape)


def _box_muller16(d, np_dtype):
    """normal_fill_16 on rows of 16 uniforms: 8 cos samples then 8 sin samples (in ``np_dtype``)."""
    ft = np_dtype.type
    u1 = ft(1) - d[:, :8]                          # [0, 1) -> (0, 1] for the log
    u2 = d[:, 8:]
    radius = np.sqrt(ft(-2) * np.log(u1))
    theta = ft(2.0 * np.pi) * u2
    return np.concatenate([radius * np.cos(theta), radius * np.sin(theta)], axis=1)


def _normal_fill(g, n, mean, std, np_dtype):
    """ATen's normal_fill: used when a tensor has 16 or more elements."""
    data = _uniform01(g, n, np_dtype).astype(np_dtype)
    full = n - n % 16
    out = np.empty(n, np_dtype)
    out[:full] = _box_muller16(data[:full].reshape(-1, 16), np_dtype).ravel()
    if n % 16:
        # torch recomputes the last 16 values from 16 fresh uniforms
        tail = _uniform01(g, 16, np_dtype).astype(np_dtype).reshape(1, 16)
        out[n - 16:] = _box_muller16(tail, np_dtype).ravel()
    if std == 1 and mean == 0:
        return out
    if np_dtype == np.float64:
        return _fma(out, float(std), float(mean))
    return (out.astype(np.float64) * float(np_dtype.type(std)) + float(np_dtype.type(mean))).astype(np_dtype)


def _normal_scalar(g, n, mean, std):
    """at::normal_distribution<double>: Box-Muller that keeps its second sample for the next draw."""
    out = np.empty(n, np.float64)
    i = 0
    if n and g._next_double_normal is not None:
        out[0] = g._next_double_normal
        g._next_double_normal = None
        i = 1
    pairs = (n - i + 1) // 2
    if pairs:
        u = _uniform01(g, 2 * pairs, np.float64)
        u1, u2 = u[0::2], u[1::2]
        r = np.sqrt(-2.0 * np.log1p(-u2))
        theta = 2.0 * np.pi * u1
        z = np.empty(2 * pairs)
        z[0::2] = r * np.cos(theta)                # returned now
        z[1::2] = r * np.sin(theta)                # the cached one, returned next
        k = n - i
        out[i:] = z[:k]
        if k % 2:
            g._next_double_normal = float(z[-1])
    if std == 1 and mean == 0:
        return out
    return _fma(out, float(std), float(mean))


def normal_array(shape, mean, std, np_dtype, generator=None):
    """normal_(mean, std): Gaussian samples in the order torch produces them."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind != 'f':
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for \'{_legacy_name(np_dtype)}\'')
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    g = _gen(generator)
    n = _size(shape)
    if n >= 16:
        fill_dtype = np.dtype(np.float32) if np_dtype == np.float16 else np_dtype
        out = _normal_fill(g, n, mean, std, fill_dtype)
    else:
        out = _normal_scalar(g, n, mean, std)
    return out.astype(np_dtype, copy=False).reshape(shape)


def _full_range(np_dtype):
    """The modulus torch's ``random_()`` (no bounds) uses, and whether it draws 64 bits."""
    if np_dtype.kind == 'f':
        d = _digits(np_dtype)
        return (1 << d) + 1, d == 53
    if np_dtype.kind == 'b':
        return 2, False
    return int(np.iinfo(np_dtype).max) + 1, np_dtype == np.int64


def random_array(shape, low, high, np_dtype, generator=None):
    """random_(low, high): integers ``u % (high - low) + low``; ``random_(high)`` and ``random_()`` too.

    ``high=None`` means ``random_(low)`` -> [0, low), and ``random_()`` (low 0) draws from
    [0, 2**mantissa] for floats or [0, max] for integer dtypes.
    """
    np_dtype = np.dtype(np_dtype)
    g = _gen(generator)
    n = _size(shape)
    if high is None and low == 0:
        mod, wide = _full_range(np_dtype)
        raw = g._random64(n) if wide else g._random(n)
        out = raw % _U64(mod) if np_dtype.kind != 'b' else raw & _U64(1)
        return out.astype(np_dtype).reshape(shape)
    if high is None:
        low, high = 0, low
    low, high = int(low), int(high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    span = high - low
    wide = span >= (1 << 32) and np_dtype in (np.dtype(np.int64), np.dtype(np.float64), np.dtype(np.float32))
    raw = g._random64(n) if wide else g._random(n)
    out = (raw % _U64(span)).astype(np.int64) + low
    return out.astype(np_dtype).reshape(shape)


def bernoulli_array(shape, p, np_dtype, generator=None):
    """Bernoulli draws: 1 where a uniform sample is below ``p``.

    A Python-number ``p`` compares against float64 uniforms (torch's
    ``bernoulli_(float)``); an array of probabilities against float32 ones
    (float64 ones for a float64 array), one draw per element (torch's ``bernoulli(tensor)``).
    """
    g = _gen(generator)
    n = _size(shape)
    if hasattr(p, '_data'):                        # a tensor of probabilities
        from ._backend import to_host
        p = to_host(p._data)
    if isinstance(p, np.ndarray) and p.ndim:
        p = np.broadcast_to(p, shape)
        if np.any((p < 0) | (p > 1)):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        if p.dtype == np.float64:                  # float64 probabilities draw float64 uniforms
            return (_uniform01(g, n, np.float64).reshape(shape) < p).astype(np_dtype)
        u = _uniform01(g, n, np.float32).astype(np.float32).reshape(shape)
        return (u < p.astype(np.float32)).astype(np_dtype)
    p = float(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return (_uniform01(g, n, np.float64) < p).astype(np_dtype).reshape(shape)


def exponential_array(shape, lambd, np_dtype, generator=None):
    """exponential_(lambd): ``-1 / lambd * log1p(-u)`` with u a float64 uniform."""
    u = _uniform01(_gen(generator), _size(shape), np.float64)
    return (-1.0 / lambd * np.log1p(-u)).astype(np_dtype).reshape(shape)


def randperm_array(n, generator=None):
    """torch.randperm: Fisher-Yates, swapping element i with i + random() % (n - i)."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    perm = np.arange(n, dtype=np.int64)
    if n < 2:
        return perm
    g = _gen(generator)
    z = (g._random(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64)
    z += np.arange(n - 1, dtype=np.int64)
    p = perm.tolist()                          # a Python list swaps fastest
    for i, j in enumerate(z.tolist()):
        p[i], p[j] = p[j], p[i]
    return np.array(p, dtype=np.int64)


def _legacy_name(np_dtype):
    return {'f': {2: 'Half', 4: 'Float', 8: 'Double'}, 'i': {1: 'Char', 2: 'Short', 4: 'Int', 8: 'Long'},
            'u': {1: 'Byte'}, 'b': {1: 'Bool'}}.get(np_dtype.kind, {}).get(np_dtype.itemsize, str(np_dtype))
