"""Convolutions, transposed convolutions, unfold/fold and the Conv layers against torch."""
import math

import numpy as np
import pytest
import torch

import nbtorch
from tests.helpers import helper_test_exception, helper_test_op, to_np

tF = torch.nn.functional
nF = nbtorch.nn.functional
ATOL = dict(atol=2e-5, rtol=1e-4, grad_atol=5e-5, grad_rtol=1e-4)


def _F(x):
    return tF if isinstance(x, torch.Tensor) else nF


# ------------------------------------------------------------------------------------------- conv2d
CONV2D = [
    # (N, C, H, W), (O, C/g, kh, kw), stride, padding, dilation, groups
    ((2, 3, 8, 8), (4, 3, 3, 3), 1, 0, 1, 1),
    ((2, 3, 8, 8), (4, 3, 3, 3), 1, 1, 1, 1),
    ((2, 3, 9, 7), (5, 3, 3, 2), 2, 1, 1, 1),
    ((2, 3, 9, 9), (4, 3, 3, 3), (2, 1), (1, 2), (1, 2), 1),
    ((1, 4, 10, 10), (6, 2, 3, 3), 1, 1, 1, 2),
    ((2, 4, 8, 8), (4, 1, 3, 3), 1, 1, 1, 4),          # depthwise
    ((2, 4, 8, 8), (8, 1, 3, 3), 2, 1, 1, 4),          # depthwise multiplier 2
    ((2, 3, 11, 11), (2, 3, 5, 5), 3, 2, 2, 1),
    ((3, 1, 28, 28), (6, 1, 5, 5), 1, 2, 1, 1),        # LeNet conv1
    ((2, 6, 14, 14), (16, 6, 5, 5), 1, 0, 1, 1),       # LeNet conv2
    ((2, 3, 8, 8), (4, 3, 1, 1), 1, 0, 1, 1),          # 1x1
    ((2, 3, 5, 5), (4, 3, 5, 5), 1, 0, 1, 1),          # kernel = input
    ((2, 3, 8, 8), (4, 3, 3, 3), 1, 'same', 1, 1),
    ((2, 3, 8, 8), (4, 3, 4, 2), 1, 'same', 1, 1),     # even kernel: asymmetric 'same' padding
    ((2, 3, 8, 8), (4, 3, 3, 3), 1, 'same', 2, 1),
    ((2, 3, 8, 8), (4, 3, 3, 3), 1, 'valid', 1, 1),
]


def check_against_float64(fn, shapes, bound=8, seed=0):
    """``fn(F, x, w, b)`` in float32 (nbtorch and torch) against torch in float64, with its gradients.

    A convolution's output and gradient elements are sums of many products (a weight gradient sums one per
    image pixel), so two float32 results can differ by ~1e-7 of the sum of the products' magnitudes, which
    breaks any absolute tolerance for elements whose true value is near 0.  So each result is measured
    against float64 relative to that sum of magnitudes (the same computation on |x|, |w|, |b| and |dy|),
    and nbtorch must stay within ``bound`` float32 epsilons.  torch's own float32 error is 0.1 to 2.
    Forward values, dtypes and shapes are also compared with torch in float32 by helper_test_op."""
    helper_test_op(shapes, lambda *a: fn(_F(a[0]), *a), forward_only=True, **ATOL)
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-2, 2, s) for s in shapes]

    def run(lib, dtype, arrays, g=None):
        ts = [lib.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
        y = fn(tF if lib is torch else nF, *ts)
        g = rng.uniform(-2, 2, tuple(y.shape)) if g is None else g
        return [to_np(y)] + [to_np(t) for t in lib.autograd.grad(y, ts, lib.tensor(g.astype(dtype)))], g

    ref, g = run(torch, 'float64', arrays)
    scale, _ = run(torch, 'float64', [np.abs(a) for a in arrays], np.abs(g))
    nb, _ = run(nbtorch, 'float32', arrays, g)
    th, _ = run(torch, 'float32', arrays, g)
    eps = np.finfo(np.float32).eps
    for name, n, t, r, sc in zip(['y', 'dx', 'dw', 'db'], nb, th, ref, scale):
        assert n.dtype == np.float32 and n.shape == r.shape, name
        sc = np.maximum(sc, np.finfo(np.float64).tiny)
        err, torch_err = np.max(np.abs(n - r) / sc), np.max(np.abs(t - r) / sc)
        assert err <= bound * eps, f"{name}: error {err / eps:.2f} eps of the magnitudes (torch: {torch_err / eps:.2f})"


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")   # torch's note on its own copy
@pytest.mark.parametrize('x_shape, w_shape, stride, padding, dilation, groups', CONV2D)
@pytest.mark.parametrize('bias', [True, False])
def test_conv2d(x_shape, w_shape, stride, padding, dilation, groups, bias):
    shapes = [x_shape, w_shape] + ([(w_shape[0],)] if bias else [])
    check_against_float64(lambda F, x, w, *b: F.conv2d(x, w, b[0] if b else None, stride, padding, dilation,
                                                        groups), shapes)


def test_conv2d_grad_fn_and_dtype():
    x = nbtorch.randn(1, 3, 8, 8, requires_grad=True)
    y = nF.conv2d(x, nbtorch.randn(2, 3, 3, 3))
    assert y.grad_fn.name() == 'ConvolutionBackward0'
    assert y.dtype == nbtorch.float32 and y.is_contiguous()


def test_conv2d_float64():
    helper_test_op([(2, 3, 6, 6), (4, 3, 3, 3), (4,)], lambda x, w, b: _F(x).conv2d(x, w, b, padding=1),
                   dtype='float64', atol=1e-10, rtol=1e-10, grad_atol=1e-9, grad_rtol=1e-9)


def test_conv2d_unbatched():
    helper_test_op([(3, 8, 8), (4, 3, 3, 3), (4,)], lambda x, w, b: _F(x).conv2d(x, w, b, padding=1), **ATOL)


def test_conv2d_non_contiguous_input():
    helper_test_op([(2, 3, 8, 8), (4, 3, 3, 3)], lambda x, w: _F(x).conv2d(x, w, stride=2), non_contiguous=True,
                   **ATOL)


def test_conv2d_only_weight_grad():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    tw = torch.tensor(w, requires_grad=True)
    nw = nbtorch.tensor(w, requires_grad=True)
    tF.conv2d(torch.tensor(x), tw).sum().backward()
    nF.conv2d(nbtorch.tensor(x), nw).sum().backward()
    np.testing.assert_allclose(to_np(nw.grad), to_np(tw.grad), atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize('x_shape, w_shape, padding, dilation, groups', [
    ((7, 3, 9, 8), (4, 3, 3, 3), 1, 1, 1),
    ((5, 4, 10, 9), (6, 2, 3, 2), (2, 0), (1, 2), 2),
    ((5, 3, 12), (4, 3, 5), 2, 1, 1),
    ((5, 2, 5, 6, 7), (3, 2, 3, 3, 3), 1, 1, 1),
])
@pytest.mark.parametrize('grad', [True, False])
def test_stride1_conv_in_batch_chunks(monkeypatch, x_shape, w_shape, padding, dilation, groups, grad):
    """The stride-1 path builds the columns a few images at a time (``CHUNK_BYTES``).  With a budget of two
    images, an odd batch splits into chunks of 2 and a remainder of 1, which must not change any value."""
    from nbtorch.ops import conv
    nd = len(x_shape) - 2
    fn = lambda x, w, b: getattr(_F(x), f'conv{nd}d')(x, w, b, 1, padding, dilation, groups)  # noqa: E731
    chunks, real = [], conv.flat_im2col

    def spy(flat, geo, out):
        chunks.append((out.shape[-2], out[..., 0, :].nbytes))
        return real(flat, geo, out)
    monkeypatch.setattr(conv, 'flat_im2col', spy)
    with nbtorch.no_grad():
        fn(nbtorch.zeros(x_shape), nbtorch.zeros(w_shape), None)
    monkeypatch.setattr(conv, 'CHUNK_BYTES', 2 * chunks[0][1])       # two images' columns
    chunks.clear()
    if grad:
        helper_test_op([x_shape, w_shape, (w_shape[0],)], fn, **ATOL)
    else:
        with nbtorch.no_grad(), torch.no_grad():
            helper_test_op([x_shape, w_shape, (w_shape[0],)], fn, forward_only=True, **ATOL)
    assert [n for n, _ in chunks] == [2] * (x_shape[0] // 2) + [1]


@pytest.mark.parametrize('x_shape, padding', [((8, 32, 32, 32), 1), ((8, 24, 45, 37), (0, 2)), ((8, 32, 32, 32), 'same')])
def test_conv2d_through_winograd(monkeypatch, x_shape, padding):
    """Wide 3x3 stride-1 convolutions go through Winograd F(2x2, 3x3) (nbtorch/ops/winograd.py), whose
    float32 rounding differs from a direct sum; measured against float64 it must stay as accurate."""
    from nbtorch.ops import winograd
    calls, real = [], winograd.forward
    monkeypatch.setattr(winograd, 'forward', lambda *a, **k: calls.append(1) or real(*a, **k))
    C = x_shape[1]
    check_against_float64(lambda F, x, w, b: F.conv2d(x, w, b, padding=padding),
                          [x_shape, (C + 8, C, 3, 3), (C + 8,)])
    assert calls, "this shape should have used Winograd"


def test_conv2d_winograd_frees_and_refuses_second_backward():
    x = nbtorch.randn(8, 32, 32, 32, requires_grad=True)
    y = nF.conv2d(x, nbtorch.randn(40, 32, 3, 3), padding=1).sum()
    assert y.grad_fn.next_functions[0][0].name() == 'ConvolutionBackward0'
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


# ------------------------------------------------------------------------------------- conv1d / 3d
@pytest.mark.parametrize('x_shape, w_shape, stride, padding, dilation, groups', [
    ((2, 3, 10), (4, 3, 3), 1, 0, 1, 1),
    ((2, 3, 10), (4, 3, 3), 2, 1, 1, 1),
    ((2, 4, 11), (6, 2, 3), 1, 2, 2, 2),
    ((2, 4, 11), (4, 1, 5), 1, 'same', 1, 4),
    ((3, 10), (4, 3, 3), 1, 1, 1, 1),                    # unbatched
])
def test_conv1d(x_shape, w_shape, stride, padding, dilation, groups):
    helper_test_op([x_shape, w_shape, (w_shape[0],)],
                   lambda x, w, b: _F(x).conv1d(x, w, b, stride, padding, dilation, groups), **ATOL)


@pytest.mark.parametrize('x_shape, w_shape, stride, padding, dilation, groups', [
    ((2, 3, 5, 6, 7), (4, 3, 3, 3, 3), 1, 0, 1, 1),
    ((2, 3, 6, 6, 6), (4, 3, 3, 2, 3), (2, 1, 2), 1, 1, 1),
    ((1, 4, 7, 7, 7), (4, 2, 3, 3, 3), 1, 1, 2, 2),
    ((3, 5, 6, 7), (4, 3, 3, 3, 3), 1, 'same', 1, 1),     # unbatched
])
def test_conv3d(x_shape, w_shape, stride, padding, dilation, groups):
    helper_test_op([x_shape, w_shape, (w_shape[0],)],
                   lambda x, w, b: _F(x).conv3d(x, w, b, stride, padding, dilation, groups), **ATOL)


# -------------------------------------------------------------------------------- conv_transpose
@pytest.mark.parametrize('x_shape, w_shape, stride, padding, output_padding, groups, dilation', [
    ((2, 3, 5, 5), (3, 4, 3, 3), 1, 0, 0, 1, 1),
    ((2, 3, 5, 5), (3, 4, 3, 3), 2, 1, 1, 1, 1),
    ((2, 3, 5, 6), (3, 2, 3, 2), (2, 3), (1, 0), (0, 2), 1, 1),
    ((2, 4, 5, 5), (4, 3, 3, 3), 2, 0, 1, 2, 1),
    ((2, 4, 5, 5), (4, 1, 3, 3), 1, 1, 0, 4, 2),
    ((2, 3, 4, 4), (3, 2, 4, 4), 2, 1, 0, 1, 1),       # the classic x2 upsampling layer
    ((3, 5, 5), (3, 4, 3, 3), 2, 1, 1, 1, 1),           # unbatched
])
def test_conv_transpose2d(x_shape, w_shape, stride, padding, output_padding, groups, dilation):
    helper_test_op([x_shape, w_shape, (w_shape[1] * groups,)],
                   lambda x, w, b: _F(x).conv_transpose2d(x, w, b, stride, padding, output_padding, groups,
                                                          dilation), **ATOL)


def test_conv_transpose1d_and_3d():
    helper_test_op([(2, 3, 7), (3, 2, 3)], lambda x, w: _F(x).conv_transpose1d(x, w, stride=2, padding=1), **ATOL)
    helper_test_op([(1, 2, 3, 4, 3), (2, 3, 2, 3, 2)], lambda x, w: _F(x).conv_transpose3d(x, w, stride=2), **ATOL)


def test_conv_transpose_is_conv_backward():
    """conv_transpose2d(y, w) is the gradient of conv2d with respect to its input."""
    x = nbtorch.randn(1, 3, 9, 9, requires_grad=True)
    w = nbtorch.randn(4, 3, 3, 3)
    y = nF.conv2d(x, w, stride=2, padding=1)
    g = nbtorch.randn(*y.shape)
    gx, = nbtorch.autograd.grad(y, x, g)
    np.testing.assert_allclose(to_np(gx), to_np(nF.conv_transpose2d(g, w, stride=2, padding=1)), atol=1e-5)


# --------------------------------------------------------------------------------------- unfold/fold
@pytest.mark.parametrize('shape, kernel, dilation, padding, stride', [
    ((2, 3, 6, 6), 2, 1, 0, 1),
    ((2, 3, 7, 8), (3, 2), (1, 2), (1, 0), (2, 1)),
    ((3, 6, 6), 3, 1, 1, 2),
])
def test_unfold(shape, kernel, dilation, padding, stride):
    out = helper_test_op([shape], lambda x: _F(x).unfold(x, kernel, dilation, padding, stride))
    assert out[1].grad_fn.name() == 'Im2ColBackward0'


@pytest.mark.parametrize('size, kernel, dilation, padding, stride', [
    ((6, 6), 2, 1, 0, 1),
    ((7, 8), (3, 2), (1, 2), (1, 0), (2, 1)),
    ((6, 6), 3, 1, 1, 2),
])
def test_fold(size, kernel, dilation, padding, stride):
    k = (kernel, kernel) if isinstance(kernel, int) else kernel
    d = (dilation, dilation) if isinstance(dilation, int) else dilation
    p = (padding, padding) if isinstance(padding, int) else padding
    s = (stride, stride) if isinstance(stride, int) else stride
    L = math.prod((n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(size, k, d, p, s))
    out = helper_test_op([(2, 3 * k[0] * k[1], L)], lambda c: _F(c).fold(c, size, kernel, dilation, padding, stride))
    assert out[1].grad_fn.name() == 'Col2ImBackward0'


def test_unfold_matmul_equals_conv():
    """conv2d is unfold + one matrix product: the lesson behind im2col."""
    x, w = nbtorch.randn(2, 3, 6, 6), nbtorch.randn(4, 3, 3, 3)
    cols = nF.unfold(x, 3)
    y = (w.view(4, -1) @ cols).view(2, 4, 4, 4)
    np.testing.assert_allclose(to_np(y), to_np(nF.conv2d(x, w)), atol=1e-5)


# --------------------------------------------------------------------------------------------- errors
def _both(fn, *arrays):
    th = [torch.from_numpy(a) for a in arrays]
    nb = [nbtorch.from_numpy(a) for a in arrays]
    return (lambda: fn(tF, *th)), (lambda: fn(nF, *nb))


def _arr(*shape, dtype=np.float32):
    return np.random.default_rng(0).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize('fn, arrays, facts', [
    (lambda F, x, w: F.conv2d(x, w), (_arr(1, 1, 28, 28), _arr(6, 3, 5, 5)),
     ["Given groups=1, weight of size [6, 3, 5, 5], expected input[1, 1, 28, 28] to have 3 channels, but got 1 "
      "channels instead"]),
    (lambda F, x, w: F.conv2d(x, w), (_arr(28, 28), _arr(6, 3, 5, 5)),
     ["Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [28, 28]"]),
    (lambda F, x, w: F.conv1d(x, w), (_arr(28), _arr(6, 3, 5)),
     ["Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [28]"]),
    (lambda F, x, w: F.conv3d(x, w), (_arr(3, 8, 8), _arr(6, 3, 3, 3, 3)),
     ["Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: [3, 8, 8]"]),
    (lambda F, x, w: F.conv2d(x, w, groups=2), (_arr(1, 3, 8, 8), _arr(6, 2, 3, 3)),
     ["Given groups=2", "to have 4 channels, but got 3 channels instead"]),
    (lambda F, x, w: F.conv2d(x, w), (_arr(1, 3, 2, 2), _arr(6, 3, 5, 5)),
     ["Calculated padded input size per channel: (2 x 2). Kernel size: (5 x 5)"]),
    (lambda F, x, w: F.conv2d(x, w, stride=0), (_arr(1, 3, 8, 8), _arr(6, 3, 3, 3)),
     ["non-positive stride is not supported"]),
    (lambda F, x, w: F.conv2d(x, w, padding=-1), (_arr(1, 3, 8, 8), _arr(6, 3, 3, 3)),
     ["negative padding is not supported"]),
    (lambda F, x, w: F.conv2d(x, w, padding='foo'), (_arr(1, 3, 8, 8), _arr(6, 3, 3, 3)),
     ["Invalid padding string: 'foo'"]),
    (lambda F, x, w: F.conv2d(x, w, padding='same', stride=2), (_arr(1, 3, 8, 8), _arr(6, 3, 3, 3)),
     ["padding='same' is not supported for strided convolutions"]),
    (lambda F, x, w: F.conv2d(x, w, stride=(1, 1, 1)), (_arr(1, 3, 8, 8), _arr(6, 3, 3, 3)),
     ["expected stride to be a single integer value or a list of 2 values"]),
    (lambda F, x, w, b: F.conv2d(x, w, b), (_arr(1, 3, 8, 8), _arr(6, 3, 3, 3), _arr(5)),
     ["expected bias to be 1-dimensional with 6 elements, but got bias of size [5] instead"]),
    (lambda F, x, w: F.conv2d(x, w), (_arr(1, 3, 8, 8, dtype=np.float64), _arr(6, 3, 3, 3)),
     ["expected scalar type Double but found Float"]),
    (lambda F, x, w: F.conv_transpose2d(x, w), (_arr(1, 4, 8, 8), _arr(3, 3, 3, 3)),
     ["Given transposed=1, weight of size [3, 3, 3, 3], expected input[1, 4, 8, 8] to have 3 channels"]),
    (lambda F, x, w: F.conv_transpose2d(x, w, stride=2, output_padding=2), (_arr(1, 3, 8, 8), _arr(3, 3, 3, 3)),
     ["output padding must be smaller than either stride or dilation"]),
    (lambda F, c: F.fold(c, (8, 8), 2, stride=2), (_arr(1, 11, 16),),
     ["Expected size of input's dimension 1 to be divisible by the product of kernel_size"]),
    (lambda F, c: F.fold(c, (8, 8), 2, stride=2), (_arr(1, 12, 15),),
     ["expected size of input's dimension 2 to match the calculated number of sliding blocks 4 * 4 = 16"]),
])
def test_functional_errors(fn, arrays, facts):
    th, nb = _both(fn, *arrays)
    helper_test_exception(th, nb, RuntimeError, facts)


# ---------------------------------------------------------------------------------------------- layers
def _copy(src, dst):
    """Copy parameters of a torch module into the matching nbtorch module."""
    dst.load_state_dict({k: nbtorch.from_numpy(v.detach().numpy().copy()) for k, v in src.state_dict().items()})


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize('cls, args, kwargs', [
    ('Conv2d', (1, 6, 5), dict(padding=2)),
    ('Conv2d', (4, 6, (3, 2)), dict(stride=(2, 1), padding=(1, 0), groups=2, padding_mode='circular')),
    ('Conv2d', (1, 6, 5), dict(bias=False, dilation=2, padding_mode='reflect')),
    ('Conv2d', (3, 3, 3), dict(padding='same', padding_mode='replicate')),
    ('Conv2d', (3, 4, 4), dict(padding='same', padding_mode='reflect')),
    ('Conv2d', (3, 4, 3), dict(padding='valid')),
    ('Conv1d', (2, 4, 3), dict(padding='same')),
    ('Conv1d', (2, 4, 3), dict(stride=2, padding=1, padding_mode='circular')),
    ('Conv3d', (2, 4, 3), dict()),
    ('Conv3d', (2, 4, 3), dict(padding=1, padding_mode='replicate')),
    ('ConvTranspose2d', (3, 4, 3), dict(stride=2, output_padding=1)),
    ('ConvTranspose2d', (4, 6, 3), dict(stride=2, padding=1, groups=2, bias=False)),
    ('ConvTranspose1d', (3, 4, 3), dict(stride=2)),
])
def test_layer_repr_init_forward_backward(cls, args, kwargs):
    torch.manual_seed(0)
    tm = getattr(torch.nn, cls)(*args, **kwargs)
    nbtorch.manual_seed(0)
    nm = getattr(nbtorch.nn, cls)(*args, **kwargs)
    assert repr(nm) == repr(tm)
    assert list(nm.state_dict()) == list(tm.state_dict())
    for (kn, pn), (kt, pt) in zip(nm.named_parameters(), tm.named_parameters()):
        assert kn == kt and tuple(pn.shape) == tuple(pt.shape) and pn.dtype == nbtorch.float32
        # torch's init: kaiming_uniform_(a=sqrt(5)) and U(-1/sqrt(fan_in), ..) for the bias, same RNG stream
        np.testing.assert_allclose(to_np(pn), to_np(pt), atol=1e-6)
    nd = {'1': 1, '2': 2, '3': 3}[cls[-2]]
    x_shape = (2, args[0]) + (11,) * nd
    helper_test_op([x_shape] + [p.detach().numpy() for p in tm.parameters()],
                   lambda x, *ps: _call_with(tm if isinstance(x, torch.Tensor) else nm, x, ps), **ATOL)


def _call_with(module, x, params):
    """Run ``module`` with its parameters replaced by ``params`` (so gradients reach them)."""
    names = [n for n, _ in module.named_parameters()]
    saved = {n: getattr(module, n) for n in names}
    try:
        for n, p in zip(names, params):
            module._parameters[n] = p
        return module(x)
    finally:
        for n in names:
            module._parameters[n] = saved[n]


def test_conv_transpose_output_size():
    torch.manual_seed(0)
    tm = torch.nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1)
    nm = nbtorch.nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1)
    _copy(tm, nm)
    x = _arr(1, 3, 5, 5)
    ty = tm(torch.from_numpy(x), output_size=[10, 10])
    ny = nm(nbtorch.from_numpy(x), output_size=[10, 10])
    assert tuple(ny.shape) == tuple(ty.shape) == (1, 4, 10, 10)
    np.testing.assert_allclose(to_np(ny), to_np(ty), atol=1e-5)


@pytest.mark.parametrize('channels, kwargs, exc', [
    ((6, 6), dict(groups=0), 'groups must be a positive integer'),
    ((5, 6), dict(groups=2), 'in_channels must be divisible by groups'),
    ((6, 5), dict(groups=2), 'out_channels must be divisible by groups'),
    ((6, 6), dict(stride=2, padding='same'), "padding='same' is not supported for strided convolutions"),
    ((6, 6), dict(padding='foo'), "Invalid padding string 'foo'"),
    ((6, 6), dict(padding_mode='foo'), "padding_mode must be one of"),
])
def test_layer_errors(channels, kwargs, exc):
    helper_test_exception(lambda: torch.nn.Conv2d(*channels, 3, **kwargs),
                          lambda: nbtorch.nn.Conv2d(*channels, 3, **kwargs), ValueError, [exc])


def test_lenet_conv_stack_trains_like_torch():
    """Two conv layers + pooling with weights copied from torch: same loss and same gradients."""
    torch.manual_seed(0)
    tnet = torch.nn.Sequential(torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                               torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                               torch.nn.Linear(400, 10))
    nnn = nbtorch.nn
    nnet = nnn.Sequential(nnn.Conv2d(1, 6, 5, padding=2), nnn.ReLU(), nnn.MaxPool2d(2), nnn.Conv2d(6, 16, 5),
                          nnn.ReLU(), nnn.MaxPool2d(2), nnn.Flatten(), nnn.Linear(400, 10))
    _copy(tnet, nnet)
    x = _arr(8, 1, 28, 28)
    y = np.arange(8) % 10
    tl = tF.cross_entropy(tnet(torch.from_numpy(x)), torch.from_numpy(y))
    nl = nF.cross_entropy(nnet(nbtorch.from_numpy(x)), nbtorch.from_numpy(y))
    tl.backward()
    nl.backward()
    assert nl.dtype == nbtorch.float32
    np.testing.assert_allclose(nl.item(), tl.item(), rtol=1e-5)
    for (name, pn), (_, pt) in zip(nnet.named_parameters(), tnet.named_parameters()):
        np.testing.assert_allclose(to_np(pn.grad), to_np(pt.grad), atol=1e-5, rtol=1e-4, err_msg=name)
