"""``torch.linalg``: the linear-algebra functions tutorials use.

``matmul``, ``cross``, ``vector_norm``, ``norm`` are built from differentiable tensor ops, so they have
gradients. The decompositions (``svd``, ``det``, ``inv``, ``solve``, ...) call NumPy's LAPACK routines and
have no backward here: on a tensor that requires grad they say so instead of returning a wrong gradient.
"""
import numpy as np

from . import return_types
from ._tensor import Tensor, matmul as _matmul


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a RuntimeError raised for singular or non-positive-definite input."""


LinAlgError = _LinAlgError


def matmul(input, other, *, out=None):
    """Matrix product, the same as ``torch.matmul``."""
    from ._functions import matmul as mm
    return mm(input, other, out=out)


def cross(input, other, *, dim=-1):
    """Cross product of 3-vectors along ``dim``: (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0)."""
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. "
                           f"Got {input.shape[dim]} and {other.shape[dim]}")
    a0, a1, a2 = input.unbind(dim)
    b0, b1, b2 = other.unbind(dim)
    from ._tensor import stack
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim=dim)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The p-norm of ``x`` seen as a vector (or of each vector along ``dim``)."""
    a = x.abs()
    if ord == float('inf'):
        return a.amax(dim=() if dim is None else dim, keepdim=keepdim)
    if ord == 2:
        return (a * a).sum(dim=dim, keepdim=keepdim).sqrt() if dim is not None else (a * a).sum().sqrt()
    return (a ** ord).sum(dim=dim, keepdim=keepdim) ** (1.0 / ord) if dim is not None else (a ** ord).sum() ** (1.0 / ord)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """``vector_norm`` for vectors (or with ``dim``), the Frobenius norm for matrices."""
    if ord is None or ord == 'fro':
        return vector_norm(A, 2, dim, keepdim)
    return vector_norm(A, ord, dim, keepdim)


def _lapack(name, A):
    if A.requires_grad:
        raise NotImplementedError(f"nbtorch.linalg.{name} has no backward: call it on A.detach() "
                                  f"(torch would also give its gradient)")
    return A._data


def _wrap(arr, like):
    return Tensor._wrap(np.asarray(arr, dtype=like.dtype))


def svd(A, full_matrices=True, *, driver=None):
    """A = U diag(S) Vh, with the singular values S in descending order."""
    a = _lapack('svd', A)
    U, S, Vh = np.linalg.svd(a, full_matrices=full_matrices)
    return return_types.linalg_svd((_wrap(U, a), _wrap(S, a), _wrap(Vh, a)))


def svdvals(A, *, driver=None):
    return _wrap(np.linalg.svd(_lapack('svdvals', A), compute_uv=False), A._data)


def det(A):
    """The determinant of a square matrix (or of each matrix in a batch)."""
    return _wrap(np.linalg.det(_lapack('det', A)), A._data)


def slogdet(A):
    sign, logabsdet = np.linalg.slogdet(_lapack('slogdet', A))
    return return_types.linalg_slogdet((_wrap(sign, A._data), _wrap(logabsdet, A._data)))


def inv(A):
    """The inverse of a square matrix; torch's error names a singular one."""
    a = _lapack('inv', A)
    try:
        return _wrap(np.linalg.inv(a), a)
    except np.linalg.LinAlgError:
        raise _LinAlgError("linalg.inv: The diagonal element 1 is zero, the inversion could not be completed "
                           "because the input matrix is singular.") from None


def solve(A, B, *, left=True):
    """X with A X = B."""
    a, b = _lapack('solve', A), _lapack('solve', B)
    return _wrap(np.linalg.solve(a, b), a)


def eigvalsh(A, UPLO='L'):
    return _wrap(np.linalg.eigvalsh(_lapack('eigvalsh', A), UPLO=UPLO), A._data)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    return Tensor._wrap(np.asarray(np.linalg.matrix_rank(_lapack('matrix_rank', A), hermitian=hermitian), dtype=np.int64))


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse."""
    return _wrap(np.linalg.pinv(_lapack('pinv', A), hermitian=hermitian), A._data)


def _old_svd(A, some=True, compute_uv=True):
    """``torch.svd``: like linalg.svd but returns V (not Vh) and reduced matrices by default."""
    a = _lapack('svd', A)
    U, S, Vh = np.linalg.svd(a, full_matrices=not some)
    return return_types.svd((_wrap(U, a), _wrap(S, a), _wrap(np.swapaxes(Vh, -1, -2), a)))


def _logdet(A):
    sign, logabs = np.linalg.slogdet(_lapack('logdet', A))
    return _wrap(np.where(sign < 0, np.nan, np.where(sign == 0, -np.inf, logabs)), A._data)
