"""``F.interpolate`` and ``F.pad``: maps that read each output pixel from chosen input pixels.

Both are separable: along each spatial dim, output position ``o`` reads input ``i0[o]`` (nearest,
or any non-constant padding) or the blend ``l0[o] * x[i0[o]] + l1[o] * x[i1[o]]`` (linear modes).
So one primitive, ``Resample``, covers them: the forward gathers along one dim after the other; the
backward is the transpose of that linear map, which adds each output's gradient back to the input
pixels it read (as a small ``(n, out)`` matrix product per dim).

Constant padding is different (it writes a fill value): ``ConstantPad`` copies the input into a
filled array, and its gradient is just the matching slice of the output gradient.
"""
import numpy as np

from ..autograd.function import ArrayFunction
from ._util import xp_of


def _along(x, P, axis):
    """Multiply ``x`` by matrix ``P`` (m, n) along ``axis`` (of length n)."""
    xp = xp_of(x)
    if axis == x.ndim - 1:
        return x @ P.T
    return xp.moveaxis(xp.matmul(P, xp.moveaxis(x, axis, -2)), -2, axis)


class Resample(ArrayFunction):
    """Separable gather/blend along the trailing dims.  ``maps`` holds one ``(n, i0, i1, l0, l1)`` per dim
    (``i1``/``l0``/``l1`` are None for a pure gather).  Gradient: the transposed map, dim by dim."""
    _backward_name = 'UpsampleNearest2DBackward0'

    @staticmethod
    def forward(ctx, x, maps=None, name=None):
        xp = xp_of(x)
        if name:
            ctx._backward_name = name
        nd = len(maps)
        for k, (n, i0, i1, l0, l1) in enumerate(maps):
            axis = x.ndim - nd + k
            if i1 is None:
                x = xp.take(x, xp.asarray(i0), axis=axis)
            else:
                shape = (-1,) + (1,) * (nd - 1 - k)
                a = xp.take(x, xp.asarray(i0), axis=axis)
                b = xp.take(x, xp.asarray(i1), axis=axis)
                x = a * xp.asarray(l0.astype(x.dtype)).reshape(shape) + b * xp.asarray(l1.astype(x.dtype)).reshape(shape)
        ctx.maps = maps
        return x

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        nd = len(ctx.maps)
        for k in reversed(range(nd)):
            n, i0, i1, l0, l1 = ctx.maps[k]
            M = np.zeros((n, len(i0)), np.float64)           # M[i, o]: how much output o read from input i
            cols = np.arange(len(i0))
            np.add.at(M, (i0, cols), 1.0 if l0 is None else l0)
            if i1 is not None:
                np.add.at(M, (i1, cols), l1)
            g = _along(g, xp.asarray(M.astype(g.dtype)), g.ndim - nd + k)
        return g


class ConstantPad(ArrayFunction):
    """Pad with a constant (negative pads crop).  Gradient: the slice of ``grad`` where the input went."""
    _backward_name = 'ConstantPadNdBackward0'

    @staticmethod
    def forward(ctx, x, pads=None, value=0):
        xp = xp_of(x)
        nd = len(pads)
        lead = (slice(None),) * (x.ndim - nd)
        src = lead + tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(x.shape[-nd:], pads))
        x = x[src]
        shape = x.shape[:x.ndim - nd] + tuple(n + max(lo, 0) + max(hi, 0) for n, (lo, hi) in zip(x.shape[-nd:], pads))
        out = xp.full(shape, value, x.dtype) if value else xp.zeros(shape, x.dtype)
        dst = lead + tuple(slice(max(lo, 0), max(lo, 0) + n) for n, (lo, _) in zip(x.shape[-nd:], pads))
        out[dst] = x
        ctx.pads, ctx.dst = pads, dst
        return out

    @staticmethod
    def backward(ctx, g):
        g = g[ctx.dst]
        if any(lo < 0 or hi < 0 for lo, hi in ctx.pads):   # cropped input pixels get zero gradient
            g = ConstantPad.forward(ctx.__class__.__new__(ConstantPad), g,
                                    pads=[(max(-lo, 0), max(-hi, 0)) for lo, hi in ctx.pads])
        return g


# ---------------------------------------------------------------------------------------------------------
# F.pad

def _pad_index(n, lo, hi, mode):
    i = np.arange(-lo, n + hi)
    if mode == 'reflect':
        i = np.abs(i)
        return np.where(i > n - 1, 2 * (n - 1) - i, i)
    if mode == 'replicate':
        return np.clip(i, 0, n - 1)
    return i % n   # circular


_PAD_NAMES = {'reflect': 'ReflectionPad{}DBackward0', 'replicate': 'ReplicationPad{}DBackward0',
              'circular': 'CopySlices'}


def pad(input, pad, mode='constant', value=None):
    """Pad the last ``len(pad) // 2`` dims; ``pad`` lists (left, right) for the LAST dim first, then the one
    before it, as in torch: ``pad(x, (1, 1, 2, 0))`` pads W by 1 on each side and H by 2 on top."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    npad = len(pad) // 2
    if npad > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    pads = [(pad[2 * k], pad[2 * k + 1]) for k in reversed(range(npad))]   # in dim order
    if mode == 'constant':
        return ConstantPad.apply(input, pads=pads, value=0 if value is None else value)
    if mode not in _PAD_NAMES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if npad > 3 or input.ndim not in (npad + 1, npad + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    sizes = input.shape[-npad:]
    for k, ((lo, hi), n) in enumerate(zip(pads, sizes)):
        dim = input.ndim - npad + k
        if mode == 'reflect' and (lo >= n or hi >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {dim} of input {list(input.shape)}")
        if mode == 'circular' and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == 'replicate' and n == 0:
            raise RuntimeError(f"input tensor must have non-zero size at dimension {dim}")
    maps = [(n, _pad_index(n, lo, hi, mode), None, None, None) for (lo, hi), n in zip(pads, sizes)]
    return Resample.apply(input, maps=maps, name=_PAD_NAMES[mode].format(npad))


# ---------------------------------------------------------------------------------------------------------
# F.interpolate

def _source_scale(n, out, scale_factor, align_corners):
    """torch's ``area_pixel_compute_scale`` (float32, as torch computes it for float tensors)."""
    if align_corners:
        return np.float32((n - 1) / (out - 1)) if out > 1 else np.float32(0)
    if scale_factor is not None and scale_factor > 0:
        return np.float32(1.0 / scale_factor)
    return np.float32(n) / np.float32(out)


def _nearest_map(n, out, scale_factor, exact):
    if not exact and out == n:
        idx = np.arange(out)
    elif not exact and out == 2 * n:
        idx = np.arange(out) >> 1
    else:
        scale = _source_scale(n, out, scale_factor, False)
        dst = np.arange(out, dtype=np.float32) + (np.float32(0.5) if exact else np.float32(0))
        idx = np.minimum(np.floor(dst * scale).astype(np.int64), n - 1)
    return (n, idx, None, None, None)


def _linear_map(n, out, scale_factor, align_corners):
    scale = _source_scale(n, out, scale_factor, align_corners)
    dst = np.arange(out, dtype=np.float32)
    src = scale * dst if align_corners else np.maximum(scale * (dst + np.float32(0.5)) - np.float32(0.5), 0)
    i0 = np.floor(src).astype(np.int64)
    i0 = np.minimum(i0, n - 1)
    i1 = i0 + (i0 < n - 1)
    l1 = np.clip(src - i0, 0, 1).astype(np.float32)
    l0 = (np.float32(1) - l1).astype(np.float32)
    return (n, i0, i1, l0, l1)


_LINEAR = {'linear': 1, 'bilinear': 2, 'trilinear': 3}
_MODES = 'nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact'


def interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of (N, C, *S) to ``size`` or ``S * scale_factor``.

    ``nearest`` copies pixel ``floor(o * in / out)``; ``(bi/tri)linear`` blends the two nearest pixels per
    dim, with ``align_corners`` choosing whether corner pixels' centres or edges line up.
    """
    nd = input.ndim - 2
    if mode in ('nearest', 'area', 'nearest-exact') and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(int(s) for s in size) if isinstance(size, (tuple, list)) else (int(size),) * max(nd, 0)
        if len(sizes) != nd:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(input.shape[2:])} and output size of {tuple(size)}. Please "
                             f"provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, "
                             f"...,oK) format.")
        scales = (None,) * nd
    else:
        scales = tuple(float(s) for s in scale_factor) if isinstance(scale_factor, (tuple, list)) \
            else (float(scale_factor),) * max(nd, 0)
        if len(scales) != nd:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                             f"{tuple(scale_factor)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                             f"and scale_factor in (s1, s2, ...,sK) format.")
        sizes = tuple(int(np.floor(np.float64(n) * s)) for n, s in zip(input.shape[2:], scales))
        if recompute_scale_factor:
            scales = (None,) * nd
    if mode in _LINEAR:
        if input.ndim != _LINEAR[mode] + 2:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR[mode] + 2}D input")
        maps = [_linear_map(n, o, s, bool(align_corners)) for n, o, s in zip(input.shape[2:], sizes, scales)]
        return Resample.apply(input, maps=maps, name=f'Upsample{mode.capitalize()}{nd}DBackward0')
    if mode in ('nearest', 'nearest-exact') and input.ndim in (3, 4, 5):
        exact = mode == 'nearest-exact'
        maps = [_nearest_map(n, o, s, exact) for n, o, s in zip(input.shape[2:], sizes, scales)]
        return Resample.apply(input, maps=maps, name=f'UpsampleNearest{"Exact" if exact else ""}{nd}DBackward0')
    if mode == 'area' and input.ndim in (3, 4):
        from .pool import adaptive_avg_pool1d, adaptive_avg_pool2d
        return (adaptive_avg_pool1d if nd == 1 else adaptive_avg_pool2d)(input, sizes)
    if mode in ('bicubic', 'area') and input.ndim in (3, 4, 5):
        raise NotImplementedError(f"interpolate: mode '{mode}' is not implemented in nbtorch for {input.ndim}D "
                                  f"input; use 'nearest', 'bilinear' or 'area'")
    raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the "
                              f"modes: {_MODES} (got {mode})")
