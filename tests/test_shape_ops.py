"""Shape ops vs torch 2.13: values, dtypes, shapes, gradients, grad_fn names and errors."""
import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_op, helper_test_exception


def grad_fn_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


def same_names(th_out, nb_out):
    """Every output's grad_fn has torch's name."""
    ths = th_out if isinstance(th_out, (tuple, list)) else [th_out]
    nbs = nb_out if isinstance(nb_out, (tuple, list)) else [nb_out]
    assert [grad_fn_name(t) for t in nbs] == [grad_fn_name(t) for t in ths]


OPS = [
    ('view', [(2, 6)], lambda x: x.view(3, 4)),
    ('view_neg1', [(2, 6)], lambda x: x.view(-1, 3)),
    ('view_tuple', [(2, 6)], lambda x: x.view((4, -1))),
    ('view_as', [(2, 6), (3, 4)], lambda x, y: x.view_as(y) + y),
    ('reshape', [(2, 6)], lambda x: x.reshape(4, 3)),
    ('reshape_nc', [(3, 4)], lambda x: x.t().reshape(12)),
    ('flatten', [(2, 3, 4)], lambda x: x.flatten()),
    ('flatten_1', [(2, 3, 4)], lambda x: x.flatten(1)),
    ('flatten_0_1', [(2, 3, 4)], lambda x: x.flatten(0, 1)),
    ('unflatten', [(2, 12)], lambda x: x.unflatten(1, (3, -1))),
    ('squeeze', [(2, 1, 3, 1)], lambda x: x.squeeze()),
    ('squeeze_dim', [(2, 1, 3, 1)], lambda x: x.squeeze(1)),
    ('squeeze_tuple', [(2, 1, 3, 1)], lambda x: x.squeeze((1, 3))),
    ('squeeze_non1', [(2, 1, 3)], lambda x: x.squeeze(0)),
    ('unsqueeze', [(2, 3)], lambda x: x.unsqueeze(0)),
    ('unsqueeze_neg', [(2, 3)], lambda x: x.unsqueeze(-1)),
    ('permute', [(2, 3, 4)], lambda x: x.permute(2, 0, 1)),
    ('permute_tuple', [(2, 3, 4)], lambda x: x.permute((1, 2, 0))),
    ('transpose', [(2, 3, 4)], lambda x: x.transpose(0, 2)),
    ('t', [(2, 3)], lambda x: x.t()),
    ('T', [(2, 3)], lambda x: x.T),
    ('mT', [(2, 3, 4)], lambda x: x.mT),
    ('expand', [(3, 1)], lambda x: x.expand(2, 3, 4)),
    ('expand_neg1', [(3, 1)], lambda x: x.expand(-1, 5)),
    ('expand_as', [(3, 1), (3, 4)], lambda x, y: x.expand_as(y) * y),
    ('repeat', [(2, 3)], lambda x: x.repeat(2, 3)),
    ('repeat_more_dims', [(2, 3)], lambda x: x.repeat(2, 1, 2)),
    ('repeat_interleave_int', [(2, 3)], lambda x: x.repeat_interleave(2)),
    ('repeat_interleave_dim', [(2, 3)], lambda x: x.repeat_interleave(2, dim=1)),
    ('repeat_interleave_tensor', [(3, 2)],
     lambda x: x.repeat_interleave((torch if isinstance(x, torch.Tensor) else nbtorch).tensor([1, 0, 3]), dim=0)),
    ('contiguous', [(3, 4)], lambda x: x.t().contiguous()),
    ('cat', [(2, 3), (1, 3)], lambda x, y: (torch if isinstance(x, torch.Tensor) else nbtorch).cat([x, y])),
    ('cat_dim1', [(2, 3), (2, 1)], lambda x, y: (torch if isinstance(x, torch.Tensor) else nbtorch).cat((x, y), 1)),
    ('cat_neg', [(2, 3), (2, 1)], lambda x, y: (torch if isinstance(x, torch.Tensor) else nbtorch).cat((x, y), -1)),
    ('stack', [(2, 3), (2, 3)], lambda x, y: (torch if isinstance(x, torch.Tensor) else nbtorch).stack([x, y])),
    ('stack_dim', [(2, 3), (2, 3)], lambda x, y: (torch if isinstance(x, torch.Tensor) else nbtorch).stack([x, y], -1)),
    ('chunk', [(7, 2)], lambda x: x.chunk(3)),
    ('chunk_dim', [(2, 6)], lambda x: x.chunk(4, 1)),
    ('split_int', [(7, 2)], lambda x: x.split(3)),
    ('split_sizes', [(7, 2)], lambda x: x.split([2, 5])),
    ('split_dim', [(2, 7)], lambda x: x.split([2, 5], dim=1)),
    ('unbind', [(3, 2)], lambda x: x.unbind()),
    ('unbind_dim', [(3, 2)], lambda x: x.unbind(1)),
    ('flip', [(2, 3)], lambda x: x.flip(0)),
    ('flip_2', [(2, 3, 4)], lambda x: x.flip(0, 2)),
    ('narrow', [(4, 5)], lambda x: x.narrow(1, 1, 3)),
    ('narrow_neg', [(4, 5)], lambda x: x.narrow(0, -2, 2)),
    ('movedim', [(2, 3, 4)], lambda x: x.movedim(0, -1)),
    ('moveaxis', [(2, 3, 4)], lambda x: x.moveaxis(2, 0)),
    ('roll', [(2, 5)], lambda x: x.roll(2, 1)),
    ('roll_flat', [(2, 5)], lambda x: x.roll(3)),
    ('roll_multi', [(2, 5)], lambda x: x.roll((1, -2), (0, 1))),
    ('tensor_split', [(7, 2)], lambda x: x.tensor_split(3)),
    ('tensor_split_idx', [(7, 2)], lambda x: x.tensor_split([1, 4])),
    ('unfold', [(8,)], lambda x: x.unfold(0, 3, 2)),
    ('unfold_2d', [(3, 7)], lambda x: x.unfold(1, 2, 2)),
    ('swapaxes', [(2, 3, 4)], lambda x: x.swapaxes(0, 1)),
    ('broadcast_to', [(3, 1)], lambda x: x.broadcast_to((2, 3, 4))),
    ('tile', [(2, 3)], lambda x: x.tile((2,))),
    ('select', [(3, 4)], lambda x: x.select(1, 2)),
]


@pytest.mark.parametrize('name,shapes,fn', OPS, ids=[o[0] for o in OPS])
def test_shape_op(name, shapes, fn):
    th, nb = helper_test_op(shapes, fn)
    same_names(th, nb)


@pytest.mark.parametrize('name,shapes,fn', OPS, ids=[o[0] for o in OPS])
def test_shape_op_non_contiguous(name, shapes, fn):
    if name.startswith('view'):
        pytest.skip("torch's view needs a contiguous input; covered in test_view_non_contiguous_error")
    if any(len(s) < 2 or 1 in s[-2:] for s in shapes):
        pytest.skip("no non-contiguous layout: the transpose of this shape is still contiguous")
    helper_test_op(shapes, fn, non_contiguous=True)


@pytest.mark.parametrize('dtype', ['int64', 'bool', 'float64'])
def test_shape_ops_keep_dtype(dtype):
    helper_test_op([(2, 3)], lambda x: x.t().reshape(3, 2).unsqueeze(0).expand(2, 3, 2).flip(1), dtype=dtype)


def test_torch_functions():
    for name, args in [('reshape', ((3, 2),)), ('flatten', ()), ('squeeze', ()), ('unsqueeze', (1,)),
                       ('permute', ((1, 0),)), ('transpose', (0, 1)), ('t', ()), ('movedim', (0, 1)),
                       ('flip', ((0,),)), ('narrow', (0, 0, 1)), ('chunk', (2,)), ('split', (1,)),
                       ('unbind', ()), ('roll', (1, 0)), ('tensor_split', (2,)), ('repeat_interleave', (2,))]:
        helper_test_op([(2, 3)], lambda x, n=name, a=args: getattr(
            torch if isinstance(x, torch.Tensor) else nbtorch, n)(x, *a))


def test_views_share_storage():
    for lib in (torch, nbtorch):
        base = lib.arange(12.).reshape(3, 4).clone()
        for v in (base.view(12), base.t(), base[1:, ::2], base.unsqueeze(0), base.narrow(1, 1, 2),
                  base.expand(2, 3, 4), base.permute(1, 0), base.squeeze(), base.reshape(2, 6),
                  base.flatten(), base.unflatten(1, (2, 2)), base.select(0, 1), base.transpose(0, 1),
                  base.mT, base.split(2, 1)[1], base.chunk(3)[0], base.unbind(1)[2], base.diagonal()):
            assert v._base is base, v
            assert v.data_ptr() >= base.data_ptr()


def test_write_through_view_shows_in_base():
    outs = []
    for lib in (torch, nbtorch):
        base = lib.zeros(3, 4)
        base.t()[1].fill_(1)
        base.view(12)[0] = 5
        base[2, 1:3] += 2
        base.narrow(0, 1, 1).mul_(3)
        base.unbind(0)[0][3] = 7
        outs.append(base.numpy().copy())
    np.testing.assert_array_equal(outs[1], outs[0])


@pytest.mark.parametrize('make', [
    lambda L: L.arange(12.).view(3, 4),
    lambda L: L.arange(12.).view(3, 4).t(),
    lambda L: L.arange(24.).view(2, 3, 4)[:, 1:, ::2],
    lambda L: L.arange(24.).view(2, 3, 4).permute(2, 0, 1),
    lambda L: L.arange(12.).view(3, 4)[1],
    lambda L: L.arange(12.).view(3, 4)[:, 2],
    lambda L: L.arange(3.).view(3, 1).expand(3, 4),
    lambda L: L.arange(12.).view(3, 4).narrow(1, 1, 2),
    lambda L: L.arange(12.).view(3, 4).unsqueeze(1),
    lambda L: L.tensor(3.),
])
def test_stride_contiguous_offset(make):
    t, n = make(torch), make(nbtorch)
    assert n.stride() == t.stride()
    assert n.is_contiguous() == t.is_contiguous()
    assert n.storage_offset() == t.storage_offset()
    if t.dim():
        assert n.stride(-1) == t.stride(-1)


def test_view_non_contiguous_error():
    helper_test_exception(lambda: torch.arange(6.).view(2, 3).t().view(6),
                          lambda: nbtorch.arange(6.).view(2, 3).t().view(6), RuntimeError,
                          contains=['view size is not compatible', '.reshape('])


@pytest.mark.parametrize('fn,facts', [
    (lambda L: L.ones(2, 3).view(4), ["shape '[4]' is invalid for input of size 6"]),
    (lambda L: L.ones(2, 3).view(-1, -1), ['only one dimension can be inferred']),
    (lambda L: L.ones(2, 3).view(4, -1), ["shape '[4, -1]' is invalid for input of size 6"]),
    (lambda L: L.ones(2, 3).reshape(5), ["shape '[5]' is invalid for input of size 6"]),
    (lambda L: L.ones(2, 3).squeeze(2), ['Dimension out of range', '[-2, 1]', '2']),
    (lambda L: L.ones(2, 3).unsqueeze(3), ['Dimension out of range', '[-3, 2]']),
    (lambda L: L.ones(2, 3).permute(0), ['number of dimensions', '2', '1']),
    (lambda L: L.ones(2, 3).permute(0, 0), ['duplicate dims']),
    (lambda L: L.ones(2, 3).transpose(0, 2), ['Dimension out of range']),
    (lambda L: L.ones(2, 3, 4).t(), ['t() expects a tensor with <= 2 dimensions']),
    (lambda L: L.ones(2, 3).expand(3, 3), ['expanded size of the tensor (3) must match the existing size (2)']),
    (lambda L: L.ones(2, 3).expand(3), ['must be greater or equal to the number of dimensions']),
    (lambda L: L.ones(2, 3).repeat(2), ['Number of dimensions of repeat dims']),
    (lambda L: L.cat([L.ones(2, 3), L.ones(2, 2)]), ['Sizes of tensors must match except in dimension 0',
                                                    'Expected size 3 but got size 2']),
    (lambda L: L.cat([L.ones(2, 3), L.ones(3)]), ['Tensors must have same number of dimensions']),
    (lambda L: L.cat([]), ['non-empty']),
    (lambda L: L.stack([L.ones(2, 3), L.ones(2, 2)]), ['stack expects each tensor to be equal size',
                                                      '[2, 3]', '[2, 2]']),
    (lambda L: L.ones(3).narrow(0, 2, 2), ['start (2) + length (2) exceeds dimension size (3)']),
    (lambda L: L.ones(3).split([1, 1]), ['split_with_sizes expects split_sizes to sum exactly to 3']),
    (lambda L: L.ones(2, 3).flatten(1, 0), ['flatten() has invalid args: start_dim cannot come after end_dim']),
    (lambda L: L.ones(2, 3).unflatten(1, (2, 2)), ["unflatten", "[2, 2]"]),
    (lambda L: L.ones(2, 3).chunk(0), ['chunk expects `chunks` to be greater than 0']),
    (lambda L: L.ones(2).mT, ['tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor']),
    (lambda L: L.ones(2, 3).movedim(0, 3), ['Dimension out of range']),
    (lambda L: L.ones(5).unfold(0, 6, 1), ['maximum size for tensor at dimension 0 is 5 but size is 6']),
    (lambda L: L.ones(5).unfold(0, 2, 0), ['step is 0 but must be > 0']),
])
def test_shape_errors(fn, facts):
    helper_test_exception(lambda: fn(torch), lambda: fn(nbtorch), contains=facts)


def test_contiguous_returns_self_when_contiguous():
    x = nbtorch.ones(2, 3)
    assert x.contiguous() is x
    y = x.t().contiguous()
    assert y.is_contiguous() and y._base is None


def test_grad_through_chained_views():
    helper_test_op([(2, 3, 4)], lambda x: x.permute(2, 0, 1)[1:, :, ::2].reshape(3, -1).t().unsqueeze(0)
                   .expand(2, 4, 3).flip(2) * 2)
