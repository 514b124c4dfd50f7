"""Winograd F(2x2, 3x3): a 3x3 convolution (stride 1) with 2.25x fewer multiplications.

**The 1-D rule, F(2, 3).**  Two outputs of a 3-tap filter ``g`` over four inputs ``d``,

    y0 = d0*g0 + d1*g1 + d2*g2
    y1 = d1*g0 + d2*g1 + d3*g2

take 6 multiplications done directly, but only 4 this way (Winograd 1980; Lavin & Gray 2015):

    m0 = (d0 - d2) * g0                      m2 = (d2 - d1) * (g0 - g1 + g2) / 2
    m1 = (d1 + d2) * (g0 + g1 + g2) / 2      m3 = (d3 - d1) * g2
    y0 = m0 + m1 + m2                        y1 = m1 - m2 + m3

In matrix form ``y = A^T [(G g) * (B^T d)]`` with ``*`` elementwise and

    B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, -1, 0, 1]]    (4x4, input transform)
    G   = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]      (4x3, filter transform)
    A^T = [[1, 1, 1, 0], [0, 1, -1, 1]]                                  (2x4, output transform)

(Lavin & Gray write ``m3 = (d1 - d3) g2`` and ``y1 = m1 - m2 - m3``; flipping the sign of ``m3``
changes nothing but makes the last row of ``B`` and of ``A`` a plain copy, which the backward
pass gets for free.)

**2-D nests the 1-D rule**: apply it along the rows, then along the columns.  A 4x4 input tile ``d``
gives a 2x2 output tile ``Y = A^T [(G g G^T) * (B^T d B)] A``: 16 multiplications instead of 36.
Tiles start every 2 pixels, so neighbouring input tiles overlap by 2 rows/columns.

**Many channels turn the 16 products into 16 matrix products.**  A convolution sums over the input
channels ``c`` and the transforms are linear, so the sum moves inside:

1. ``U = G w G^T`` for every (out-channel ``o``, in-channel ``c``) pair: ``U`` is (16, O, C).
2. ``V = B^T d B`` for every 4x4 input tile: ``V`` is (16, C, T), ``T`` = tiles over the whole batch.
3. ``M[k] = U[k] @ V[k]`` for the 16 positions ``k`` of a 4x4 tile: 16 GEMMs (O, C) @ (C, T), one
   batched ``matmul``.  This is where the time goes: 16 products per tile of 4 outputs, where
   im2col's single GEMM spends 9 per output.
4. ``Y = A^T M A`` per tile gives the 2x2 output tiles.  Output pixel ``(r, s)`` of a tile is
   ``sum_ij AT[r][i] AT[s][j] M[i, j]``, so all of them are one skinny product
   ``M^T`` (O*T, 16) @ ``kron(A, A)`` (16, 4), which leaves each tile's 4 pixels side by side.

**Never tile by tile.**  Millions of 4x4 matrix products would be slow in NumPy.  Instead the image is
split into its four *phases* (even/odd rows x even/odd columns, ``_to_phases``): phase ``[s][t]``
holds pixel ``(2q+s, 2r+t)`` at ``[q, r]``.  Tile ``(q, r)`` then reads pixel ``(k, l)`` of its 4x4
window from phase ``[k%2][l%2]`` at ``[q + k//2, r + l//2]``: the same phase array shifted by 0 or 1
row/column.  Flattened, a shift is just an offset, so each transform is a handful of whole-array
additions of shifted contiguous views (``_combine``), e.g. the first row of ``B^T`` is
``phase[0] - phase[0] shifted one row down``.  The tile grid gets one extra row and column of
"garbage" tiles (where the shifts run off the image); their outputs are dropped, and their
gradients are zero, so they add ~10% to the GEMMs but cost nothing else.  Odd output sizes simply
use one more tile and drop its extra row/column.

**Backward** is the adjoint (transpose) of each linear step, in reverse order:
``dM = A dY A^T``; ``dU = dM @ V^T`` and ``dV = U^T @ dM`` (16 GEMMs each); ``dw = G^T dU G``;
``dx`` = ``B dV B^T``, where the adjoint of "read shifted by one" is "add shifted by one", so the
overlapping tiles add up (``_add_shifted``).

Winograd trades multiplications for additions, so float32 results differ from a direct convolution
by a few more units in the last place than usual; float64 agrees to ~1e-14.
"""
from ._util import xp_of

# The transform matrices of F(2, 3) (see the module docstring).
BT = ((1, 0, -1, 0),
      (0, 1, 1, 0),
      (0, -1, 1, 0),
      (0, -1, 0, 1))
G = ((1.0, 0.0, 0.0),
     (0.5, 0.5, 0.5),
     (0.5, -0.5, 0.5),
     (0.0, 0.0, 1.0))
AT = ((1, 1, 1, 0),
      (0, 1, -1, 1))
B_ = tuple(zip(*BT))    # B: the adjoint of the input transform
A = tuple(zip(*AT))     # A: the adjoint of the output transform


def _kron(a, b):
    """Kronecker product of two small matrices given as nested tuples: row (i, k), column (j, l)."""
    return [[x * y for x in ra for y in rb] for ra in a for rb in b]


# When Winograd pays off, measured against nbtorch's im2col conv2d (forward + backward, float32,
# 2 BLAS threads): it wins from 8 channels on once there are enough tiles to amortise its ~100 NumPy
# calls and the weight transforms; (1, 64, 32, 32) images, (8, 16, 16, 16) or 3 input channels lose.
MIN_CHANNELS = 8
MIN_TILES = 1024
MIN_WORK = 1 << 21       # C * O * tiles


def suitable(x_shape, w_shape, stride, dilation, groups):
    """True when ``forward`` can compute this convolution and is expected to beat im2col.

    Needs a 2-D convolution (x is (B, C, H, W)) with a 3x3 kernel, stride 1, dilation 1 and one
    group, at least ``MIN_CHANNELS`` input and output channels, and enough 2x2 output tiles
    (counted for 'same' padding) for the saved multiplications to outweigh the transforms.
    """
    if len(x_shape) != 4 or len(w_shape) != 4 or tuple(w_shape[2:]) != (3, 3):
        return False
    if tuple(stride) != (1, 1) or tuple(dilation) != (1, 1) or groups != 1:
        return False
    (B, C, H, W), O = x_shape, w_shape[0]
    tiles = B * ((H + 1) // 2) * ((W + 1) // 2)
    return min(C, O) >= MIN_CHANNELS and tiles >= MIN_TILES and C * O * tiles >= MIN_WORK


# ----------------------------------------------------------------------------------------------
# Building blocks

def _combine(mat, parts, out):
    """The list ``[sum_k mat[i][k] * parts[k] for each row i]`` for a matrix of 0, +1 and -1 entries.

    Row i is computed into ``out[i]`` with (its number of nonzero entries - 1) whole-array additions
    and no temporaries; a row that is a plain copy of one part returns that part itself.
    """
    xp = xp_of(out)
    res = []
    for row, o in zip(mat, out):
        terms = [(c, p) for c, p in zip(row, parts) if c]
        (c0, p0), rest = terms[0], terms[1:]
        if not rest:
            if c0 == 1:
                res.append(p0)
                continue
            xp.negative(p0, out=o)
        else:
            (c1, p1), rest = rest[0], rest[1:]
            if c0 == c1:
                xp.add(p0, p1, out=o)
                if c0 == -1:
                    xp.negative(o, out=o)
            elif c0 == 1:
                xp.subtract(p0, p1, out=o)
            else:
                xp.subtract(p1, p0, out=o)
            for c, p in rest:
                (xp.add if c == 1 else xp.subtract)(o, p, out=o)
        res.append(o)
    return res


def _combine_shifted(mat, parts, shifts, outs):
    """``outs[i][f] = sum_k mat[i][k] * parts[k][f + shifts[k]]`` on flat arrays (shifts >= 0).

    The last ``max(shifts)`` entries, where a shifted read would run off the end, are set to 0
    (they belong to garbage tiles)."""
    n = outs[0].shape[-1] - max(shifts)
    heads = [o[..., :n] for o in outs]
    res = _combine(mat, [p[..., s:s + n] for p, s in zip(parts, shifts)], heads)
    for r, head, o in zip(res, heads, outs):
        if r is not head:                           # a plain-copy row came back as a view
            head[...] = r
        o[..., n:] = 0


def _add_shifted(a, b, shift, out):
    """``out[f] = a[f] + b[f - shift]``: the adjoint of reading ``x[f]`` into ``a`` and
    ``x[f + shift]`` into ``b``."""
    xp = xp_of(out)
    xp.copyto(out[..., :shift], a[..., :shift])
    xp.add(a[..., shift:], b[..., :-shift], out=out[..., shift:])


def _phase_slices(n, pad):
    """For a length-``n`` axis padded by ``pad`` in front: for each parity s in (0, 1), the slice of
    the original axis whose padded index has parity s, and where it starts in that phase."""
    out = []
    for s in range(2):
        first = (s - pad) % 2                      # first original index with (index + pad) % 2 == s
        count = len(range(first, n, 2))
        start = (first + pad) // 2
        out.append((slice(first, n, 2), slice(start, start + count)))
    return out


def _to_phases(x, pad_lo, grid):
    """``x`` (B, C, H, W) zero-padded in front by ``pad_lo`` -> its four phases (2, 2, C, B, *grid):
    ``[s, t, c, b, q, r] = x_padded[b, c, 2q+s, 2r+t]`` (zero outside ``x``)."""
    xp = xp_of(x)
    B, C, H, W = x.shape
    out = xp.zeros((2, 2, C, B) + grid, x.dtype)       # zero padding (and garbage) around x
    xc = x.transpose(1, 0, 2, 3)
    for s, (rows, qs) in enumerate(_phase_slices(H, pad_lo[0])):
        for t, (cols, rs) in enumerate(_phase_slices(W, pad_lo[1])):
            out[s, t, :, :, qs, rs] = xc[:, :, rows, cols]
    return out


def _from_phases(p, pad_lo, shape):
    """Inverse of ``_to_phases``: the (B, C, H, W) = ``shape`` window of the image whose phases are
    ``p`` (2, 2, C, B, ...), starting ``pad_lo`` pixels in.  Returns a C-contiguous array."""
    xp = xp_of(p)
    B, C, H, W = shape
    out = xp.empty(shape, p.dtype)
    oc = out.transpose(1, 0, 2, 3)
    for s, (rows, qs) in enumerate(_phase_slices(H, pad_lo[0])):
        for t, (cols, rs) in enumerate(_phase_slices(W, pad_lo[1])):
            oc[:, :, rows, cols] = p[s, t, :, :, qs, rs]
    return out


# Two neighbouring pixels, moved as one element of twice the size (a bit copy, no arithmetic).
_PAIR = {2: 'uint32', 4: 'uint64', 8: 'complex128'}


def _from_tiles(Y, shape):
    """The C-contiguous image (B, O, OH, OW) = ``shape`` from its 2x2 output tiles ``Y`` (O, B, gh, gw,
    2, 2): ``Y[o, b, q, p, r, s] = y[b, o, 2q+r, 2p+s]`` (tiles past the image are dropped).

    Pixels ``s = 0, 1`` are neighbours in both arrays, so they move together as one element of twice
    the size: half as many elements to copy."""
    xp = xp_of(Y)
    B, O, OH, OW = shape
    gh, gw = (OH + 1) // 2, (OW + 1) // 2
    out = xp.empty((B, O, 2 * gh, 2 * gw), Y.dtype)
    pair = _PAIR[Y.dtype.itemsize]
    src = Y.view(pair)[..., 0][:, :, :gh, :gw]                      # (O, B, gh, gw, r)
    xp.copyto(out.view(pair).reshape(B, O, gh, 2, gw), src.transpose(1, 0, 2, 4, 3))
    if (2 * gh, 2 * gw) != (OH, OW):                                # odd size: drop the extra pixels
        out = xp.ascontiguousarray(out[:, :, :OH, :OW])
    return out


# ----------------------------------------------------------------------------------------------
# Forward and backward

def forward(x, w, pad_lo, pad_hi, keep_for_backward=True):
    """y = conv2d(x, w) with stride 1 and zero padding ``pad_lo`` = (top, left), ``pad_hi`` =
    (bottom, right).

    ``x`` (B, C, H, W), ``w`` (O, C, 3, 3) -> ``(y, saved)``: ``y`` C-contiguous (B, O, OH, OW) with
    OH = H + top + bottom - 2, OW = W + left + right - 2; ``saved`` is what ``backward`` needs (the
    transformed weights and input tiles), or None when ``keep_for_backward`` is False.
    """
    xp = xp_of(x)
    B, C, H, W = x.shape
    O = w.shape[0]
    (pt, pl), (pb, pr) = pad_lo, pad_hi
    OH, OW = H + pt + pb - 2, W + pl + pr - 2
    if OH < 1 or OW < 1:
        raise ValueError(f"winograd.forward: padded input ({H + pt + pb}, {W + pl + pr}) is smaller "
                         f"than the 3x3 kernel")
    # (OH+1)//2 x (OW+1)//2 tiles, plus one garbage row and column (see the module docstring)
    grid = ((OH + 1) // 2 + 1, (OW + 1) // 2 + 1)
    row, T = grid[1], B * grid[0] * grid[1]         # one tile row down = a shift of `row` in T

    # 1. U = G w G^T for every (o, c): (16, O, C).  Entry (i, j) of G w G^T is
    #    sum_kl G[i][k] G[j][l] w[k, l], so all 16 are kron(G, G) (16x9) @ the 9 weights.
    GG = xp.asarray(_kron(G, G), dtype=w.dtype)
    U = xp.matmul(GG, w.reshape(O * C, 9).T).reshape(16, O, C)

    # 2. V = B^T d B for every tile: (16, C, T).  Window pixel (k, l) is phase [k%2][l%2] shifted
    #    by (k//2) rows and (l//2) columns.
    P = _to_phases(x, pad_lo, grid).reshape(2, 2, C, T)
    half = xp.empty((4, 2, C, T), x.dtype)          # B^T along the rows, for each column phase
    for t in range(2):
        _combine_shifted(BT, [P[0, t], P[1, t], P[0, t], P[1, t]], [0, 0, row, row], half[:, t])
    V = xp.empty((4, 4, C, T), x.dtype)             # ... then along the columns
    for i in range(4):
        _combine_shifted(BT, [half[i, 0], half[i, 1], half[i, 0], half[i, 1]], [0, 0, 1, 1], V[i])
    V = V.reshape(16, C, T)

    # 3. the 16 GEMMs
    M = xp.matmul(U, V)

    # 4. Y = A^T M A per tile.  Output pixel (r, s) of a tile is sum_ij AT[r][i] AT[s][j] M[i, j],
    #    so all 4 are one skinny matrix product over all tiles at once: M^T (O*T, 16) @ kron(A, A)
    #    (16x4).  Done this way round, a tile's 4 pixels come out side by side, which makes the copy
    #    into y cheap (``_from_tiles``).
    AA = xp.asarray(_kron(A, A), dtype=x.dtype)
    Y = xp.matmul(M.reshape(16, O * T).T, AA)
    y = _from_tiles(Y.reshape((O, B) + grid + (2, 2)), (B, O, OH, OW))

    saved = (U, V, x.shape, tuple(pad_lo), grid) if keep_for_backward else None
    return y, saved


def backward(g, saved, need_x, need_w):
    """Gradients of ``forward``: ``g`` (B, O, OH, OW) -> ``(gx or None, gw or None)``."""
    U, V, x_shape, pad_lo, grid = saved
    xp = xp_of(g)
    B, C = x_shape[:2]
    O = U.shape[1]
    row, T = grid[1], B * grid[0] * grid[1]

    # dM = A dY A^T per tile (the garbage tiles get dY = 0, hence dM = 0 and dV = 0).
    dY = _to_phases(g, (0, 0), grid).reshape(2, 2, O, T)
    half = _combine(A, dY, xp.empty((4, 2, O, T), g.dtype))     # A along the rows
    # The rest goes one row i of the 4x4 tile at a time: its 4 (O, T) pieces of dM and 4 (C, T)
    # pieces of dV are used while they are still in the cache, and only 4 of the 16 are ever held.
    dM_i = xp.empty((4, O, T), g.dtype)
    dU = xp.empty((16, O, C), g.dtype) if need_w else None
    if need_x:
        dV_i = xp.empty((4, C, T), g.dtype)
        tmp = xp.empty((4, C, T), g.dtype)
        dx_half = xp.empty((4, 2, C, T), g.dtype)   # dx after the adjoint of the column transform
    for i in range(4):
        dM = _combine(A, half[i], dM_i)                 # A along the columns: dM[4i:4i+4]
        for j in range(4):
            k = 4 * i + j
            if need_w:
                xp.matmul(dM[j], V[k].T, out=dU[k])     # dU = dM @ V^T
            if need_x:
                xp.matmul(U[k].T, dM[j], out=dV_i[j])   # dV = U^T @ dM
        if need_x:
            # adjoint of the column transform: window column l (B^T's column l applied to dV)
            # goes back to column phase l%2, shifted by l//2 tiles
            cols = _combine(B_, dV_i, tmp)
            for t in range(2):
                _add_shifted(cols[t], cols[t + 2], 1, dx_half[i, t])

    gx = gw = None
    if need_w:
        GG = xp.asarray(_kron(G, G), dtype=g.dtype)      # dw = G^T dU G: the adjoint of step 1
        gw = xp.matmul(dU.reshape(16, O * C).T, GG).reshape(O, C, 3, 3)
    if need_x:
        # adjoint of the row transform: window row k goes back to row phase k%2, shifted by k//2 rows
        dP = xp.empty((2, 2, C, T), g.dtype)
        for t in range(2):
            rows = _combine(B_, dx_half[:, t], tmp)
            for s in range(2):
                _add_shifted(rows[s], rows[s + 2], row, dP[s, t])
        gx = _from_phases(dP.reshape((2, 2, C, B) + grid), pad_lo, x_shape)
    return gx, gw
