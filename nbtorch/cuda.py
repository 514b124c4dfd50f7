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


_seed = [None]


def manual_seed(seed):
    """Accepted and recorded, but it leaves the CPU stream alone, as in torch.

    nbtorch fills CUDA tensors from the CPU generator (so ``torch.manual_seed`` governs them);
    reseeding that stream here would change the CPU numbers, which torch's cuda.manual_seed never does.
    """
    _seed[0] = int(seed)


manual_seed_all = manual_seed


def seed():
    import secrets
    _seed[0] = secrets.randbits(64)


seed_all = seed


def initial_seed():
    from .random import initial_seed as _cpu_initial_seed
    return _cpu_initial_seed() if _seed[0] is None else _seed[0]


def empty_cache():
    if _backend.cp is not None and _backend.cuda_available():
        _backend.cp.get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None):
    if _backend.cp is None or not _backend.cuda_available():
        return 0
    return _backend.cp.get_default_memory_pool().used_bytes()
