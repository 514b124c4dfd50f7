"""The one file that knows about CuPy.

Every op asks this module for its array module (``xp``) instead of naming numpy
or cupy directly, as Chainer's ``chainer.backends.cuda`` does.  Importing
nbtorch never fails because CUDA is missing: the import error is kept and
shown when a learner actually asks for the GPU.
"""
import numpy as np

try:  # pragma: no cover - exercised only where CuPy is installed
    import cupy as cp
    _cupy_import_error = None
except Exception as e:  # ImportError, or a CUDA driver error raised at import
    cp = None
    _cupy_import_error = e

INSTALL_HINT = ("install CuPy for your CUDA version, e.g. `pip install nbtorch[cuda]` "
                "(cupy-cuda12x), on a machine with an NVIDIA GPU")


def cuda_device_count():
    if cp is None:
        return 0
    try:
        return cp.cuda.runtime.getDeviceCount()
    except Exception:
        return 0


def cuda_available():
    return cuda_device_count() > 0


def require_cuda():
    """Raise a clear error when the GPU path cannot work here."""
    if cp is None:
        raise AssertionError(
            f"Torch not compiled with CUDA enabled: nbtorch's GPU backend needs CuPy, which could not "
            f"be imported ({_cupy_import_error!r}). To use device='cuda', {INSTALL_HINT}.")
    if not cuda_available():
        raise RuntimeError(
            "Found no NVIDIA driver on your system: CuPy is installed but sees no CUDA GPU. "
            "Use device='cpu', or run on a machine with a GPU.")


def get_array_module(arr):
    """numpy for host arrays, cupy for device arrays (Chainer's get_array_module)."""
    if cp is not None and isinstance(arr, cp.ndarray):
        return cp
    return np


def is_cuda_array(arr):
    return cp is not None and isinstance(arr, cp.ndarray)


def device_index(arr):
    return int(arr.device.id) if is_cuda_array(arr) else None


def to_host(arr):
    return cp.asnumpy(arr) if is_cuda_array(arr) else arr


def to_cuda(arr, index=None):
    require_cuda()
    with cp.cuda.Device(0 if index is None else index):
        return cp.asarray(arr)


def xp_for_device(device_type, index=None):
    if device_type == 'cuda':
        require_cuda()
        return cp
    return np
