"""Convolution as im2col plus one matrix product (GEMM), for 1-, 2- and 3-D alike.

How a convolution becomes a matrix product:

1. **Sliding windows without copying.**  ``windows`` pads the input and
   builds a strided *view* of shape ``(B, C, *out, *kernel)``: element
   ``[b, c, o.., k..]`` is the input pixel that kernel tap ``k`` sees at output
   position ``o``.  No data moves yet (``as_strided``).
2. **im2col.**  Reordering that view to ``(C, *kernel, B, *out)`` and reshaping
   to ``(C*K, B*L)`` (``K`` taps, ``L`` output positions) makes the one copy:
   the column matrix.  ``F.unfold`` is the same matrix in the order
   ``(B, C*K, L)``.
3. **GEMM.**  ``weight.reshape(O, C*K) @ cols`` is the whole convolution:
   ``(O, B*L)``, moved to ``(B, O, *out)``.  ``groups`` turns this into a
   stack of ``groups`` independent products (one ``matmul`` call).

Backward, for ``y = W @ cols``:
``dW = dy @ cols.T`` (one GEMM) and ``dcols = W.T @ dy`` (one GEMM); then
``col2im`` adds each column block back onto the image.  It loops over the kernel
taps (9 for 3x3): tap ``k``'s block is a strided slice of the image, so the
accumulation is plain slice additions (no ``np.add.at``).

**Stride 1: a faster im2col on the flattened image.**  With stride 1, flatten
each padded image plane to one long row.  Output pixel ``(i, j)`` then sits at
``i*Wp + j`` (``Wp`` = padded width) and kernel tap ``(a, b)`` reads the pixel
``a*Wp + b`` further on: for every tap the pixels it reads form ONE contiguous
run of the flat row.  Copying contiguous runs is several times faster than
gathering short strided rows, at the price of computing a few extra "wrap
around" outputs (columns ``j >= OW``) that are cropped away.  ``flat_im2col``
and ``flat_col2im`` implement this; ``Convolution`` uses them whenever every
stride is 1 and the wasted columns are fewer than the real ones.

Three speed-ups on top, each measured against torch (``benchmarks/``):

* **Batch chunks.**  The forward pass builds the columns ``CHUNK_BYTES`` at a
  time, so the GEMM reads them while they are still in the CPU cache.
* **Skinny weights.**  For a tiny weight matrix (LeNet's first layer is 6 x 25)
  one long GEMM over the whole batch runs poorly in BLAS; one GEMM per image
  (a single batched ``matmul`` call) is about 3x faster (``_skinny``).
* **Winograd.**  A 3x3, stride-1 convolution with many channels goes through
  ``winograd.py``, which needs 2.25x fewer multiplications.

A transposed convolution is the backward of a convolution, so it reuses both
pieces with their roles swapped.
"""
import functools
import itertools
import math

from ..autograd.function import ArrayFunction
from . import winograd
from ._util import xp_of


def conv_out_size(n, k, s, lo, hi, d):
    """Output length of a window of size ``k`` (dilation ``d``) sliding with stride ``s`` over ``lo+n+hi``."""
    return (n + lo + hi - d * (k - 1) - 1) // s + 1


def pad_spatial(x, pad_lo, pad_hi, value=0):
    """``x`` (B, C, *S) with each spatial dim padded by ``value``; negative pads crop."""
    if not any(pad_lo) and not any(pad_hi):
        return x
    xp = xp_of(x)
    crop = (slice(None), slice(None)) + tuple(
        slice(-lo if lo < 0 else 0, n + hi if hi < 0 else n) for n, lo, hi in zip(x.shape[2:], pad_lo, pad_hi))
    x = x[crop]
    lo = [max(p, 0) for p in pad_lo]
    hi = [max(p, 0) for p in pad_hi]
    if not any(lo) and not any(hi):
        return x
    shape = x.shape[:2] + tuple(n + a + b for n, a, b in zip(x.shape[2:], lo, hi))
    out = xp.zeros(shape, x.dtype) if value == 0 else xp.full(shape, value, x.dtype)
    out[(slice(None), slice(None)) + tuple(slice(a, a + n) for a, n in zip(lo, x.shape[2:]))] = x
    return out


def windows(x, kernel, stride, dilation, pad_lo, pad_hi, value=0):
    """Read-only strided view ``(B, C, *out, *kernel)`` of the padded ``x``: every window, no copy."""
    xp = xp_of(x)
    xpad = pad_spatial(x, pad_lo, pad_hi, value)
    out = tuple((n - d * (k - 1) - 1) // s + 1
                for n, k, s, d in zip(xpad.shape[2:], kernel, stride, dilation))
    st = xpad.strides[2:]
    view = xp.lib.stride_tricks.as_strided(
        xpad, shape=xpad.shape[:2] + out + tuple(kernel),
        strides=xpad.strides[:2] + tuple(a * s for a, s in zip(st, stride))
        + tuple(a * d for a, d in zip(st, dilation)))
    return view, out


def kernel_taps(kernel):
    """Every kernel tap (offset inside a window), in row-major order: (0, 0), (0, 1), ..."""
    return itertools.product(*[range(k) for k in kernel])


def tap_slice(tap, stride, dilation, out):
    """Spatial slices of the padded image that kernel tap ``tap`` reads, one pixel per output position."""
    return tuple(slice(t * d, t * d + s * (o - 1) + 1, s) for t, d, s, o in zip(tap, dilation, stride, out))


def _col_order(nd):
    """Axis order that takes a (B, C, *out, *kernel) window view to (C, *kernel, B, *out)."""
    return (1,) + tuple(range(2 + nd, 2 + 2 * nd)) + (0,) + tuple(range(2, 2 + nd))


def im2col(x, kernel, stride, dilation, pad_lo, pad_hi):
    """The column matrix ``(C*K, B*L)`` of ``x`` (B, C, *S) and the output size ``out``."""
    view, out = windows(x, kernel, stride, dilation, pad_lo, pad_hi)
    B, C = x.shape[:2]
    cols = view.transpose(_col_order(len(kernel))).reshape(C * math.prod(kernel), B * math.prod(out))
    return cols, out


def col2im(cols, shape, kernel, stride, dilation, pad_lo, pad_hi):
    """Adjoint of ``im2col``: add every column back onto the image it was read from.

    ``cols`` has shape ``(C, *kernel, B, *out)`` (any strides); the result has ``shape`` (B, C, *S).
    For each kernel tap ``k`` the block ``cols[:, k]`` lands on the strided slice of the padded image
    that tap ``k`` read in the forward pass; overlapping windows simply add up.
    """
    xp = xp_of(cols)
    nd = len(kernel)
    B, C, *S = shape
    out = cols.shape[-nd:]
    lo = [max(p, 0) for p in pad_lo]
    padded = xp.zeros((B, C) + tuple(n + a + max(b, 0) for n, a, b in zip(S, lo, pad_hi)), cols.dtype)
    full = (slice(None), slice(None))
    for tap in kernel_taps(kernel):
        padded[full + tap_slice(tap, stride, dilation, out)] += cols[(slice(None),) + tap].swapaxes(0, 1)
    if not any(lo) and padded.shape[2:] == tuple(S):
        return padded
    return padded[full + tuple(slice(a, a + n) for a, n in zip(lo, S))]


class FlatGrid:
    """Geometry of the stride-1 flat im2col for inputs of ``shape`` (B, C, *S).

    The padded planes (size ``padded``) are stored flat, with ``slack`` zeros at the end so the last tap's
    run stays inside the buffer.  The GEMM's columns are the positions ``grid`` = (out rows, *padded sizes
    of the other dims): the ``out`` positions plus the wrap-around ones.  Tap ``k`` reads ``offsets[k]``
    further on than the output it serves.
    """

    def __init__(self, shape, kernel, dilation, pad_lo, pad_hi):
        self.shape, self.kernel, self.dilation = tuple(shape), tuple(kernel), tuple(dilation)
        self.padded = tuple(n + a + b for n, a, b in zip(shape[2:], pad_lo, pad_hi))
        self.out = tuple(n - d * (k - 1) for n, k, d in zip(self.padded, kernel, dilation))
        self.grid = self.out[:1] + self.padded[1:]
        self.pitch = tuple(math.prod(self.padded[i + 1:]) for i in range(len(kernel)))   # flat step per dim
        self.offsets = [sum(t * d * p for t, d, p in zip(tap, dilation, self.pitch)) for tap in kernel_taps(kernel)]
        self.slack = sum((k - 1) * d * p for k, d, p in zip(kernel[1:], dilation[1:], self.pitch[1:]))
        self.size = math.prod(self.padded)       # one flat padded plane
        self.P = math.prod(self.grid)            # columns per image
        # slices of a padded (B, C, *padded) array that hold the image itself, and of a (.., .., *grid)
        # array that hold the real outputs
        self.interior = (slice(None), slice(None)) + tuple(slice(a, a + n) for a, n in zip(pad_lo, shape[2:]))
        self.crop = (slice(None), slice(None)) + tuple(slice(0, o) for o in self.out)

    def worth_it(self):
        """Use the flat layout only while the wrap-around columns are fewer than the real ones."""
        return self.P <= 2 * math.prod(self.out)


@functools.lru_cache(maxsize=256)
def flat_grid(shape, kernel, dilation, pad_lo, pad_hi):
    """The (cached) ``FlatGrid`` of a layer: a training loop sees the same few geometries every step."""
    return FlatGrid(shape, kernel, dilation, pad_lo, pad_hi)


def flat_pad(x, geo):
    """``x`` (B, C, *S) zero-padded, each plane flattened, plus ``slack`` zeros: (B, C, size + slack)."""
    B, C = x.shape[:2]
    flat = xp_of(x).zeros((B, C, geo.size + geo.slack), x.dtype)
    flat[:, :, :geo.size].reshape((B, C) + geo.padded)[geo.interior] = x
    return flat


def flat_im2col(flat, geo, out):
    """Write the columns of the images ``flat`` (n, C, size + slack) into ``out`` (C, *kernel, n, P).

    Tap ``k``'s block ``out[:, k]`` is the run ``flat[:, :, offsets[k]:offsets[k] + P]``; a strided view
    (one stride per kernel dim, ``dilation * pitch``) shows all taps at once, so this is one copy.
    """
    xp = xp_of(flat)
    n, C = flat.shape[:2]
    sb, sc, item = flat.strides
    view = xp.lib.stride_tricks.as_strided(
        flat, shape=(C,) + geo.kernel + (n, geo.P),
        strides=(sc,) + tuple(d * p * item for d, p in zip(geo.dilation, geo.pitch)) + (sb, item))
    out[...] = view


def flat_col2im(cols, geo):
    """Adjoint of ``flat_im2col``: ``cols`` (C, K, B, P) added back onto the image (B, C, *S).

    The sums build up channel-major, (C, B, flat plane), so that each tap's block ``cols[:, k]`` and the
    run it lands on are laid out alike (about 1.7x faster than adding into (B, C, ...)); one copy at the
    end puts the image in (B, C, *S) order.
    """
    xp = xp_of(cols)
    B, C = geo.shape[:2]
    flat = xp.zeros((C, B, geo.size + geo.slack), cols.dtype)
    for k, off in enumerate(geo.offsets):
        flat[:, :, off:off + geo.P] += cols[:, k]
    image = flat[:, :, :geo.size].reshape((C, B) + geo.padded)[geo.interior]
    return xp.ascontiguousarray(image.swapaxes(0, 1))


def _skinny(rows, inner):
    """True for a weight matrix (out channels x C*K) so small that one long GEMM over the whole batch runs
    poorly in BLAS (LeNet's first layer: 6 x 25).  Then one GEMM per image is about 3x faster (measured
    with OpenBLAS on 1 and 2 threads); for larger weights the single GEMM wins."""
    return rows * inner <= 1024


CHUNK_BYTES = 4 << 20   # columns of this many bytes at a time: they stay in the CPU cache for the GEMM


def _flat_forward(x, w2, b, geo, keep_cols):
    """Stride-1 convolution ``(B, O, *out)`` by the flat im2col, a few images at a time.

    Building the column matrix of a whole batch and then multiplying it streams it through memory twice;
    ``CHUNK_BYTES`` of columns at a time are still in the cache when the GEMM reads them.  With
    ``keep_cols`` the columns (C*K, B*P) are also kept for the weight gradient.  The bias ``b`` (or None)
    is added while the outputs are copied into place.
    """
    xp = xp_of(x)
    (B, C), (groups, Og, CKg), K, P = x.shape[:2], w2.shape, len(geo.offsets), geo.P
    flat = flat_pad(x, geo)
    taps = (C,) + geo.kernel                                             # the rows of the column matrix
    cols = xp.empty(taps + (B, P), x.dtype) if keep_cols else None
    chunk = max(1, min(B, CHUNK_BYTES // (C * K * P * x.dtype.itemsize)))
    scratch = None if keep_cols else xp.empty(taps + (chunk, P), x.dtype)
    y = xp.empty((B, groups * Og) + geo.out, x.dtype)
    bias = None if b is None else b.reshape((-1,) + (1,) * len(geo.out))
    for b0 in range(0, B, chunk):
        n = min(chunk, B - b0)
        part = cols[..., b0:b0 + n, :] if keep_cols else scratch[..., :n, :]
        flat_im2col(flat[b0:b0 + n], geo, part)
        if _skinny(Og, CKg):        # one small GEMM per image, (n, g, O/g, P): already in output order
            r = xp.matmul(w2, part.reshape(groups, CKg, n, P).transpose(2, 0, 1, 3))
            r = r.reshape((n, groups * Og) + geo.grid)[geo.crop]                 # drop the wrap-around
        else:
            r = xp.matmul(w2, part.reshape(groups, CKg, n * P))          # the GEMM: (g, O/g, n*P)
            r = r.reshape((groups * Og, n) + geo.grid)[geo.crop].swapaxes(0, 1)
        if bias is None:
            y[b0:b0 + n] = r
        else:
            xp.add(r, bias, out=y[b0:b0 + n])
    return y, (cols.reshape(C * K, B * P) if keep_cols else None)


def _bias_axes(nd):
    return (0,) + tuple(range(2, 2 + nd))


class Convolution(ArrayFunction):
    """N-d convolution (cross-correlation, as in torch): ``y = W @ im2col(x) + b``.

    Gradients: ``dW = dy @ cols.T``, ``dcols = W.T @ dy`` then ``dx = col2im(dcols)``,
    ``db = dy`` summed over batch and positions.
    """
    _backward_name = 'ConvolutionBackward0'

    @staticmethod
    def forward(ctx, x, w, b=None, stride=None, pad_lo=None, pad_hi=None, dilation=None, groups=1):
        xp = xp_of(x)
        nd = x.ndim - 2
        B, C = x.shape[:2]
        O, kernel = w.shape[0], w.shape[2:]
        need = ctx.needs_input_grad
        if winograd.suitable(x.shape, w.shape, stride, dilation, groups):     # 3x3, stride 1, many channels
            y, saved = winograd.forward(x, w, pad_lo, pad_hi, keep_for_backward=bool(need))
            if b is not None:
                y += b.reshape((O,) + (1,) * nd)
            if need:
                ctx.save_for_backward(w, None)
                ctx.winograd = saved
            return y
        geo = flat_grid(x.shape, kernel, dilation, pad_lo, pad_hi) if all(s == 1 for s in stride) else None
        w2 = w.reshape(groups, O // groups, -1)
        if geo is not None and geo.worth_it():
            y, cols = _flat_forward(x, w2, b, geo, keep_cols=bool(need and need[1]))
        else:
            geo = None
            cols, out = im2col(x, kernel, stride, dilation, pad_lo, pad_hi)
            y = xp.matmul(w2, cols.reshape(groups, -1, cols.shape[1]))  # the GEMM: (g, O/g, B*L)
            y = xp.ascontiguousarray(y.reshape((O, B) + out).swapaxes(0, 1))   # (B, O, *out)
            if b is not None:
                y += b.reshape((O,) + (1,) * nd)
        if need:
            ctx.save_for_backward(w, cols if need[1] else None)
            ctx.meta = (x.shape, stride, dilation, pad_lo, pad_hi, groups, geo)
        return y

    @staticmethod
    def backward(ctx, g):
        need = ctx.needs_input_grad
        if hasattr(ctx, 'winograd'):
            gx, gw = winograd.backward(g, ctx.winograd, need[0], need[1])
            if len(need) == 3:
                return gx, gw, (g.sum(axis=_bias_axes(2)) if need[2] else None)
            return gx, gw
        w, cols = ctx.saved_tensors_raw
        x_shape, stride, dilation, pad_lo, pad_hi, groups, geo = ctx.meta
        xp = xp_of(g)
        nd = g.ndim - 2
        B, O = g.shape[:2]
        kernel = w.shape[2:]
        if geo is None:
            grid = g.shape[2:]
            g2 = g.swapaxes(0, 1).reshape(groups, O // groups, -1)      # (g, O/g, B*L)
        else:                                     # the flat layout: zero gradient on the wrap-around columns
            grid = geo.grid
            g2 = xp.zeros((O, B) + grid, g.dtype)
            g2[geo.crop] = g.swapaxes(0, 1)
            g2 = g2.reshape(groups, O // groups, -1)
        w2 = w.reshape(groups, O // groups, -1)
        gx = gw = None
        if need[0]:
            gcols = xp.matmul(w2.transpose(0, 2, 1), g2)                 # (g, C/g*K, B*L)
            if geo is None:
                gcols = gcols.reshape((x_shape[1],) + kernel + (B,) + grid)
                gx = col2im(gcols, x_shape, kernel, stride, dilation, pad_lo, pad_hi)
            else:
                gx = flat_col2im(gcols.reshape(x_shape[1], -1, B, geo.P), geo)
        if need[1]:
            cols = cols.reshape(groups, -1, cols.shape[1])
            if _skinny(*w2.shape[1:]):   # one small product per image, summed (see _skinny)
                L = cols.shape[2] // B
                per_image = xp.matmul(cols.reshape(groups, -1, B, L).transpose(2, 0, 1, 3),
                                      g2.reshape(groups, O // groups, B, L).transpose(2, 0, 3, 1))
                gw = per_image.sum(axis=0).transpose(0, 2, 1).reshape(w.shape)
            else:
                # (cols @ dy.T).T rather than dy @ cols.T: the same product, but BLAS runs it several times
                # faster when the long B*L dimension is the one being summed over in this orientation
                gw = xp.matmul(cols, g2.transpose(0, 2, 1)).transpose(0, 2, 1).reshape(w.shape)
        if len(need) == 3:   # db: g2's rows are the output channels (its wrap-around columns are zero)
            return gx, gw, (g2.reshape(O, -1).sum(axis=1) if need[2] else None)
        return gx, gw


class ConvTranspose(ArrayFunction):
    """N-d transposed convolution: the backward of ``Convolution`` with respect to its input.

    ``cols = W.T @ x`` then ``y = col2im(cols)``; so ``dx = W @ im2col(dy)`` and ``dW = x @ im2col(dy).T``.
    """
    _backward_name = 'ConvolutionBackward0'

    @staticmethod
    def forward(ctx, x, w, b=None, stride=None, padding=None, output_padding=None, dilation=None, groups=1):
        xp = xp_of(x)
        nd = x.ndim - 2
        B, Cin = x.shape[:2]
        Cout, kernel = w.shape[1] * groups, w.shape[2:]
        size = tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1
                     for n, s, p, d, k, op in zip(x.shape[2:], stride, padding, dilation, kernel, output_padding))
        pad_hi = tuple(p - op for p, op in zip(padding, output_padding))
        x2 = x.swapaxes(0, 1).reshape(groups, Cin // groups, -1)          # (g, Cin/g, B*L)
        w2 = w.reshape(groups, Cin // groups, -1)                         # (g, Cin/g, Cout/g*K)
        cols = xp.matmul(w2.transpose(0, 2, 1), x2)                       # the GEMM
        cols = cols.reshape((Cout,) + kernel + (B,) + x.shape[2:])
        y = col2im(cols, (B, Cout) + size, kernel, stride, dilation, padding, pad_hi)
        if b is not None:
            y = y + b.reshape((Cout,) + (1,) * nd)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x2, w2)
            ctx.meta = (x.shape, kernel, stride, dilation, padding, pad_hi, groups)
        return xp.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, g):
        x2, w2 = ctx.saved_tensors_raw
        x_shape, kernel, stride, dilation, padding, pad_hi, groups = ctx.meta
        xp = xp_of(g)
        nd = g.ndim - 2
        need = ctx.needs_input_grad
        Cin, Cout = x_shape[1], g.shape[1]
        gcols, _ = im2col(g, kernel, stride, dilation, padding, pad_hi)  # (Cout*K, B*L)
        gcols = gcols.reshape(groups, -1, gcols.shape[1])
        gx = gw = None
        if need[0]:
            gx = xp.matmul(w2, gcols).reshape((Cin, x_shape[0]) + x_shape[2:]).swapaxes(0, 1)
            gx = xp.ascontiguousarray(gx)
        if need[1]:
            gw = xp.matmul(gcols, x2.transpose(0, 2, 1)).transpose(0, 2, 1).reshape((Cin, Cout // groups) + kernel)
        if len(need) == 3:
            return gx, gw, (g.sum(axis=_bias_axes(nd)) if need[2] else None)
        return gx, gw


class Im2Col(ArrayFunction):
    """``F.unfold``: the column matrix ``(B, C*K, L)``.  Its gradient is ``col2im`` (``F.fold``)."""
    _backward_name = 'Im2ColBackward0'

    @staticmethod
    def forward(ctx, x, kernel=None, stride=None, dilation=None, padding=None):
        unbatched = x.ndim == 3
        cols, out = _unfold(x[None] if unbatched else x, kernel, stride, dilation, padding)
        ctx.meta = ((1,) + x.shape if unbatched else x.shape, kernel, stride, dilation, padding, out)
        return cols[0] if unbatched else cols

    @staticmethod
    def backward(ctx, g):
        shape, kernel, stride, dilation, padding, out = ctx.meta
        gx = _fold(g.reshape((-1,) + g.shape[-2:]), shape, kernel, stride, dilation, padding, out)
        return gx.reshape(gx.shape[1:]) if g.ndim == 2 else gx


def _unfold(x, kernel, stride, dilation, padding):
    view, out = windows(x, kernel, stride, dilation, padding, padding)
    nd = len(kernel)
    B, C = x.shape[:2]
    order = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    return view.transpose(order).reshape(B, C * math.prod(kernel), math.prod(out)), out


def _fold(cols, shape, kernel, stride, dilation, padding, out):
    B, C = shape[:2]
    nd = len(kernel)
    c = cols.reshape((B, C) + tuple(kernel) + tuple(out))
    c = c.transpose((1,) + tuple(range(2, 2 + nd)) + (0,) + tuple(range(2 + nd, 2 + 2 * nd)))
    res = col2im(c, shape, kernel, stride, dilation, padding, padding)
    return xp_of(res).ascontiguousarray(res)


class Col2Im(ArrayFunction):
    """``F.fold``: sum the columns ``(B, C*K, L)`` into an image.  Its gradient is ``im2col`` (``F.unfold``)."""
    _backward_name = 'Col2ImBackward0'

    @staticmethod
    def forward(ctx, cols, size=None, kernel=None, stride=None, dilation=None, padding=None):
        if cols.ndim == 2:   # unbatched
            return Col2Im.forward(ctx, cols[None], size, kernel, stride, dilation, padding)[0]
        B = cols.shape[0]
        C = cols.shape[1] // math.prod(kernel)
        shape = (B, C) + tuple(size)
        out = tuple(conv_out_size(n, k, s, p, p, d) for n, k, s, p, d in zip(size, kernel, stride, padding, dilation))
        ctx.meta = (kernel, stride, dilation, padding)
        return _fold(cols, shape, kernel, stride, dilation, padding, out)

    @staticmethod
    def backward(ctx, g):
        kernel, stride, dilation, padding = ctx.meta
        if g.ndim == 3:
            return _unfold(g[None], kernel, stride, dilation, padding)[0][0]
        return _unfold(g, kernel, stride, dilation, padding)[0]


# ---------------------------------------------------------------------------------------------------------
# The functional API (torch.nn.functional.conv*d, conv_transpose*d, unfold, fold): argument checks with
# torch's messages, unbatched inputs, then one primitive.

def _tuple(v, n, name):
    """An int or a length-n sequence as an n-tuple of ints, with torch's error for a wrong length."""
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(a) for a in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={list(v)}")
    return v


def _size_str(shape):
    return '[' + ', '.join(str(s) for s in shape) + ']'


def _batched(input, nd, op):
    """(input with a batch dim, whether it was added), or torch's error for a wrong rank."""
    if input.ndim == nd + 2:
        return input, False
    if input.ndim == nd + 1:
        return input.unsqueeze(0), True
    raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, but got input of "
                       f"size: {_size_str(input.shape)}")


def _check_types(input, weight, bias):
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.__repr__().split('.')[-1].capitalize()} but found "
                           f"{weight.dtype.__repr__().split('.')[-1].capitalize()}"
                           .replace('Float32', 'Float').replace('Float64', 'Double'))
    if bias is not None and bias._data.dtype != input._data.dtype:
        raise RuntimeError(f"Input type ({input._data.dtype.name.replace('32', '').replace('float64', 'double')}) "
                           f"and bias type ({bias._data.dtype.name.replace('32', '').replace('float64', 'double')}) "
                           f"should be the same")
    if type(input._data) is not type(weight._data):
        raise RuntimeError(f"Input type and weight type should be on the same device, but input is on "
                           f"{input.device} and weight is on {weight.device}")


def _check_common(stride, dilation, groups):
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _conv(input, weight, bias, stride, padding, dilation, groups, nd):
    op = f'conv{nd}d'
    x, unbatched = _batched(input, nd, op)
    if weight.ndim != nd + 2:
        raise RuntimeError(f"Expected {nd + 2}D weight to {op} (out_channels, in_channels/groups, *kernel_size), "
                           f"but got weight of size: {_size_str(weight.shape)}")
    stride = _tuple(stride, nd, 'stride')
    dilation = _tuple(dilation, nd, 'dilation')
    _check_common(stride, dilation, groups)
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == 'valid':
            lo = hi = (0,) * nd
        elif padding == 'same':
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for d, k in zip(dilation, kernel)]
            lo = tuple(t // 2 for t in total)           # torch puts the odd extra pixel on the right
            hi = tuple(t - a for t, a in zip(total, lo))
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        lo = hi = _tuple(padding, nd, 'padding')
        if any(p < 0 for p in lo):
            raise RuntimeError("negative padding is not supported")
    _check_types(x, weight, bias)
    C = x.shape[1]
    if C != weight.shape[1] * groups or weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_size_str(weight.shape)}, expected "
                           f"input{_size_str(x.shape)} to have {weight.shape[1] * groups} channels, but got {C} "
                           f"channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(f"Given weight of size {_size_str(weight.shape)}, expected bias to be 1-dimensional "
                           f"with {weight.shape[0]} elements, but got bias of size {_size_str(bias.shape)} instead")
    padded = [n + a + b for n, a, b in zip(x.shape[2:], lo, hi)]
    eff = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input "
                           f"size")
    tensors = (x, weight) if bias is None else (x, weight, bias)
    out = Convolution.apply(*tensors, stride=stride, pad_lo=lo, pad_hi=hi, dilation=dilation, groups=groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L) inputs: every output is a dot product of the kernel with a window."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W) inputs (im2col + one GEMM, see this module's docstring)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over (N, C, D, H, W) inputs."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3)


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, nd):
    op = f'conv_transpose{nd}d'
    x, unbatched = _batched(input, nd, op)
    stride = _tuple(stride, nd, 'stride')
    padding = _tuple(padding, nd, 'padding')
    output_padding = _tuple(output_padding, nd, 'output_padding')
    dilation = _tuple(dilation, nd, 'dilation')
    _check_common(stride, dilation, groups)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(op_ >= s and op_ >= d for op_, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                           f"output_padding={list(output_padding)} stride={list(stride)} dilation={list(dilation)}")
    _check_types(x, weight, bias)
    if x.shape[1] != weight.shape[0] or weight.shape[0] % groups:
        raise RuntimeError(f"Given transposed=1, weight of size {_size_str(weight.shape)}, expected "
                           f"input{_size_str(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} "
                           f"channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[1] * groups):
        raise RuntimeError(f"Given transposed=1, weight of size {_size_str(weight.shape)}, expected bias to be "
                           f"1-dimensional with {weight.shape[1] * groups} elements, but got bias of size "
                           f"{_size_str(bias.shape)} instead")
    tensors = (x, weight) if bias is None else (x, weight, bias)
    out = ConvTranspose.apply(*tensors, stride=stride, padding=padding, output_padding=output_padding,
                              dilation=dilation, groups=groups)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 1-D convolution: the gradient of conv1d with respect to its input."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-D convolution ("deconvolution"): each input pixel scatters a weighted copy of the kernel."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 3-D convolution."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 3)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding blocks: (N, C, H, W) -> (N, C*kh*kw, L), the im2col matrix behind conv2d."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    kernel, dilation = _tuple(kernel_size, 2, 'kernel_size'), _tuple(dilation, 2, 'dilation')
    padding, stride = _tuple(padding, 2, 'padding'), _tuple(stride, 2, 'stride')
    return Im2Col.apply(input, kernel=kernel, stride=stride, dilation=dilation, padding=padding)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks back into an image: (N, C*kh*kw, L) -> (N, C, H, W); the adjoint of unfold."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                           f"(got {input.ndim}D)")
    x = input.unsqueeze(0) if input.ndim == 2 else input    # (for the checks only)
    size, kernel = _tuple(output_size, 2, 'output_size'), _tuple(kernel_size, 2, 'kernel_size')
    dilation, padding, stride = _tuple(dilation, 2, 'dilation'), _tuple(padding, 2, 'padding'), _tuple(stride, 2, 'stride')
    K = kernel[0] * kernel[1]
    if x.shape[1] % K:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={x.shape[1]} and kernel_size={kernel}.")
    blocks = [conv_out_size(n, k, s, p, p, d) for n, k, s, p, d in zip(size, kernel, stride, padding, dilation)]
    if x.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
                           f"stride={stride}, expected size of input's dimension 2 to match the calculated number "
                           f"of sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size(2)={x.shape[2]}.")
    return Col2Im.apply(input, size=size, kernel=kernel, stride=stride, dilation=dilation, padding=padding)
