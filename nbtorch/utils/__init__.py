"""``nbtorch.utils``: ``data`` (Dataset, DataLoader, ...).  ``tensorboard`` is imported on first use."""
from . import data

__all__ = ['data']


def __getattr__(name):
    if name == 'tensorboard':
        import importlib
        return importlib.import_module('nbtorch.utils.tensorboard')
    raise AttributeError(f"module 'nbtorch.utils' has no attribute '{name}'")
