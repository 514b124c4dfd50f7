"""Padding layers: ZeroPad2d, ConstantPad1d/2d, ReflectionPad1d/2d, ReplicationPad2d (all call F.pad)."""
from .. import functional as F
from .module import Module


def _ntuple(padding, n):
    if isinstance(padding, int):
        return (padding,) * n
    return tuple(padding)


class _PadNd(Module):
    """Pad the last dims; ``padding`` is an int or (left, right[, top, bottom])."""
    mode = 'constant'
    _n = 4

    def __init__(self, padding, value=0.0):
        super().__init__()
        self.padding = _ntuple(padding, self._n)
        if self.mode == 'constant':
            self.value = value

    def forward(self, input):
        if self.mode == 'constant':
            return F.pad(input, self.padding, 'constant', self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        if self.mode == 'constant' and type(self) is not ZeroPad2d:
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


class ConstantPad1d(_PadNd):
    _n = 2


class ConstantPad2d(_PadNd):
    pass


class ZeroPad2d(_PadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)


class ReflectionPad1d(_PadNd):
    mode, _n = 'reflect', 2


class ReflectionPad2d(_PadNd):
    mode = 'reflect'


class ReplicationPad2d(_PadNd):
    mode = 'replicate'
