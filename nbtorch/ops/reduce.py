"""Reductions: their backward spreads the gradient back over the reduced axes."""
import numpy as np

from ..autograd.function import ArrayFunction
from ._util import xp_of


def _expand_back(g, shape, axes, keepdim):
    """Re-insert reduced axes into ``g`` so it broadcasts against the input."""
    if axes is None:
        return g.reshape((1,) * len(shape)) if len(shape) else g
    if not keepdim:
        g = xp_of(g).expand_dims(g, axes)
    return g


class Sum(ArrayFunction):
    _backward_name = 'SumBackward0'

    @staticmethod
    def forward(ctx, a, axes=None, keepdim=False, dtype=None):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, axes, keepdim
        if axes is not None:
            ctx._backward_name = 'SumBackward1'
        return a.sum(axis=axes, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        g = _expand_back(g, ctx.shape, ctx.axes, ctx.keepdim)
        return xp_of(g).broadcast_to(g, ctx.shape)


class Mean(ArrayFunction):
    _backward_name = 'MeanBackward0'

    @staticmethod
    def forward(ctx, a, axes=None, keepdim=False):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, axes, keepdim
        if axes is not None:
            ctx._backward_name = 'MeanBackward1'
        out = a.mean(axis=axes, keepdims=keepdim)
        ctx.count = a.size // max(out.size, 1) if a.size else 0
        return out

    @staticmethod
    def backward(ctx, g):
        g = _expand_back(g, ctx.shape, ctx.axes, ctx.keepdim)
        return xp_of(g).broadcast_to(g / g.dtype.type(ctx.count), ctx.shape)


class Prod(ArrayFunction):
    _backward_name = 'ProdBackward0'

    @staticmethod
    def forward(ctx, a, axis=None, keepdim=False):
        out = a.prod(axis=axis, keepdims=keepdim)
        ctx.save_for_backward(a, out)
        ctx.axis, ctx.keepdim = axis, keepdim
        if axis is not None:
            ctx._backward_name = 'ProdBackward1'
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors_raw
        xp = xp_of(a)
        axes = None if ctx.axis is None else (ctx.axis,)
        g = _expand_back(g, a.shape, axes, ctx.keepdim)
        out = _expand_back(out, a.shape, axes, ctx.keepdim)
        if not (a == 0).any():
            return g * out / a
        # with zeros: product of all the other elements, computed without dividing
        ax = ctx.axis
        if ax is None:
            flat = a.reshape(-1)
            left = xp.concatenate([xp.ones(1, a.dtype), xp.cumprod(flat)[:-1]])
            right = xp.concatenate([xp.cumprod(flat[::-1])[::-1][1:], xp.ones(1, a.dtype)])
            return g * (left * right).reshape(a.shape)
        ones = xp.ones_like(xp.take(a, [0], axis=ax))
        left = xp.concatenate([ones, xp.cumprod(a, axis=ax)], axis=ax)
        left = xp.take(left, range(a.shape[ax]), axis=ax)
        rev = xp.flip(a, ax)
        right = xp.flip(xp.concatenate([ones, xp.cumprod(rev, axis=ax)], axis=ax), ax)
        right = xp.take(right, range(1, a.shape[ax] + 1), axis=ax)
        return g * left * right


class MaxMin(ArrayFunction):
    """max/min over everything (``MaxBackward1``) or along one dim (``MaxBackward0``, with indices)."""
    _backward_name = 'MaxBackward1'
    _is_max = True

    @classmethod
    def forward(cls, ctx, a, dim=None, keepdim=False):
        xp = xp_of(a)
        ctx.shape, ctx.dim, ctx.keepdim = a.shape, dim, keepdim
        if dim is None:
            out = a.max() if cls._is_max else a.min()
            ctx.save_for_backward(a, out)
            return out
        ctx._backward_name = cls._backward_name[:-1] + '0'
        idx = (xp.argmax if cls._is_max else xp.argmin)(a, axis=dim)
        idx = xp.expand_dims(idx, dim)
        vals = xp.take_along_axis(a, idx, axis=dim)
        ctx.idx = idx
        if not keepdim:
            vals, idx = vals.squeeze(dim), idx.squeeze(dim)
        return vals, idx.astype(np.int64)

    @staticmethod
    def backward(ctx, g, g_idx=None):
        xp = xp_of(g)
        if ctx.dim is None:
            a, out = ctx.saved_tensors_raw
            mask = (a == out)
            return mask * (g / mask.sum()).astype(g.dtype)
        if not ctx.keepdim:
            g = xp.expand_dims(g, ctx.dim)
        gx = xp.zeros(ctx.shape, g.dtype)
        xp.put_along_axis(gx, ctx.idx, g, axis=ctx.dim)
        return gx


class Max(MaxMin):
    _backward_name = 'MaxBackward1'
    _is_max = True


class Min(MaxMin):
    _backward_name = 'MinBackward1'
    _is_max = False


class AMaxMin(ArrayFunction):
    """amax/amin: ties share the gradient evenly."""
    _backward_name = 'AmaxBackward0'
    _is_max = True

    @classmethod
    def forward(cls, ctx, a, axes=None, keepdim=False):
        out = a.max(axis=axes, keepdims=True) if cls._is_max else a.min(axis=axes, keepdims=True)
        ctx.save_for_backward(a, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out if keepdim else out.reshape([s for i, s in enumerate(a.shape) if axes is not None and i not in axes])

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors_raw
        g = _expand_back(g, a.shape, ctx.axes, ctx.keepdim) if ctx.axes is not None else g.reshape(out.shape)
        mask = (a == out)
        return mask * g / mask.sum(axis=ctx.axes, keepdims=True).astype(g.dtype)


class AMax(AMaxMin):
    _backward_name = 'AmaxBackward0'
    _is_max = True


class AMin(AMaxMin):
    _backward_name = 'AminBackward0'
    _is_max = False


class Var(ArrayFunction):
    """var/std share this: ``std`` passes ``take_sqrt=True``."""
    _backward_name = 'VarBackward0'

    @staticmethod
    def forward(ctx, a, axes=None, correction=1, keepdim=False, take_sqrt=False):
        mean = a.mean(axis=axes, keepdims=True)
        diff = a - mean
        n = a.size // max(mean.size, 1)
        out = (diff * diff).sum(axis=axes, keepdims=keepdim) / a.dtype.type(max(n - correction, 0))
        if take_sqrt:
            out = xp_of(a).sqrt(out)
            ctx._backward_name = 'StdBackward0'
        ctx.save_for_backward(diff, out)
        ctx.axes, ctx.keepdim, ctx.denom, ctx.take_sqrt = axes, keepdim, max(n - correction, 0), take_sqrt
        return out

    @staticmethod
    def backward(ctx, g):
        diff, out = ctx.saved_tensors_raw
        if ctx.take_sqrt:
            g = g / (2 * out)
        g = _expand_back(g, diff.shape, ctx.axes, ctx.keepdim) if ctx.axes is not None else g
        return (2 * g * diff / diff.dtype.type(ctx.denom)).astype(diff.dtype, copy=False)


class LogSumExp(ArrayFunction):
    _backward_name = 'LogsumexpBackward0'

    @staticmethod
    def forward(ctx, a, axes=None, keepdim=False):
        xp = xp_of(a)
        m = a.max(axis=axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        out = xp.log(xp.exp(a - m).sum(axis=axes, keepdims=True)) + m
        ctx.save_for_backward(a, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out if keepdim else out.reshape([s for i, s in enumerate(a.shape) if i not in axes])

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors_raw
        g = _expand_back(g, a.shape, ctx.axes, ctx.keepdim)
        return g * xp_of(a).exp(a - out)


class Softmax(ArrayFunction):
    _backward_name = 'SoftmaxBackward0'

    @staticmethod
    def forward(ctx, a, dim=-1):
        xp = xp_of(a)
        e = xp.exp(a - a.max(axis=dim, keepdims=True))
        out = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors_raw
        return y * (g - (g * y).sum(axis=ctx.dim, keepdims=True))


class LogSoftmax(ArrayFunction):
    _backward_name = 'LogSoftmaxBackward0'

    @staticmethod
    def forward(ctx, a, dim=-1):
        xp = xp_of(a)
        shifted = a - a.max(axis=dim, keepdims=True)
        out = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors_raw
        return g - xp_of(y).exp(y) * g.sum(axis=ctx.dim, keepdims=True)


class CumSum(ArrayFunction):
    _backward_name = 'CumsumBackward0'

    @staticmethod
    def forward(ctx, a, dim=0, dtype=None):
        ctx.dim = dim
        return a.cumsum(axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        return xp.flip(xp.flip(g, ctx.dim).cumsum(axis=ctx.dim), ctx.dim)


class CumProd(ArrayFunction):
    _backward_name = 'CumprodBackward0'

    @staticmethod
    def forward(ctx, a, dim=0):
        out = a.cumprod(axis=dim)
        ctx.save_for_backward(a, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors_raw
        xp = xp_of(a)
        d = ctx.dim
        if not (a == 0).any():
            return xp.flip(xp.flip(g * out, d).cumsum(axis=d), d) / a
        # general case: d out_j / d a_i = prod_{k<=j, k!=i} a_k
        n = a.shape[d]
        am = xp.moveaxis(a, d, -1)
        gm = xp.moveaxis(g, d, -1)
        res = xp.zeros_like(am)
        for i in range(n):
            b = am.copy()
            b[..., i] = 1
            cp = xp.cumprod(b, axis=-1)
            res[..., i] = (gm[..., i:] * cp[..., i:]).sum(-1)
        return xp.moveaxis(res, -1, d)


class Norm(ArrayFunction):
    """The vector p-norm ``(sum |x|^p)^(1/p)`` over ``axes`` (all of them when None).

    Gradient: ``x * |x|^(p-2) / norm^(p-1)``; for p=1 that is ``sign(x)``, for p=inf the sign at the
    entries that reach the max (ties share it).  Where the norm is 0 the gradient is 0, as in torch.
    """
    _backward_name = 'LinalgVectorNormBackward0'

    @staticmethod
    def forward(ctx, a, p=2.0, axes=None, keepdim=False):
        xp = xp_of(a)
        absa = xp.abs(a)
        if p == 2:
            out = xp.sqrt((a * a).sum(axis=axes, keepdims=True))
        elif p == 1:
            out = absa.sum(axis=axes, keepdims=True)
        elif p == float('inf'):
            out = absa.max(axis=axes, keepdims=True)
        elif p == -float('inf'):
            out = absa.min(axis=axes, keepdims=True)
        elif p == 0:
            out = (a != 0).sum(axis=axes, keepdims=True).astype(a.dtype)
        else:
            out = (absa ** p).sum(axis=axes, keepdims=True) ** a.dtype.type(1.0 / p)
        ctx.save_for_backward(a, out)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        if keepdim:
            return out
        return out.reshape(()) if axes is None else out.squeeze(axes)

    @staticmethod
    def backward(ctx, g):
        a, norm = ctx.saved_tensors_raw
        xp = xp_of(a)
        p = ctx.p
        g = g.reshape(norm.shape)     # put the reduced axes back as size 1
        if p == 0:
            return xp.zeros_like(a)
        if p == 1:
            return g * xp.sign(a)
        if p in (float('inf'), -float('inf')):
            mask = (xp.abs(a) == norm)
            count = mask.sum(axis=ctx.axes, keepdims=True).astype(a.dtype)
            return g * xp.sign(a) * mask / count
        safe = xp.where(norm == 0, xp.ones_like(norm), norm)
        if p == 2:
            return xp.where(norm == 0, 0, g * a / safe).astype(a.dtype, copy=False)
        scale = a * xp.abs(a) ** a.dtype.type(p - 2) / safe ** a.dtype.type(p - 1)
        return xp.where(norm == 0, 0, g * scale).astype(a.dtype, copy=False)
