"""torch.device: where a tensor's storage lives ('cpu', or 'cuda' through CuPy).

``device('cuda:1')``, ``device('cuda', 1)`` and ``device(other_device)`` all work
as in torch.  As in torch, a device never equals a string: compare
``t.device.type == 'cuda'`` or ``t.device == torch.device('cuda', 0)``.
"""
import builtins
import re

_TYPES = ('cpu', 'cuda')
_DEVICE_STRING = re.compile(r'^([a-z]+)(?::(0|[1-9][0-9]*))?$')


class device:
    __slots__ = ('type', 'index')

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            # a bare index means the current accelerator
            from . import _backend
            if type < 0:
                raise RuntimeError("Device index must not be negative")
            if not _backend.cuda_available():
                raise RuntimeError("Cannot access accelerator device when none is available.")
            type, index = 'cuda', type
        elif isinstance(type, str):
            m = _DEVICE_STRING.match(type)
            if m is None:
                raise RuntimeError(f"Invalid device string: '{type}'")
            name, idx = m.group(1), m.group(2)
            if name not in _TYPES:
                raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: "
                                   f"{name}")
            if idx is not None:
                if index is not None:
                    raise RuntimeError(f"type (string) must not include an index because index was passed "
                                       f"explicitly: {type}")
                index = int(idx)
            type = name
        else:
            raise TypeError(f"device() received an invalid combination of arguments - got "
                            f"({builtins.type(type).__name__})")
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f'{self.type}:{self.index}'

    def __eq__(self, other):
        if not isinstance(other, device):
            return NotImplemented           # like torch: device('cpu') == 'cpu' is False
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


CPU = device('cpu')
