"""Creation functions: tensor, zeros, ones, arange, rand, ... with torch's default dtypes."""
import numbers

import numpy as np

from . import _backend, _dtype, random as _random
from ._device import device as _device_cls
from ._tensor import Tensor, _shape_arg


def _place(arr, device, requires_grad=False):
    if device is not None:
        dev = _device_cls(device)
        if dev.type == 'cuda':
            arr = _backend.to_cuda(arr, dev.index)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_np_dtype(data):
    """torch's dtype inference for Python data: float -> default, int -> int64, bool -> bool."""
    arr = np.asarray(data)
    k = arr.dtype.kind
    if k == 'f':
        return _dtype.get_default_dtype().np
    if k in 'iu':
        return np.int64
    if k == 'b':
        return np.bool_
    if k == 'c':
        return np.complex64 if _dtype.get_default_dtype() is not _dtype.float64 else np.complex128
    if k == 'O':
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    raise TypeError(f"new(): invalid data type '{arr.dtype}'")


def _to_array(data):
    if isinstance(data, Tensor):
        return _backend.to_host(data._data)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        return np.array(_unwrap_nested(data))
    return data


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _unwrap_nested(data):
    if isinstance(data, Tensor):
        if data._data.size != 1 and data._data.ndim:
            return _backend.to_host(data._data).tolist()
        return data.item()
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(x) for x in data]
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Copy ``data`` (nested lists, numbers, NumPy arrays, tensors) into a new tensor."""
    if isinstance(data, Tensor):
        arr = _backend.to_host(data._data).copy() if device is None or data.is_cpu else data._data.copy()
        if device is None and data.is_cuda:
            device = data.device
    elif isinstance(data, np.ndarray):
        _dtype.from_numpy(data.dtype)          # torch's error for unsupported dtypes
        arr = np.array(data)
    else:
        data = _to_array(data)
        if isinstance(data, np.ndarray):
            arr = np.array(data)
        else:
            if isinstance(data, str):
                raise TypeError(f"new(): invalid data type 'str'")
            arr = np.array(data, dtype=_infer_np_dtype(data) if dtype is None else None)
    if dtype is not None:
        arr = arr.astype(_dtype.as_dtype(dtype).np)
    elif arr.dtype.kind == 'f' and not isinstance(data, (np.ndarray, Tensor)):
        arr = arr.astype(_dtype.get_default_dtype().np)
    return _place(arr, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor):
        out = data
        if dtype is not None or device is not None:
            out = data.to(device=device, dtype=dtype)
        return out
    if isinstance(data, np.ndarray) and (dtype is None or _dtype.as_dtype(dtype).np == data.dtype) \
            and (device is None or _device_cls(device).type == 'cpu'):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``: writes to one show in the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy(ndarray.dtype)
    return Tensor._wrap(ndarray)


def _factory(fill):
    def make(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
             memory_format=None):
        shape = _shape_arg(size)
        np_dt = (_dtype.as_dtype(dtype) or _dtype.get_default_dtype()).np
        res = _place(fill(shape, np_dt), device, requires_grad)
        if out is not None:
            out._data = res._data
            return out
        return res
    return make


zeros = _factory(np.zeros)
ones = _factory(np.ones)
empty = _factory(np.zeros)   # torch leaves memory uninitialised; zeros is the honest stand-in
zeros.__name__, ones.__name__, empty.__name__ = 'zeros', 'ones', 'empty'


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None):
    if dtype is None:
        if isinstance(fill_value, (bool, np.bool_)):
            dtype = _dtype.bool_
        elif isinstance(fill_value, numbers.Integral):
            dtype = _dtype.int64
        else:
            dtype = _dtype.get_default_dtype()
    return _place(np.full(_shape_arg((size,)) if not isinstance(size, int) else (size,), fill_value,
                          _dtype.as_dtype(dtype).np), device, requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    return _place(np.eye(n, m, dtype=(_dtype.as_dtype(dtype) or _dtype.get_default_dtype()).np), device,
                  requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None):
    if end is None:
        start, end = 0, start
    vals = [_scalar(v) for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        is_int = all(isinstance(v, numbers.Integral) for v in vals)
        dtype = _dtype.int64 if is_int else _dtype.get_default_dtype()
    np_dt = _dtype.as_dtype(dtype).np
    s, e, st = vals
    if (st > 0 and s > e) or (st < 0 and s < e):
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    n = int(np.ceil((e - s) / st))
    arr = (s + np.arange(n, dtype=np.float64) * st).astype(np_dt) if np_dt.kind == 'f' else \
        np.arange(s, e, st, dtype=np.float64).astype(np_dt)[:n]
    return _place(arr, device, requires_grad)


def range_(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """torch.range (deprecated): includes ``end``; float by default."""
    if end is None:
        start, end = 0, start
    n = int(np.floor((end - start) / step)) + 1
    np_dt = (_dtype.as_dtype(dtype) or _dtype.get_default_dtype()).np
    return _place((start + np.arange(n) * step).astype(np_dt), device, requires_grad)


def _scalar(v):
    return v.item() if isinstance(v, Tensor) else v


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    np_dt = (_dtype.as_dtype(dtype) or _dtype.get_default_dtype()).np
    start, end = _scalar(start), _scalar(end)
    # torch fills the first half from the start and the second half from the end
    idx = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    arr = np.where(idx < half, start + step * idx, end - step * (steps - 1 - idx))
    if np_dt.kind in 'iu':
        arr = np.trunc(arr)
    return _place(arr.astype(np_dt), device, requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    lin = linspace(start, end, steps, dtype=_dtype.float64)
    np_dt = (_dtype.as_dtype(dtype) or _dtype.get_default_dtype()).np
    return _place((base ** lin._data).astype(np_dt), device, requires_grad)


def _like(fn):
    def make(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
        return fn(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                  requires_grad=requires_grad)
    make.__name__ = fn.__name__ + '_like'
    return make


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return full(tuple(input.shape), fill_value, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


# ---------------------------------------------------------------- random
def _random_factory(name, sample):
    def make(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, layout=None,
             pin_memory=False):
        dt = _dtype.as_dtype(dtype) or _dtype.get_default_dtype()
        if not dt.is_floating_point:
            raise RuntimeError(f'"{name}" not implemented for \'{_legacy_name(dt)}\'')
        return _place(sample(_shape_arg(size), dt.np, generator), device, requires_grad)
    make.__name__ = name
    return make


def _legacy_name(dt):
    from ._tensor import _legacy
    return _legacy(dt.np)


rand = _random_factory('rand', lambda shape, dt, g: _random.uniform_array(shape, 0.0, 1.0, dt, g))
randn = _random_factory('randn', lambda shape, dt, g: _random.normal_array(shape, 0.0, 1.0, dt, g))


def rand_like(input, *, dtype=None, device=None, requires_grad=False):
    return rand(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False):
    return randn(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() received an invalid combination of arguments")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    np_dt = (_dtype.as_dtype(dtype) or _dtype.int64).np
    return _place(_random.random_array(_shape_arg((size,)) if not isinstance(size, int) else (size,), low, high,
                                       np_dt, generator), device, requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    np_dt = (_dtype.as_dtype(dtype) or _dtype.int64).np
    return _place(_random.randperm_array(int(n), generator).astype(np_dt), device, requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """normal(mean, std, size) with floats, or elementwise with tensor mean and/or std."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        ref = mean if isinstance(mean, Tensor) else std
        z = _random.normal_array(shape, 0.0, 1.0, ref._data.dtype, generator)
        return Tensor._wrap((z * s + m).astype(ref._data.dtype))
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments - got (float, float), but "
                        "expected (float mean, float std, tuple of ints size)")
    dt = _dtype.as_dtype(dtype) or _dtype.get_default_dtype()
    return _place(_random.normal_array(_shape_arg((size,)) if not isinstance(size, int) else (size,),
                                       mean, std, dt.np, generator), device, requires_grad)


def bernoulli(input, p=None, *, generator=None):
    probs = input._data if p is None else np.full(input._data.shape, p)
    u = _random.uniform_array(input._data.shape, 0.0, 1.0, np.float64, generator)
    return Tensor._wrap((u < probs).astype(input._data.dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    probs = np.asarray(input._data, np.float64)
    single = probs.ndim == 1
    probs = probs.reshape(-1, probs.shape[-1])
    rs = _random._gen(generator)
    rows = []
    for p in probs:
        p = p / p.sum()
        rows.append(rs.choice(len(p), num_samples, replace=replacement, p=p))
    out = np.array(rows, np.int64)
    return Tensor._wrap(out[0] if single else out)
