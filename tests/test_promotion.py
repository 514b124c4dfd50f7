"""torch's type promotion, checked exhaustively over dtype pairs against torch itself."""
import itertools

import numpy as np
import pytest
import torch

import nbtorch
from helpers import dtype_name

DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64']
SCALARS = [True, 2, -3, 2.5, np.float64(1.5), np.float32(0.5), np.int64(3), np.int32(3), np.bool_(True),
           np.float16(1.0), np.uint8(3)]


def pair(dtype, shape=(2, 3), value=1):
    arr = np.full(shape, value).astype(dtype)
    return torch.from_numpy(arr.copy()), nbtorch.from_numpy(arr.copy())


@pytest.mark.parametrize('a,b', list(itertools.product(DTYPES, DTYPES)))
def test_promote_types(a, b):
    assert dtype_name(nbtorch.promote_types(getattr(nbtorch, a), getattr(nbtorch, b))) == \
        dtype_name(torch.promote_types(getattr(torch, a), getattr(torch, b)))


OPS = {'add': lambda x, y: x + y, 'mul': lambda x, y: x * y, 'sub': lambda x, y: x - y,
       'div': lambda x, y: x / y, 'pow': lambda x, y: x ** y, 'eq': lambda x, y: x == y,
       'maximum': lambda x, y: x.maximum(y), 'where': lambda x, y: x.where(x > 0, y),
       'floordiv': lambda x, y: x // y, 'mod': lambda x, y: x % y, 'rdiv': lambda x, y: y / x,
       'radd': lambda x, y: y + x}


def _result(fn, x, y):
    try:
        return fn(x, y), None
    except Exception as e:  # noqa: BLE001
        return None, e


def check(fn, tx, ty, nx, ny):
    want, terr = _result(fn, tx, ty)
    got, nerr = _result(fn, nx, ny)
    if terr is not None:
        assert nerr is not None, f"torch raised {terr!r}, nbtorch gave {got}"
        return
    assert nerr is None, f"nbtorch raised {nerr!r}, torch gave {want}"
    assert dtype_name(got) == dtype_name(want), f"dtype {dtype_name(got)} != torch's {dtype_name(want)}"
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(np.asarray(got._data, np.float64), want.detach().double().numpy(), rtol=1e-3)


@pytest.mark.parametrize('op', OPS)
@pytest.mark.parametrize('a,b', list(itertools.product(DTYPES, DTYPES)))
@pytest.mark.parametrize('shapes', [((2, 3), (2, 3)), ((2, 3), ()), ((), (2, 3)), ((), ())], ids=str)
def test_tensor_tensor(op, a, b, shapes):
    """Dimensioned and 0-dim tensors: a 0-dim tensor only raises the category, never the width."""
    tx, nx = pair(a, shapes[0], 2)
    ty, ny = pair(b, shapes[1], 1)
    check(OPS[op], tx, ty, nx, ny)


@pytest.mark.parametrize('op', OPS)
@pytest.mark.parametrize('a', DTYPES)
@pytest.mark.parametrize('s', SCALARS, ids=repr)
@pytest.mark.parametrize('shape', [(2, 3), ()], ids=str)
def test_tensor_scalar(op, a, s, shape):
    """Python and NumPy scalars are 'wrapped numbers': int32 + 1 stays int32, float32 * np.float64 stays float32."""
    tx, nx = pair(a, shape, 2)
    check(OPS[op], tx, s, nx, s)


def test_issue_examples():
    i = nbtorch.tensor([1, 2, 3])
    assert (i * 2.5).dtype == nbtorch.float32
    assert (i / i).dtype == nbtorch.float32
    assert (nbtorch.ones(3) * np.float64(2.0)).dtype == nbtorch.float32
    assert nbtorch.tensor([True, False]).sum().dtype == nbtorch.int64
    assert nbtorch.tensor([1, 2], dtype=nbtorch.int32).sum().dtype == nbtorch.int64
    assert (nbtorch.tensor([1], dtype=nbtorch.int32) + 1).dtype == nbtorch.int32
    assert (nbtorch.tensor([1], dtype=nbtorch.uint8) + nbtorch.tensor([1], dtype=nbtorch.int8)).dtype == nbtorch.int16
    assert (nbtorch.ones(2, dtype=nbtorch.float16) + nbtorch.ones(2, dtype=nbtorch.int64)).dtype == nbtorch.float16
    assert (nbtorch.ones(2, dtype=nbtorch.int32) + nbtorch.tensor(1.5, dtype=nbtorch.float64)).dtype == nbtorch.float64
    assert (nbtorch.ones(2) + nbtorch.tensor(1.5, dtype=nbtorch.float64)).dtype == nbtorch.float32
    assert (nbtorch.ones(2, dtype=nbtorch.int8) + nbtorch.tensor(1000)).dtype == nbtorch.int8


@pytest.mark.parametrize('a', DTYPES)
@pytest.mark.parametrize('b', DTYPES + SCALARS[:4])
def test_result_type(a, b):
    tb = getattr(torch, b) if isinstance(b, str) else b
    nb_ = getattr(nbtorch, b) if isinstance(b, str) else b
    for shape_a, shape_b in [((2,), (2,)), ((), (2,)), ((2,), ())]:
        ta, na = pair(a, shape_a)
        if isinstance(b, str):
            tbb, nbb = pair(b, shape_b)
        else:
            tbb, nbb = tb, nb_
        assert dtype_name(nbtorch.result_type(na, nbb)) == dtype_name(torch.result_type(ta, tbb))


@pytest.mark.parametrize('a', DTYPES)
def test_reductions_and_unary_dtypes(a):
    tx, nx = pair(a, (2, 3), 1)
    for fn in [lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.prod(), lambda x: x.cumsum(0),
               lambda x: x.exp(), lambda x: x.sqrt(), lambda x: x.abs(), lambda x: x.sigmoid(), lambda x: -x,
               lambda x: x.float() + 1, lambda x: x.mean(), lambda x: x.clamp(0, 1), lambda x: x.clamp(0.5),
               lambda x: x ** 2, lambda x: x ** 0.5, lambda x: 2 ** x, lambda x: 2.0 ** x, lambda x: x.square(),
               lambda x: x.reciprocal(), lambda x: x.max(), lambda x: x.floor()]:
        check(lambda x, _: fn(x), tx, None, nx, None)


def test_default_dtype_changes_promotion():
    try:
        torch.set_default_dtype(torch.float64)
        nbtorch.set_default_dtype(nbtorch.float64)
        for a in ('int64', 'bool'):
            tx, nx = pair(a)
            check(lambda x, y: x * 2.5, tx, None, nx, None)
            check(lambda x, y: x / 2, tx, None, nx, None)
            check(lambda x, y: x.exp(), tx, None, nx, None)
    finally:
        torch.set_default_dtype(torch.float32)
        nbtorch.set_default_dtype(nbtorch.float32)


def test_can_cast():
    for a, b in itertools.product(DTYPES, DTYPES):
        assert nbtorch.can_cast(getattr(nbtorch, a), getattr(nbtorch, b)) == \
            torch.can_cast(getattr(torch, a), getattr(torch, b)), (a, b)
