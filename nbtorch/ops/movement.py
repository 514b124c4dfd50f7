"""Shape and indexing primitives.  Views (``is_view = True``) share storage with their input."""
import numpy as np

from ..autograd.function import ArrayFunction
from ._util import xp_of


class View(ArrayFunction):
    _backward_name = 'ViewBackward0'
    is_view = True

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a.shape
        out = a.view()
        try:
            out.shape = shape      # NumPy refuses exactly when torch's view would
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension "
                "spans across two contiguous subspaces). Use .reshape(...) instead.") from None
        return out

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Reshape(ArrayFunction):
    """reshape that had to copy (non-contiguous input): not a view, as in torch."""
    _backward_name = 'UnsafeViewBackward0'

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Permute(ArrayFunction):
    _backward_name = 'PermuteBackward0'
    is_view = True

    @staticmethod
    def forward(ctx, a, dims=None, name=None):
        ctx.dims = dims
        if name:
            ctx._backward_name = name
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(np.argsort(ctx.dims))


class Expand(ArrayFunction):
    _backward_name = 'ExpandBackward0'
    is_view = True

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a.shape
        return xp_of(a).broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        from ._util import unbroadcast
        return unbroadcast(g, ctx.shape)


class Squeeze(ArrayFunction):
    _backward_name = 'SqueezeBackward0'
    is_view = True

    @staticmethod
    def forward(ctx, a, shape=None, name=None):
        ctx.shape = a.shape
        if name:
            ctx._backward_name = name
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Index(ArrayFunction):
    """``x[idx]``: basic indexing is a view (Slice/Select), advanced indexing a copy (Index)."""
    _backward_name = 'IndexBackward0'

    @staticmethod
    def forward(ctx, a, idx=None, basic=False, name=None):
        ctx.shape, ctx.idx, ctx.basic, ctx.dtype = a.shape, idx, basic, a.dtype
        if name:
            ctx._backward_name = name
        out = a[idx]
        if basic and type(out) is not type(a):
            # a[1] on a 1-d NumPy array is a scalar copy; a[1, ...] is the 0-d view torch gives
            out = a[(idx if type(idx) is tuple else (idx,)) + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        gx = xp.zeros(ctx.shape, g.dtype)
        if ctx.basic:
            gx[ctx.idx] = g
        else:
            xp.add.at(gx, ctx.idx, g)
        return gx


class IndexView(Index):
    is_view = True


class IndexPut(ArrayFunction):
    """``x[idx] = v`` recorded in the graph: returns the updated copy; ``_tensor`` writes it back."""
    _backward_name = 'IndexPutBackward0'

    @staticmethod
    def forward(ctx, a, v, idx=None, accumulate=False, name=None):
        ctx.idx, ctx.vshape, ctx.accumulate = idx, v.shape, accumulate
        if name:
            ctx._backward_name = name
        out = a.copy()
        if accumulate:
            xp_of(a).add.at(out, idx, v)
        else:
            out[idx] = v
        return out

    @staticmethod
    def backward(ctx, g):
        from ._util import unbroadcast
        gv = g[ctx.idx]
        ga = g
        if not ctx.accumulate:
            ga = g.copy()
            ga[ctx.idx] = 0
        return ga, unbroadcast(gv, ctx.vshape)


class Cat(ArrayFunction):
    _backward_name = 'CatBackward0'

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.sizes = [a.shape[dim] for a in arrays]
        ctx.dim = dim
        return xp_of(arrays[0]).concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        splits = np.cumsum(ctx.sizes)[:-1]
        return tuple(xp_of(g).split(g, splits, axis=ctx.dim))


class Stack(ArrayFunction):
    _backward_name = 'StackBackward0'

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        return xp_of(arrays[0]).stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        return tuple(xp.take(g, i, axis=ctx.dim) for i in range(g.shape[ctx.dim]))


class Flip(ArrayFunction):
    _backward_name = 'FlipBackward0'

    @staticmethod
    def forward(ctx, a, dims=None):
        ctx.dims = dims
        return xp_of(a).flip(a, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return xp_of(g).flip(g, ctx.dims)


class Repeat(ArrayFunction):
    _backward_name = 'RepeatBackward0'

    @staticmethod
    def forward(ctx, a, repeats=None):
        ctx.shape = a.shape
        ctx.repeats = repeats
        extra = len(repeats) - a.ndim
        return xp_of(a).tile(a.reshape((1,) * extra + a.shape), repeats)

    @staticmethod
    def backward(ctx, g):
        shape = (1,) * (len(ctx.repeats) - len(ctx.shape)) + ctx.shape
        split = []
        for r, s in zip(ctx.repeats, shape):
            split += [r, s]
        return g.reshape(split).sum(axis=tuple(range(0, len(split), 2))).reshape(ctx.shape)


class RepeatInterleave(ArrayFunction):
    _backward_name = 'IndexSelectBackward0'

    @staticmethod
    def forward(ctx, a, repeats=None, dim=None):
        xp = xp_of(a)
        if dim is None:
            a = a.reshape(-1)
            dim = 0
        ctx.shape, ctx.dim = a.shape, dim
        ctx.index = xp.repeat(xp.arange(a.shape[dim]), repeats)
        return xp.take(a, ctx.index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        gx = xp.zeros(ctx.shape, g.dtype)
        xp.add.at(gx, (slice(None),) * ctx.dim + (ctx.index,), g)
        return gx


class Gather(ArrayFunction):
    _backward_name = 'GatherBackward0'

    @staticmethod
    def forward(ctx, a, index=None, dim=0):
        ctx.shape, ctx.index, ctx.dim = a.shape, index, dim
        # torch lets index be smaller than a in the other dims: use only that corner of a
        sub = a[tuple(slice(None) if k == dim else slice(0, s) for k, s in enumerate(index.shape))]
        return xp_of(a).take_along_axis(sub, index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        gx = xp.zeros(ctx.shape, g.dtype)
        idx = _full_index(ctx.index, ctx.dim, xp)
        xp.add.at(gx, idx, g)
        return gx


def _full_index(index, dim, xp):
    """Open-mesh index tuple that addresses ``a[..., index, ...]`` elementwise (for scatter/gather)."""
    grids = list(xp.ogrid[tuple(slice(0, s) for s in index.shape)])
    grids[dim] = index
    return tuple(grids)


class Scatter(ArrayFunction):
    """scatter / scatter_add: ``src`` values go to ``index`` along ``dim``."""
    _backward_name = 'ScatterBackward0'

    @staticmethod
    def forward(ctx, a, src, index=None, dim=0, add=False, name=None):
        xp = xp_of(a)
        if name:
            ctx._backward_name = name
        ctx.index, ctx.dim, ctx.add, ctx.src_shape = index, dim, add, src.shape
        out = a.copy()
        idx = _full_index(index, dim, xp)
        src = src[tuple(slice(0, s) for s in index.shape)] if src.ndim else src
        if add:
            ctx._backward_name = 'ScatterAddBackward0'
            xp.add.at(out, idx, src)
        else:
            out[idx] = src
        ctx.idx = idx
        return out

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        ga = g
        if not ctx.add:
            ga = g.copy()
            ga[ctx.idx] = 0
        gs = xp.zeros(ctx.src_shape, g.dtype)
        gs[tuple(slice(0, s) for s in ctx.index.shape)] = g[ctx.idx]
        return ga, gs


class MaskedFill(ArrayFunction):
    _backward_name = 'MaskedFillBackward0'

    @staticmethod
    def forward(ctx, a, mask=None, value=0.0, name=None):
        ctx.mask = mask
        if name:
            ctx._backward_name = name
        return xp_of(a).where(mask, a.dtype.type(value), a)

    @staticmethod
    def backward(ctx, g):
        from ._util import unbroadcast
        return unbroadcast(g * ~ctx.mask, ctx.mask.shape if False else g.shape)


class Pad(ArrayFunction):
    """Constant padding; ``pad`` is NumPy's per-axis ((before, after), ...)."""
    _backward_name = 'ConstantPadNdBackward0'

    @staticmethod
    def forward(ctx, a, pad=None, value=0.0):
        ctx.slices = tuple(slice(b, b + s) for (b, _), s in zip(pad, a.shape))
        return xp_of(a).pad(a, pad, constant_values=value)

    @staticmethod
    def backward(ctx, g):
        return g[ctx.slices]


# ---------------------------------------------------------------------------
# In-place writes through a view of a tensor in the graph (torch's CopySlices)
def view_positions(base, view):
    """For each element of ``view`` (a NumPy/CuPy view into ``base``'s memory), its flat index in ``base``.

    Works from the memory layout alone (byte offset and strides), so it covers
    every chain of slicing, transposing and reshaping that produced the view.
    Returns an int64 array shaped like ``view``, or None if ``view`` has an
    element outside ``base``.
    """
    xp = xp_of(base)
    item = base.itemsize
    if xp is np:
        b0 = base.__array_interface__['data'][0]
        v0 = view.__array_interface__['data'][0]
    else:
        b0, v0 = base.data.ptr, view.data.ptr
    offset = v0 - b0
    voffs = xp.full(view.shape, offset, np.int64)
    for k, (n, st) in enumerate(zip(view.shape, view.strides)):
        shape = [1] * view.ndim
        shape[k] = n
        voffs = voffs + xp.arange(n, dtype=np.int64).reshape(shape) * st
    if base.flags.c_contiguous:
        pos = voffs // item
        if pos.size and (int(pos.min()) < 0 or int(pos.max()) >= base.size):
            return None
        return pos
    # any other layout: map memory offsets back to logical positions
    boffs = xp.zeros(base.shape, np.int64)
    for k, (n, st) in enumerate(zip(base.shape, base.strides)):
        shape = [1] * base.ndim
        shape[k] = n
        boffs = boffs + xp.arange(n, dtype=np.int64).reshape(shape) * st
    boffs = boffs.reshape(-1)
    order = xp.argsort(boffs, kind='stable')
    sorted_offs = boffs[order]
    where = xp.searchsorted(sorted_offs, voffs.reshape(-1))
    where = xp.minimum(where, max(boffs.size - 1, 0))
    if voffs.size and not bool((sorted_offs[where] == voffs.reshape(-1)).all()):
        return None
    return order[where].reshape(view.shape)


class CopySlices(ArrayFunction):
    """The node a base tensor gets after an in-place write into one of its views.

    ``base[region] = src``: the gradient flows to the old base everywhere except
    in the written region, and to ``src`` from that region.  Built by
    ``Tensor._inplace``; ``pos`` comes from ``view_positions``.
    """
    _backward_name = 'torch::autograd::CopySlices'

    @staticmethod
    def backward(ctx, g):
        flat = g.reshape(-1)
        g_src = flat[ctx.pos]
        if g_src.shape != ctx.src_shape:
            from ._util import unbroadcast
            g_src = unbroadcast(g_src, ctx.src_shape)
        g_base = None
        if ctx.needs_input_grad[0]:
            g_base = flat.copy()
            g_base[ctx.pos] = 0
            g_base = g_base.reshape(g.shape)
        return g_base, g_src


class AsStrided(ArrayFunction):
    """The node of a view after an in-place write through it: reads its region out of the (new) base."""
    _backward_name = 'AsStridedBackward0'

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        gb = xp.zeros(ctx.base_size, g.dtype)
        xp.add.at(gb, ctx.pos, g)
        return gb.reshape(ctx.base_shape)


class Split(ArrayFunction):
    """split / chunk / unbind: several views of input 0, one node for all of them (as in torch).

    The backward puts each piece's gradient back at its place (zeros for pieces that got none).
    """
    _backward_name = 'SplitBackward0'
    is_view = True

    @staticmethod
    def forward(ctx, a, sizes=None, dim=0, name=None, squeeze=False):
        ctx.shape, ctx.dim, ctx.sizes, ctx.squeeze, ctx.dtype = a.shape, dim, sizes, squeeze, a.dtype
        if name:
            ctx._backward_name = name
        outs, start = [], 0
        lead = (slice(None),) * dim
        for s in sizes:
            outs.append(a[lead + ((start,) if squeeze else (slice(start, start + s),))])
            start += s
        return tuple(outs)

    @staticmethod
    def backward(ctx, *grads):
        xp = None
        for g in grads:
            if g is not None:
                xp = xp_of(g)
                break
        gx = xp.zeros(ctx.shape, ctx.dtype)
        lead = (slice(None),) * ctx.dim
        start = 0
        for s, g in zip(ctx.sizes, grads):
            if g is not None:
                gx[lead + ((start,) if ctx.squeeze else (slice(start, start + s),))] = g
            start += s
        return gx


class Roll(ArrayFunction):
    _backward_name = 'RollBackward0'

    @staticmethod
    def forward(ctx, a, shifts=None, dims=None):
        ctx.shifts, ctx.dims, ctx.shape = shifts, dims, a.shape
        if dims is None:
            return xp_of(a).roll(a.reshape(-1), shifts).reshape(a.shape)
        return xp_of(a).roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        neg = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        if ctx.dims is None:
            return xp_of(g).roll(g.reshape(-1), neg).reshape(ctx.shape)
        return xp_of(g).roll(g, neg, ctx.dims)


class Unfold(ArrayFunction):
    """``Tensor.unfold(dim, size, step)``: windows of ``size`` along ``dim`` as a new last dim (a view)."""
    _backward_name = 'UnfoldBackward0'
    is_view = True

    @staticmethod
    def forward(ctx, a, dim=0, size=1, step=1):
        xp = xp_of(a)
        n = (a.shape[dim] - size) // step + 1 if a.ndim else 1
        ctx.shape, ctx.dim, ctx.size, ctx.step, ctx.n = a.shape, dim, size, step, n
        if a.ndim == 0:
            return a.reshape(1)
        shape = a.shape[:dim] + (n,) + a.shape[dim + 1:] + (size,)
        strides = a.strides[:dim] + (a.strides[dim] * step,) + a.strides[dim + 1:] + (a.strides[dim],)
        return xp.lib.stride_tricks.as_strided(a, shape, strides)

    @staticmethod
    def backward(ctx, g):
        if not ctx.shape:
            return g.reshape(())
        xp = xp_of(g)
        gx = xp.zeros(ctx.shape, g.dtype)
        d = ctx.dim
        lead = (slice(None),) * d
        for k in range(ctx.size):   # window position k of every window
            stop = k + (ctx.n - 1) * ctx.step + 1
            gx[lead + (slice(k, stop, ctx.step),)] += xp.moveaxis(g[..., k], d, d) if g.ndim else g
        return gx


class Diagonal(ArrayFunction):
    """``diagonal(offset, dim1, dim2)``: a view of the diagonal, moved to the last dim."""
    _backward_name = 'DiagonalBackward0'
    is_view = True

    @staticmethod
    def forward(ctx, a, offset=0, dim1=0, dim2=1):
        ctx.shape, ctx.args = a.shape, (offset, dim1, dim2)
        out = xp_of(a).diagonal(a, offset, dim1, dim2)
        if xp_of(a) is np and not out.flags.writeable and a.flags.writeable:
            out = _writable_diagonal(a, offset, dim1, dim2)   # NumPy's is read-only; torch's is writable
        return out

    @staticmethod
    def backward(ctx, g):
        xp = xp_of(g)
        gx = xp.zeros(ctx.shape, g.dtype)
        offset, d1, d2 = ctx.args
        view = _writable_diagonal(gx, offset, d1, d2) if xp is np else xp.diagonal(gx, offset, d1, d2)
        view[...] = g
        return gx


def _writable_diagonal(a, offset, dim1, dim2):
    """np.diagonal as a writable view (same shape and strides, built with as_strided)."""
    ro = np.diagonal(a, offset, dim1, dim2)
    if ro.size == 0:
        return ro.copy()
    start = [0] * a.ndim
    if offset >= 0:
        start[dim2] = offset
    else:
        start[dim1] = -offset
    first = a[tuple(slice(s, None) for s in start)]
    return np.lib.stride_tricks.as_strided(first, ro.shape, ro.strides, writeable=True)


class Fill(ArrayFunction):
    """``zero_()`` / ``fill_(value)`` recorded in the graph: every element becomes ``value``.

    The old values are gone, so their gradient is zero; a tensor ``value`` gets the sum of the gradient.
    """
    _backward_name = 'FillBackward2'

    @staticmethod
    def forward(ctx, a, *value, scalar=0.0, name=None):
        if name:
            ctx._backward_name = name
        ctx.shape = a.shape
        xp = xp_of(a)
        if value:
            return xp.broadcast_to(value[0].astype(a.dtype), a.shape).copy()
        return xp.full(a.shape, scalar, a.dtype)

    @staticmethod
    def backward(ctx, g):
        zeros = xp_of(g).zeros(ctx.shape, g.dtype)
        if len(ctx.needs_input_grad) == 2:
            return zeros, g.sum()
        return zeros


class Copy(ArrayFunction):
    """``self.copy_(src)`` recorded in the graph: ``src`` broadcast and cast into self's shape and dtype."""
    _backward_name = 'torch::autograd::CopyBackwards'

    @staticmethod
    def forward(ctx, a, src):
        ctx.shape, ctx.src_shape, ctx.src_dtype = a.shape, src.shape, src.dtype
        return xp_of(a).broadcast_to(src.astype(a.dtype), a.shape).copy()

    @staticmethod
    def backward(ctx, g):
        from ._util import unbroadcast
        gs = unbroadcast(g, ctx.src_shape) if ctx.needs_input_grad[1] else None
        if gs is not None and ctx.src_dtype.kind in 'fc':
            gs = gs.astype(ctx.src_dtype, copy=False)
        elif gs is not None:
            gs = None
        return xp_of(g).zeros(ctx.shape, g.dtype) if ctx.needs_input_grad[0] else None, gs
