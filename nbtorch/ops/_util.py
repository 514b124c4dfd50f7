"""Small helpers shared by the op files."""
import numpy as np

from .._backend import get_array_module


def unbroadcast(g, shape):
    """Sum a broadcast gradient back down to ``shape`` (the input's shape)."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, s in enumerate(shape) if s == 1 and g.shape[i + extra] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if extra:
        g = g.reshape(shape)
    return g


def xp_of(a):
    return np if type(a) is np.ndarray else get_array_module(a)


def canonical_dim(dim, ndim, op='dim'):
    """Wrap a negative dim; raise torch's IndexError when out of range."""
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return dim % ndim if ndim else 0


def canonical_dims(dim, ndim):
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        out = tuple(canonical_dim(d, ndim) for d in dim)
        if len(set(out)) != len(out):
            dup = next(d for i, d in enumerate(out) if d in out[:i])
            raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
        return out
    return (canonical_dim(dim, ndim),)
