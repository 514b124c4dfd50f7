"""Creation functions: tensor, zeros, ones, arange, linspace, rand, ... with torch's dtypes and values.

Dtype inference follows torch: Python floats take the default dtype
(``get_default_dtype()``, float32 unless changed), ints become int64, bools
bool, complex numbers the default complex dtype; NumPy arrays and scalars and
0-dim tensors keep their dtype, and a list mixing them is promoted with
torch's ``promote_types``.

``arange`` and ``linspace`` compute each element the way ATen's CPU kernels
do (in blocks of one 32-byte SIMD vector, with fused multiply-adds), so even
the last bits of the float values are torch's.
"""
import numbers
import warnings

import numpy as np

from . import _backend, _dtype, random as _random
from ._device import device as _device_cls
from ._tensor import Tensor, _write_out

_fma = _random._fma


# ------------------------------------------------------------------ helpers
_DEFAULT_DEVICE = [None]   # set by set_default_device; None means the CPU


def set_default_device(device):
    """Make factory functions (zeros, rand, tensor, ...) create tensors on ``device`` when none is given."""
    _DEFAULT_DEVICE[0] = None if device is None or _device_cls(device).type == 'cpu' else _device_cls(device)


def get_default_device():
    """The device factory functions use when none is given (``torch.device('cpu')`` unless changed)."""
    return _DEFAULT_DEVICE[0] or _device_cls('cpu')


def _place(arr, device, requires_grad=False):
    """Move ``arr`` to ``device``, wrap it, and set requires_grad (floats and complex only)."""
    if requires_grad and arr.dtype.kind not in 'fc':
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    if device is None:
        device = _DEFAULT_DEVICE[0]
    if device is not None:
        dev = _device_cls(device)
        if dev.type == 'cuda':
            arr = _backend.to_cuda(arr, dev.index)
    t = Tensor._wrap(arr)
    if requires_grad:
        t._rg = True
    return t


def _size_arg(size, name):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(torch.Size([2, 3])); raise torch's errors."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    elif len(size) == 1 and not isinstance(size[0], (numbers.Integral, Tensor)):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {type(size[0]).__name__}")
    out = []
    for s in size:
        if isinstance(s, Tensor) and s.numel() == 1 and s.dtype._rank == 1:
            s = s.item()
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, "
                            f"but found element of type {type(s).__name__} at pos {len(out)}")
        out.append(int(s))
    for s in out:
        if s < 0:
            if name == 'zeros':
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out}")
    return tuple(out)


def _size_kw(size, kw, name):
    """Allow ``size=`` as a keyword (torch.zeros(size=(2, 3))), as torch does."""
    if kw:
        if set(kw) != {'size'} or size:
            raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(set(kw) - {'size'}), 'size')}'")
        size = (kw['size'],)
    return size


def _sized(size, name):
    """The ``size`` argument of full/randint/normal, which must be a sequence."""
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not int")
    return _size_arg((size,), name)


def _dt(dtype, default=None):
    """Our dtype for ``dtype`` (None -> ``default`` or the default float dtype)."""
    d = _dtype.as_dtype(dtype)
    return d if d is not None else (default or _dtype.get_default_dtype())


def _scalar(v):
    return v.item() if isinstance(v, Tensor) else v


def _not_implemented(op, dt):
    return NotImplementedError(f'"{op}" not implemented for \'{_random._legacy_name(dt.np)}\'')


# ------------------------------------------------------------------ tensor()
def _scalar_type(x):
    """torch's infer_scalar_type for one leaf value."""
    if isinstance(x, bool):
        return _dtype.bool_
    if isinstance(x, numbers.Integral) and not isinstance(x, np.generic):
        return _dtype.int64
    if isinstance(x, float):
        return _dtype.get_default_dtype()
    if isinstance(x, complex):
        return _dtype.complex128 if _dtype.get_default_dtype() is _dtype.float64 else _dtype.complex64
    if isinstance(x, (np.generic, np.ndarray)):
        return _dtype.from_numpy(x.dtype)
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, str):
        raise TypeError("new(): invalid data type 'str'")
    raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")


_FAST = {float, int, bool}


def _infer(data, dim=0):
    """Walk nested sequences: return (shape, dtype), raising torch's errors for ragged input."""
    if isinstance(data, (np.ndarray, np.generic)):
        return data.shape, _dtype.from_numpy(data.dtype)
    if isinstance(data, Tensor):
        if data._data.size != 1 and dim:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return (() if dim else data.shape), data.dtype
    if not isinstance(data, (list, tuple, range)):
        return (), _scalar_type(data)
    n = len(data)
    if n == 0:
        return (0,), None
    types = set(map(type, data))
    if types <= _FAST:                              # the common case: a flat list of Python numbers
        dt = _dtype.get_default_dtype() if float in types else (_dtype.int64 if int in types else _dtype.bool_)
        return (n,), dt
    shape0, dt = _infer(data[0], dim + 1)
    for item in data[1:]:
        if isinstance(item, (list, tuple, range)) != isinstance(data[0], (list, tuple, range)):
            raise TypeError("not a sequence") if shape0 else \
                ValueError(f"expected sequence of length {len(shape0) and shape0[0]} at dim {dim + 1} (got {len(item)})")
        shape, d = _infer(item, dim + 1)
        if shape != shape0:
            got = shape[0] if shape else 0
            raise ValueError(f"expected sequence of length {shape0[0]} at dim {dim + 1} (got {got})")
        if d is not None:
            dt = d if dt is None else _dtype.promote_types(dt, d)
    return (n,) + tuple(shape0), dt


def _unwrap(data):
    """Replace tensors inside nested lists by their values (for np.array)."""
    if isinstance(data, Tensor):
        return _backend.to_host(data._data).reshape(()) if data._data.size == 1 else _backend.to_host(data._data)
    if isinstance(data, (list, tuple, range)):
        return [_unwrap(x) for x in data]
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Copy ``data`` (numbers, nested lists, NumPy arrays, tensors) into a new tensor.

    The dtype is inferred as torch does (see the module docstring) unless ``dtype`` is given.
    """
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
                      "or sourceTensor.detach().clone().requires_grad_(True), rather than "
                      "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
        arr = data._data.copy() if dtype is None else data._data.astype(_dt(dtype).np)
        if device is None and data.is_cuda:
            device = data.device
        if device is not None and _device_cls(device).type == 'cpu':
            arr = _backend.to_host(arr)
        return _place(arr, device, requires_grad)
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(data, np.ndarray):
        _dtype.from_numpy(data.dtype)          # torch's error for unsupported dtypes
        arr = np.array(data, dtype=None if dtype is None else _dt(dtype).np)
        return _place(arr, device, requires_grad)
    if isinstance(data, list) and data and isinstance(data[0], np.ndarray):
        warnings.warn("Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider "
                      "converting the list to a single numpy.ndarray with numpy.array() before converting to a "
                      "tensor.", UserWarning, stacklevel=2)
    shape, inferred = _infer(data)
    target = _dt(dtype) if dtype is not None else (inferred or _dtype.get_default_dtype())
    values = _unwrap(data)
    if target._rank == 1 or target is _dtype.bool_:
        try:
            arr = np.array(values, dtype=target.np if target._rank != 1 else np.int64)
        except OverflowError:
            raise ValueError("Overflow when unpacking long long") from None
        arr = arr.astype(target.np, copy=False)
    else:
        arr = np.array(values, dtype=target.np)
    return _place(arr.reshape(shape), device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a NumPy array or tensor when dtype and device allow."""
    if isinstance(data, Tensor):
        out = data
        if dtype is not None or device is not None:
            out = data.to(device=device, dtype=_dtype.as_dtype(dtype))
        return out
    if isinstance(data, np.ndarray) and (dtype is None or _dt(dtype).np == data.dtype) \
            and (device is None or _device_cls(device).type == 'cpu'):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``: writes to one show in the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a "
                         "copy of your array  with array.copy().) ")
    if not ndarray.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable "
                      "tensors. This means writing to this tensor will result in undefined behavior. You may "
                      "want to copy the array to protect its data or make it writable before converting it to "
                      "a tensor. This type of warning will be suppressed for the rest of this program.",
                      UserWarning, stacklevel=2)
    return Tensor._wrap(ndarray)


# ------------------------------------------------------------------ filled tensors
def _factory(name, fill):
    def make(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
             memory_format=None, **kw):
        size = _size_kw(size, kw, name)
        res = _place(fill(_size_arg(size, name), _dt(dtype).np), device, requires_grad)
        if out is not None:
            out._data = res._data
            return out
        return res
    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"A tensor of the given size filled with {name} (default dtype unless ``dtype`` is given)."
    return make


zeros = _factory('zeros', np.zeros)
ones = _factory('ones', np.ones)
empty = _factory('empty', np.zeros)   # torch leaves memory uninitialised; zeros is the honest stand-in


def _fill_dtype(fill_value):
    if isinstance(fill_value, (bool, np.bool_)):
        return _dtype.bool_
    if isinstance(fill_value, Tensor):
        return fill_value.dtype
    if isinstance(fill_value, numbers.Integral):
        return _dtype.int64
    if isinstance(fill_value, complex):
        return _scalar_type(fill_value)
    return _dtype.get_default_dtype()


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    """A tensor of ``size`` filled with ``fill_value``; the dtype follows the value (bool, int64, or default)."""
    d = _dt(dtype) if dtype is not None else _fill_dtype(fill_value)
    res = _place(np.full(_sized(size, 'full'), _scalar(fill_value), d.np), device, requires_grad)
    if out is not None:
        out._data = res._data
        return out
    return res


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, out=None):
    """The n x m identity matrix (ones on the diagonal)."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    return _place(np.eye(n, m, dtype=_dt(dtype).np), device, requires_grad)


# ------------------------------------------------------------------ ranges
def _simd_ramp(n, np_dtype, start_of, step):
    """Values the way ATen's range kernels write them: pairs of 32-byte vectors, then a scalar tail.

    Each vector starts from ``start_of(idx)`` rounded to the output dtype and adds ``k * step``;
    the tail uses ``start_of(idx)`` per element.  ``start_of`` returns float64 values.
    """
    out = np.empty(n, np.float64)
    v = max(1, 32 // np.dtype(np_dtype).itemsize)
    nvec = (n // (2 * v)) * 2 * v
    if nvec:
        firsts = np.arange(0, nvec, v, dtype=np.float64)
        base = start_of(firsts)
        if np.dtype(np_dtype).kind == 'f':
            base = base.astype(np_dtype).astype(np.float64)
        else:
            base = np.trunc(base)
        k = np.arange(v, dtype=np.float64)
        out[:nvec] = _fma(k[None, :], step, base[:, None]).ravel()
    out[nvec:] = start_of(np.arange(nvec, n, dtype=np.float64))
    return out


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    The length is ``ceil((end - start) / step)``; the dtype is int64 when all arguments are
    integers, else the default float dtype.
    """
    if end is None:
        start, end = 0, start
    start, end, step = (_scalar(v) for v in (start, end, step))
    if dtype is None:
        is_int = all(isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool)
                     for v in (start, end, step))
        d = _dtype.int64 if is_int else _dtype.get_default_dtype()
    else:
        d = _dt(dtype)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = int(np.ceil((float(end) - float(start)) / float(step)))
    if d.is_floating_point:
        s, st = float(start), float(step)
        arr = _simd_ramp(n, d.np, lambda i: _fma(i, st, s), st).astype(d.np)
    elif d is _dtype.bool_:
        arr = (int(start) + np.arange(n, dtype=np.int64) * int(step)).astype(np.bool_)
    else:
        if int(step) == 0:
            raise ValueError("step must be nonzero")
        arr = (int(start) + np.arange(n, dtype=np.int64) * int(step)).astype(d.np)
    res = _place(arr, device, requires_grad)
    if out is not None:
        out._data = res._data
        return out
    return res


def range_(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """torch.range (deprecated): like arange but includes ``end``; float by default."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values "
                  "in [start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(np.floor((end - start) / step)) + 1
    d = _dt(dtype)
    return _place((start + np.arange(n) * step).astype(d.np), device, requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    As torch: the first half counts up from ``start``, the second half down from ``end``,
    with ``step = (end - start) / (steps - 1)`` computed in the output dtype.
    """
    d = _dt(dtype)
    start, end = _scalar(start), _scalar(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if d.is_complex:
        re = linspace(complex(start).real, complex(end).real, steps, dtype=d.to_real())._data
        im = linspace(complex(start).imag, complex(end).imag, steps, dtype=d.to_real())._data
        return _place((re + 1j * im).astype(d.np), device, requires_grad)
    arr = _linspace_values(start, end, steps, d).astype(d.np)
    return _place(arr, device, requires_grad)


def _linspace_values(start, end, steps, d):
    """ATen's linspace kernel, as float64 values: fused ``start + step * i`` / ``end - step * (steps - i - 1)``."""
    if steps == 1:
        return np.array([start], dtype=np.float64)
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    if d is _dtype.float16:                                              # half: every op rounds to half
        h = np.float16
        s, e = h(start), h(end)
        step = h((e - s) / h(steps - 1))
        return np.where(i < half, s + step * i.astype(h), e - step * (steps - i - 1).astype(h))
    if d.is_floating_point:
        ft = d.np.type
        s, e = ft(start), ft(end)
        step = float(ft((e - s) / ft(steps - 1)))                        # the step in the dtype's arithmetic
        vals = np.where(i < half, _fma(i, step, float(s)), _fma(-(steps - i - 1), step, float(e)))
        return vals.astype(ft) if steps else vals
    s, e = int(start), int(end)                                          # integer dtypes use a float64 step
    step = (float(e) - float(s)) / (steps - 1)
    return np.trunc(np.where(i < half, _fma(i, step, float(s)), _fma(-(steps - i - 1), step, float(e))))


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False, out=None):
    """``base ** linspace(start, end, steps)`` (float32 results may differ from torch's in the last bit)."""
    d = _dt(dtype)
    start, end = _scalar(start), _scalar(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # exponents as linspace computes them in float64; torch's own rounding can differ by one ulp
    exps = _linspace_values(start, end, steps, _dtype.float64)
    return _place(np.power(float(base), exps).astype(d.np), device, requires_grad)


# ------------------------------------------------------------------ *_like and friends
def _like(fn, name):
    def make(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
        return fn(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                  requires_grad=requires_grad)
    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"{fn.__name__} with the shape (and, unless given, dtype and device) of ``input``."
    return make


zeros_like = _like(zeros, 'zeros_like')
ones_like = _like(ones, 'ones_like')
empty_like = _like(empty, 'empty_like')


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None,
              layout=None):
    """full with the shape (and, unless given, dtype and device) of ``input``."""
    return full(tuple(input.shape), fill_value, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


# ------------------------------------------------------------------ random
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, layout=None,
         pin_memory=False, **kw):
    """Uniform samples in [0, 1): the same numbers as torch.rand after the same manual_seed."""
    size = _size_kw(size, kw, 'rand')
    d = _dt(dtype if out is None or dtype is not None else out.dtype)
    if not d.is_floating_point:
        raise _not_implemented('check_uniform_bounds', d)
    res = _place(_random.uniform_array(_size_arg(size, 'rand'), 0.0, 1.0, d.np, generator), device, requires_grad)
    return res if out is None else _write_out(res, out)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, layout=None,
          pin_memory=False, **kw):
    """Standard normal samples: the same numbers as torch.randn after the same manual_seed."""
    size = _size_kw(size, kw, 'randn')
    d = _dt(dtype if out is None or dtype is not None else out.dtype)
    if not d.is_floating_point:
        raise _not_implemented('normal_kernel_cpu', d)
    res = _place(_random.normal_array(_size_arg(size, 'randn'), 0.0, 1.0, d.np, generator), device, requires_grad)
    return res if out is None else _write_out(res, out)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
    return rand(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
    return randn(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


_RANDINT_SIGS = (
    " * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, "
    "torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
    " * (int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n")


def randint(*args, low=None, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False,
            out=None, layout=None, pin_memory=False):
    """randint(high, size) or randint(low, high, size): integers in [low, high), int64 by default.
    ``low``, ``high`` and ``size`` may also be given by keyword: ``randint(low=0, high=5, size=(4,))``."""
    args = list(args)
    if high is not None:
        args = ([low] if low is not None else args[:1]) + [high] + args[1:]
    elif low is not None:
        args = [low] + args
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    if size is None or not 1 <= len(args) <= 2 or isinstance(size, numbers.Integral):
        got = ', '.join(type(a).__name__ for a in args + ([size] if size is not None else []))
        raise TypeError(f"randint() received an invalid combination of arguments - got ({got}), but expected "
                        f"one of:\n{_RANDINT_SIGS}")
    low, high = (0, args[0]) if len(args) == 1 else args
    low, high = int(_scalar(low)), int(_scalar(high))
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    d = _dt(dtype, _dtype.int64)
    return _place(_random.random_array(_sized(size, 'randint'), low, high, d.np, generator), device,
                  requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                   requires_grad=requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, out=None, layout=None,
             pin_memory=False):
    """A random permutation of 0..n-1 (torch's Fisher-Yates on the same random stream)."""
    d = _dt(dtype, _dtype.int64)
    return _place(_random.randperm_array(int(n), generator).astype(d.np), device, requires_grad)


_NORMAL_SIGS = (
    " * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor out = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n")


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False,
           out=None, layout=None, pin_memory=False):
    """Gaussian samples: normal(mean, std, size) with numbers, or elementwise with tensor mean and/or std.

    As torch: with a tensor ``mean`` the samples are ``normal(0, std) + mean``; with a tensor
    ``std`` they are ``normal(0, 1) * std + mean``.
    """
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if mt or st:
        ref = mean if mt else std
        m = _backend.to_host(mean._data) if mt else mean
        s = _backend.to_host(std._data) if st else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dt = ref._data.dtype
        if st:
            if np.any(s < 0):
                raise RuntimeError("normal expects all elements of std >= 0.0")
            z = _random.normal_array(shape, 0.0, 1.0, dt, generator)
            res = (z * s + m).astype(dt)
        else:
            z = _random.normal_array(shape, 0.0, float(s), dt, generator)
            res = (z + m).astype(dt)
        return _place(res, None if ref.is_cpu else ref.device)
    if size is None:
        raise TypeError(f"normal() received an invalid combination of arguments - got "
                        f"({type(mean).__name__}, {type(std).__name__}), but expected one of:\n{_NORMAL_SIGS}")
    d = _dt(dtype)
    return _place(_random.normal_array(_sized(size, 'normal'), mean, std, d.np, generator), device, requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples: 1 with probability ``input`` (elementwise), or ``p`` when it is given."""
    if not input.dtype.is_floating_point:
        raise _not_implemented('bernoulli_tensor_cpu_p_' if p is None else 'bernoulli_scalar_cpu_', input.dtype)
    shape = input._data.shape
    if p is None:
        arr = _random.bernoulli_array(shape, _backend.to_host(input._data), input._data.dtype, generator)
    else:
        arr = _random.bernoulli_array(shape, p, input._data.dtype, generator)
    return _place(arr, None if input.is_cpu else input.device)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Draw ``num_samples`` category indices per row of (unnormalised) probabilities ``input``.

    Without replacement torch uses the exponential trick: ``topk(p / q)`` with q ~ Exp(1);
    with replacement, a binary search of uniform samples in the cumulative distribution.
    """
    probs = _backend.to_host(input._data)
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    single = probs.ndim == 1
    p2 = probs.reshape(-1, probs.shape[-1])
    n_cat = p2.shape[1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if np.any(p2 < 0) or not np.all(np.isfinite(p2)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(p2.sum(1) == 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement or num_samples == 1:
        q = _random.exponential_array(p2.shape, 1.0, p2.dtype, generator)
        ratio = p2 / q
        if num_samples == 1:
            res = np.argmax(ratio, axis=1)[:, None]
        else:
            res = np.argsort(-ratio, axis=1, kind='stable')[:, :num_samples]
    else:
        res = np.empty((p2.shape[0], num_samples), np.int64)
        for r, row in enumerate(p2):
            cum = np.cumsum(row.astype(np.float64) if row.dtype == np.float64 else row.astype(np.float32))
            cum = cum / cum[-1]
            u = _random._uniform01(_random._gen(generator), num_samples, np.float64)
            res[r] = np.minimum(np.searchsorted(cum, u, side='left'), n_cat - 1)
    res = res.astype(np.int64)
    return _place(res[0] if single else res, None if input.is_cpu else input.device)
