"""Winograd F(2x2, 3x3) convolution (nbtorch/ops/winograd.py) against torch's conv2d as the oracle.

Forward values and both gradients (from torch.autograd.grad with the same random upstream gradient)
over even/odd sizes, symmetric and asymmetric zero padding, B=1, C != O and tiny images, in float32
and float64.  The raw-array API is called directly: the module is not wired into conv2d here.
"""
import numpy as np
import pytest
import torch

from nbtorch.ops import winograd

# Winograd F(2, 3) adds and subtracts the input tiles before multiplying, so float32 rounding is a
# little larger than a direct convolution's; the tolerance is relative to the size of the result.
TOL = {'float32': dict(atol=2e-5, rtol=1e-4), 'float64': dict(atol=1e-12, rtol=1e-10)}

SHAPES = [  # (B, C, O, H, W, pad_lo, pad_hi)
    (2, 3, 4, 8, 8, (1, 1), (1, 1)),          # even sizes, 'same' padding
    (2, 5, 3, 7, 9, (1, 1), (1, 1)),          # odd H and W
    (1, 4, 6, 6, 7, (0, 0), (0, 0)),          # B=1, no padding, odd output width
    (3, 2, 5, 5, 8, (2, 2), (2, 2)),          # padding 2
    (2, 3, 2, 6, 6, (0, 2), (1, 0)),          # asymmetric pads
    (1, 3, 2, 9, 5, (2, 0), (0, 1)),          # asymmetric, odd
    (2, 3, 4, 3, 3, (0, 0), (0, 0)),          # 3x3 input: a single 1x1 output
    (2, 3, 4, 3, 3, (1, 1), (1, 1)),
    (1, 2, 3, 4, 5, (0, 0), (0, 0)),          # 2x3 output
    (1, 2, 3, 4, 5, (1, 0), (0, 2)),
    (2, 16, 24, 10, 12, (1, 1), (1, 1)),      # channel counts that pass `suitable`
]


def torch_conv(x, w, pad_lo, pad_hi, g):
    """torch's output and (gx, gw) for zero padding pad_lo/pad_hi = (top, left)/(bottom, right)."""
    tx = torch.from_numpy(x).requires_grad_(True)
    tw = torch.from_numpy(w).requires_grad_(True)
    padded = torch.nn.functional.pad(tx, (pad_lo[1], pad_hi[1], pad_lo[0], pad_hi[0]))
    ty = torch.nn.functional.conv2d(padded, tw)
    gx, gw = torch.autograd.grad(ty, [tx, tw], torch.from_numpy(g))
    return ty.detach().numpy(), gx.numpy(), gw.numpy()


def check(name, ours, theirs, dtype):
    assert ours.dtype == theirs.dtype, f"{name}: dtype {ours.dtype} != torch's {theirs.dtype}"
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} != torch's {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, err_msg=f"{name} differs from torch", **TOL[dtype])


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('B,C,O,H,W,pad_lo,pad_hi', SHAPES)
def test_matches_torch(B, C, O, H, W, pad_lo, pad_hi, dtype):
    rng = np.random.default_rng(B * 1000 + C * 100 + H * 10 + W)
    x = rng.standard_normal((B, C, H, W)).astype(dtype)
    w = rng.standard_normal((O, C, 3, 3)).astype(dtype)
    y, saved = winograd.forward(x, w, pad_lo, pad_hi)
    g = rng.standard_normal(y.shape).astype(dtype)
    ty, tgx, tgw = torch_conv(x, w, pad_lo, pad_hi, g)

    check('output', y, ty, dtype)
    assert y.flags.c_contiguous
    gx, gw = winograd.backward(g, saved, True, True)
    check('grad of x', gx, tgx, dtype)
    check('grad of w', gw, tgw, dtype)
    assert gx.flags.c_contiguous and gw.flags.c_contiguous


def test_backward_returns_only_what_is_asked():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6, 5)).astype('float32')
    w = rng.standard_normal((4, 3, 3, 3)).astype('float32')
    y, saved = winograd.forward(x, w, (1, 1), (1, 1))
    g = rng.standard_normal(y.shape).astype('float32')
    _, tgx, tgw = torch_conv(x, w, (1, 1), (1, 1), g)
    gx, gw = winograd.backward(g, saved, need_x=True, need_w=False)
    assert gw is None
    check('grad of x', gx, tgx, 'float32')
    gx, gw = winograd.backward(g, saved, need_x=False, need_w=True)
    assert gx is None
    check('grad of w', gw, tgw, 'float32')


def test_non_contiguous_inputs():
    """x, w and g may be views (a transposed x, a sliced w, a transposed g)."""
    rng = np.random.default_rng(1)
    x = np.ascontiguousarray(rng.standard_normal((2, 3, 7, 6)).astype('float64').transpose(0, 1, 3, 2))
    x = x.transpose(0, 1, 3, 2)                          # (2, 3, 6, 7), not C-contiguous
    w = rng.standard_normal((5, 3, 3, 3))[::2]           # (3, 3, 3, 3), strided
    y, saved = winograd.forward(x, w, (1, 1), (1, 1))
    g = np.ascontiguousarray(rng.standard_normal(y.shape[:2] + y.shape[:1:-1])).transpose(0, 1, 3, 2)
    ty, tgx, tgw = torch_conv(np.ascontiguousarray(x), np.ascontiguousarray(w), (1, 1), (1, 1),
                              np.ascontiguousarray(g))
    check('output', y, ty, 'float64')
    gx, gw = winograd.backward(g, saved, True, True)
    check('grad of x', gx, tgx, 'float64')
    check('grad of w', gw, tgw, 'float64')


def test_no_saved_state_when_not_needed():
    x = np.ones((1, 2, 4, 4), 'float32')
    w = np.ones((2, 2, 3, 3), 'float32')
    y, saved = winograd.forward(x, w, (0, 0), (0, 0), keep_for_backward=False)
    assert saved is None
    np.testing.assert_array_equal(y, np.full((1, 2, 2, 2), 18, 'float32'))


def test_float32_stays_float32():
    x = np.random.default_rng(2).standard_normal((1, 2, 5, 5)).astype('float32')
    w = np.random.default_rng(3).standard_normal((3, 2, 3, 3)).astype('float32')
    y, saved = winograd.forward(x, w, (1, 1), (1, 1))
    gx, gw = winograd.backward(np.ones_like(y), saved, True, True)
    assert (y.dtype, gx.dtype, gw.dtype) == (np.float32,) * 3


def test_float16():
    """float16 stays float16 (the output copy moves pixel pairs as 4-byte elements) and matches
    torch's float32 convolution of the same values to float16 precision."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 8, 7, 10)).astype('float16')        # odd height: a dropped tile row
    w = rng.standard_normal((6, 8, 3, 3)).astype('float16')
    y, saved = winograd.forward(x, w, (1, 1), (1, 1))
    g = rng.standard_normal(y.shape).astype('float16')
    gx, gw = winograd.backward(g, saved, True, True)
    ty, tgx, tgw = torch_conv(x.astype('float32'), w.astype('float32'), (1, 1), (1, 1), g.astype('float32'))
    for name, ours, theirs in [('output', y, ty), ('grad of x', gx, tgx), ('grad of w', gw, tgw)]:
        assert ours.dtype == np.float16 and ours.shape == theirs.shape, name
        np.testing.assert_allclose(ours.astype('float32'), theirs, rtol=0,
                                   atol=5e-3 * np.abs(theirs).max(), err_msg=f"{name} differs from torch")


def test_too_small_for_the_kernel():
    with pytest.raises(ValueError, match='smaller than the 3x3 kernel'):
        winograd.forward(np.zeros((1, 1, 2, 5)), np.zeros((1, 1, 3, 3)), (0, 0), (0, 0))


@pytest.mark.parametrize('x_shape,w_shape,stride,dilation,groups,ok', [
    ((16, 64, 32, 32), (64, 64, 3, 3), (1, 1), (1, 1), 1, True),
    ((8, 128, 28, 28), (128, 128, 3, 3), (1, 1), (1, 1), 1, True),
    ((8, 64, 56, 56), (64, 64, 3, 3), (1, 1), (1, 1), 1, True),
    ((32, 16, 32, 32), (16, 16, 3, 3), (1, 1), (1, 1), 1, True),
    ((32, 16, 31, 31), (24, 16, 3, 3), (1, 1), (1, 1), 1, True),     # odd sizes, C != O
    ((16, 64, 32, 32), (64, 64, 3, 3), (2, 2), (1, 1), 1, False),    # stride 2
    ((16, 64, 32, 32), (64, 64, 3, 3), (1, 2), (1, 1), 1, False),
    ((16, 64, 32, 32), (64, 64, 3, 3), (1, 1), (2, 2), 1, False),    # dilation 2
    ((16, 64, 32, 32), (64, 32, 3, 3), (1, 1), (1, 1), 2, False),    # groups 2
    ((16, 64, 32, 32), (64, 64, 5, 5), (1, 1), (1, 1), 1, False),    # 5x5 kernel
    ((16, 64, 32, 32), (64, 64, 3, 1), (1, 1), (1, 1), 1, False),    # 3x1 kernel
    ((16, 64, 32), (64, 64, 3), (1,), (1,), 1, False),               # conv1d
    ((16, 64, 8, 8, 8), (64, 64, 3, 3, 3), (1, 1, 1), (1, 1, 1), 1, False),  # conv3d
    ((1, 1, 28, 28), (6, 1, 5, 5), (1, 1), (1, 1), 1, False),        # LeNet's convs
    ((1, 6, 14, 14), (16, 6, 5, 5), (1, 1), (1, 1), 1, False),
    ((8, 3, 32, 32), (64, 3, 3, 3), (1, 1), (1, 1), 1, False),       # too few channels to pay off
    ((32, 64, 32, 32), (4, 64, 3, 3), (1, 1), (1, 1), 1, False),
    ((1, 64, 32, 32), (64, 64, 3, 3), (1, 1), (1, 1), 1, False),     # too few tiles to pay off
    ((1, 256, 14, 14), (256, 256, 3, 3), (1, 1), (1, 1), 1, False),
    ((1, 16, 5, 5), (16, 16, 3, 3), (1, 1), (1, 1), 1, False),
    ((16, 8, 16, 16), (8, 8, 3, 3), (1, 1), (1, 1), 1, False),       # enough tiles, too little work
])
def test_suitable(x_shape, w_shape, stride, dilation, groups, ok):
    assert winograd.suitable(x_shape, w_shape, stride, dilation, groups) is ok
