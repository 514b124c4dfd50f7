"""Reductions vs torch: dim as int/tuple/negative, keepdim, dtypes, gradients (including ties and zeros)."""
import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_op, helper_test_exception

DIMS = [None, 0, 1, -1, (0, 2), (-1, 0), ()]
REDUCE = {
    'sum': lambda x, d, k: x.sum() if d is None else x.sum(d, keepdim=k),
    'mean': lambda x, d, k: x.mean() if d is None else x.mean(d, keepdim=k),
    'var': lambda x, d, k: x.var() if d is None else x.var(d, keepdim=k),
    'std': lambda x, d, k: x.std() if d is None else x.std(d, keepdim=k),
    'var_c0': lambda x, d, k: x.var(d, keepdim=k, correction=0),
    'std_unbiased_false': lambda x, d, k: x.std(d, unbiased=False, keepdim=k),
    'var_c2': lambda x, d, k: x.var(d, keepdim=k, correction=2),
    'norm': lambda x, d, k: x.norm() if d is None else x.norm(dim=d, keepdim=k),
    'norm1': lambda x, d, k: x.norm(p=1, dim=d, keepdim=k),
    'norm_inf': lambda x, d, k: x.norm(p=float('inf'), dim=d, keepdim=k),
    'norm3': lambda x, d, k: x.norm(p=3, dim=d, keepdim=k),
    'logsumexp': lambda x, d, k: x.logsumexp(d if d is not None else (0, 1, 2), keepdim=k),
    'amax': lambda x, d, k: x.amax() if d is None else x.amax(d, keepdim=k),
    'amin': lambda x, d, k: x.amin() if d is None else x.amin(d, keepdim=k),
    'nansum': lambda x, d, k: x.nansum(d, keepdim=k),
}


@pytest.mark.parametrize('name', REDUCE)
@pytest.mark.parametrize('dim', DIMS, ids=str)
@pytest.mark.parametrize('keepdim', [False, True])
def test_reduce(name, dim, keepdim):
    if name == 'logsumexp' and dim == ():
        return  # torch: logsumexp over dim=() reduces nothing; covered below
    # torch's var/std with dim=() reduce everything forward but backpropagate as if nothing was reduced
    # (an inf gradient): compare only their values there
    quirk = dim == () and name.startswith(('var', 'std'))
    helper_test_op([(2, 3, 4)], lambda x: REDUCE[name](x, dim, keepdim), forward_only=quirk)


@pytest.mark.parametrize('name', REDUCE)
def test_reduce_non_contiguous(name):
    helper_test_op([(3, 4, 5)], lambda x: REDUCE[name](x.transpose(0, 2), 1, False))
    helper_test_op([(4, 5)], lambda x: REDUCE[name](x[..., None], -2, True), non_contiguous=True)


@pytest.mark.parametrize('name', ['sum', 'mean', 'var', 'std', 'norm', 'amax', 'amin', 'logsumexp'])
def test_reduce_scalar_input(name):
    helper_test_op([()], lambda x: REDUCE[name](x, 0, False) if name != 'logsumexp' else x.logsumexp(0))


@pytest.mark.parametrize('dim', [None, 0, 1, -1])
@pytest.mark.parametrize('keepdim', [False, True])
def test_prod(dim, keepdim):
    fn = (lambda x: x.prod()) if dim is None else (lambda x: x.prod(dim, keepdim=keepdim))
    helper_test_op([(3, 4)], fn)
    x = np.array([[1.5, 0.0, 2.0, -1.0], [0.0, 0.0, 3.0, 2.0], [1.0, 2.0, 3.0, 4.0]], np.float32)
    helper_test_op([x], fn)   # zeros: one zero and two zeros in a row


@pytest.mark.parametrize('dim', [0, 1, -1])
def test_cumsum_cumprod(dim):
    helper_test_op([(3, 4)], lambda x: x.cumsum(dim))
    helper_test_op([(3, 4)], lambda x: x.cumprod(dim))
    x = np.array([[1.5, 0.0, 2.0, -1.0], [0.0, 0.0, 3.0, 2.0], [1.0, 2.0, 0.0, 4.0]], np.float32)
    helper_test_op([x], lambda t: t.cumprod(dim))
    helper_test_op([(4, 3)], lambda x: x.cumsum(dim), non_contiguous=True)


@pytest.mark.parametrize('dtype', ['bool', 'int32', 'int64', 'uint8', 'int8', 'float16', 'float64'])
def test_reduce_dtypes(dtype):
    for fn in [lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.prod(1), lambda x: x.cumsum(0),
               lambda x: x.cumprod(1), lambda x: x.amax(0), lambda x: x.max(), lambda x: x.min(1),
               lambda x: x.argmax(), lambda x: x.argmin(1), lambda x: x.all(), lambda x: x.any(1),
               lambda x: x.count_nonzero(0), lambda x: x.sum(dtype=torch.float64 if isinstance(x, torch.Tensor)
                                                               else nbtorch.float64)]:
        try:
            fn(torch.ones(3, 4, dtype=getattr(torch, dtype)))
        except RuntimeError:   # torch refuses this dtype (argmax of bool): so must we
            helper_test_exception(lambda: fn(torch.ones(3, 4, dtype=getattr(torch, dtype))),
                                  lambda: fn(nbtorch.ones(3, 4, dtype=getattr(nbtorch, dtype))), RuntimeError)
            continue
        helper_test_op([(3, 4)], fn, dtype=dtype, low=0, high=3, forward_only=True, atol=1e-2, rtol=1e-3)


@pytest.mark.parametrize('dtype', ['bool', 'int64'])
def test_mean_of_int_raises(dtype):
    helper_test_exception(lambda: torch.ones(3, dtype=getattr(torch, dtype)).mean(),
                          lambda: nbtorch.ones(3, dtype=getattr(nbtorch, dtype)).mean(), RuntimeError, ['mean'])


@pytest.mark.parametrize('op', ['max', 'min'])
def test_max_min_forms(op):
    # all: a 0-dim tensor; dim form: a (values, indices) named tuple; tensor form: elementwise
    helper_test_op([(3, 4)], lambda x: getattr(x, op)())
    for d in (0, 1, -1):
        for k in (False, True):
            helper_test_op([(3, 4)], lambda x: getattr(x, op)(d, keepdim=k))
            helper_test_op([(3, 4)], lambda x: getattr(x, op)(dim=d, keepdim=k).values)
    helper_test_op([(3, 4), (4,)], lambda x, y: getattr(x, op)(y))
    helper_test_op([()], lambda x: getattr(x, op)(0))
    th, nb = getattr(torch.ones(2, 3), op)(1), getattr(nbtorch.ones(2, 3), op)(1)
    assert type(nb).__name__ == type(th).__name__ == op
    assert nb.indices.dtype == nbtorch.int64


def test_max_ties_gradient():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], np.float32)
    for fn in [lambda t: t.max(), lambda t: t.min(), lambda t: t.amax(1), lambda t: t.amin(0), lambda t: t.amax(),
               lambda t: t.max(1).values, lambda t: t.max(1)[0], lambda t: t.norm(p=float('inf'))]:
        helper_test_op([x], fn)


@pytest.mark.parametrize('fn', ['argmax', 'argmin'])
def test_argmax_argmin(fn):
    for d in (None, 0, 1, -1):
        for k in (False, True):
            helper_test_op([(3, 4)], lambda x: getattr(x, fn)(d, keepdim=k), forward_only=True)
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], np.float32)   # ties: the first index
    helper_test_op([x], lambda t: getattr(t, fn)(1), forward_only=True)


@pytest.mark.parametrize('dim', [0, 1, -1])
def test_softmax_log_softmax(dim):
    helper_test_op([(3, 4, 5)], lambda x: x.softmax(dim))
    helper_test_op([(3, 4, 5)], lambda x: x.log_softmax(dim))
    helper_test_op([(4, 5)], lambda x: x.softmax(dim), non_contiguous=True)
    f = torch.nn.functional
    helper_test_op([(3, 4)], lambda x: (f if isinstance(x, torch.Tensor) else nbtorch).softmax(x, dim))


def test_softmax_large_logits_stable():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]], np.float32)
    helper_test_op([x], lambda t: t.softmax(1))
    helper_test_op([x], lambda t: t.log_softmax(1))
    helper_test_op([x], lambda t: t.logsumexp(1))


def test_softmax_int_and_dtype_arg():
    helper_test_exception(lambda: torch.ones(2, 3, dtype=torch.int64).softmax(1),
                          lambda: nbtorch.ones(2, 3, dtype=nbtorch.int64).softmax(1), NotImplementedError, ['Long'])
    helper_test_op([(3, 4)], lambda x: x.log_softmax(0, dtype=torch.float32 if isinstance(x, torch.Tensor)
                                                     else nbtorch.float32), dtype='int64', forward_only=True)
    helper_test_op([()], lambda x: x.softmax(0))
    helper_test_op([(3, 4)], lambda x: x.softmax(1, dtype=torch.float64 if isinstance(x, torch.Tensor)
                                                   else nbtorch.float64))


def test_norm_fro_and_tuple_dim():
    helper_test_op([(3, 4, 2)], lambda x: x.norm(p='fro', dim=(0, 1)))
    helper_test_op([(3, 4)], lambda x: x.norm(2, 1, True))
    helper_test_op([(3, 4)], lambda x: x.norm(0.5))
    helper_test_op([np.zeros((2, 3), np.float32)], lambda x: x.norm())   # grad at 0 is 0, not nan


def test_fro_norm_needs_two_dims():
    helper_test_exception(lambda: torch.ones(2, 3, 4).norm(dim=(0, 1, 2)),
                          lambda: nbtorch.ones(2, 3, 4).norm(dim=(0, 1, 2)), RuntimeError, ['2-tuple', '0 1 2'])


def test_all_any():
    for dtype in ('bool', 'float32', 'int64', 'uint8'):
        for fn in [lambda x: x.all(), lambda x: x.any(), lambda x: x.all(1), lambda x: x.any(0, keepdim=True),
                   lambda x: x.all(-1)]:
            helper_test_op([(3, 4)], fn, dtype=dtype, low=0, high=1, forward_only=True)


def test_reduction_grad_fn_names():
    x, tx = nbtorch.ones(2, 3, requires_grad=True), torch.ones(2, 3, requires_grad=True)
    for fn in [lambda t: t.sum(), lambda t: t.sum(0), lambda t: t.mean(), lambda t: t.mean(1), lambda t: t.prod(),
               lambda t: t.prod(1), lambda t: t.max(), lambda t: t.max(0)[0], lambda t: t.amax(1), lambda t: t.var(),
               lambda t: t.std(0), lambda t: t.logsumexp(1), lambda t: t.softmax(1), lambda t: t.log_softmax(0),
               lambda t: t.cumsum(0), lambda t: t.cumprod(1), lambda t: t.min(), lambda t: t.norm()]:
        assert fn(x).grad_fn.name() == fn(tx).grad_fn.name()


def test_dim_out_of_range():
    for fn in [lambda m: m.ones(2, 3).sum(2), lambda m: m.ones(2, 3).mean(-3), lambda m: m.ones(2, 3).max(5),
               lambda m: m.ones(2, 3).softmax(2), lambda m: m.ones(2, 3).cumsum(3)]:
        helper_test_exception(lambda: fn(torch), lambda: fn(nbtorch), IndexError, ['Dimension out of range'])


def test_empty_reductions():
    helper_test_op([(0, 3)], lambda x: x.sum(0))
    helper_test_op([(0, 3)], lambda x: x.sum())
    helper_test_op([(0, 3)], lambda x: x.prod(0))
    helper_test_op([(0, 3)], lambda x: x.mean(0), forward_only=True)
    helper_test_exception(lambda: torch.ones(0, 3).max(), lambda: nbtorch.ones(0, 3).max(), RuntimeError,
                          ['numel() == 0'])
