"""Matrix products vs torch: matmul in every rank combination, mm bmm dot mv outer einsum, and their errors."""
import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_op, helper_test_exception

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (5, 3, 4)),
                 ((5, 2, 3), (3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,)), ((2, 1, 2, 3), (4, 3, 2)),
                 ((1, 2, 3), (6, 3, 4)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]


@pytest.mark.parametrize('shapes', MATMUL_SHAPES, ids=str)
def test_matmul(shapes):
    helper_test_op(list(shapes), lambda x, y: x @ y, atol=1e-5, rtol=1e-5)
    helper_test_op(list(shapes), lambda x, y: x.matmul(y), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('shapes', [s for s in MATMUL_SHAPES if len(s[0]) >= 2 and len(s[1]) >= 2], ids=str)
def test_matmul_non_contiguous(shapes):
    helper_test_op(list(shapes), lambda x, y: x @ y, atol=1e-5, rtol=1e-5, non_contiguous=True)


def test_matmul_dtypes():
    for dtype in ('float64', 'int64', 'int32'):
        helper_test_op([(2, 3), (3, 4)], lambda x, y: x @ y, dtype=dtype, low=-3, high=3)
    helper_test_op([(2, 3), (3, 4)], lambda x, y: x @ y, dtype='float16', atol=1e-2, rtol=1e-2,
                   grad_atol=1e-2, grad_rtol=1e-2)


def test_named_products():
    helper_test_op([(2, 3), (3, 4)], lambda x, y: x.mm(y))
    helper_test_op([(5, 2, 3), (5, 3, 4)], lambda x, y: x.bmm(y), atol=1e-5)
    helper_test_op([(3,), (3,)], lambda x, y: x.dot(y))
    helper_test_op([(3,), (3,)], lambda x, y: x.inner(y))
    helper_test_op([(2, 3), (3,)], lambda x, y: x.mv(y))
    helper_test_op([(3,), (4,)], lambda x, y: x.outer(y))
    helper_test_op([(3,), (4,)], lambda x, y: x.ger(y))
    lib = lambda x: torch if isinstance(x, torch.Tensor) else nbtorch  # noqa: E731
    helper_test_op([(2, 3), (3, 4)], lambda x, y: lib(x).mm(x, y))
    helper_test_op([(2, 3), (3, 4)], lambda x, y: lib(x).matmul(x, y))
    helper_test_op([(3,), (4,)], lambda x, y: lib(x).outer(x, y))
    helper_test_op([(4, 3), (2, 3)], lambda x, y: x @ y.T, non_contiguous=True)
    helper_test_op([(4, 3), (4, 2)], lambda x, y: x.t() @ y)


def test_grad_fn_names():
    pairs = [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (5, 3, 4))]
    for sa, sb in pairs:
        a, b = torch.ones(sa, requires_grad=True), torch.ones(sb, requires_grad=True)
        na, nb = nbtorch.ones(sa, requires_grad=True), nbtorch.ones(sb, requires_grad=True)
        assert (na @ nb).grad_fn.name() == (a @ b).grad_fn.name(), (sa, sb)


EINSUM = ['ij,jk->ik', 'ij->ji', 'ii->i', 'ii', 'ij->', 'i,i->', 'i,j->ij', 'bij,bjk->bik', 'ij,ij->ij',
          'ijk->kj', 'ij,jk', '...ij,...jk->...ik', 'i...->...', 'ij,kj->ik', 'iij->ij', 'ij,j->i', 'ijk,ik->j',
          'ab,bc,cd->ad']
EINSUM_SHAPES = {'ij,jk->ik': [(2, 3), (3, 4)], 'ij->ji': [(2, 3)], 'ii->i': [(3, 3)], 'ii': [(3, 3)],
                 'ij->': [(2, 3)], 'i,i->': [(3,), (3,)], 'i,j->ij': [(3,), (2,)],
                 'bij,bjk->bik': [(2, 3, 4), (2, 4, 5)], 'ij,ij->ij': [(2, 3), (2, 3)], 'ijk->kj': [(2, 3, 4)],
                 'ij,jk': [(2, 3), (3, 4)], '...ij,...jk->...ik': [(2, 1, 3, 4), (5, 4, 2)],
                 'i...->...': [(3, 2, 2)], 'ij,kj->ik': [(2, 3), (4, 3)], 'iij->ij': [(3, 3, 2)],
                 'ij,j->i': [(2, 3), (3,)], 'ijk,ik->j': [(2, 3, 4), (2, 4)],
                 'ab,bc,cd->ad': [(2, 3), (3, 4), (4, 2)]}


@pytest.mark.parametrize('eq', EINSUM)
def test_einsum(eq):
    lib = lambda x: torch if isinstance(x, torch.Tensor) else nbtorch  # noqa: E731
    helper_test_op(EINSUM_SHAPES[eq], lambda *xs: lib(xs[0]).einsum(eq, *xs), atol=1e-5)
    helper_test_op(EINSUM_SHAPES[eq], lambda *xs: lib(xs[0]).einsum(eq, list(xs)), atol=1e-5)


def test_einsum_non_contiguous():
    lib = lambda x: torch if isinstance(x, torch.Tensor) else nbtorch  # noqa: E731
    helper_test_op([(2, 3), (3, 4)], lambda x, y: lib(x).einsum('ij,jk->ik', x, y), non_contiguous=True)
    helper_test_op([(3, 3)], lambda x: lib(x).einsum('ii->i', x), non_contiguous=True)


def test_matmul_shape_errors_name_both_shapes():
    cases = [((2, 3), (2, 3), ['2x3', '2x3']), ((2, 3), (4,), ['2x3', '4']), ((3,), (4,), ['3', '4']),
             ((3,), (4, 5), ['4x5']), ((2, 2, 3), (2, 4, 5), ['2, 4']), ((2, 3), (4, 5), ['2x3', '4x5'])]
    for sa, sb, facts in cases:
        helper_test_exception(lambda: torch.ones(sa) @ torch.ones(sb), lambda: nbtorch.ones(sa) @ nbtorch.ones(sb),
                              RuntimeError, facts)
    helper_test_exception(lambda: torch.ones(2, 3).mm(torch.ones(4, 5)),
                          lambda: nbtorch.ones(2, 3).mm(nbtorch.ones(4, 5)), RuntimeError, ['2x3', '4x5'])
    helper_test_exception(lambda: torch.ones(2, 2, 3).bmm(torch.ones(2, 4, 5)),
                          lambda: nbtorch.ones(2, 2, 3).bmm(nbtorch.ones(2, 4, 5)), RuntimeError, ['[2, 3]', '[2, 4]'])
    helper_test_exception(lambda: torch.ones(2, 3).mv(torch.ones(4)), lambda: nbtorch.ones(2, 3).mv(nbtorch.ones(4)),
                          RuntimeError, ['2x3', '4'])
    helper_test_exception(lambda: torch.ones(3).dot(torch.ones(4)), lambda: nbtorch.ones(3).dot(nbtorch.ones(4)),
                          RuntimeError, ['3', '4'])
    helper_test_exception(lambda: torch.ones(2, 3).mm(torch.ones(3)), lambda: nbtorch.ones(2, 3).mm(nbtorch.ones(3)),
                          RuntimeError, ['mat2 must be a matrix'])
    helper_test_exception(lambda: torch.ones(()) @ torch.ones(3), lambda: nbtorch.ones(()) @ nbtorch.ones(3),
                          RuntimeError, ['0D', '1D'])


def test_matmul_dtype_mismatch():
    helper_test_exception(lambda: torch.ones(2, 3) @ torch.ones(3, 2, dtype=torch.float64),
                          lambda: nbtorch.ones(2, 3) @ nbtorch.ones(3, 2, dtype=nbtorch.float64),
                          RuntimeError, ['expected m1 and m2 to have the same dtype', 'float', 'double'])
    helper_test_exception(lambda: torch.ones(2, 3).mm(torch.ones(3, 2, dtype=torch.int64)),
                          lambda: nbtorch.ones(2, 3).mm(nbtorch.ones(3, 2, dtype=nbtorch.int64)),
                          RuntimeError, ['same dtype'])


def test_einsum_errors():
    helper_test_exception(lambda: torch.einsum('ij,jk->ik', torch.ones(2, 3), torch.ones(4, 5)),
                          lambda: nbtorch.einsum('ij,jk->ik', nbtorch.ones(2, 3), nbtorch.ones(4, 5)), RuntimeError,
                          ['3', '4'])
