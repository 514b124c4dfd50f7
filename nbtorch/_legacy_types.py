"""torch's legacy typed constructors: ``torch.LongTensor([1, 2])``, ``torch.FloatTensor(2, 3)``.

Each builds an ordinary ``Tensor`` of its dtype; ``isinstance(t, torch.LongTensor)`` is true for
int64 CPU tensors, as in torch.
"""
import numbers

from . import _dtype
from ._tensor import Tensor


class _TypedTensorMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.is_cpu and obj.dtype is cls._dtype

    def __call__(cls, *args, device=None):
        if len(args) == 1 and not isinstance(args[0], numbers.Integral):
            from ._creation import tensor
            return tensor(args[0], dtype=cls._dtype, device=device)
        from ._creation import zeros
        return zeros(*args, dtype=cls._dtype, device=device)


def _typed(name, dt):
    return _TypedTensorMeta(name, (), {'_dtype': dt, '__module__': 'nbtorch', '__doc__': f'torch.{name}: a {dt} tensor.'})


FloatTensor = _typed('FloatTensor', _dtype.float32)
DoubleTensor = _typed('DoubleTensor', _dtype.float64)
HalfTensor = _typed('HalfTensor', _dtype.float16)
LongTensor = _typed('LongTensor', _dtype.int64)
IntTensor = _typed('IntTensor', _dtype.int32)
ShortTensor = _typed('ShortTensor', _dtype.int16)
CharTensor = _typed('CharTensor', _dtype.int8)
ByteTensor = _typed('ByteTensor', _dtype.uint8)
BoolTensor = _typed('BoolTensor', _dtype.bool_)
