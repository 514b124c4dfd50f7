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
    if na == 3 and nb == 3:
        return 'BmmBackward0'
    return 'UnsafeViewBackward0'


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


class Einsum(ArrayFunction):
    _backward_name = 'EinsumBackward0'  # torch decomposes einsum; the name is ours

    @staticmethod
    def forward(ctx, *operands, equation=None):
        xp = xp_of(operands[0])
        ctx.save_for_backward(*operands)
        ctx.equation = equation
        return xp.einsum(equation, *operands)

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors_raw
        xp = xp_of(g)
        lhs, out = ctx.equation.replace(' ', '').split('->')
        ins = lhs.split(',')
        grads = []
        for i, (sub, op) in enumerate(zip(ins, ops)):
            if not ctx.needs_input_grad[i]:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(ins) if j != i]
            other_ops = [o for j, o in enumerate(ops) if j != i]
            # letters of this operand that appear nowhere else are summed-out: restore with ones
            keep = ''.join(dict.fromkeys(c for c in sub if c in out or any(c in s for s in others)))
            gi = xp.einsum(','.join([out] + others) + '->' + keep, g, *other_ops)
            if keep != sub:
                full = xp.einsum(keep + '->' + ''.join(dict.fromkeys(sub)) if False else keep + '->' + keep, gi)
                shape = {c: op.shape[k] for k, c in enumerate(sub)}
                gi = xp.broadcast_to(xp.expand_dims(full, tuple(k for k, c in enumerate(dict.fromkeys(sub)) if c not in keep)),
                                     tuple(shape[c] for c in dict.fromkeys(sub)))
            uniq = ''.join(dict.fromkeys(sub))
            if uniq != sub:  # repeated letters (a diagonal): scatter onto the diagonal
                full = xp.zeros(op.shape, g.dtype)
                idx = np.indices(op.shape)
                mask = np.ones(op.shape, bool)
                for c in set(sub):
                    pos = [k for k, d in enumerate(sub) if d == c]
                    for p in pos[1:]:
                        mask &= idx[pos[0]] == idx[p]
                src = xp.einsum(uniq + '->' + uniq, gi)
                sel = tuple(idx[sub.index(c)][mask] for c in uniq)
                full[mask] = src[sel]
                gi = full
            grads.append(gi)
        return tuple(grads)
