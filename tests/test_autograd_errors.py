"""Error table for autograd and tensor-shape mistakes learners make: torch's type, a message with the facts."""
import pytest
import torch

import nbtorch
from helpers import helper_test_exception


def _backward_twice(L):
    x = L.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _saved_modified(L):
    x = L.ones(2, 2, requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def _view_saved_modified(L):
    x = L.ones(2, 2, requires_grad=True)
    y = x.sigmoid()
    y[0].zero_()
    y.sum().backward()


def _input_modified(L):
    w = L.ones(3, requires_grad=True)
    x = L.ones(3)
    y = (w * x).sum()
    x.mul_(2)                # x was saved by the mul for w's gradient
    y.backward()


CASES = [
    ('backward_non_scalar', lambda L: (L.ones(3, requires_grad=True) * 2).backward(), RuntimeError,
     ['grad can be implicitly created only for scalar outputs']),
    ('backward_no_grad', lambda L: L.ones(3).sum().backward(), RuntimeError,
     ['element 0 of tensors does not require grad and does not have a grad_fn']),
    ('backward_under_no_grad', lambda L: (lambda x: [L.set_grad_enabled(False), (x * 2).sum().backward()])(
        L.ones(2, requires_grad=True)), RuntimeError, ['does not require grad']),
    ('backward_twice', _backward_twice, RuntimeError,
     ['Trying to backward through the graph a second time', 'retain_graph=True']),
    ('saved_output_modified', _saved_modified, RuntimeError,
     ['modified by an inplace operation', '[torch.FloatTensor [2, 2]]', 'output 0 of Exp',
      'is at version 1; expected version 0 instead']),
    ('saved_modified_through_view', _view_saved_modified, RuntimeError,
     ['modified by an inplace operation', 'expected version 0 instead']),
    ('saved_input_modified', _input_modified, RuntimeError,
     ['modified by an inplace operation', '[torch.FloatTensor [3]]', 'is at version 1; expected version 0']),
    ('inplace_leaf', lambda L: L.ones(2, requires_grad=True).add_(1), RuntimeError,
     ['a leaf Variable that requires grad is being used in an in-place operation.']),
    ('inplace_view_of_leaf', lambda L: L.ones(2, 2, requires_grad=True)[0].mul_(2), RuntimeError,
     ['a view of a leaf Variable that requires grad is being used in an in-place operation.']),
    ('numpy_requires_grad', lambda L: L.ones(2, requires_grad=True).numpy(), RuntimeError,
     ["Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."]),
    ('item_many', lambda L: L.ones(2, 2).item(), RuntimeError,
     ['a Tensor with 4 elements cannot be converted to Scalar']),
    ('bool_many', lambda L: bool(L.ones(2)), RuntimeError, ['Boolean value of Tensor with more than one value '
                                                          'is ambiguous']),
    ('requires_grad_int', lambda L: L.ones(2, dtype=L.int64, requires_grad=True), RuntimeError,
     ['Only Tensors of floating point and complex dtype can require gradients']),
    ('requires_grad_false_non_leaf', lambda L: (L.ones(2, requires_grad=True) * 2).requires_grad_(False),
     RuntimeError, ['you can only change requires_grad flags of leaf variables']),
    ('view_non_contiguous', lambda L: L.ones(2, 3).t().view(6), RuntimeError,
     ['view size is not compatible with input tensor', 'Use .reshape(...) instead.']),
    ('view_bad_size', lambda L: L.ones(2, 3).view(4, 2), RuntimeError,
     ["shape '[4, 2]' is invalid for input of size 6"]),
    ('cat_mismatch', lambda L: L.cat([L.ones(2, 3), L.ones(2, 4)], 0), RuntimeError,
     ['Sizes of tensors must match except in dimension 0', 'Expected size 3 but got size 4 for tensor number 1']),
    ('index_out_of_range', lambda L: L.ones(3)[3], IndexError, ['index 3 is out of bounds for dimension 0 with '
                                                                'size 3']),
    ('grad_unused', lambda L: L.autograd.grad((L.ones(2, requires_grad=True) * 2).sum(),
                                              [L.ones(2, requires_grad=True)]), RuntimeError,
     ['appears to not have been used in the graph', 'allow_unused=True']),
    ('gradient_shape', lambda L: (L.ones(3, requires_grad=True) * 2).backward(L.ones(4)), RuntimeError,
     ['Mismatch in shape', 'has a shape of torch.Size([4])', 'has a shape of torch.Size([3])']),
    ('retain_grad_no_grad', lambda L: L.ones(2).retain_grad(), RuntimeError,
     ["can't retain_grad on Tensor that has requires_grad=False"]),
    ('hook_no_grad', lambda L: L.ones(2).register_hook(print), RuntimeError,
     ["cannot register a hook on a tensor that doesn't require gradient"]),
    ('deepcopy_non_leaf', lambda L: __import__('copy').deepcopy(L.ones(2, requires_grad=True) * 2), RuntimeError,
     ['Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol']),
    ('expand_bad', lambda L: L.ones(2, 3).expand(4, 3), RuntimeError,
     ['The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 0']),
    ('squeeze_dim', lambda L: L.ones(2).squeeze(1), IndexError, ['Dimension out of range (expected to be in range '
                                                                 'of [-1, 0], but got 1)']),
]


@pytest.fixture(autouse=True)
def _restore_grad_mode():
    yield
    torch.set_grad_enabled(True)
    nbtorch.set_grad_enabled(True)


@pytest.mark.parametrize('name,fn,exc,facts', CASES, ids=[c[0] for c in CASES])
def test_error_parity(name, fn, exc, facts):
    helper_test_exception(lambda: fn(torch), lambda: fn(nbtorch), exc, contains=facts)
