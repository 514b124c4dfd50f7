"""``torch.finfo`` and ``torch.iinfo``: the numeric limits of a dtype, read from NumPy's."""
import numpy as np

from . import _dtype


class finfo:
    """Limits of a floating-point dtype: ``eps`` (the gap after 1.0), ``max``, ``min``, ``tiny``
    (the smallest positive normal number), ``resolution`` and ``bits``."""

    def __init__(self, type=None):
        type = _dtype.get_default_dtype() if type is None else type
        if not type.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. "
                            "Use torch.iinfo to handle 'torch.finfo'")
        info = np.finfo(type.np)
        self.bits = int(info.bits)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = float(10.0 ** -info.precision)
        self.dtype = type.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype: ``min``, ``max`` and ``bits``."""

    def __init__(self, type):
        if type.is_floating_point or type.is_complex or type.name == 'bool':
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(type.np)
        self.bits, self.min, self.max, self.dtype = int(info.bits), int(info.min), int(info.max), type.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
