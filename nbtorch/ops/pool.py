"""Pooling through strided windows: the same kernel taps and strided slices as convolution.

For kernel tap ``t`` (an offset inside the window), ``xpad[..., tap_slice(t)]`` is the pixel that tap reads
for every output position at once -- a strided view, no copy (see ``conv.tap_slice``).  So a pooling is a
short loop over the ``K`` taps of whole-array operations:

* **Max pooling** takes the maximum dim by dim (separable), and the tap that gave it (``arg``).  The backward
  pass sends each output's gradient to that one input, tap by tap, so overlapping windows add up.
* **Average pooling** adds the taps' slices and divides by the number of pixels each window counts; its
  gradient adds ``grad / divisor`` back onto every tap's slice.
* **Adaptive average pooling** is linear and separable: along each spatial dim it multiplies by a small
  averaging matrix ``P`` (output cell ``i`` averages inputs ``floor(i*n/m) .. ceil((i+1)*n/m)``); its
  gradient multiplies by ``P.T``.
"""

import numpy as np

from ..autograd.function import ArrayFunction
from ._util import xp_of
from .conv import kernel_taps, pad_spatial, tap_slice


def pool_out_size(n, k, s, p, d, ceil_mode):
    """torch's pooling output length: floor (or ceil) of the window count; in ceil mode the last window
    must start inside the input or the left padding."""
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _geometry(shape, kernel, stride, padding, dilation, ceil_mode):
    """Output size and the right padding that makes the last (ceil-mode) window fit."""
    out = tuple(pool_out_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(shape[2:], kernel, stride, padding, dilation))
    hi = tuple(max(0, (o - 1) * s + d * (k - 1) + 1 - n - p)
               for o, n, k, s, p, d in zip(out, shape[2:], kernel, stride, padding, dilation))
    return out, hi


def _lowest(dtype):
    return -np.inf if dtype.kind == 'f' else np.iinfo(dtype).min


class MaxPool(ArrayFunction):
    """Max over each window (and, with ``return_indices``, torch's flat input index of each max).

    Values: a max over a box is a max over each dim in turn, so the forward takes, dim by dim, the running
    maximum of that dim's ``k`` strided slices (``kh + kw`` whole-array ops instead of ``kh * kw``).
    ``np.maximum`` propagates NaN, as torch does.
    The argmax (only computed when a gradient or the indices are wanted) is the first tap equal to the max.
    Gradient: each output's gradient goes to the input its tap ``arg`` read; overlapping windows add up.
    """
    _backward_name = 'MaxPool2DWithIndicesBackward0'
    unbatched = False

    @staticmethod
    def forward(ctx, x, kernel=None, stride=None, padding=None, dilation=None, ceil_mode=False,
                return_indices=False):
        xp = xp_of(x)
        nd = len(kernel)
        if nd != 2:
            ctx._backward_name = f'MaxPool{nd}DWithIndicesBackward0'
        if x.ndim == nd + 1:   # unbatched (C, *S)
            ctx.unbatched = True
            res = MaxPool.forward(ctx, x[None], kernel, stride, padding, dilation, ceil_mode, return_indices)
            return (res[0][0], res[1][0]) if return_indices else res[0]
        out, hi = _geometry(x.shape, kernel, stride, padding, dilation, ceil_mode)
        xpad = pad_spatial(x, padding, hi, value=_lowest(x.dtype))
        best = _separable(xp.maximum, xpad, kernel, stride, dilation, out)
        if not ctx.needs_input_grad and not return_indices:
            return best
        # which tap gave the max: the first one equal to it (torch's tie rule).  ``arg`` counts the taps
        # passed while no match has been found yet -- plain arithmetic, much faster than masked writes
        full = (slice(None), slice(None))
        taps = list(kernel_taps(kernel))
        arg = xp.zeros(best.shape, np.uint8 if len(taps) < 256 else np.int32)
        found = xpad[full + tap_slice(taps[0], stride, dilation, out)] == best
        for tap in taps[1:]:
            arg += ~found
            found |= xpad[full + tap_slice(tap, stride, dilation, out)] == best
        if x.dtype.kind == 'f' and bool(xp.isnan(best).any()):   # torch reports the last NaN of a window
            for k, tap in enumerate(taps):
                xp.copyto(arg, k, where=xp.isnan(xpad[full + tap_slice(tap, stride, dilation, out)]))
        if ctx.needs_input_grad:
            ctx.arg = arg
            ctx.meta = (x.shape, kernel, stride, padding, dilation, hi)
        if not return_indices:
            return best
        # torch's indices: position of the max in the flattened (unpadded) input plane
        offsets = np.array(taps, np.int64)                      # (K, nd): tap -> offset per dim
        index = xp.zeros(arg.shape, np.int64)
        for i in range(nd):
            pos = xp.arange(out[i], dtype=np.int64).reshape((-1,) + (1,) * (nd - 1 - i)) * stride[i] - padding[i]
            index = index * x.shape[2 + i] + pos + xp.asarray(offsets[:, i] * dilation[i])[arg]
        return best, index

    @staticmethod
    def backward(ctx, g, g_index=None):
        xp = xp_of(g)
        shape, kernel, stride, padding, dilation, hi = ctx.meta
        if ctx.unbatched:
            g = g[None]
        out = g.shape[2:]
        size = tuple(n + p + h for n, p, h in zip(shape[2:], padding, hi))
        # windows that tile the input exactly (MaxPool2d(2) on an even size) write every pixel once
        tiled = (stride == kernel and all(d == 1 for d in dilation)
                 and size == shape[2:] and all(o * k == n for o, k, n in zip(out, kernel, size)))
        padded = (xp.empty if tiled else xp.zeros)(shape[:2] + size, g.dtype)
        full = (slice(None), slice(None))
        # g * (arg == k) routes each gradient to its tap; it is exact unless g holds inf/NaN (inf * 0 = NaN),
        # so only then take the slower masked select
        finite = bool(xp.isfinite(g).all())
        zero = g.dtype.type(0)
        for k, tap in enumerate(kernel_taps(kernel)):
            mine = ctx.arg == k
            share = g * mine if finite else xp.where(mine, g, zero)
            if tiled:
                padded[full + tap_slice(tap, stride, dilation, out)] = share
            else:
                padded[full + tap_slice(tap, stride, dilation, out)] += share
        gx = padded[full + tuple(slice(p, p + n) for p, n in zip(padding, shape[2:]))]
        return gx[0] if ctx.unbatched else gx


class AvgPool(ArrayFunction):
    """Mean over each window: the sum of the kernel taps' strided slices, divided by the pixel count.
    Gradient: ``grad / divisor`` added back onto every tap's slice."""
    _backward_name = 'AvgPool2DBackward0'
    unbatched = False

    @staticmethod
    def forward(ctx, x, kernel=None, stride=None, padding=None, ceil_mode=False, count_include_pad=True,
                divisor_override=None):
        xp = xp_of(x)
        nd = len(kernel)
        if nd != 2:
            ctx._backward_name = f'AvgPool{nd}DBackward0'
        if x.ndim == nd + 1:   # unbatched (C, *S)
            ctx.unbatched = True
            return AvgPool.forward(ctx, x[None], kernel, stride, padding, ceil_mode, count_include_pad,
                                   divisor_override)[0]
        ones = (1,) * nd
        out, hi = _geometry(x.shape, kernel, stride, padding, ones, ceil_mode)
        total = _window_sum(pad_spatial(x, padding, hi), kernel, stride, out)
        if divisor_override:
            divisor = x.dtype.type(divisor_override)
        else:
            # count, per window, the pixels it averages: the padded input (count_include_pad) or the input
            P = tuple(n + p + h for n, p, h in zip(x.shape[2:], padding, hi))
            mask = xp.zeros((1, 1) + P, x.dtype)
            if count_include_pad:
                mask[(0, 0) + tuple(slice(0, n + 2 * p) for n, p in zip(x.shape[2:], padding))] = 1
            else:
                mask[(0, 0) + tuple(slice(p, p + n) for n, p in zip(x.shape[2:], padding))] = 1
            divisor = _window_sum(mask, kernel, stride, out)
        if ctx.needs_input_grad:
            ctx.divisor = divisor
            ctx.meta = (x.shape, kernel, stride, padding, hi)
        total /= divisor
        return total

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        shape, kernel, stride, padding, hi = ctx.meta
        nd = len(kernel)
        if ctx.unbatched:
            g = g[None]
        share = g / ctx.divisor
        padded = xp.zeros(shape[:2] + tuple(n + p + h for n, p, h in zip(shape[2:], padding, hi)), g.dtype)
        full = (slice(None), slice(None))
        for tap in kernel_taps(kernel):
            padded[full + tap_slice(tap, stride, (1,) * nd, g.shape[2:])] += share
        gx = padded[full + tuple(slice(p, p + n) for p, n in zip(padding, shape[2:]))]
        return gx[0] if ctx.unbatched else gx


def _window_sum(xpad, kernel, stride, out):
    """Sum over each window of the padded array."""
    return _separable(xp_of(xpad).add, xpad, kernel, stride, (1,) * len(kernel), out)


def _separable(op, xpad, kernel, stride, dilation, out):
    """Reduce each window with ``op`` (maximum or add) one spatial dim at a time.

    A max (or sum) over a kh x kw box is the max over kh rows of the max over kw columns, so this costs
    ``kh + kw`` whole-array operations on strided slices instead of ``kh * kw``.
    """
    r = xpad
    for d in range(len(kernel)):
        lead = (slice(None),) * (2 + d)
        slices = [lead + tap_slice((t,), stride[d:d + 1], dilation[d:d + 1], out[d:d + 1])
                  for t in range(kernel[d])]
        m = r[slices[0]] if len(slices) == 1 else op(r[slices[0]], r[slices[1]])
        for sl in slices[2:]:
            op(m, r[sl], out=m)
        r = m
    return r.copy() if r.base is not None else r   # (a 1x1 kernel: never return a view of the input)


def adaptive_ranges(n, m):
    """torch's adaptive windows: output cell i covers inputs [floor(i*n/m), ceil((i+1)*n/m))."""
    return [((i * n) // m, -((-(i + 1) * n) // m)) for i in range(m)]


def _averaging_matrix(n, m, xp, dtype):
    P = np.zeros((m, n), np.float64)
    for i, (a, b) in enumerate(adaptive_ranges(n, m)):
        P[i, a:b] = 1.0 / (b - a)
    return xp.asarray(P.astype(dtype))


def _along(x, P, axis):
    """Multiply ``x`` by matrix ``P`` (m, n) along ``axis`` (of length n)."""
    xp = xp_of(x)
    if axis == x.ndim - 1:
        return x @ P.T
    return xp.moveaxis(xp.matmul(P, xp.moveaxis(x, axis, -2)), -2, axis)


class AdaptiveAvgPool(ArrayFunction):
    """Average over torch's adaptive windows: ``P_h @ x @ P_w.T``.  Gradient: ``P_h.T @ g @ P_w``."""
    _backward_name = 'AdaptiveAvgPool2DBackward0'

    @staticmethod
    def forward(ctx, x, output_size=None):
        xp = xp_of(x)
        nd = len(output_size)
        if nd != 2:
            ctx._backward_name = f'AdaptiveAvgPool{nd}DBackward0'
        mats = [_averaging_matrix(n, m, xp, x.dtype) for n, m in zip(x.shape[-nd:], output_size)]
        for i, P in enumerate(mats):
            x = _along(x, P, x.ndim - nd + i)
        ctx.mats = mats
        return xp.ascontiguousarray(x)

    @staticmethod
    def backward(ctx, g):
        nd = len(ctx.mats)
        for i, P in enumerate(ctx.mats):
            g = _along(g, P.T, g.ndim - nd + i)
        return g


class AdaptiveMaxPool(ArrayFunction):
    """Max over torch's adaptive windows; outputs (values, flat indices).  Gradient: to the argmax only."""
    _backward_name = 'AdaptiveMaxPool2DBackward0'

    @staticmethod
    def forward(ctx, x, output_size=None):
        xp = xp_of(x)
        H, W = x.shape[-2:]
        oh, ow = output_size
        values = xp.empty(x.shape[:-2] + (oh, ow), x.dtype)
        index = xp.empty(x.shape[:-2] + (oh, ow), np.int64)
        for i, (h0, h1) in enumerate(adaptive_ranges(H, oh)):
            for j, (w0, w1) in enumerate(adaptive_ranges(W, ow)):
                win = x[..., h0:h1, w0:w1].reshape(x.shape[:-2] + (-1,))
                a = win.argmax(axis=-1)
                values[..., i, j] = xp.take_along_axis(win, a[..., None], axis=-1)[..., 0]
                index[..., i, j] = (h0 + a // (w1 - w0)) * W + w0 + a % (w1 - w0)
        ctx.index = index
        ctx.shape = x.shape
        return values, index

    @staticmethod
    def backward(ctx, g, g_index=None):
        xp = xp_of(g)
        B = int(np.prod(ctx.shape[:-2]))
        plane = ctx.shape[-2] * ctx.shape[-1]
        gx = xp.zeros((B, plane), g.dtype)
        rows = xp.arange(B)[:, None]
        idx = ctx.index.reshape(B, -1)
        gflat = g.reshape(B, -1)
        # windows of adaptive pooling may overlap: accumulate one output column at a time
        for k in range(idx.shape[1]):
            gx[rows[:, 0], idx[:, k]] += gflat[:, k]
        return gx.reshape(ctx.shape)


# ---------------------------------------------------------------------------------------------------------
# The functional API (torch.nn.functional.*pool*): torch's argument handling and errors, then one primitive.
# As in torch, the 1-D versions are the 2-D ones on a (N, C, 1, L) view.

def _pool_tuple(v, nd, name, op):
    if isinstance(v, int):
        return (v,) * nd
    v = tuple(int(a) for a in v)
    if len(v) == 1:
        return v * nd
    if len(v) != nd:
        raise RuntimeError(f"{op}: {name} must either be a single int, or a tuple of "
                           f"{ {2: 'two', 3: 'three'}.get(nd, nd)} ints")
    return v


def _pool_args(input, kernel_size, stride, padding, dilation, nd, op):
    if input.ndim not in (nd + 1, nd + 2) or input.numel() == 0:
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
    kernel = _pool_tuple(kernel_size, nd, 'kernel_size', op)
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _pool_tuple(stride, nd, 'stride', op)
    padding = _pool_tuple(padding, nd, 'padding', op)
    dilation = _pool_tuple(dilation, nd, 'dilation', op)
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_size={list(kernel)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got dilation={list(dilation)}")
    for p, k, d in zip(padding, kernel, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    return kernel, stride, padding, dilation


def _check_out(x, kernel, stride, padding, dilation, ceil_mode):
    out = [pool_out_size(n, k, s, p, d, ceil_mode)
           for n, k, s, p, d in zip(x.shape[2:], kernel, stride, padding, dilation)]
    if any(o < 1 for o in out):
        shape = x.shape[1:]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, shape))}). Calculated output size: "
                           f"({'x'.join(map(str, (shape[0],) + tuple(out)))}). Output size is too small")


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd):
    kernel, stride, padding, dilation = _pool_args(input, kernel_size, stride, padding, dilation, nd,
                                                   f'max_pool{nd}d')
    _check_out(input if input.ndim == nd + 2 else input.unsqueeze(0), kernel, stride, padding, dilation, ceil_mode)
    return MaxPool.apply(input, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                         ceil_mode=bool(ceil_mode), return_indices=bool(return_indices))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over sliding windows of the last dim of (N, C, L) or (C, L) inputs."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                           f"for input, but got:{list(input.shape)}")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) else stride
    res = _max_pool(input.unsqueeze(-2), (1, _one(kernel_size)), (1, _one(stride)), (0, _one(padding)),
                    (1, _one(dilation)), ceil_mode, return_indices, 2)
    return (res[0].squeeze(-2), res[1].squeeze(-2)) if return_indices else res.squeeze(-2)


def _one(v):
    return v if isinstance(v, int) else int(v[0])


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over each (kh, kw) window of (N, C, H, W) or (C, H, W) inputs; ``return_indices`` gives the
    flat position (h * W + w) of each max, as torch does."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over each (kd, kh, kw) window of (N, C, D, H, W) inputs."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3)


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, nd):
    kernel, stride, padding, _ = _pool_args(input, kernel_size, stride, padding, 1, nd, f'avg_pool{nd}d')
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_out(input if input.ndim == nd + 2 else input.unsqueeze(0), kernel, stride, padding, (1,) * nd, ceil_mode)
    return AvgPool.apply(input, kernel=kernel, stride=stride, padding=padding, ceil_mode=bool(ceil_mode),
                         count_include_pad=bool(count_include_pad), divisor_override=divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over sliding windows of the last dim of (N, C, L) or (C, L) inputs."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for avg_pool1d)")
    stride = kernel_size if stride is None or (not isinstance(stride, int) and len(stride) == 0) else stride
    out = _avg_pool(input.unsqueeze(-2), (1, _one(kernel_size)), (1, _one(stride)), (0, _one(padding)),
                    ceil_mode, count_include_pad, None, 2)
    return out.squeeze(-2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over each (kh, kw) window.  ``count_include_pad`` decides whether zero padding counts in the
    divisor; ``divisor_override`` replaces the divisor."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over each (kd, kh, kw) window."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3)


def _adaptive_size(input, output_size, nd, op):
    if isinstance(output_size, int):
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) != nd:
        raise RuntimeError(f"{op}: output_size must be {nd}")
    # None keeps that dim's input size
    return tuple(input.shape[-nd + i] if s is None else int(s) for i, s in enumerate(output_size))


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (oh, ow), whatever the input size."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    size = _adaptive_size(input, output_size, 2, 'adaptive_avg_pool2d')
    if size == (1, 1):  # global average pooling: torch computes it as a mean
        return input.mean((-1, -2), keepdim=True)
    return AdaptiveAvgPool.apply(input, output_size=size)


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of the last dim of (N, C, L) or (C, L) to a fixed length."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for adaptive_avg_pool1d)")
    size = _adaptive_size(input, output_size, 1, 'adaptive_avg_pool1d')
    return AdaptiveAvgPool.apply(input.unsqueeze(-2), output_size=(1,) + size).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output size (oh, ow); ``return_indices`` gives flat positions as torch does."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: {list(input.shape)}")
    size = _adaptive_size(input, output_size, 2, 'adaptive_max_pool2d')
    values, index = AdaptiveMaxPool.apply(input, output_size=size)
    return (values, index) if return_indices else values
