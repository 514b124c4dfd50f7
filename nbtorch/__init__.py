"""nbtorch: PyTorch's API on NumPy (CuPy on GPU), written to be read.

``import nbtorch as torch`` and tutorial code for torch runs unchanged.
Start reading at ``nbtorch/_tensor.py`` (the Tensor), ``nbtorch/ops``
(each op's forward and backward) and ``nbtorch/autograd/engine.py``.
"""
from . import _malloc  # noqa: F401  (freed array memory is kept for reuse: see _malloc.py)
from ._dtype import (dtype, bool_ as bool, uint8, int8, int16, int32, int64, float16, float32, float64,
                     complex64, complex128, half, float, double, short, int, long, cfloat, cdouble,
                     get_default_dtype, set_default_dtype)
from ._device import device
from ._size import Size
from ._finfo import finfo, iinfo
from ._tensor import Tensor, cat, stack, where, matmul, maximum, minimum, pow
from ._creation import (tensor, as_tensor, asarray, from_numpy, zeros, ones, empty, full, eye, arange,
                        range_ as range, linspace, logspace, zeros_like, ones_like, empty_like, full_like,
                        rand, randn, rand_like, randn_like, randint, randint_like, randperm, normal, bernoulli,
                        multinomial, set_default_device, get_default_device)
from ._functions import *  # noqa: F401,F403  torch.exp(x), torch.sum(x, 0), ...
from ._functions import _METHOD_NAMES
from .random import manual_seed, seed, initial_seed, get_rng_state, set_rng_state, Generator, default_generator
from ._tensor_str import set_printoptions
from .autograd import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from .autograd.anomaly_mode import is_anomaly_enabled, is_anomaly_check_nan_enabled
from . import autograd, cuda, return_types, random

__version__ = '0.1.0'

# print as torch does: <class 'nbtorch.Tensor'>, <class 'nbtorch.Size'>
Tensor.__module__ = Size.__module__ = dtype.__module__ = device.__module__ = 'nbtorch'

from ._legacy_types import (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor,  # noqa: E402
                            CharTensor, ByteTensor, BoolTensor)


def _lazy(name):
    import importlib
    return importlib.import_module('nbtorch.' + name)


def __getattr__(name):
    # sub-packages that pull in more code are imported on first use
    if name in ('nn', 'optim', 'utils', 'vision', 'widgets', 'serialization', 'backends', 'testing', 'accelerator', 'linalg'):
        return _lazy(name)
    if name in ('save', 'load'):
        return getattr(_lazy('serialization'), name)
    import difflib
    close = difflib.get_close_matches(name, [n for n in globals() if not n.startswith('_')], n=1)
    hint = f". Did you mean: '{close[0]}'?" if close else ''
    raise AttributeError(f"module 'nbtorch' has no attribute '{name}'{hint}")
