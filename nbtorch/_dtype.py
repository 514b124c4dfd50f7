"""torch's dtypes and torch's type-promotion rules (not NumPy's).

A ``dtype`` wraps a NumPy dtype and prints as torch does (``torch.float32``).
Promotion follows c10's ResultTypeState: operands are grouped into tensors with
dimensions, zero-dim tensors and Python/NumPy scalars ("wrapped numbers"); a
lower group can only raise the *category* (bool < integer < floating), never
the width of a higher group.  So ``int32_tensor + 1`` stays int32,
``int_tensor * 2.5`` is float32 and ``float32_tensor * np.float64(2)`` stays
float32.
"""
import builtins

import numpy as np


class dtype:
    __slots__ = ('name', 'np', 'is_floating_point', 'is_signed', 'itemsize', 'is_complex', '_rank')

    def __init__(self, name, np_dtype, rank):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == 'f'
        self.is_complex = self.np.kind == 'c'
        self.is_signed = self.np.kind in 'fic'
        self.itemsize = self.np.itemsize
        self._rank = rank  # 0 bool, 1 integer, 2 floating, 3 complex

    def __repr__(self):
        return 'torch.' + self.name

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_complex(self):
        return complex64 if self is float32 else complex128

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)


bool_ = dtype('bool', np.bool_, 0)
uint8 = dtype('uint8', np.uint8, 1)
int8 = dtype('int8', np.int8, 1)
int16 = dtype('int16', np.int16, 1)
int32 = dtype('int32', np.int32, 1)
int64 = dtype('int64', np.int64, 1)
float16 = dtype('float16', np.float16, 2)
float32 = dtype('float32', np.float32, 2)
float64 = dtype('float64', np.float64, 2)
complex64 = dtype('complex64', np.complex64, 3)
complex128 = dtype('complex128', np.complex128, 3)

# torch's aliases
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)
_FROM_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update(float=float32, double=float64, half=float16, long=int64, int=int32, short=int16)


def _by_name(name):
    return _BY_NAME[name]


def from_numpy(np_dtype):
    """The nbtorch dtype of a NumPy dtype; raises torch's TypeError for unsupported ones."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        pass
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.") from None


def to_numpy_dtype(d):
    """Accept an nbtorch dtype, a NumPy dtype, or Python's float/int/bool."""
    if isinstance(d, dtype):
        return d.np
    return as_dtype(d).np


def as_dtype(d):
    if isinstance(d, dtype):
        return d
    if d is None:
        return None
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    if isinstance(d, str):
        return _BY_NAME[d.replace('torch.', '')]
    return from_numpy(np.dtype(d))


# ---- default dtype -------------------------------------------------------
_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    d = as_dtype(d)
    if d not in (float16, float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


# ---- promotion ------------------------------------------------------------
def promote_types(a, b):
    """torch.promote_types: the smallest dtype both can be cast to (torch's table)."""
    if a is b:
        return a
    if a._rank != b._rank:
        hi, lo = (a, b) if a._rank > b._rank else (b, a)
        if hi._rank == 3 and lo is float64:
            return complex128
        return hi
    return _FROM_NP[np.promote_types(a.np, b.np)]


def _combine(higher, lower):
    # c10::combine_categories
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._rank >= 2:
        if lower._rank == 3 and higher._rank == 2:
            return promote_types(higher, lower)
        return higher
    if higher is bool_ or lower._rank >= 2:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(x):
    """The dtype a Python or NumPy scalar takes part in promotion with.

    torch reads a NumPy bool (``np.True_``) as a float, not as a bool: so do we.
    """
    if isinstance(x, builtins.bool):
        return bool_
    if isinstance(x, np.bool_):
        return _default[0]
    if isinstance(x, (builtins.int, np.integer)):
        return int64
    if isinstance(x, (builtins.complex, np.complexfloating)):
        return complex64 if _default[0] is not float64 else complex128
    return _default[0]


def result_type(*operands):
    """torch.result_type over tensors and scalars."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, 'dtype', None)
        if d is not None and hasattr(x, '_data'):
            if x._data.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))
