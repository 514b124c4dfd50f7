"""Max, average and adaptive pooling (functional and layers) against torch."""
import numpy as np
import pytest
import torch

import nbtorch
from tests.helpers import helper_test_exception, helper_test_op, to_np

tF = torch.nn.functional
nF = nbtorch.nn.functional


def _F(x):
    return tF if isinstance(x, torch.Tensor) else nF


# (shape, kernel_size, stride, padding, dilation, ceil_mode)
MAX2D = [
    ((2, 3, 8, 8), 2, None, 0, 1, False),
    ((2, 3, 9, 9), 2, None, 0, 1, False),
    ((2, 3, 9, 9), 2, None, 0, 1, True),
    ((2, 3, 9, 9), 3, 2, 1, 1, False),
    ((2, 3, 10, 10), 3, 2, 1, 1, True),         # ceil mode: last window starts inside the input
    ((1, 2, 6, 6), 3, 3, 1, 1, True),           # ceil mode: a window that would start in the padding is dropped
    ((2, 3, 9, 7), (3, 2), (2, 1), (1, 0), 1, False),
    ((2, 3, 11, 11), 3, 1, 1, 2, False),        # dilation
    ((2, 3, 11, 11), 3, 2, 0, 2, True),
    ((2, 3, 7, 7), 3, 1, 1, 1, False),          # overlapping windows: gradients add up
    ((3, 8, 8), 2, None, 0, 1, False),          # unbatched
]


@pytest.mark.parametrize('shape, k, s, p, d, ceil', MAX2D)
def test_max_pool2d(shape, k, s, p, d, ceil):
    th, nb = helper_test_op([shape], lambda x: _F(x).max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True))
    assert nb[0].grad_fn.name() == 'MaxPool2DWithIndicesBackward0'
    assert nb[1].dtype == nbtorch.int64


def test_max_pool2d_ties_and_inf():
    """Equal values pick the first in the window (as torch); -inf inputs and NaN propagate like torch's."""
    x = np.zeros((1, 1, 4, 4), np.float32)
    x[0, 0, 0, 0] = -np.inf
    x[0, 0, 2, 3] = np.nan
    helper_test_op([x], lambda t: _F(t).max_pool2d(t, 2, return_indices=True))
    x[0, 0, 3, 2] = np.nan   # two NaNs in one window: torch reports the last one
    x[0, 0, 1, 1] = np.inf
    helper_test_op([x], lambda t: _F(t).max_pool2d(t, 2, return_indices=True))
    helper_test_op([x], lambda t: _F(t).max_pool2d(t, 3, 1, 1, return_indices=True))


@pytest.mark.parametrize('shape, k, s, p, d, ceil', [
    ((2, 3, 10), 2, None, 0, 1, False),
    ((2, 3, 11), 3, 2, 1, 1, True),
    ((2, 3, 11), 3, 1, 1, 2, False),
    ((3, 10), 2, None, 0, 1, False),
])
def test_max_pool1d(shape, k, s, p, d, ceil):
    helper_test_op([shape], lambda x: _F(x).max_pool1d(x, k, s, p, d, ceil_mode=ceil, return_indices=True))


@pytest.mark.parametrize('shape, k, s, p, ceil', [
    ((2, 3, 6, 6, 6), 2, None, 0, False),
    ((1, 2, 7, 6, 5), 3, 2, 1, True),
])
def test_max_pool3d(shape, k, s, p, ceil):
    helper_test_op([shape], lambda x: _F(x).max_pool3d(x, k, s, p, ceil_mode=ceil, return_indices=True))


# (shape, kernel_size, stride, padding, ceil_mode)
AVG2D = [
    ((2, 3, 8, 8), 2, None, 0, False),
    ((2, 3, 9, 9), 3, 2, 1, False),
    ((2, 3, 10, 10), 3, 2, 1, True),
    ((1, 2, 6, 6), 3, 3, 1, True),
    ((2, 3, 9, 7), (3, 2), (2, 1), (1, 1), True),
    ((2, 3, 7, 7), 3, 1, 1, False),
    ((3, 8, 8), 2, None, 0, False),
]


@pytest.mark.parametrize('shape, k, s, p, ceil', AVG2D)
@pytest.mark.parametrize('count_include_pad', [True, False])
def test_avg_pool2d(shape, k, s, p, ceil, count_include_pad):
    th, nb = helper_test_op([shape], lambda x: _F(x).avg_pool2d(x, k, s, p, ceil, count_include_pad))
    assert nb.grad_fn.name() == 'AvgPool2DBackward0'


@pytest.mark.parametrize('divisor', [1, 3, 7])
def test_avg_pool2d_divisor_override(divisor):
    helper_test_op([(2, 3, 7, 7)], lambda x: _F(x).avg_pool2d(x, 3, 2, 1, True, divisor_override=divisor))


def test_avg_pool1d_and_3d():
    helper_test_op([(2, 3, 11)], lambda x: _F(x).avg_pool1d(x, 3, 2, 1, True, False))
    helper_test_op([(1, 2, 6, 7, 5)], lambda x: _F(x).avg_pool3d(x, 2, 2, 1, True))


@pytest.mark.parametrize('shape, size', [
    ((2, 3, 8, 8), (4, 4)), ((2, 3, 9, 9), (4, 5)), ((2, 3, 7, 10), (3, 7)), ((2, 3, 5, 5), (7, 8)),
    ((2, 3, 8, 8), 1), ((2, 3, 8, 8), (None, 3)), ((3, 9, 9), 4),
])
def test_adaptive_avg_pool2d(shape, size):
    helper_test_op([shape], lambda x: _F(x).adaptive_avg_pool2d(x, size))


@pytest.mark.parametrize('shape, size', [((2, 3, 10), 4), ((2, 3, 10), 10), ((3, 7), 3)])
def test_adaptive_avg_pool1d(shape, size):
    helper_test_op([shape], lambda x: _F(x).adaptive_avg_pool1d(x, size))


@pytest.mark.parametrize('shape, size', [((2, 3, 8, 8), (4, 4)), ((2, 3, 9, 7), (4, 5)), ((3, 5, 5), (7, 2))])
def test_adaptive_max_pool2d(shape, size):
    helper_test_op([shape], lambda x: _F(x).adaptive_max_pool2d(x, size, return_indices=True))


def test_grad_fn_names():
    x = nbtorch.randn(1, 2, 8, 8, requires_grad=True)
    assert nF.adaptive_avg_pool2d(x, 3).grad_fn.name() == 'AdaptiveAvgPool2DBackward0'
    assert nF.adaptive_avg_pool2d(x, 1).grad_fn.name() == 'MeanBackward1'
    assert nF.max_pool1d(x[0], 2).grad_fn.name() == 'SqueezeBackward1'
    assert nF.max_pool2d(x, 2).dtype == nbtorch.float32
    assert nF.avg_pool2d(x.double(), 2).dtype == nbtorch.float64


# --------------------------------------------------------------------------------------------- errors
def _both(fn, shape):
    a = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    return (lambda: fn(tF, torch.from_numpy(a))), (lambda: fn(nF, nbtorch.from_numpy(a)))


@pytest.mark.parametrize('fn, shape, facts', [
    (lambda F, x: F.max_pool2d(x, 3, padding=2), (1, 3, 8, 8),
     ["pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"]),
    (lambda F, x: F.avg_pool2d(x, 3, padding=2), (1, 3, 8, 8), ["pad should be at most half"]),
    (lambda F, x: F.max_pool2d(x, 3), (1, 3, 2, 2),
     ["Given input size: (3x2x2). Calculated output size: (3x0x0). Output size is too small"]),
    (lambda F, x: F.avg_pool2d(x, 3), (1, 3, 2, 2), ["Output size is too small"]),
    (lambda F, x: F.max_pool2d(x, 3), (8,), ["non-empty 3D or 4D (batch mode) tensor expected for input"]),
    (lambda F, x: F.max_pool2d(x, 2, stride=0), (1, 3, 8, 8), ["stride should not be zero"]),
    (lambda F, x: F.max_pool2d(x, (2, 2, 2)), (1, 3, 8, 8),
     ["max_pool2d: kernel_size must either be a single int, or a tuple of two ints"]),
    (lambda F, x: F.avg_pool2d(x, 2, divisor_override=0), (1, 3, 8, 8), ["divisor must be not zero"]),
    (lambda F, x: F.max_pool1d(x, 2), (8,), ["max_pool1d: Expected 2D or 3D (batch mode) tensor"]),
    (lambda F, x: F.adaptive_avg_pool2d(x, 2), (8, 8), ["adaptive_avg_pool2d(): Expected 3D or 4D tensor"]),
    (lambda F, x: F.adaptive_avg_pool2d(x, (2, 2, 2)), (1, 3, 8, 8), ["output_size must be 2"]),
])
def test_errors(fn, shape, facts):
    th, nb = _both(fn, shape)
    helper_test_exception(th, nb, RuntimeError, facts)


# ---------------------------------------------------------------------------------------------- layers
@pytest.mark.parametrize('cls, args, kwargs, shape', [
    ('MaxPool2d', (2,), {}, (2, 3, 8, 8)),
    ('MaxPool2d', (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 9, 9)),
    ('MaxPool2d', ((3, 2),), dict(stride=(2, 1), dilation=(1, 2)), (2, 3, 9, 9)),
    ('MaxPool1d', (2,), {}, (2, 3, 8)),
    ('MaxPool1d', (3,), dict(stride=1, padding=1), (2, 3, 8)),
    ('MaxPool3d', (2,), {}, (1, 2, 4, 4, 4)),
    ('AvgPool2d', (2,), {}, (2, 3, 8, 8)),
    ('AvgPool2d', (3,), dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False), (2, 3, 9, 9)),
    ('AvgPool1d', (3,), dict(stride=2), (2, 3, 9)),
    ('AvgPool3d', (2,), {}, (1, 2, 4, 4, 4)),
    ('AdaptiveAvgPool2d', ((1, 1),), {}, (2, 3, 7, 7)),
    ('AdaptiveAvgPool2d', (3,), {}, (2, 3, 7, 7)),
    ('AdaptiveAvgPool1d', (3,), {}, (2, 3, 7)),
    ('AdaptiveMaxPool2d', ((2, 3),), {}, (2, 3, 7, 7)),
])
def test_layers(cls, args, kwargs, shape):
    tm = getattr(torch.nn, cls)(*args, **kwargs)
    nm = getattr(nbtorch.nn, cls)(*args, **kwargs)
    assert repr(nm) == repr(tm)
    assert list(nm.state_dict()) == []
    helper_test_op([shape], lambda x: (tm if isinstance(x, torch.Tensor) else nm)(x))


def test_maxpool_layer_return_indices_and_repr():
    assert repr(nbtorch.nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    helper_test_op([(2, 3, 8, 8)], lambda x: (torch.nn if isinstance(x, torch.Tensor) else nbtorch.nn)
                   .MaxPool2d(2, return_indices=True)(x))
