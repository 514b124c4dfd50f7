"""Issue 7: the error table. Each row is a mistake learners make, run in torch AND in nbtorch.

Both libraries must raise the same exception type, and nbtorch's message must carry the facts: the op,
the shapes, dims, dtypes or values involved and, where torch gives one, the fix ("Use .reshape(...)").
A row's ``facts`` are the strings our message must contain; ``torch_facts`` checks that the oracle's
message says the same thing (so a row cannot drift away from what torch really prints).
"""
import pytest
import torch

import nbtorch
from helpers import helper_test_exception

needs_no_gpu = pytest.mark.skipif(nbtorch.cuda.is_available(), reason="this row is the CPU-only error path "
                                                                       "(a CUDA GPU is present)")


# ---------------------------------------------------------------- helpers each row calls with L = torch or nbtorch
def _backward_twice(L):
    y = (L.ones(3, requires_grad=True) ** 2).sum()
    y.backward()
    y.backward()


def _saved_modified(L):
    x = L.ones(2, 2, requires_grad=True)
    y = x.exp()            # exp saves its output for the backward
    y.add_(1)
    y.sum().backward()


def _ce(L, logits, target, **kw):
    return L.nn.CrossEntropyLoss(**kw)(logits, target)


def _conv(L, x):
    L.manual_seed(0)
    return L.nn.Conv2d(3, 8, 3)(x)


def _loader_over_broken_dataset(L):
    class Photos(L.utils.data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            if i == 2:
                raise ValueError('corrupt image file')
            return L.tensor(float(i))
    return list(L.utils.data.DataLoader(Photos(), batch_size=1))


def _linear(L, x, n_in=5, n_out=2):
    L.manual_seed(0)
    return L.nn.Linear(n_in, n_out)(x)


# (id, fn(L), exception type, facts in nbtorch's message)
CASES = [
    # ---- shape mismatches
    ('matmul_2d', lambda L: L.ones(2, 3) @ L.ones(4, 5), RuntimeError,
     ['mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)']),
    ('matmul_1d', lambda L: L.ones(3) @ L.ones(4), RuntimeError,
     ['inconsistent tensor size', 'tensor [3] and src [4]']),
    ('matmul_mv', lambda L: L.ones(2, 3) @ L.ones(4), RuntimeError, ['size mismatch', 'mat (2x3), vec (4)']),
    ('matmul_batched_inner', lambda L: L.ones(2, 2, 3) @ L.ones(2, 4, 5), RuntimeError,
     ['batch2 tensor', '[2, 3] but got: [2, 4]']),
    ('matmul_batched_batch', lambda L: L.ones(5, 2, 3) @ L.ones(4, 3, 5), RuntimeError,
     ['The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 0']),
    ('bmm', lambda L: L.bmm(L.ones(2, 2, 3), L.ones(2, 4, 5)), RuntimeError, ['[2, 3] but got: [2, 4]']),
    ('matmul_dtype', lambda L: L.ones(2, 3) @ L.ones(3, 2, dtype=L.float64), RuntimeError,
     ['expected m1 and m2 to have the same dtype', 'float != double']),
    ('add_broadcast', lambda L: L.ones(2, 3) + L.ones(4), RuntimeError,
     ['The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1']),
    ('mul_broadcast', lambda L: L.ones(2, 3, 4) * L.ones(3, 3, 4), RuntimeError,
     ['The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0']),
    ('compare_broadcast', lambda L: L.ones(2, 3) < L.ones(4), RuntimeError,
     ['The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1']),
    ('where_broadcast', lambda L: L.where(L.ones(2, 3) > 0, L.ones(2, 3), L.ones(4)), RuntimeError,
     ['The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1']),
    ('masked_fill_broadcast', lambda L: L.ones(2, 3).masked_fill(L.ones(4) > 0, 0.0), RuntimeError,
     ['The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1']),
    ('inplace_add_broadcast', lambda L: L.ones(3).add_(L.ones(2, 3)), RuntimeError,
     ["output with shape [3] doesn't match the broadcast shape [2, 3]"]),
    ('cat_size', lambda L: L.cat([L.ones(2, 3), L.ones(2, 4)]), RuntimeError,
     ['Sizes of tensors must match except in dimension 0', 'Expected size 3 but got size 4 for tensor number 1']),
    ('cat_ndim', lambda L: L.cat([L.ones(2, 3), L.ones(3)]), RuntimeError,
     ['Tensors must have same number of dimensions: got 2 and 1']),
    ('stack_size', lambda L: L.stack([L.ones(2, 3), L.ones(3, 2)]), RuntimeError,
     ['stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1']),
    ('view_numel', lambda L: L.ones(2, 3).view(4, 2), RuntimeError, ["shape '[4, 2]' is invalid for input of size 6"]),
    ('view_infer', lambda L: L.ones(6).view(-1, 4), RuntimeError, ["shape '[-1, 4]' is invalid for input of size 6"]),
    ('view_non_contiguous', lambda L: L.ones(2, 3).t().view(6), RuntimeError,
     ["view size is not compatible with input tensor's size and stride", 'Use .reshape(...) instead.']),
    ('expand', lambda L: L.ones(2, 3).expand(4, 3), RuntimeError,
     ['The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 0',
      'Target sizes: [4, 3]', 'Tensor sizes: [2, 3]']),
    # ---- autograd
    ('backward_twice', _backward_twice, RuntimeError,
     ['Trying to backward through the graph a second time', 'Specify retain_graph=True']),
    ('backward_non_scalar', lambda L: (L.ones(3, requires_grad=True) * 2).backward(), RuntimeError,
     ['grad can be implicitly created only for scalar outputs']),
    ('numpy_requires_grad', lambda L: L.ones(2, requires_grad=True).numpy(), RuntimeError,
     ["Can't call numpy() on Tensor that requires grad.", 'Use tensor.detach().numpy() instead.']),
    ('inplace_on_leaf', lambda L: L.ones(2, requires_grad=True).mul_(2), RuntimeError,
     ['a leaf Variable that requires grad is being used in an in-place operation.']),
    ('inplace_on_saved', _saved_modified, RuntimeError,
     ['modified by an inplace operation', '[torch.FloatTensor [2, 2]]', 'output 0 of Exp',
      'is at version 1; expected version 0 instead', 'set_detect_anomaly(True']),
    ('requires_grad_int_tensor', lambda L: L.tensor([1, 2], requires_grad=True), RuntimeError,
     ['Only Tensors of floating point and complex dtype can require gradients']),
    ('requires_grad__int', lambda L: L.ones(2, dtype=L.long).requires_grad_(), RuntimeError,
     ['only Tensors of floating point dtype can require gradients']),
    # ---- scalars
    ('item_many', lambda L: L.ones(2, 3).item(), RuntimeError, ['a Tensor with 6 elements cannot be converted to Scalar']),
    ('float_many', lambda L: float(L.ones(2)), ValueError, ['only one element tensors can be converted to Python scalars']),
    ('bool_many', lambda L: bool(L.ones(2)), RuntimeError, ['Boolean value of Tensor with more than one value is ambiguous']),
    # ---- losses
    ('ce_target_out_of_range', lambda L: _ce(L, L.zeros(2, 3), L.tensor([0, 3])), IndexError,
     ['Target 3 is out of bounds.']),
    ('ce_target_negative', lambda L: _ce(L, L.zeros(2, 3), L.tensor([0, -1])), IndexError,
     ['Target -1 is out of bounds.']),
    ('ce_target_float', lambda L: _ce(L, L.zeros(2, 3), L.tensor([0.0, 2.0])), RuntimeError,
     ['expected target dtype to be Long or Byte, but got Float']),
    ('ce_target_int32', lambda L: _ce(L, L.zeros(2, 3), L.tensor([0, 2], dtype=L.int32)), RuntimeError,
     ['expected target dtype to be Long or Byte, but got Int']),
    ('ce_target_batch', lambda L: _ce(L, L.zeros(2, 3), L.tensor([0, 2, 1])), ValueError,
     ['Expected input batch_size (2) to match target batch_size (3).']),
    ('ce_target_2d', lambda L: _ce(L, L.zeros(2, 3), L.tensor([[0], [2]])), RuntimeError,
     ['0D or 1D target tensor expected, multi-target not supported']),
    ('ce_logits_int', lambda L: _ce(L, L.ones(2, 3, dtype=L.long), L.tensor([0, 1])), NotImplementedError,
     ["not implemented for 'Long'"]),
    ('ce_weight_size', lambda L: _ce(L, L.zeros(2, 3), L.tensor([0, 1]), weight=L.ones(2)), RuntimeError,
     ['weight tensor should be defined either for all 3 classes or no classes', 'shape: [2]']),
    ('bce_target_size', lambda L: L.nn.BCELoss()(L.full((2,), 0.5), L.ones(3)), ValueError,
     ['Using a target size (torch.Size([3])) that is different to the input size (torch.Size([2]))']),
    # ---- layers
    ('conv2d_channels', lambda L: _conv(L, L.ones(1, 1, 8, 8)), RuntimeError,
     ['weight of size [8, 3, 3, 3]', 'expected input[1, 1, 8, 8] to have 3 channels, but got 1 channels instead']),
    ('conv2d_rank_2d', lambda L: _conv(L, L.ones(8, 8)), RuntimeError,
     ['Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [8, 8]']),
    ('conv2d_rank_5d', lambda L: _conv(L, L.ones(1, 1, 3, 8, 8)), RuntimeError,
     ['Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 1, 3, 8, 8]']),
    ('linear_features', lambda L: _linear(L, L.ones(4, 3)), RuntimeError,
     ['mat1 and mat2 shapes cannot be multiplied (4x3 and 5x2)']),
    ('linear_dtype', lambda L: _linear(L, L.ones(4, 5, dtype=L.float64)), RuntimeError,
     ['mat1 and mat2 must have the same dtype, but got Double and Float']),
    ('batchnorm_channels', lambda L: L.nn.BatchNorm2d(3)(L.ones(2, 4, 5, 5)), RuntimeError,
     ['running_mean should contain 4 elements not 3']),
    ('layernorm_shape', lambda L: L.nn.LayerNorm(4)(L.ones(2, 3)), RuntimeError,
     ['Given normalized_shape=[4], expected input with shape [*, 4]', '[2, 3]']),
    ('embedding_float_indices', lambda L: L.nn.Embedding(10, 3)(L.ones(2)), RuntimeError,
     ["'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead"]),
    ('embedding_index_too_big', lambda L: L.nn.Embedding(10, 3)(L.tensor([1, 10])), IndexError,
     ['index out of range in self']),
    # ---- data loading
    ('dataloader_batch_size_0', lambda L: L.utils.data.DataLoader([1, 2], batch_size=0), ValueError,
     ['batch_size should be a positive integer value, but got batch_size=0']),
    ('dataloader_shuffle_and_sampler', lambda L: L.utils.data.DataLoader([1, 2], shuffle=True, sampler=[0, 1]),
     ValueError, ['sampler option is mutually exclusive with shuffle']),
    ('dataloader_dataset_raises', _loader_over_broken_dataset, ValueError,
     ['corrupt image file', 'index 2', 'Photos']),          # we also name the sample and the dataset
    # ---- indexing and dims
    ('index_out_of_range', lambda L: L.ones(3, 4)[5], IndexError,
     ['index 5 is out of bounds for dimension 0 with size 3']),
    ('index_negative_out_of_range', lambda L: L.ones(3, 4)[:, -5], IndexError,
     ['index -5 is out of bounds for dimension 1 with size 4']),
    ('index_tensor_out_of_range', lambda L: L.ones(3)[L.tensor([0, 3])], IndexError,
     ['index 3 is out of bounds for dimension 0 with size 3']),
    ('too_many_indices', lambda L: L.ones(3)[0, 0], IndexError, ['too many indices for tensor of dimension 1']),
    ('index_select_out_of_range', lambda L: L.ones(3).index_select(0, L.tensor([5])), IndexError,
     ['index out of range in self', '5']),
    ('squeeze_dim', lambda L: L.ones(2, 3).squeeze(2), IndexError,
     ['Dimension out of range (expected to be in range of [-2, 1], but got 2)']),
    ('unsqueeze_dim', lambda L: L.ones(2, 3).unsqueeze(3), IndexError,
     ['Dimension out of range (expected to be in range of [-3, 2], but got 3)']),
    ('unsqueeze_negative_dim', lambda L: L.ones(2, 3).unsqueeze(-4), IndexError,
     ['Dimension out of range (expected to be in range of [-3, 2], but got -4)']),
    ('sum_dim', lambda L: L.ones(2, 3).sum(2), IndexError,
     ['Dimension out of range (expected to be in range of [-2, 1], but got 2)']),
    ('permute_too_few', lambda L: L.ones(2, 3).permute(0), RuntimeError,
     ['number of dimensions in the tensor input does not match the length of the desired ordering',
      'input.dim() = 2 is not equal to len(dims) = 1']),
    ('permute_duplicate', lambda L: L.ones(2, 3).permute(0, 0), RuntimeError, ['permute(): duplicate dims are not allowed.']),
    ('permute_out_of_range', lambda L: L.ones(2, 3).permute(0, 2), IndexError,
     ['Dimension out of range (expected to be in range of [-2, 1], but got 2)']),
    # ---- devices (no GPU here: moving to cuda is the error learners meet)
    pytest.param('to_cuda_without_gpu', lambda L: L.ones(2).to('cuda'), AssertionError,
                 ['Torch not compiled with CUDA enabled', 'CuPy'], marks=needs_no_gpu),
    ('bad_device_string', lambda L: L.ones(2).to('gpu'), RuntimeError,
     ['device type at start of device string: gpu']),
]


def _id(c):
    return c.values[0] if hasattr(c, 'values') else c[0]


@pytest.fixture(autouse=True)
def _restore_grad_mode():
    yield
    torch.set_grad_enabled(True)
    nbtorch.set_grad_enabled(True)


@pytest.mark.parametrize('name,fn,exc,facts', CASES, ids=[_id(c) for c in CASES])
def test_error_table(name, fn, exc, facts):
    helper_test_exception(lambda: fn(torch), lambda: fn(nbtorch), exc, contains=facts)


# facts nbtorch adds on purpose, beyond torch's words: the oracle need not contain these
_OUR_EXTRAS = {'dataloader_dataset_raises': {'index 2', 'Photos'}, 'to_cuda_without_gpu': {'CuPy'},
               'index_select_out_of_range': {'5'}}


@pytest.mark.parametrize('name,fn,exc,facts', CASES, ids=[_id(c) for c in CASES])
def test_table_facts_are_torchs_words(name, fn, exc, facts):
    """The table itself is honest: every fact (but our documented extras) is in torch's own message."""
    with pytest.raises(exc) as e:
        fn(torch)
    for f in facts:
        if f not in _OUR_EXTRAS.get(name, ()):
            assert f in str(e.value), f"row {name}: {f!r} is not in torch's message {str(e.value)!r}"


@pytest.mark.skipif(not nbtorch.cuda.is_available(), reason="needs a CUDA GPU (CuPy)")
def test_mixing_devices_names_both_devices():
    with pytest.raises(RuntimeError) as e:
        nbtorch.ones(3, device='cuda') + nbtorch.ones(3)
    assert 'Expected all tensors to be on the same device' in str(e.value)
    assert 'cuda:0' in str(e.value) and 'cpu' in str(e.value)
    with pytest.raises(RuntimeError, match='same device'):
        nbtorch.ones(2, 3, device='cuda') @ nbtorch.ones(3, 2)


def test_gather_accepts_int32_index_like_torch():
    """Found while building the table: torch 2.x accepts an int32 index in gather (value and gradient)."""
    from helpers import helper_test_op
    import numpy as np
    idx = np.array([[0, 2], [1, 1]], np.int32)
    helper_test_op([(2, 3)], lambda x: x.gather(1, torch.from_numpy(idx)),
                   lambda x: x.gather(1, nbtorch.from_numpy(idx)))
