"""torch.cuda: is the GPU path (CuPy) usable here?"""
from . import _backend


def is_available():
    return _backend.cuda_available()


def device_count():
    return _backend.cuda_device_count()


def current_device():
    _backend.require_cuda()
    return int(_backend.cp.cuda.Device().id)


def get_device_name(device=None):
    _backend.require_cuda()
    idx = 0 if device is None else (device if isinstance(device, int) else (device.index or 0))
    props = _backend.cp.cuda.runtime.getDeviceProperties(idx)
    name = props['name']
    return name.decode() if isinstance(name, bytes) else name


def synchronize(device=None):
    if _backend.cuda_available():
        _backend.cp.cuda.Device().synchronize()


def manual_seed(seed):
    from .random import manual_seed as _ms
    _ms(seed)


manual_seed_all = manual_seed


def empty_cache():
    if _backend.cp is not None and _backend.cuda_available():
        _backend.cp.get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None):
    if _backend.cp is None or not _backend.cuda_available():
        return 0
    return _backend.cp.get_default_memory_pool().used_bytes()
