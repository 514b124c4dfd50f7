"""The ``torch.xxx(input, ...)`` functions.

Most are the tensor method of the same name: ``torch.exp(x)`` is ``x.exp()``.
Those are generated from ``_METHOD_NAMES`` below, each with an ``out=`` that
copies the result into a given tensor, as in torch.  Functions that are not
methods (cat, stack, where, ...) are defined in ``_tensor.py`` or below.
"""
import numpy as np

from ._tensor import Tensor, cat, stack, where, matmul as _matmul, maximum, minimum, pow, _write_out, _counter
from . import _dtype

_METHOD_NAMES = """
add sub subtract rsub mul multiply div divide true_divide floor_divide remainder fmod neg negative abs absolute
exp log log1p log2 log10 expm1 sqrt rsqrt square reciprocal sin cos tan tanh sigmoid relu sign sgn
asin acos atan sinh cosh asinh acosh atanh arcsin arccos arctan arcsinh arccosh arctanh sin_ cos_
bitwise_and bitwise_or bitwise_xor bitwise_not erf erfc atan2 arctan2 logaddexp deg2rad rad2deg
floor ceil trunc frac round clamp clip clamp_min clamp_max lerp logical_not logical_and logical_or logical_xor
isnan isinf isfinite nan_to_num eq ne lt le gt ge greater less greater_equal less_equal not_equal equal
allclose isclose sum nansum mean nanmean prod max min amax amin argmax argmin var std norm logsumexp all any
count_nonzero softmax log_softmax cumsum cumprod mm bmm mv dot inner outer ger reshape flatten unflatten squeeze
unsqueeze permute transpose swapaxes swapdims t moveaxis movedim narrow select chunk split tensor_split
unbind index_select masked_select masked_fill gather take_along_dim scatter scatter_add index_add nonzero
argwhere topk sort argsort msort unique bincount diag diagonal trace tril triu repeat_interleave flip fliplr
flipud roll tile numel addcmul addcdiv is_floating_point is_complex clone detach broadcast_to
""".split()


def _delegate(name):
    def fn(input, *args, out=None, **kwargs):
        if not isinstance(input, Tensor):
            from ._creation import tensor
            input = tensor(input)
        return _write_out(getattr(input, name)(*args, **kwargs), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}(input, ...) is input.{name}(...): see nbtorch.Tensor.{name}."
    return fn


for _name in _METHOD_NAMES:
    globals()[_name] = _delegate(_name)
del _name


def matmul(input, other, *, out=None):
    """Matrix product of two tensors (see nbtorch.Tensor.matmul); ``out=`` receives the result."""
    return _write_out(_matmul(input, other), out)


def std_mean(input, dim=None, *, correction=None, keepdim=False):
    """``(input.std(dim), input.mean(dim))`` in one call, as torch.std_mean."""
    return input.std(dim, keepdim=keepdim, correction=correction), input.mean(dim, keepdim=keepdim) \
        if dim is not None else input.mean()


def var_mean(input, dim=None, *, correction=None, keepdim=False):
    """``(input.var(dim), input.mean(dim))`` in one call, as torch.var_mean."""
    return input.var(dim, keepdim=keepdim, correction=correction), input.mean(dim, keepdim=keepdim) \
        if dim is not None else input.mean()


def det(input):
    """torch.det: see nbtorch.linalg.det."""
    from . import linalg
    return linalg.det(input)


def inverse(input):
    """torch.inverse: see nbtorch.linalg.inv."""
    from . import linalg
    return linalg.inv(input)


def slogdet(input):
    from . import linalg, return_types
    return return_types.slogdet(tuple(linalg.slogdet(input)))


def logdet(input):
    from . import linalg
    return linalg._logdet(input)


def pinverse(input, rcond=1e-15):
    from . import linalg
    return linalg.pinv(input)


def svd(input, some=True, compute_uv=True):
    """torch.svd (older API): ``(U, S, V)`` with ``input = U diag(S) V^T``."""
    from . import linalg
    return linalg._old_svd(input, some, compute_uv)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_nonzero(input):
    return bool(input)


def numel(input):
    return input.numel()


def concat(tensors, dim=0, *, out=None):
    return cat(tensors, dim, out=out)


concatenate = concat


def hstack(tensors):
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    return cat([t if t.ndim > 1 else t.unsqueeze(0) for t in tensors], 0)


def dstack(tensors):
    """Stack along the third dim, after making every tensor at least 3-D (as numpy.dstack)."""
    def at3(t):
        return t.reshape(1, -1, 1) if t.ndim <= 1 else (t.unsqueeze(-1) if t.ndim == 2 else t)
    return cat([at3(t) for t in tensors], 2)


def column_stack(tensors):
    return cat([t.unsqueeze(1) if t.ndim == 1 else t for t in tensors], 1)


def einsum(equation, *operands):
    from .ops.linalg import Einsum
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    return Einsum.apply(*operands, equation=equation)


def result_type(tensor1, tensor2):
    return _dtype.result_type(tensor1, tensor2)


def promote_types(type1, type2):
    return _dtype.promote_types(type1, type2)


def can_cast(from_, to):
    order = {0: 0, 1: 1, 2: 2, 3: 3}
    return order[from_._rank] <= order[to._rank]


def meshgrid(*tensors, indexing='ij'):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    n = len(tensors)
    shape = [t.numel() for t in tensors]
    if indexing == 'xy' and n >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, t in enumerate(tensors):
        view = [1] * n
        pos = i
        if indexing == 'xy' and n >= 2 and i < 2:
            pos = 1 - i
        view[pos] = -1
        out.append(t.reshape(view).expand(shape))
    return tuple(out)


def cdist(x1, x2, p=2.0):
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return diff.norm(p=p, dim=-1)


def atleast_1d(t):
    return t.reshape(1) if t.ndim == 0 else t


def atleast_2d(t):
    return t.reshape(1, -1) if t.ndim < 2 else t


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    from .nn.functional import cosine_similarity as cs
    return cs(x1, x2, dim, eps)


def manual_seed_all(seed):
    from .random import manual_seed
    return manual_seed(seed)
