"""The array-level primitives behind nn.functional, each with its hand-written gradient.

* ``Linear``          y = x W^T + b, one GEMM forward, two backward.
* ``_activation(...)`` builds the parametrised pointwise activations (LeakyReLU, GELU, ELU, ...).
* ``Normalize``       batch/layer/group norm: y = (x - mean) / sqrt(var + eps) * w + b.
* ``Embedding``       row lookup; its gradient scatters rows back.
* ``SoftmaxCrossEntropy`` / ``WeightedNLL``: fused, stable losses over a class axis.
* ``PointwiseLoss``   MSE, SmoothL1, Huber, BCE, BCE-with-logits, one class for all.
"""
import math

import numpy as np

from ..autograd.function import ArrayFunction
from ..ops._util import xp_of, unbroadcast


def _erf(a):
    """erf elementwise: SciPy's when it is there, else a 1.5e-7-accurate rational approximation."""
    xp = xp_of(a)
    if xp.__name__ == 'numpy':
        try:
            from scipy.special import erf
            return erf(a)
        except ImportError:  # pragma: no cover - scipy comes with scikit-learn
            pass
    # Abramowitz & Stegun 7.1.26
    s = xp.sign(a)
    x = xp.abs(a)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
               + 0.254829592) * t * xp.exp(-x * x)
    return (s * y).astype(a.dtype, copy=False)


# ---------------------------------------------------------------------------- linear
class Linear(ArrayFunction):
    """y = x @ W^T + b over the last axis of x.

    Called as ``Linear.apply(b, x, W)`` with a bias (the input order of torch's
    ``addmm(b, x, W.t())``, so ``next_functions`` list bias, input, weight as in
    torch) and ``Linear.apply(x, W)`` without.
    Backward: dx = g @ W, dW = g^T @ x, db = sum of g over the batch.
    """
    _backward_name = 'AddmmBackward0'

    @staticmethod
    def forward(ctx, *arrays):
        if len(arrays) == 3:
            b, x, w = arrays
        else:
            (x, w), b = arrays, None
        x2 = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
        out = x2 @ w.T
        if b is not None:
            out += b
        if x.ndim != 2:
            out = out.reshape(x.shape[:-1] + (w.shape[0],))
            ctx._backward_name = 'ViewBackward0' if b is not None else 'UnsafeViewBackward0'
        elif b is None:
            ctx._backward_name = 'MmBackward0'
        ctx.save_for_backward(x, w)
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors_raw
        need = ctx.needs_input_grad
        has_bias = len(need) == 3
        need_x, need_w = need[-2:]
        g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        x2 = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
        gx = (g2 @ w).reshape(x.shape) if need_x else None
        gw = g2.T @ x2 if need_w else None
        if has_bias:
            return (g2.sum(axis=0) if need[0] else None), gx, gw
        return gx, gw


# ---------------------------------------------------------------------------- activations
def _activation(name, fwd, bwd):
    """A pointwise primitive ``y = fwd(x, **params)`` whose gradient is ``bwd(g, x, y, **params)``."""
    def forward(ctx, a, **params):
        out = fwd(a, **params)
        ctx.save_for_backward(a, out)
        ctx.params = params
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors_raw
        return bwd(g, a, out, **ctx.params)

    return type(name, (ArrayFunction,), {'_backward_name': name + 'Backward0', 'forward': staticmethod(forward),
                                         'backward': staticmethod(backward),
                                         '__doc__': f'{name}: see its lambdas in nbtorch/nn/_ops.py.'})


def _where(c, a, b):
    return xp_of(c).where(c, a, b)


_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _gelu(x, approximate='none'):
    if approximate == 'tanh':
        return 0.5 * x * (1.0 + xp_of(x).tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
    return 0.5 * x * (1.0 + _erf(x / _SQRT_2))


def _gelu_grad(g, x, y, approximate='none'):
    xp = xp_of(x)
    if approximate == 'tanh':
        t = xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))
        return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x))
    return g * (0.5 * (1.0 + _erf(x / _SQRT_2)) + x * xp.exp(-0.5 * x * x) * _INV_SQRT_2PI)


def _sigmoid(x):
    from ..ops.elementwise import _sigmoid as s
    return s(x)


def _softplus(x, beta=1.0, threshold=20.0):
    xp = xp_of(x)
    bx = x * beta
    # log1p(exp(bx)) / beta, written so that exp never overflows
    soft = (xp.maximum(bx, 0) + xp.log1p(xp.exp(-xp.abs(bx)))) / beta
    return _where(bx > threshold, x, soft).astype(x.dtype, copy=False)


def _celu_grad(g, x, y, alpha=1.0):
    # torch's derivative uses 1 / float32(alpha) as the input scale; copied so float64 grads agree to the last bit
    inv = 1.0 / float(np.float32(alpha))
    return _where(x > 0, g, g * (alpha * inv) * xp_of(x).exp(xp_of(x).minimum(x, 0) * inv))


LeakyRelu = _activation('LeakyRelu', lambda x, negative_slope=0.01: _where(x > 0, x, x * negative_slope),
                        lambda g, x, y, negative_slope=0.01: _where(x > 0, g, g * negative_slope))
Gelu = _activation('Gelu', _gelu, _gelu_grad)
Elu = _activation('Elu', lambda x, alpha=1.0, scale=1.0: scale * _where(x > 0, x, alpha * xp_of(x).expm1(
                      xp_of(x).minimum(x, 0))),
                  lambda g, x, y, alpha=1.0, scale=1.0: _where(x > 0, g * scale, g * (y + scale * alpha)))
Celu = _activation('Celu', lambda x, alpha=1.0: _where(x > 0, x, alpha * xp_of(x).expm1(xp_of(x).minimum(x, 0) / alpha)),
                   _celu_grad)
Mish = _activation('Mish', lambda x: x * xp_of(x).tanh(_softplus(x)),
                   lambda g, x, y: g * _mish_grad(x))
Hardswish = _activation('Hardswish', lambda x: x * xp_of(x).clip(x + 3, 0, 6) / 6,
                        lambda g, x, y: g * _where(x < -3, 0.0, _where(x <= 3, x / 3 + 0.5, 1.0)))
_ONE_SIXTH_F32 = float(np.float32(1.0 / 6.0))   # torch's kernel uses 1.0f / 6.0f for every dtype
Hardsigmoid = _activation('Hardsigmoid', lambda x: xp_of(x).clip(x + 3, 0, 6) / 6,
                          lambda g, x, y: g * ((x > -3) & (x < 3)) * _ONE_SIXTH_F32)
LogSigmoid = _activation('LogSigmoid', lambda x: -_softplus(-x), lambda g, x, y: g * _sigmoid(-x))
Hardshrink = _activation('Hardshrink', lambda x, lambd=0.5: _where(xp_of(x).abs(x) > lambd, x, 0.0),
                         lambda g, x, y, lambd=0.5: g * (xp_of(x).abs(x) > lambd))
Softshrink = _activation('Softshrink', lambda x, lambd=0.5: _where(x > lambd, x - lambd,
                                                                  _where(x < -lambd, x + lambd, 0.0)),
                         lambda g, x, y, lambd=0.5: g * (xp_of(x).abs(x) > lambd))
Threshold = _activation('Threshold', lambda x, threshold=0.0, value=0.0: _where(x > threshold, x, value),
                        lambda g, x, y, threshold=0.0, value=0.0: g * (x > threshold))


def _mish_grad(x):
    t = xp_of(x).tanh(_softplus(x))
    return t + x * _sigmoid(x) * (1 - t * t)


class Glu(ArrayFunction):
    """a * sigmoid(b), a and b the two halves of x along dim."""
    _backward_name = 'GluBackward0'

    @staticmethod
    def forward(ctx, x, dim=-1):
        a, b = xp_of(x).split(x, 2, axis=dim)
        s = _sigmoid(b)
        ctx.save_for_backward(a, s)
        ctx.dim = dim
        return a * s

    @staticmethod
    def backward(ctx, g):
        a, s = ctx.saved_tensors_raw
        return xp_of(g).concatenate([g * s, g * a * s * (1 - s)], axis=ctx.dim)
Silu = _activation('Silu', lambda x: x * _sigmoid(x),
                   lambda g, x, y: g * _sigmoid(x) * (1.0 + x * (1.0 - _sigmoid(x))))
Softplus = _activation('Softplus', _softplus,
                       lambda g, x, y, beta=1.0, threshold=20.0: _where(x * beta > threshold, g,
                                                                        g * _sigmoid(x * beta)))
Hardtanh = _activation('Hardtanh', lambda x, min_val=-1.0, max_val=1.0: xp_of(x).clip(x, min_val, max_val),
                       lambda g, x, y, min_val=-1.0, max_val=1.0: g * ((x > min_val) & (x < max_val)))


class Prelu(ArrayFunction):
    """y = x if x > 0 else w * x, with one slope per channel (axis 1) or a single shared one."""
    _backward_name = 'PreluKernelBackward0'

    @staticmethod
    def _slope(x, w):
        if w.size == 1 or x.ndim < 2:
            return w.reshape(()) if w.size == 1 else w
        return w.reshape((1, -1) + (1,) * (x.ndim - 2))

    @staticmethod
    def forward(ctx, x, w):
        ws = Prelu._slope(x, w)
        ctx.save_for_backward(x, w)
        return _where(x > 0, x, ws * x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors_raw
        ws = Prelu._slope(x, w)
        pos = x > 0
        gx = _where(pos, g, g * ws)
        gw = _where(pos, 0, g * x)
        gw = unbroadcast(gw, ws.shape).reshape(w.shape) if w.size > 1 else gw.sum().reshape(w.shape)
        return gx, gw.astype(w.dtype, copy=False)


# ---------------------------------------------------------------------------- normalization
class Normalize(ArrayFunction):
    """y = (x - mean) / sqrt(var + eps) * weight + bias  (BatchNorm, LayerNorm, GroupNorm).

    The statistics are taken over ``axes`` of x viewed as ``stat_shape``; weight
    and bias broadcast as ``param_shape``.  ``mean``/``var`` given from outside
    (BatchNorm's batch or running statistics) are used as they are;
    ``batch_stats`` says whether they were computed from x, so that the
    gradient flows through them:

        dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))   (batch statistics)
        dx = invstd * dxhat                                               (fixed statistics)
    """
    _backward_name = 'NativeBatchNormBackward0'

    @staticmethod
    def forward(ctx, x, *wb, axes, stat_shape, param_shape, eps, has_weight, has_bias, mean=None, var=None,
                batch_stats=True, name='NativeBatchNormBackward0'):
        ctx._backward_name = name
        xs = x.reshape(stat_shape)
        if mean is None:
            mean = xs.mean(axis=axes, keepdims=True)
            var = xs.var(axis=axes, keepdims=True)
        invstd = 1.0 / xp_of(x).sqrt(var + eps)
        xhat = ((xs - mean) * invstd).reshape(x.shape).astype(x.dtype, copy=False)
        out = xhat
        w = wb[0] if has_weight else None
        b = wb[-1] if has_bias else None
        if w is not None:
            out = out * w.reshape(param_shape)
        if b is not None:
            out = out + b.reshape(param_shape)
        if out is xhat:
            out = xhat.copy()
        ctx.save_for_backward(xhat, invstd.astype(x.dtype, copy=False), w)
        ctx.cfg = (axes, stat_shape, param_shape, batch_stats, has_weight, has_bias)
        ctx.param_shapes = [p.shape for p in wb]
        return out

    @staticmethod
    def backward(ctx, g):
        xhat, invstd, w = ctx.saved_tensors_raw
        axes, stat_shape, param_shape, batch_stats, has_weight, has_bias = ctx.cfg
        need = ctx.needs_input_grad
        gx = None
        if need[0]:
            dxhat = g if w is None else g * w.reshape(param_shape)
            if batch_stats:
                d = dxhat.reshape(stat_shape)
                xh = xhat.reshape(stat_shape)
                gx = invstd * (d - d.mean(axis=axes, keepdims=True) - xh * (d * xh).mean(axis=axes, keepdims=True))
            else:
                gx = dxhat.reshape(stat_shape) * invstd
            gx = gx.reshape(g.shape)
        grads = [gx]
        for shape in ctx.param_shapes:     # weight and/or bias, in that order
            if not need[len(grads)]:
                grads.append(None)
            elif len(grads) == 1 and has_weight:
                grads.append(unbroadcast(g * xhat, param_shape).reshape(shape))
            else:
                grads.append(unbroadcast(g, param_shape).reshape(shape))
        return tuple(grads)


# ---------------------------------------------------------------------------- embedding
class Embedding(ArrayFunction):
    """out[...] = weight[indices[...]]; the gradient adds each output row back into its weight row
    (rows at ``padding_idx`` get none)."""
    _backward_name = 'EmbeddingBackward0'

    @staticmethod
    def forward(ctx, weight, indices=None, padding_idx=None):
        ctx.indices, ctx.padding_idx, ctx.wshape = indices, padding_idx, weight.shape
        return weight[indices]

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        gw = xp.zeros(ctx.wshape, g.dtype)
        idx = ctx.indices.reshape(-1)
        xp.add.at(gw, idx, g.reshape(idx.shape[0], -1))
        if ctx.padding_idx is not None:
            gw[ctx.padding_idx] = 0
        return gw


# ---------------------------------------------------------------------------- losses
def reduce_array(loss, reduction):
    """'none' keeps the elementwise loss, 'mean' averages it, 'sum' adds it up."""
    if reduction == 'none':
        return loss
    s = loss.sum()
    return (s / loss.size if reduction == 'mean' else s).astype(loss.dtype, copy=False)


def reduce_grad(g, shape, reduction, n):
    """The gradient of ``reduce_array`` w.r.t. each element: g broadcast, over n for 'mean'."""
    if reduction == 'none':
        return g
    xp = xp_of(g)
    return xp.broadcast_to(g / n if reduction == 'mean' else g, shape)


class SoftmaxCrossEntropy(ArrayFunction):
    """Fused log_softmax + weighted NLL over the class axis 1.

    ``Q`` holds the weight of each (sample, class) log-probability, the reduction's
    divisor already folded in: loss_i = -sum_c Q_ic log p_ic.  Backward is
    ``g * (p * sum_c Q_ic - Q)``: for a plain one-hot target, softmax - onehot.
    """
    _backward_name = 'NllLossBackward0'

    @staticmethod
    def forward(ctx, x, Q=None, reduction='mean', name='NllLossBackward0'):
        ctx._backward_name = name
        xp = xp_of(x)
        shifted = x - x.max(axis=1, keepdims=True)
        lse = xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))
        logp = shifted - lse
        loss = -(Q * logp).sum(axis=1)
        ctx.save_for_backward(logp)
        ctx.Q, ctx.reduction = Q, reduction
        return loss if reduction == 'none' else loss.sum().astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        logp, = ctx.saved_tensors_raw
        Q = ctx.Q
        if ctx.reduction == 'none':
            g = xp_of(g).expand_dims(g, 1)
        return g * (xp_of(logp).exp(logp) * Q.sum(axis=1, keepdims=True) - Q)


class WeightedNLL(ArrayFunction):
    """nll_loss on log-probabilities x: loss_i = -sum_c Q_ic x_ic; backward -g * Q."""
    _backward_name = 'NllLossBackward0'

    @staticmethod
    def forward(ctx, x, Q=None, reduction='mean', name='NllLossBackward0'):
        ctx._backward_name = name
        loss = -(Q * x).sum(axis=1)
        ctx.Q, ctx.reduction = Q, reduction
        return loss if reduction == 'none' else loss.sum().astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        if ctx.reduction == 'none':
            g = xp_of(g).expand_dims(g, 1)
        return -g * ctx.Q


# elementwise losses: name -> (loss(x, t, **p), d loss / dx, d loss / dt)
def _smooth_l1(x, t, beta=1.0):
    xp = xp_of(x)
    d = xp.abs(x - t)
    if beta == 0:
        return d
    return _where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)


def _smooth_l1_dx(x, t, beta=1.0):
    d = x - t
    xp = xp_of(x)
    if beta == 0:
        return xp.sign(d)
    return _where(xp.abs(d) < beta, d / beta, xp.sign(d))


def _huber(x, t, delta=1.0):
    d = xp_of(x).abs(x - t)
    return _where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))


def _huber_dx(x, t, delta=1.0):
    d = x - t
    return xp_of(x).clip(d, -delta, delta)


def _bce(x, t):
    xp = xp_of(x)
    with np.errstate(divide='ignore'):   # log(0) = -inf, clamped to -100 as torch does
        return -(t * xp.maximum(xp.log(x), -100.0) + (1 - t) * xp.maximum(xp.log1p(-x), -100.0))


def _bce_dx(x, t):
    return (x - t) / xp_of(x).maximum((1 - x) * x, 1e-12)


def _bce_dt(x, t):
    xp = xp_of(x)
    with np.errstate(divide='ignore'):
        return xp.maximum(xp.log1p(-x), -100.0) - xp.maximum(xp.log(x), -100.0)


def _softplus_neg(x):
    """log(1 + exp(-x)), stable for any x."""
    xp = xp_of(x)
    return xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


def _bce_logits(x, t, pos_weight=None):
    if pos_weight is None:
        return (1 - t) * x + _softplus_neg(x)
    return (1 - t) * x + ((pos_weight - 1) * t + 1) * _softplus_neg(x)


def _bce_logits_dx(x, t, pos_weight=None):
    s = _sigmoid(x)
    if pos_weight is None:
        return s - t
    return (1 - t) - ((pos_weight - 1) * t + 1) * (1 - s)


def _bce_logits_dt(x, t, pos_weight=None):
    if pos_weight is None:
        return -x
    return -x + (pos_weight - 1) * _softplus_neg(x)


_POINTWISE_LOSSES = {
    'MseLoss': (lambda x, t: (x - t) * (x - t), lambda x, t: 2 * (x - t), None),
    'SmoothL1Loss': (_smooth_l1, _smooth_l1_dx, None),
    'HuberLoss': (_huber, _huber_dx, None),
    'BinaryCrossEntropy': (_bce, _bce_dx, _bce_dt),
    'BinaryCrossEntropyWithLogits': (_bce_logits, _bce_logits_dx, _bce_logits_dt),
}


class PointwiseLoss(ArrayFunction):
    """An elementwise loss l(x, t) (times an optional weight), then the reduction.

    The gradient is dl/dx (and dl/dt) times the incoming gradient, over N for 'mean'.
    When no dl/dt is listed the loss depends on x - t only, so dl/dt = -dl/dx.
    """
    _backward_name = 'MseLossBackward0'

    @staticmethod
    def forward(ctx, x, t, kind='MseLoss', reduction='mean', weight=None, **params):
        ctx._backward_name = kind + 'Backward0'
        xp = xp_of(x)
        if x.shape != t.shape:
            xb, tb = xp.broadcast_arrays(x, t)
        else:
            xb, tb = x, t
        loss = _POINTWISE_LOSSES[kind][0](xb, tb, **params)
        if weight is not None:
            loss = loss * weight
        loss = loss.astype(x.dtype, copy=False)
        ctx.save_for_backward(x, t)
        ctx.cfg = (kind, reduction, weight, params, loss.shape, loss.size)
        return reduce_array(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors_raw
        kind, reduction, weight, params, shape, n = ctx.cfg
        _, dx, dt = _POINTWISE_LOSSES[kind]
        xp = xp_of(x)
        xb, tb = xp.broadcast_arrays(x, t) if x.shape != t.shape else (x, t)
        g = reduce_grad(g, shape, reduction, n)
        if weight is not None:
            g = g * weight
        need = ctx.needs_input_grad
        gx = gt = None
        if need[0] or (need[1] and dt is None):
            gx = g * dx(xb, tb, **params)
        if need[1]:
            gt = -gx if dt is None else g * dt(xb, tb, **params)
            gt = unbroadcast(gt, t.shape).astype(t.dtype, copy=False)
        if gx is not None:
            gx = unbroadcast(gx, x.shape).astype(x.dtype, copy=False) if need[0] else None
        return gx, gt
