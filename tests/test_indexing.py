"""Indexing vs torch 2.13: basic (views), advanced and boolean (copies), setitem, gather/scatter & co."""
import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_op, helper_test_exception


def L(x):
    return torch if isinstance(x, torch.Tensor) else nbtorch


def T(x, like):
    """An index tensor for the library of ``like``."""
    return L(like).tensor(x)


GET = [
    ('int', lambda x: x[1]),
    ('neg_int', lambda x: x[-1]),
    ('slice', lambda x: x[1:3]),
    ('slice_step', lambda x: x[::2]),
    ('slice_neg', lambda x: x[-3:-1]),
    ('two_dims', lambda x: x[1:, 2]),
    ('none', lambda x: x[None, 1]),
    ('ellipsis', lambda x: x[..., 1]),
    ('ellipsis_none', lambda x: x[..., None, :2]),
    ('empty_slice', lambda x: x[3:1]),
    ('int_tensor_0d', lambda x: x[T(2, x)]),
    ('list', lambda x: x[[0, 2, 0]]),
    ('list_neg', lambda x: x[[-1, 0]]),
    ('tensor', lambda x: x[T([3, 1, 1], x)]),
    ('tensor_2d', lambda x: x[T([[0, 1], [3, 3]], x)]),
    ('tensor_neg', lambda x: x[T([-1, -4], x)]),
    ('two_tensors', lambda x: x[T([0, 1, 3], x), T([4, 0, 4], x)]),
    ('tensor_and_slice', lambda x: x[1:, T([0, 0, 2], x)]),
    ('slice_tensor_slice', lambda x: x[1:, T([1, 1], x)]),
    ('bool_mask', lambda x: x[x > 0]),
    ('bool_rows', lambda x: x[T([True, False, True, True], x)]),
    ('bool_tensor_and_int', lambda x: x[T([True, False, True, True], x), 2]),
    ('duplicates', lambda x: x[T([1, 1, 1, 2], x)] * 2),
    ('uint8_mask', lambda x: x[(x > 0).to(L(x).uint8)]),
]


@pytest.mark.parametrize('name,fn', GET, ids=[g[0] for g in GET])
def test_getitem(name, fn):
    th, nb = helper_test_op([(4, 5)], fn)
    assert (nb.grad_fn.name() if nb.grad_fn else None) == (th.grad_fn.name() if th.grad_fn else None)


@pytest.mark.parametrize('name,fn', GET[:11], ids=[g[0] for g in GET[:11]])
def test_basic_index_is_view(name, fn):
    x = nbtorch.arange(20.).reshape(4, 5).clone()
    v = fn(x)
    assert v._base is x
    if v.numel():
        v.view(-1)[0] if v.is_contiguous() and v.dim() else None
        v.fill_(-7)
        assert (x == -7).sum().item() == v.numel()


@pytest.mark.parametrize('name,fn', GET[11:], ids=[g[0] for g in GET[11:]])
def test_advanced_index_is_copy(name, fn):
    x = nbtorch.arange(20.).reshape(4, 5).clone() - 7
    v = fn(x)
    assert v._base is None
    v.fill_(100.)
    assert not (x == 100).any()


@pytest.mark.parametrize('idx,facts', [
    (lambda x: x[5], ['index 5 is out of bounds for dimension 0 with size 4']),
    (lambda x: x[-5], ['index -5 is out of bounds for dimension 0 with size 4']),
    (lambda x: x[:, 7], ['index 7 is out of bounds for dimension 1 with size 5']),
    (lambda x: x[T([0, 9], x)], ['index 9 is out of bounds for dimension 0 with size 4']),
    (lambda x: x[1, 2, 3], ['too many indices for tensor of dimension 2']),
    (lambda x: x[T([1.0], x)], ['tensors used as indices must be long, int, byte or bool tensors']),
    (lambda x: x[T([True, False], x)], ['The shape of the mask [2] at index 0 does not match the shape of the '
                                        'indexed tensor [4, 5] at index 0']),
])
def test_getitem_errors(idx, facts):
    helper_test_exception(lambda: idx(torch.zeros(4, 5)), lambda: idx(nbtorch.zeros(4, 5)), contains=facts)


def _setitem_case(fn):
    def run(x, v):
        y = x * 1          # a non-leaf: setitem is recorded in the graph
        fn(y, v)
        return y
    return run


SET = [
    ('int_scalar', [(4, 5), (5,)], lambda y, v: y.__setitem__(1, 0.5)),
    ('int_tensor', [(4, 5), (5,)], lambda y, v: y.__setitem__(1, v)),
    ('slice_broadcast', [(4, 5), (5,)], lambda y, v: y.__setitem__(slice(1, 3), v)),
    ('col', [(4, 5), (4,)], lambda y, v: y.__setitem__((slice(None), 0), v)),
    ('step', [(4, 5), (2, 5)], lambda y, v: y.__setitem__(slice(None, None, 2), v)),
    ('list', [(4, 5), (5,)], lambda y, v: y.__setitem__([0, 3], v)),
    ('mask', [(4, 5), (1,)], lambda y, v: y.__setitem__(y > 0, v)),
    ('mask_scalar', [(4, 5), (1,)], lambda y, v: y.__setitem__(y > 0, 0.0)),
    ('ellipsis', [(4, 5), (4,)], lambda y, v: y.__setitem__((Ellipsis, 2), v)),
]


@pytest.mark.parametrize('name,shapes,fn', SET, ids=[s[0] for s in SET])
def test_setitem(name, shapes, fn):
    th, nb = helper_test_op(shapes, _setitem_case(fn))
    assert nb.grad_fn.name() == th.grad_fn.name()


def test_setitem_no_grad_broadcast_and_dtype():
    for lib in (torch, nbtorch):
        x = lib.zeros(3, 4, dtype=lib.int64)
        x[1] = 7
        x[:, 0] = lib.tensor([1, 2, 3])
        x[x > 5] = -1
        x[0, 1:3] = 2.9          # float into int: truncated, as torch
        if lib is torch:
            want = x.numpy().copy()
    np.testing.assert_array_equal(x.numpy(), want)


def test_setitem_errors():
    helper_test_exception(lambda: torch.zeros(3, 4).__setitem__(0, torch.ones(3)),
                          lambda: nbtorch.zeros(3, 4).__setitem__(0, nbtorch.ones(3)), RuntimeError)
    helper_test_exception(lambda: torch.zeros(3, 4, requires_grad=True).__setitem__(0, 1.),
                          lambda: nbtorch.zeros(3, 4, requires_grad=True).__setitem__(0, 1.), RuntimeError,
                          contains=['a leaf Variable that requires grad is being used in an in-place operation.'])
    helper_test_exception(lambda: torch.zeros(3).__setitem__(3, 1.),
                          lambda: nbtorch.zeros(3).__setitem__(3, 1.), IndexError,
                          contains=['index 3 is out of bounds for dimension 0 with size 3'])


def test_setitem_value_requires_grad_into_plain_tensor():
    out = []
    for lib in (torch, nbtorch):
        v = lib.tensor([1., 2., 3.], requires_grad=True)
        buf = lib.zeros(2, 3)
        buf[1] = v * 2
        buf[0] = v ** 2
        assert buf.requires_grad and buf.grad_fn.name() == 'torch::autograd::CopySlices'
        (buf * lib.tensor([[1.], [10.]])).sum().backward()
        out.append(v.grad.numpy().copy())
    np.testing.assert_allclose(out[1], out[0])


FUNCS = [
    ('index_select', [(4, 5)], lambda x: x.index_select(1, T([4, 0, 0], x))),
    ('index_select_neg_dim', [(4, 5)], lambda x: x.index_select(-2, T([3, 1], x))),
    ('masked_select', [(4, 5)], lambda x: x.masked_select(x > 0.5)),
    ('masked_select_bcast', [(4, 5)], lambda x: x.masked_select(T([True, False, True, False, True], x))),
    ('masked_fill', [(4, 5)], lambda x: x.masked_fill(x > 0.5, -1.0)),
    ('masked_fill_bcast', [(4, 5)], lambda x: x.masked_fill(T([True, False, True, False, True], x), 3.0)),
    ('masked_fill_tensor_value', [(4, 5)], lambda x: x.masked_fill(x > 0, L(x).tensor(2.0))),
    ('gather', [(4, 5)], lambda x: x.gather(1, T([[0, 0], [1, 4], [2, 2], [3, 0]], x))),
    ('gather_dim0', [(4, 5)], lambda x: x.gather(0, T([[0, 1, 2, 3, 3]], x))),
    ('scatter', [(4, 5), (4, 2)], lambda x, s: x.scatter(1, T([[0, 1], [1, 4], [2, 3], [3, 0]], x), s)),
    ('scatter_value', [(4, 5)], lambda x: x.scatter(1, T([[0], [1], [2], [3]], x), 9.0)),
    ('scatter_add', [(4, 5), (4, 2)], lambda x, s: x.scatter_add(1, T([[0, 0], [1, 4], [2, 2], [3, 0]], x), s)),
    ('where', [(4, 5), (4, 5)], lambda x, y: L(x).where(x > y, x, y)),
    ('where_bcast', [(4, 5), (5,)], lambda x, y: L(x).where(x > 0, x, y)),
    ('where_scalar', [(4, 5)], lambda x: L(x).where(x > 0, x, 0.0)),
    ('where_method', [(4, 5), (4, 5)], lambda x, y: x.where(x > 0, y)),
    ('topk', [(4, 5)], lambda x: x.topk(2)),
    ('topk_small', [(4, 5)], lambda x: x.topk(3, dim=0, largest=False)),
    ('sort', [(4, 5)], lambda x: x.sort()),
    ('sort_desc', [(4, 5)], lambda x: x.sort(dim=0, descending=True)),
    ('argsort', [(4, 5)], lambda x: x.argsort(dim=1)),
    ('argsort_desc', [(4, 5)], lambda x: x.argsort(descending=True)),
    ('take_along_dim', [(4, 5)], lambda x: L(x).take_along_dim(x, x.argsort(1), 1)),
]


@pytest.mark.parametrize('name,shapes,fn', FUNCS, ids=[f[0] for f in FUNCS])
def test_index_functions(name, shapes, fn):
    th, nb = helper_test_op(shapes, fn)
    ths = th if isinstance(th, tuple) else (th,)
    nbs = nb if isinstance(nb, tuple) else (nb,)
    for a, b in zip(ths, nbs):
        assert (b.grad_fn.name() if b.grad_fn else None) == (a.grad_fn.name() if a.grad_fn else None)


@pytest.mark.parametrize('fn', [
    lambda L: L.tensor([[0, 1, 0], [2, 0, 3]]).nonzero(),
    lambda L: L.tensor([[0, 1, 0], [2, 0, 3]]).nonzero(as_tuple=True),
    lambda L: L.tensor([0., 1.5, 0.]).nonzero(),
    lambda L: L.tensor(3.).nonzero(),
    lambda L: L.tensor([3, 1, 2, 3, 1]).unique(),
    lambda L: L.tensor([3, 1, 2, 3, 1]).unique(return_inverse=True),
    lambda L: L.tensor([3, 1, 2, 3, 1]).unique(return_counts=True),
    lambda L: L.tensor([3, 1, 2, 3, 1]).unique(return_inverse=True, return_counts=True),
    lambda L: L.tensor([[1, 2], [1, 2], [0, 5]]).unique(dim=0),
    lambda L: L.unique(L.tensor([2., 2., -1.])),
    lambda L: L.tensor([True, False, True]).nonzero(),
    lambda L: L.tensor([[1, 5], [7, 2]]).argsort(dim=0),
    lambda L: L.tensor([2, 1, 2, 1]).sort(stable=True),
    lambda L: L.tensor([2, 1, 2, 1]).sort(descending=True, stable=True),
    lambda L: L.where(L.tensor([True, False]), 1, 0),
    lambda L: L.where(L.tensor([True, False]), 1.5, 0),
    lambda L: L.where(L.tensor([True, False])),
])
def test_index_functions_int(fn):
    helper_test_op([], lambda: fn(torch), lambda: fn(nbtorch), forward_only=True)


@pytest.mark.parametrize('fn,facts', [
    (lambda L: L.zeros(2, 3).gather(1, L.tensor([[3]])), ['index 3 is out of bounds for dimension 1 with size 3']),
    (lambda L: L.zeros(2, 3).gather(1, L.tensor([[1.0]])), ['gather', 'int64']),
    (lambda L: L.zeros(2, 3).index_select(1, L.tensor([3])), ['index', '3']),
    (lambda L: L.zeros(2, 3).index_select(1, L.tensor([[0]])), ['Index is supposed to be a vector']),
    (lambda L: L.zeros(2, 3).masked_fill(L.tensor([1, 0, 1]), 1.0), ['masked_fill_ only supports boolean masks']),
    (lambda L: L.zeros(2, 3).scatter(1, L.tensor([[5]]), 1.0), ['index 5 is out of bounds for dimension 1 with size 3']),
    (lambda L: L.zeros(2, 3).topk(4), ['selected index k out of range']),
    (lambda L: L.where(L.tensor([1, 0]), L.zeros(2), L.ones(2)), ['where expected condition to be a boolean tensor']),
])
def test_index_function_errors(fn, facts):
    helper_test_exception(lambda: fn(torch), lambda: fn(nbtorch), contains=facts)


def test_duplicate_indices_accumulate_grad():
    for idx in ([0, 0, 0, 2], [[1, 1], [1, 0]]):
        helper_test_op([(3, 2)], lambda x, i=idx: x[T(i, x)])
        helper_test_op([(3, 2)], lambda x, i=idx: x[i] * 3)
    helper_test_op([(5,)], lambda x: x.gather(0, T([1, 1, 1, 4], x)))
    helper_test_op([(5,)], lambda x: x.index_select(0, T([0, 0, 3], x)))


def test_inplace_index_functions():
    out = []
    for lib in (torch, nbtorch):
        x = lib.zeros(3, 4)
        x.masked_fill_(lib.tensor([True, False, True, False]), 2.0)
        x.scatter_(0, lib.tensor([[2, 0, 1, 0]]), 5.0)
        x.scatter_add_(1, lib.tensor([[0, 0], [3, 3], [1, 2]]), lib.ones(3, 2))
        x.index_fill_(1, lib.tensor([3]), -1.0)
        x.index_add_(0, lib.tensor([0, 0]), lib.ones(2, 4))
        x.index_put_((lib.tensor([1, 1]), lib.tensor([2, 2])), lib.tensor([1., 2.]), accumulate=True)
        out.append(x.numpy().copy())
    np.testing.assert_array_equal(out[1], out[0])
