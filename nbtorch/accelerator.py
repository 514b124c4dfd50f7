"""``torch.accelerator``: the device-agnostic view of the GPU (here, CUDA through CuPy).

Recent tutorials pick their device with
``torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"``.
"""
from . import cuda
from ._device import device as _device


def is_available():
    """True when a GPU nbtorch can use (CUDA through CuPy) is present."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """The accelerator's device type as a ``torch.device`` ('cuda'), or None when there is none."""
    if not cuda.is_available():
        return None
    return _device('cuda')


def device_count():
    return cuda.device_count()


def current_device_index():
    return cuda.current_device() if cuda.is_available() else -1


def synchronize(device=None):
    if cuda.is_available():
        cuda.synchronize(device)
