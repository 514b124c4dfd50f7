"""torch.LongTensor([...]) and friends build tensors of their dtype, as in torch."""
import pytest
import torch

import nbtorch

NAMES = ['FloatTensor', 'DoubleTensor', 'HalfTensor', 'LongTensor', 'IntTensor', 'ShortTensor',
         'CharTensor', 'ByteTensor', 'BoolTensor']


@pytest.mark.parametrize('name', NAMES)
@pytest.mark.parametrize('data', [[1, 0, 2], [[1.0, 2.5], [0.0, 3.0]], [True, False]])
def test_data_constructor_matches_torch(name, data):
    ours, theirs = getattr(nbtorch, name)(data), getattr(torch, name)(data)
    assert repr(ours) == repr(theirs)
    assert str(ours.dtype) == str(theirs.dtype)


@pytest.mark.parametrize('name', NAMES)
def test_shape_constructor_and_isinstance(name):
    ours, theirs = getattr(nbtorch, name)(2, 3), getattr(torch, name)(2, 3)
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)
    for other in NAMES:
        assert isinstance(ours, getattr(nbtorch, other)) == isinstance(theirs, getattr(torch, other))
