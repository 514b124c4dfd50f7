"""KernelSlider: the arithmetic of every window equals the real op's output element."""
import itertools

import numpy as np
import pytest

import nbtorch as torch
from nbtorch.widgets import KernelSlider


def _all_windows_match(ks):
    C_out, OH, OW = ks.output_shape
    for oc, oy, ox in itertools.product(range(C_out), range(OH), range(OW)):
        w = ks.window(oc, oy, ox)
        np.testing.assert_allclose(w['result'], w['output'], rtol=1e-5, atol=1e-5,
                                   err_msg=f"window ({oc}, {oy}, {ox}) of {ks!r}")
    return C_out * OH * OW


CONV_CONFIGS = [
    dict(stride=1, padding=0, dilation=1, groups=1),
    dict(stride=2, padding=1, dilation=1, groups=1),
    dict(stride=1, padding=2, dilation=2, groups=1),
    dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=1),
    dict(stride=1, padding=1, dilation=1, groups=2),
    dict(stride=2, padding=0, dilation=1, groups=4),      # depthwise
    dict(stride=1, padding='same', dilation=1, groups=1),
    dict(stride=1, padding='valid', dilation=2, groups=1),
    dict(stride=3, padding=2, dilation=1, groups=1),
]


@pytest.mark.parametrize('cfg', CONV_CONFIGS, ids=[str(c) for c in CONV_CONFIGS])
@pytest.mark.parametrize('with_bias', [False, True])
def test_conv2d_windows_equal_op(cfg, with_bias):
    torch.manual_seed(0)
    g = cfg['groups']
    x = torch.randn(2, 4, 7, 6)
    w = torch.randn(4 if g != 2 else 6, 4 // g, 3, 3)
    b = torch.randn(w.shape[0]) if with_bias else None
    ks = KernelSlider(x, w, bias=b, **cfg)
    assert _all_windows_match(ks) > 0
    out = torch.nn.functional.conv2d(x, w, b, **cfg) if hasattr(torch.nn.functional, 'conv2d') else None
    if out is not None:
        np.testing.assert_allclose(ks._out, out.numpy()[0], rtol=1e-6)


def test_conv2d_against_torch_oracle():
    """The view's windows also agree with real torch, so neither side can drift."""
    import torch as real
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((1, 3, 6, 6), np.float32), rng.standard_normal((2, 3, 3, 3), np.float32), \
        rng.standard_normal(2).astype(np.float32)
    ks = KernelSlider(torch.tensor(x), torch.tensor(w), bias=torch.tensor(b), stride=2, padding=1)
    ref = real.nn.functional.conv2d(real.tensor(x), real.tensor(w), real.tensor(b), stride=2, padding=1)[0].numpy()
    for oc, oy, ox in itertools.product(range(2), range(3), range(3)):
        np.testing.assert_allclose(ks.window(oc, oy, ox)['result'], ref[oc, oy, ox], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('stride,padding,dilation', [(1, 0, 1), (2, 1, 1), (1, 2, 3), (3, 0, 2)])
def test_conv1d_windows_equal_op(stride, padding, dilation):
    torch.manual_seed(1)
    x, w, b = torch.randn(1, 2, 11), torch.randn(3, 2, 3), torch.randn(3)
    ks = KernelSlider(x, w, op='conv1d', bias=b, stride=stride, padding=padding, dilation=dilation)
    assert ks.output_shape[1] == 1
    _all_windows_match(ks)


POOL_CONFIGS = [
    dict(kernel_size=2, stride=None, padding=0, ceil_mode=False),
    dict(kernel_size=2, stride=None, padding=0, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=False),
    dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), ceil_mode=True),
]


@pytest.mark.parametrize('cfg', POOL_CONFIGS, ids=[str(c) for c in POOL_CONFIGS])
@pytest.mark.parametrize('dilation', [1, 2])
def test_max_pool2d_windows_equal_op(cfg, dilation):
    torch.manual_seed(2)
    x = torch.randn(1, 2, 7, 8)
    ks = KernelSlider(x, op='max_pool2d', dilation=dilation, **cfg)
    _all_windows_match(ks)


@pytest.mark.parametrize('cfg', POOL_CONFIGS, ids=[str(c) for c in POOL_CONFIGS])
@pytest.mark.parametrize('count_include_pad', [True, False])
def test_avg_pool2d_windows_equal_op(cfg, count_include_pad):
    torch.manual_seed(3)
    x = torch.randn(1, 2, 7, 8)
    ks = KernelSlider(x, op='avg_pool2d', count_include_pad=count_include_pad, **cfg)
    _all_windows_match(ks)


def test_avg_pool2d_divisor_override():
    x = torch.arange(36.).reshape(1, 1, 6, 6)
    ks = KernelSlider(x, op='avg_pool2d', kernel_size=3, stride=3, divisor_override=2)
    assert ks.window(0, 0, 0)['divisor'] == 2
    _all_windows_match(ks)


def test_tutorial_5x5_example_and_formula():
    """The course's F.conv2d example: 5x5 input, 3x3 kernel, stride 2, padding 1 -> 3x3."""
    x = torch.tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]],
                     dtype=torch.float32).reshape(1, 1, 5, 5)
    k = torch.tensor([[1, 2, 1], [0, 1, 0], [2, 1, 0]], dtype=torch.float32).reshape(1, 1, 3, 3)
    ks = KernelSlider(x, k, stride=2, padding=1)
    assert ks.output_shape == (1, 3, 3)
    assert ks.config['formula'][0] == 'H_out = ⌊(5 + 2·1 − 1·(3−1) − 1) / 2⌋ + 1 = ⌊4/2⌋ + 1 = 3'
    w = ks.window(0, 0, 0)
    # top-left window covers padded rows/cols 0..2: only 4 real input cells are non-zero
    # kernel taps (1,1),(1,2),(2,1),(2,2) meet input (0,0)=1,(0,1)=2,(1,0)=0,(1,1)=1: 1*1 + 0*2 + 1*0 + 0*1
    assert len(w['terms']) == 9 and sum(1 for t in w['terms'] if t['x_val'] != 0) == 3
    assert w['sum'] == 1.0 and w['output'] == 1.0
    _all_windows_match(ks)


def test_state_is_bytes_and_repr_is_stable():
    x = torch.randn(1, 1, 28, 28)
    ks = KernelSlider(x, torch.randn(2, 1, 5, 5))
    assert ks.input['shape'] == [1, 28, 28] and isinstance(ks.input['data'], memoryview)
    assert ks.output['shape'] == [2, 24, 24]
    r = repr(ks)
    assert '0x' not in r and r == repr(KernelSlider(x, torch.randn(2, 1, 5, 5)))
    assert 'KernelSlider' in ks._repr_mimebundle_()[0]['text/html'] if isinstance(ks._repr_mimebundle_(), tuple) \
        else 'KernelSlider' in ks._repr_mimebundle_()['text/html']


def test_from_module():
    nn = pytest.importorskip('nbtorch.nn')
    if not hasattr(nn, 'Conv2d'):
        pytest.skip("needs nbtorch.nn.Conv2d")
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 6, 3, stride=2, padding=1, groups=3)
    x = torch.randn(1, 3, 8, 8)
    ks = KernelSlider.from_module(conv, x)
    assert ks.config['groups'] == 3
    _all_windows_match(ks)
    pool = nn.MaxPool2d(2, ceil_mode=True)
    _all_windows_match(KernelSlider.from_module(pool, torch.randn(1, 1, 5, 5)))


def test_errors():
    with pytest.raises(ValueError, match='op must be one of'):
        KernelSlider(torch.randn(1, 1, 3, 3), op='conv3d')
    with pytest.raises(ValueError, match='needs a weight'):
        KernelSlider(torch.randn(1, 1, 3, 3))
