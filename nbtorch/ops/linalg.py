"""Matrix products.  One ``Matmul`` covers dot, mv, mm, bmm and broadcast matmul."""
import numpy as np

from ..autograd.function import ArrayFunction
from ._util import unbroadcast, xp_of


def _matmul_name(na, nb):
    if na == 1 and nb == 1:
        return 'DotBackward0'
    if na == 2 and nb == 1:
        return 'MvBackward0'
    if na == 2 and nb == 2:
        return 'MmBackward0'
    if na == 1 and nb == 2:
        return 'SqueezeBackward4'      # torch runs (1, k) @ (k, n), then squeezes
    return 'UnsafeViewBackward0'       # batched: torch reshapes to bmm/mm, then views back


class Matmul(ArrayFunction):
    _backward_name = 'MmBackward0'

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.ndim != 2 or b.ndim != 2:
            ctx._backward_name = _matmul_name(a.ndim, b.ndim)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors_raw
        need_a, need_b = ctx.needs_input_grad
        if a.ndim == 2 and b.ndim == 2:
            return (g @ b.T if need_a else None), (a.T @ g if need_b else None)
        if a.ndim == 1 and b.ndim == 1:   # dot: g is a scalar
            return (g * b if need_a else None), (g * a if need_b else None)
        xp = xp_of(a)
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = xp.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = xp.expand_dims(g2, -1)
        ga = gb = None
        if need_a:
            ga = unbroadcast(g2 @ xp.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
        if need_b:
            gb = unbroadcast(xp.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
        return ga, gb


def _parse_einsum(equation, ndims):
    """Split ``'ij,jk->ik'`` into input subscripts and the output subscript.

    ``...`` is replaced by capital letters (one per broadcast dim); an implicit output is the letters that
    appear once, sorted, as numpy and torch do.
    """
    eq = equation.replace(' ', '')
    lhs, arrow, out = eq.partition('->')
    ins = lhs.split(',')
    if len(ins) != len(ndims):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the equation"
                           if len(ndims) > len(ins) else
                           f"einsum(): fewer operands were provided than specified in the equation")
    n_ell = max([nd - len(s.replace('...', '')) for s, nd in zip(ins, ndims) if '...' in s] or [0])
    ell = ''.join(chr(ord('A') + k) for k in range(n_ell))
    ins = [s.replace('...', ell[n_ell - (nd - len(s.replace('...', ''))):]) for s, nd in zip(ins, ndims)]
    if not arrow:
        letters = ''.join(ins)
        out = ell + ''.join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    else:
        out = out.replace('...', ell)
    return ins, out


def _check_einsum_sizes(ins, operands):
    """torch's error when one letter has two sizes that do not broadcast."""
    seen = {}
    for k, (sub, op) in enumerate(zip(ins, operands)):
        if len(sub) != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(sub)}) does not match "
                               f"the number of dimensions ({op.ndim}) for operand {k} and no ellipsis was given")
        for c, n in zip(sub, op.shape):
            if c in seen and n != seen[c] and 1 not in (n, seen[c]):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not "
                                   f"broadcast with previously seen size {seen[c]}")
            if n != 1 or c not in seen:
                seen[c] = n


class Einsum(ArrayFunction):
    """Einstein summation.  The gradient of operand i is itself an einsum: the output gradient
    contracted with every other operand, giving operand i's letters.  Letters that only operand i has
    (summed out in the forward) come back by broadcasting; a repeated letter (a diagonal, ``'ii->i'``)
    is written back onto the diagonal."""
    _backward_name = 'EinsumBackward0'  # torch decomposes einsum into other ops; the name is ours

    @staticmethod
    def forward(ctx, *operands, equation=None):
        xp = xp_of(operands[0])
        ins, out = _parse_einsum(equation, [o.ndim for o in operands])
        _check_einsum_sizes(ins, operands)
        ctx.save_for_backward(*operands)
        ctx.subs = (ins, out)
        return xp.einsum(','.join(ins) + '->' + out, *operands)

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors_raw
        ins, out = ctx.subs
        xp = xp_of(g)
        grads = []
        for i, (sub, op) in enumerate(zip(ins, ops)):
            if not ctx.needs_input_grad[i]:
                grads.append(None)
                continue
            others = [(s, o) for j, (s, o) in enumerate(zip(ins, ops)) if j != i]
            size = {c: n for c, n in zip(sub, op.shape)}
            uniq = ''.join(dict.fromkeys(sub))                 # sub without repeated letters
            # letters this operand shares with the output or another operand; the rest were summed out
            kept = ''.join(c for c in uniq if c in out or any(c in s for s, _ in others))
            gi = xp.einsum(','.join([out] + [s for s, _ in others]) + '->' + kept, g, *[o for _, o in others])
            # a size-1 broadcast dim ('...') of this operand: sum its gradient back to size 1
            wide = tuple(k for k, c in enumerate(kept) if size[c] == 1 and gi.shape[k] != 1)
            if wide:
                gi = gi.sum(axis=wide, keepdims=True)
            gi = gi.reshape([size[c] if c in kept else 1 for c in uniq]) if kept != uniq else gi
            gi = xp.broadcast_to(gi, [size[c] for c in uniq])
            if uniq != sub:                                    # scatter onto the diagonal
                full = xp.zeros(op.shape, g.dtype)
                xp.einsum(sub + '->' + uniq, full)[...] = gi   # einsum of a repeat is a writable diagonal view
                gi = full
            grads.append(gi.astype(op.dtype, copy=False))
        return tuple(grads)
