"""F.interpolate and F.pad against torch."""
import numpy as np
import pytest
import torch

import nbtorch
from tests.helpers import helper_test_exception, helper_test_op

tF = torch.nn.functional
nF = nbtorch.nn.functional


def _F(x):
    return tF if isinstance(x, torch.Tensor) else nF


@pytest.mark.parametrize('shape, kwargs', [
    ((2, 3, 5, 6), dict(scale_factor=2)),
    ((2, 3, 5, 6), dict(scale_factor=1.7)),
    ((2, 3, 5, 6), dict(scale_factor=(0.5, 3))),
    ((2, 3, 5, 6), dict(size=(7, 3))),
    ((2, 3, 5, 6), dict(size=4)),
    ((2, 3, 5, 6), dict(scale_factor=1.7, recompute_scale_factor=True)),
    ((2, 3, 7), dict(size=12)),
    ((1, 2, 3, 4, 5), dict(scale_factor=2)),
    ((2, 3, 5, 6), dict(size=(9, 13), mode='nearest-exact')),
    ((2, 3, 5, 6), dict(scale_factor=2, mode='bilinear')),
    ((2, 3, 5, 6), dict(scale_factor=1.7, mode='bilinear')),
    ((2, 3, 5, 6), dict(size=(8, 11), mode='bilinear', align_corners=True)),
    ((2, 3, 5, 6), dict(size=(3, 4), mode='bilinear')),
    ((2, 3, 5, 6), dict(size=(3, 4), mode='bilinear', align_corners=True)),
    ((2, 3, 5, 6), dict(size=(1, 1), mode='bilinear', align_corners=True)),
    ((2, 3, 5), dict(size=9, mode='linear')),
    ((2, 3, 5), dict(scale_factor=3, mode='linear', align_corners=True)),
    ((1, 2, 3, 4, 3), dict(scale_factor=2, mode='trilinear')),
    ((2, 3, 8, 8), dict(size=(3, 5), mode='area')),
])
def test_interpolate(shape, kwargs):
    th, nb = helper_test_op([shape], lambda x: _F(x).interpolate(x, **kwargs), atol=1e-5, grad_atol=1e-5)
    assert nb.grad_fn.name() == th.grad_fn.name()


@pytest.mark.parametrize('shape, pad, kwargs', [
    ((2, 3, 5, 6), (1, 2), {}),
    ((2, 3, 5, 6), (1, 2, 3, 0), {}),
    ((2, 3, 5, 6), (1, -2, 3, 0), dict(value=2.5)),
    ((2, 3, 5, 6), (0, 0, 0, 0, 1, 1), {}),
    ((2, 3, 5, 6), (1, 2, 3, 4), dict(mode='reflect')),
    ((2, 3, 5, 6), (4, 4, 4, 4), dict(mode='reflect')),
    ((2, 3, 5, 6), (1, 2, 3, 4), dict(mode='replicate')),
    ((2, 3, 5, 6), (7, 2, 3, 9), dict(mode='replicate')),
    ((2, 3, 5, 6), (1, 2, 3, 4), dict(mode='circular')),
    ((2, 3, 5, 6), (6, 6, 5, 0), dict(mode='circular')),
    ((3, 5, 6), (1, 2), dict(mode='reflect')),
    ((3, 5), (1, 2), dict(mode='replicate')),
    ((2, 3, 6), (2, 1), dict(mode='circular')),
    ((2, 3, 4, 5, 6), (1, 2, 1, 1, 2, 2), dict(mode='replicate')),
    ((2, 3, 4, 5, 6), (1, 2, 1, 1, 2, 2), dict(mode='reflect')),
])
def test_pad(shape, pad, kwargs):
    th, nb = helper_test_op([shape], lambda x: _F(x).pad(x, pad, **kwargs))
    assert nb.grad_fn.name() in (th.grad_fn.name(), th.grad_fn.name().split('::')[-1])


def test_pad_keeps_dtype():
    x = nbtorch.arange(6).view(2, 3)
    y = nF.pad(x, (1, 1), value=7)
    assert y.dtype == nbtorch.int64 and y.tolist() == tF.pad(torch.arange(6).view(2, 3), (1, 1), value=7).tolist()
    assert nF.pad(nbtorch.zeros(2, 3), (1, 1), mode='reflect').dtype == nbtorch.float32


def _both(fn, shape):
    a = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    return (lambda: fn(tF, torch.from_numpy(a))), (lambda: fn(nF, nbtorch.from_numpy(a)))


@pytest.mark.parametrize('fn, shape, exc, facts', [
    (lambda F, x: F.pad(x, (1,)), (1, 3, 8, 8), RuntimeError, ["Padding length must be divisible by 2"]),
    (lambda F, x: F.pad(x, (1,) * 10), (1, 3, 8, 8), RuntimeError,
     ["Padding length should be less than or equal to two times the input dimension"]),
    (lambda F, x: F.pad(x, (8, 8, 1, 1), mode='reflect'), (1, 3, 8, 8), RuntimeError,
     ["Padding size should be less than the corresponding input dimension", "(8, 8) at dimension 3"]),
    (lambda F, x: F.pad(x, (4, 1), mode='circular'), (2, 3), RuntimeError,
     ["Padding value causes wrapping around more than once."]),
    (lambda F, x: F.pad(x, (1, 1), mode='foo'), (1, 3, 8, 8), NotImplementedError, ["Unrecognised padding mode foo"]),
    (lambda F, x: F.pad(x, (1, 1), mode='reflect'), (1, 3, 8, 8), NotImplementedError,
     ["Padding size 2 is not supported for 4D input tensor."]),
    (lambda F, x: F.interpolate(x, size=(4, 4), scale_factor=2), (1, 3, 8, 8), ValueError,
     ["only one of size or scale_factor should be defined"]),
    (lambda F, x: F.interpolate(x), (1, 3, 8, 8), ValueError, ["either size or scale_factor should be defined"]),
    (lambda F, x: F.interpolate(x, size=4, mode='bilinear'), (2, 3, 4), NotImplementedError,
     ["Got 3D input, but bilinear mode needs 4D input"]),
    (lambda F, x: F.interpolate(x, size=(4, 4, 4)), (1, 3, 8, 8), ValueError,
     ["Input and output must have the same number of spatial dimensions"]),
    (lambda F, x: F.interpolate(x, size=4, align_corners=True), (1, 3, 8, 8), ValueError,
     ["align_corners option can only be set with the interpolating modes"]),
    (lambda F, x: F.interpolate(x, size=4, mode='foo'), (1, 3, 8, 8), NotImplementedError,
     ["Only 3D, 4D and 5D input Tensors supported (got 4D)", "(got foo)"]),
])
def test_errors(fn, shape, exc, facts):
    th, nb = _both(fn, shape)
    helper_test_exception(th, nb, exc, facts)
