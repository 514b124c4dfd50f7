"""Padding layers (constant, zero, reflection, replication, circular; 1-D to 3-D), all calling F.pad."""
from .. import functional as F
from .module import Module


class _PadNd(Module):
    """Pad the last ``_n // 2`` dims; ``padding`` is an int or (left, right[, top, bottom[, front, back]])."""
    mode = 'constant'
    _n = 4
    _zero = False

    def __init__(self, padding, value=0.0):
        super().__init__()
        self.padding = (padding,) * self._n if isinstance(padding, int) else tuple(padding)
        if self.mode == 'constant':
            self.value = value

    def forward(self, input):
        if self.mode == 'constant':
            return F.pad(input, self.padding, 'constant', self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        if self.mode == 'constant' and not self._zero:
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


def _pad_layer(name, mode, n, zero=False):
    cls = type(name, (_PadNd,), {'mode': mode, '_n': n, '_zero': zero, '__module__': __name__,
                                 '__doc__': f"{mode} padding of the last {n // 2} dim(s)."})
    if zero:
        cls.__init__ = lambda self, padding: _PadNd.__init__(self, padding, 0.0)
    return cls


ConstantPad1d = _pad_layer('ConstantPad1d', 'constant', 2)
ConstantPad2d = _pad_layer('ConstantPad2d', 'constant', 4)
ConstantPad3d = _pad_layer('ConstantPad3d', 'constant', 6)
ZeroPad1d = _pad_layer('ZeroPad1d', 'constant', 2, zero=True)
ZeroPad2d = _pad_layer('ZeroPad2d', 'constant', 4, zero=True)
ZeroPad3d = _pad_layer('ZeroPad3d', 'constant', 6, zero=True)
ReflectionPad1d = _pad_layer('ReflectionPad1d', 'reflect', 2)
ReflectionPad2d = _pad_layer('ReflectionPad2d', 'reflect', 4)
ReflectionPad3d = _pad_layer('ReflectionPad3d', 'reflect', 6)
ReplicationPad1d = _pad_layer('ReplicationPad1d', 'replicate', 2)
ReplicationPad2d = _pad_layer('ReplicationPad2d', 'replicate', 4)
ReplicationPad3d = _pad_layer('ReplicationPad3d', 'replicate', 6)
CircularPad1d = _pad_layer('CircularPad1d', 'circular', 2)
CircularPad2d = _pad_layer('CircularPad2d', 'circular', 4)
CircularPad3d = _pad_layer('CircularPad3d', 'circular', 6)
