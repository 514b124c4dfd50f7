"""torch.nn.functional: the stateless forms of every layer and loss.

Each function checks its arguments like torch and calls a primitive: the
Tensor's own ops, or the fused ones of ``nbtorch/nn/_ops.py`` (linear, the
activations, the normalizations, cross-entropy, the elementwise losses).
"""
import math
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from .._size import Size
from ..autograd import grad_mode as _gm
from ..ops import elementwise as _E
from ..ops._util import xp_of, canonical_dim
from . import _ops

__all__ = ['linear', 'bilinear', 'relu', 'relu_', 'relu6', 'leaky_relu', 'leaky_relu_', 'gelu', 'elu', 'silu',
           'softplus', 'hardtanh', 'selu', 'celu', 'mish', 'hardswish', 'hardsigmoid', 'logsigmoid', 'hardshrink',
           'softshrink', 'threshold', 'softsign', 'tanhshrink', 'glu', 'prelu', 'sigmoid', 'tanh', 'softmax', 'log_softmax', 'softmin', 'dropout',
           'dropout1d', 'dropout2d', 'dropout3d', 'batch_norm', 'layer_norm', 'group_norm', 'instance_norm', 'rms_norm', 'pixel_shuffle', 'pixel_unshuffle', 'embedding', 'one_hot',
           'cosine_similarity', 'pairwise_distance', 'normalize', 'pad', 'mse_loss', 'l1_loss',
           'smooth_l1_loss', 'huber_loss', 'cross_entropy', 'nll_loss', 'binary_cross_entropy',
           'binary_cross_entropy_with_logits', 'kl_div', 'multi_head_attention_forward']


# ---------------------------------------------------------------------------- linear
def linear(input, weight, bias=None):
    """y = input @ weight.T + bias (grad_fn AddmmBackward0 for a 2-D input with bias, as torch)."""
    x, w = input._data, weight._data
    if x.shape[-1] != w.shape[-1]:
        n = x.size // x.shape[-1] if x.shape[-1] else 0
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{x.shape[-1]} and "
                           f"{w.shape[1]}x{w.shape[0]})")
    if x.dtype != w.dtype:
        if bias is None:   # torch's matmul path
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_short(input)} != "
                               f"{_short(weight)}")
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_LEGACY_NAME(input)} and "
                           f"{_LEGACY_NAME(weight)}")
    if bias is None:
        return _ops.Linear.apply(input, weight)
    return _ops.Linear.apply(bias, input, weight)


def _short(t):
    return {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'int64': 'long int',
            'int32': 'int'}.get(t._data.dtype.name, t._data.dtype.name)


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1^T A_k x2 + b_k."""
    from .._tensor import Tensor as T
    from .. import einsum
    out = einsum('...i,kij,...j->...k', input1, weight, input2)
    return out if bias is None else out + bias


# ---------------------------------------------------------------------------- activations
def relu(input, inplace=False):
    return input.relu_() if inplace else input.relu()


def relu_(input):
    return input.relu_()


def _maybe_inplace(input, out, inplace):
    """torch's ``inplace=True``: write the result into input (same graph rules as other in-place ops)."""
    if not inplace:
        return out
    return input._inplace(out)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _maybe_inplace(input, _ops.LeakyRelu.apply(input, negative_slope=negative_slope), inplace)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def gelu(input, approximate='none'):
    if approximate not in ('none', 'tanh'):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _ops.Gelu.apply(input, approximate=approximate)


def elu(input, alpha=1.0, inplace=False):
    return _maybe_inplace(input, _ops.Elu.apply(input, alpha=alpha), inplace)


def silu(input, inplace=False):
    return _maybe_inplace(input, _ops.Silu.apply(input), inplace)


def selu(input, inplace=False):
    """scale * elu(x, alpha) with torch's fixed alpha and scale (self-normalizing networks)."""
    return _maybe_inplace(input, _ops.Elu.apply(input, alpha=1.6732632423543772, scale=1.0507009873554805),
                          inplace)


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    return _maybe_inplace(input, _ops.Celu.apply(input, alpha=alpha), inplace)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _maybe_inplace(input, _ops.Mish.apply(input), inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    return _maybe_inplace(input, _ops.Hardswish.apply(input), inplace)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    return _maybe_inplace(input, _ops.Hardsigmoid.apply(input), inplace)


def logsigmoid(input):
    """log(sigmoid(x)), computed stably."""
    return _ops.LogSigmoid.apply(input)


def hardshrink(input, lambd=0.5):
    return _ops.Hardshrink.apply(input, lambd=lambd)


def softshrink(input, lambd=0.5):
    return _ops.Softshrink.apply(input, lambd=lambd)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value."""
    return _maybe_inplace(input, _ops.Threshold.apply(input, threshold=threshold, value=value), inplace)


def softsign(input):
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x)."""
    return input - input.tanh()


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the halves of input along dim."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {canonical_dim(dim, input.dim())} is size "
                           f"{input.shape[dim]}")
    return _ops.Glu.apply(input, dim=dim)


def softplus(input, beta=1.0, threshold=20.0):
    return _ops.Softplus.apply(input, beta=beta, threshold=threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, _ops.Hardtanh.apply(input, min_val=min_val, max_val=max_val), inplace)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def prelu(input, weight):
    return _ops.Prelu.apply(input, weight)


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def _softmax_dim(name, ndim, stacklevel):
    """torch's legacy choice when dim is not given (0 for 0-, 1- and 3-D inputs, else 1), with its warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel + 1)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along dim."""
    if dim is None:
        dim = _softmax_dim('softmax', input.dim(), _stacklevel)
    return input.softmax(dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    return softmax(-input, dim, _stacklevel + 1, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x) along dim."""
    if dim is None:
        dim = _softmax_dim('log_softmax', input.dim(), _stacklevel)
    return input.log_softmax(dim, dtype=dtype)


# ---------------------------------------------------------------------------- dropout
def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_with_mask(input, p, mask_shape, inplace):
    """input * bernoulli(1 - p) / (1 - p), the mask drawn in ``mask_shape`` (channel-wise when it has 1s)."""
    if p == 1.0:
        mask = input.new_zeros(mask_shape)
    else:
        mask = input.new_empty(mask_shape).bernoulli_(1 - p)
        mask.div_(1 - p)
    if inplace:
        return input.mul_(mask)
    return input * mask


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p); the identity in eval mode."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _dropout_with_mask(input, p, input.shape, inplace)


def _feature_dropout(input, p, training, inplace, batched_dim):
    _check_p(p)
    if not training or p == 0.0:
        return input
    shape = input.shape
    if input.dim() == batched_dim:
        mask_shape = (shape[0], shape[1]) + (1,) * (input.dim() - 2)
    else:
        mask_shape = (shape[0],) + (1,) * (input.dim() - 1)
    return _dropout_with_mask(input, p, mask_shape, inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels (axis 1 of an (N, C, H, W) input) with probability p."""
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
                      "inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).")
    if inp_dim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
                      "dim. This behavior will change in a future release to interpret the input as one without "
                      "a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
                      "behavior, please switch to using dropout1d instead.")
        return _feature_dropout(input, p, training, inplace, 3)
    return _feature_dropout(input, p, training, inplace, 4)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) (or unbatched (C, D, H, W)) inputs with probability p."""
    if input.dim() not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.dim()}-D input to dropout3d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on "
                      "inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 4D or 5D inputs).")
    return _feature_dropout(input, p, training, inplace, 5)


# ---------------------------------------------------------------------------- normalization
def _norm_call(input, weight, bias, **cfg):
    wb = [t for t in (weight, bias) if t is not None]
    return _ops.Normalize.apply(input, *wb, has_weight=weight is not None, has_bias=bias is not None, **cfg)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-05):
    """Normalize each channel (axis 1) with the batch's statistics (training) or the running ones.

    In training the running statistics are updated in place:
    running = (1 - momentum) * running + momentum * batch (unbiased variance).
    """
    x = input._data
    C = x.shape[1] if x.ndim > 1 else 1
    for name, p in (('running_mean', running_mean), ('running_var', running_var), ('weight', weight), ('bias', bias)):
        if p is not None and p.numel() != C:
            raise RuntimeError(f"{name} should contain {C} elements not {p.numel()}")
    if training:
        size = int(np.prod(x.shape)) // C
        if size == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    pshape = (1, C) + (1,) * (x.ndim - 2)
    if training:
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        if running_mean is not None or running_var is not None:
            n = x.size // C
            with _gm.no_grad():
                if running_mean is not None:
                    running_mean._data[...] = ((1 - momentum) * running_mean._data +
                                               momentum * mean.reshape(-1)).astype(running_mean._data.dtype)
                    running_mean._bump_version()
                if running_var is not None:
                    unbiased = var.reshape(-1) * (n / max(n - 1, 1))
                    running_var._data[...] = ((1 - momentum) * running_var._data +
                                              momentum * unbiased).astype(running_var._data.dtype)
                    running_var._bump_version()
        batch = True
    else:
        mean = running_mean._data.reshape(pshape).astype(x.dtype, copy=False)
        var = running_var._data.reshape(pshape).astype(x.dtype, copy=False)
        batch = False
    return _norm_call(input, weight, bias, axes=axes, stat_shape=x.shape, param_shape=pshape, eps=eps,
                      mean=mean, var=var, batch_stats=batch, name='NativeBatchNormBackward0')


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalize over the last len(normalized_shape) axes."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if tuple(input.shape[input.dim() - k:]) != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size"
                           f"{input.shape}")
    axes = tuple(range(input.dim() - k, input.dim()))
    return _norm_call(input, weight, bias, axes=axes, stat_shape=input._data.shape, param_shape=normalized_shape,
                      eps=eps, name='NativeLayerNormBackward0')


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-05):
    """Normalize each channel of each sample over its spatial dims; running stats average over the batch."""
    x = input._data
    C = x.shape[1]
    axes = tuple(range(2, x.ndim))
    pshape = (1, C) + (1,) * (x.ndim - 2)
    if use_input_stats:
        if running_mean is not None or running_var is not None:
            n = int(np.prod(x.shape[2:]))
            mean = x.mean(axis=axes)
            var = x.var(axis=axes) * (n / max(n - 1, 1))
            with _gm.no_grad():
                for buf, stat in ((running_mean, mean), (running_var, var)):
                    if buf is not None:
                        buf._data[...] = ((1 - momentum) * buf._data + momentum * stat.mean(axis=0)) \
                            .astype(buf._data.dtype)
                        buf._bump_version()
        return _norm_call(input, weight, bias, axes=axes, stat_shape=x.shape, param_shape=pshape, eps=eps,
                          name='ViewBackward0')
    mean = running_mean._data.reshape(pshape).astype(x.dtype, copy=False)
    var = running_var._data.reshape(pshape).astype(x.dtype, copy=False)
    return _norm_call(input, weight, bias, axes=axes, stat_shape=x.shape, param_shape=pshape, eps=eps,
                      mean=mean, var=var, batch_stats=False, name='ViewBackward0')


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2 over the last dims) + eps) * weight; eps defaults to the dtype's machine epsilon."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - len(normalized_shape), input.dim()))
    out = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    k = len(lead)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) -> (*, C r^2, H, W)."""
    r = downscale_factor
    *lead, c, h, w = input.shape
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    k = len(lead)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalize each group of num_groups channels of each sample."""
    x = input._data
    N, C = x.shape[0], x.shape[1]
    if C % num_groups != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {input.shape} and num_groups={num_groups}")
    return _norm_call(input, weight, bias, axes=(2,), stat_shape=(N, num_groups, -1),
                      param_shape=(1, C) + (1,) * (x.ndim - 2), eps=eps, name='NativeGroupNormBackward0')


# ---------------------------------------------------------------------------- embedding, distances
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """weight[input]: look up one row of ``weight`` per index."""
    if input._data.dtype.kind not in 'iu':
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{_LEGACY_NAME(input)}Tensor instead (while checking arguments "
                           "for embedding)")
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    idx = input._data
    n = weight.shape[0]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        with _gm.no_grad():
            xp = xp_of(idx)
            rows = xp.unique(idx.reshape(-1) % n)
            w = weight._data
            norms = (xp.abs(w[rows]) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
            scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
            w[rows] *= scale[:, None]
    return _ops.Embedding.apply(weight, indices=idx, padding_idx=padding_idx)


def one_hot(tensor, num_classes=-1):
    """An int64 tensor with a 1 at each index (num_classes=-1: max + 1)."""
    if tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    a = tensor._data
    xp = xp_of(a)
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    elif a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._wrap((a[..., None] == xp.arange(num_classes)).astype(np.int64))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along dim."""
    n1 = x1.norm(2, dim=dim, keepdim=True).clamp_min(eps)
    n2 = x2.norm(2, dim=dim, keepdim=True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dim."""
    return (x1 - x2 + eps).norm(p, dim=-1, keepdim=keepdim)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p, eps) along dim."""
    denom = input.norm(p, dim=dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


# ---- convolution, pooling, resampling (helper H5 adds its imports here) ----
from ..ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,  # noqa: F401
                        conv_transpose3d, unfold, fold)
from ..ops.pool import (max_pool1d, max_pool2d, max_pool3d, avg_pool1d, avg_pool2d, avg_pool3d,  # noqa: F401
                        adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool2d)
from ..ops.resample import interpolate, pad  # noqa: F401
# ---- end of H5 block ----


# ---------------------------------------------------------------------------- losses
def _reduction(size_average, reduce, reduction):
    """The legacy size_average/reduce flags mapped to a reduction string, as torch's _Reduction."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return 'mean'
    return 'sum' if reduce else 'none'


def _check_reduction(reduction):
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def reduce_loss(loss, reduction):
    """Apply 'none' | 'mean' | 'sum' to an elementwise loss tensor (the one place losses reduce)."""
    _check_reduction(reduction)
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    return loss


def _warn_size(input, target, stacklevel=3):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                      "the same size.", stacklevel=stacklevel)


def _pointwise_loss(kind, input, target, reduction, weight=None, **params):
    _check_reduction(reduction)
    from .._tensor import _broadcast_error
    err = _broadcast_error(input, target)
    if err is not None:
        raise err
    if target._data.dtype != input._data.dtype and input._data.dtype.kind == 'f':
        target = target.to(input.dtype)
    w = None if weight is None else weight._data
    return _ops.PointwiseLoss.apply(input, target, kind=kind, reduction=reduction, weight=w, **params)


def mse_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None):
    """mean((input - target)^2)."""
    _warn_size(input, target)
    return _pointwise_loss('MseLoss', input, target, _reduction(size_average, reduce, reduction), weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None):
    """mean(|input - target|) (built from abs and mean, like torch)."""
    _warn_size(input, target)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return reduce_loss(loss, _reduction(size_average, reduce, reduction))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, with d = input - target."""
    _warn_size(input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _pointwise_loss('SmoothL1Loss', input, target, _reduction(size_average, reduce, reduction), beta=beta)


def huber_loss(input, target, reduction='mean', delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    _warn_size(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _pointwise_loss('HuberLoss', input, target, reduction, weight, delta=delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
    """-w (t log x + (1 - t) log(1 - x)), the logs clamped at -100 like torch."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    x = input._data
    if x.size and (x.min() < 0 or x.max() > 1):
        raise RuntimeError("all elements of input should be between 0 and 1")
    w = None if weight is None else xp_of(x).broadcast_to(weight._data, x.shape)
    return _pointwise_loss('BinaryCrossEntropy', input, target, reduction, None if w is None else Tensor._wrap(w))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction='mean', pos_weight=None):
    """BCE on sigmoid(input), computed stably from the logits:
    (1 - t) x + (1 + (pos_weight - 1) t) log(1 + exp(-x)).  Its gradient is sigmoid(x) - t (pos_weight=None)."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    params = {}
    if pos_weight is not None:
        params['pos_weight'] = pos_weight._data
    return _pointwise_loss('BinaryCrossEntropyWithLogits', input, target, reduction, weight, **params)


def kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False):
    """sum target * (log target - input); input holds log-probabilities."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction == 'mean':
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        from .. import where
        t_log_t = where(target > 0, target * target.clamp_min(1e-45 if target.dtype != _dtype.float16 else 1e-7)
                        .log(), target * 0)
        loss = t_log_t - target * input
    if reduction == 'batchmean':
        if input.dim() == 0:
            return loss.sum()
        return loss.sum() / input.size(0)
    return reduce_loss(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction='mean'):
    """max(0, -y (x1 - x2) + margin)."""
    loss = (-target * (input1 - input2) + margin).clamp_min(0)
    return reduce_loss(loss, _reduction(size_average, reduce, reduction))


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction='mean'):
    """x where y == 1, max(0, margin - x) where y == -1."""
    from .. import where
    zeros = input * 0
    loss = where(target != 1, (margin - input).clamp_min(0), zeros) + where(target != -1, input, zeros)
    return reduce_loss(loss, _reduction(size_average, reduce, reduction))


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """log(1 + exp(-y x))."""
    return reduce_loss(softplus(-target * input), _reduction(size_average, reduce, reduction))


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction='mean'):
    """1 - cos(x1, x2) where y == 1, max(0, cos(x1, x2) - margin) where y == -1."""
    from .. import where
    eps = 1e-12
    dim = input1.dim() - 1
    prod_sum = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + eps
    mag2 = (input2 * input2).sum(dim) + eps
    cos = prod_sum / (mag1 * mag2).sqrt()
    zeros = cos * 0
    loss = where(target == 1, 1 - cos, zeros) + where(target == -1, (cos - margin).clamp_min(0), zeros)
    return reduce_loss(loss, _reduction(size_average, reduce, reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, size_average=None,
                        reduce=None, reduction='mean'):
    """max(0, d(a, p) - d(a, n) + margin), d the pairwise p-norm distance."""
    from .. import minimum
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    loss = (margin + d_pos - d_neg).clamp_min(0)
    return reduce_loss(loss, _reduction(size_average, reduce, reduction))


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-08, reduce=None,
                     reduction='mean'):
    """exp(x) - y x (log_input) or x - y log(x + eps); full adds Stirling's term."""
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        with np.errstate(divide='ignore', invalid='ignore'):
            stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return reduce_loss(loss, _reduction(size_average, reduce, reduction))


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction='mean'):
    """0.5 (log(var) + (x - y)^2 / var) (+ 0.5 log(2 pi) with full); var is clamped at eps (without grad)."""
    if var.dim() == input.dim() - 1 and tuple(var.shape) == tuple(input.shape[:-1]):
        var = var.unsqueeze(-1)
    if (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    var = var.clone()
    with _gm.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
    """-(y log sigmoid(x) + (1 - y) log sigmoid(-x)), averaged over the classes."""
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(dim=input.dim() - 1) / input.size(-1)
    return reduce_loss(loss, _reduction(size_average, reduce, reduction))


def _class_targets(input, target, name):
    """Check the (N, C, d1, ...) input against an (N, d1, ...) integer target; give the target array."""
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_LEGACY_NAME(target)}")
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() == 1 and target.dim() >= 1 and target.numel() != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.numel()}")
    if input.dim() <= 2 and target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() >= 2 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0]}).")
    if input.dim() > 2 and tuple(input.shape[2:]) != tuple(target.shape[1:]):
        raise RuntimeError(f"Expected target size {list((input.shape[0],) + tuple(input.shape[2:]))}, "
                           f"got {list(target.shape)}")
    return target._data


def _LEGACY_NAME(t):
    from .._tensor import _legacy
    return _legacy(t._data.dtype)


def _class_weight_matrix(x, t, weight, ignore_index, reduction, label_smoothing):
    """Q[i, c]: the weight of log p[i, c] in the loss, the reduction's divisor included (see _ops)."""
    xp = xp_of(x)
    unbatched = x.ndim == 1
    if unbatched:
        x, t = x[None], t[None]
    C = x.shape[1]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != C):
        raise RuntimeError(f"weight tensor should be defined either for all {C} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    valid = t != ignore_index
    tt = xp.where(valid, t, 0)
    bad = tt[(tt < 0) | (tt >= C)]
    if bad.size:
        raise IndexError(f"Target {int(bad.reshape(-1)[0])} is out of bounds.")
    cls_shape = (1, C) + (1,) * (x.ndim - 2)
    onehot = xp.expand_dims(tt, 1) == xp.arange(C).reshape(cls_shape)
    w_c = xp.ones(C, x.dtype) if weight is None else weight.astype(x.dtype, copy=False)
    w_t = w_c[tt] * valid                                  # weight of each sample's target class
    eps = label_smoothing
    Q = onehot * xp.expand_dims(w_t * (1 - eps), 1)
    if reduction == 'mean':
        with np.errstate(invalid='ignore', divide='ignore'):
            Q = Q / w_t.sum()
    if eps > 0:
        S = xp.expand_dims(valid, 1) * w_c.reshape(cls_shape) * (eps / C)
        if reduction == 'mean':
            with np.errstate(invalid='ignore', divide='ignore'):
                S = S / (w_t.sum() if weight is not None else valid.sum())
        Q = Q + S
    Q = Q.astype(x.dtype, copy=False)
    return Q, unbatched


def _nll_name(ndim, reduction):
    """torch's node name: nll_loss for (N, C), nll_loss2d (through a view, except 4-D 'none') for more dims."""
    if ndim <= 2:
        return 'NllLossBackward0'
    return 'ViewBackward0' if reduction == 'none' and ndim != 4 else 'NllLoss2DBackward0'


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'):
    """-input[i, target[i]] * weight[target[i]], averaged over the weights of the non-ignored samples."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    t = _class_targets(input, target, 'nll_loss')
    Q, unbatched = _class_weight_matrix(input._data, t, None if weight is None else weight._data, ignore_index,
                                        reduction, 0.0)
    x = input.unsqueeze(0) if unbatched else input
    out = _ops.WeightedNLL.apply(x, Q=Q, reduction=reduction, name=_nll_name(input.dim(), reduction))
    return out.squeeze(0) if unbatched and reduction == 'none' else out


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction='mean', label_smoothing=0.0):
    """log_softmax over axis 1 and the negative log-likelihood, fused into one stable primitive.

    ``target`` holds class indices (N, d1, ...) or class probabilities (same shape as input).
    Its gradient w.r.t. the logits is softmax(input) - target (times weights, over N for 'mean').
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x = input._data
    xp = xp_of(x)
    if x.dtype.kind not in 'fc':
        kernel = 'log_softmax_lastdim_kernel_impl' if x.ndim <= 2 else 'log_softmax_kernel_impl'
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_LEGACY_NAME(input)}\'')
    if target.shape == input.shape:   # class probabilities
        if target._data.dtype.kind != 'f':
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{_LEGACY_NAME(target)}")
        unbatched = x.ndim == 1
        C = x.shape[0] if unbatched else x.shape[1]
        q = target._data.astype(x.dtype, copy=False)
        if label_smoothing > 0:
            q = q * (1 - label_smoothing) + label_smoothing / C
        if weight is not None:
            shape = (C,) if unbatched else (1, C) + (1,) * (x.ndim - 2)
            q = q * weight._data.astype(x.dtype, copy=False).reshape(shape)
        if reduction == 'mean':
            q = q / (x.size // C if x.size else 1)
        q = q.astype(x.dtype, copy=False)
        name = {'mean': 'DivBackward1', 'sum': 'NegBackward0', 'none': 'NegBackward0'}[reduction]
        inp = input.unsqueeze(0) if unbatched else input
        out = _ops.SoftmaxCrossEntropy.apply(inp, Q=q[None] if unbatched else q, reduction=reduction, name=name)
        return out.squeeze(0) if unbatched and reduction == 'none' else out
    t = _class_targets(input, target, 'cross_entropy')
    Q, unbatched = _class_weight_matrix(x, t, None if weight is None else weight._data, ignore_index, reduction,
                                        label_smoothing)
    name = 'AddBackward0' if label_smoothing > 0 else _nll_name(input.dim(), reduction)
    inp = input.unsqueeze(0) if unbatched else input
    out = _ops.SoftmaxCrossEntropy.apply(inp, Q=Q, reduction=reduction, name=name)
    return out.squeeze(0) if unbatched and reduction == 'none' else out


# ---------------------------------------------------------------------------- attention
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(Q K^T / sqrt(d) + mask) V."""
    from .. import ones, where
    L, S = query.size(-2), key.size(-2)
    scale_factor = 1 / math.sqrt(query.size(-1)) if scale is None else scale
    scores = query @ key.transpose(-2, -1) * scale_factor
    if is_causal:
        causal = ones(L, S, dtype=_dtype.bool_).tril()
        scores = scores.masked_fill(~causal, float('-inf'))
    if attn_mask is not None:
        if attn_mask.dtype == _dtype.bool_:
            scores = scores.masked_fill(~attn_mask, float('-inf'))
        else:
            scores = scores + attn_mask
    attn = scores.softmax(dim=-1)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn @ value


def _attn_float_mask(mask, dtype):
    """A boolean mask (True = not allowed) becomes -inf/0 floats; float masks pass through."""
    if mask is None:
        return None
    if mask.dtype == _dtype.bool_:
        from .. import zeros
        return zeros(mask.shape, dtype=dtype).masked_fill(mask, float('-inf'))
    return mask.to(dtype)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Multi-head attention on (L, N, E) inputs, as torch's: project, split heads, attend, merge, project."""
    from .. import cat, zeros
    is_batched = query.dim() == 3
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if not use_separate_proj_weight:
        if query is key and key is value:
            q, k, v = linear(query, in_proj_weight, in_proj_bias).chunk(3, dim=-1)
        else:
            w_q, w_k, w_v = in_proj_weight.chunk(3)
            b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
            q, k, v = linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)
    else:
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = linear(query, q_proj_weight, b_q), linear(key, k_proj_weight, b_k), linear(value, v_proj_weight, b_v)

    if attn_mask is not None:
        attn_mask = _attn_float_mask(attn_mask, q.dtype)
        if attn_mask.dim() == 2:
            attn_mask = attn_mask.unsqueeze(0)
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))

    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        k = cat([k, zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)], dim=1)
        v = cat([v, zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype)], dim=1)
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    src_len = k.size(1)

    if key_padding_mask is not None:
        kpm = _attn_float_mask(key_padding_mask, q.dtype).view(bsz, 1, 1, src_len) \
            .expand(-1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if is_causal and attn_mask is None:
        from .. import ones
        attn_mask = zeros(tgt_len, src_len, dtype=q.dtype).masked_fill(
            ~ones(tgt_len, src_len, dtype=_dtype.bool_).tril(), float('-inf')).unsqueeze(0)

    q = q * (1.0 / math.sqrt(head_dim))
    scores = q @ k.transpose(-2, -1)
    if attn_mask is not None:
        scores = scores + attn_mask
    attn = scores.softmax(dim=-1)
    if dropout_p > 0.0 and training:
        attn = dropout(attn, p=dropout_p)
    out = attn @ v
    out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).view(tgt_len, bsz, embed_dim)
    weights = None
    if need_weights:
        weights = attn.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not is_batched:
            weights = weights.squeeze(0)
    if not is_batched:
        out = out.squeeze(1)
    return out, weights
