"""torch.device, torch.cuda, moving tensors between devices, and the errors when CUDA is missing.

Tests taking the ``device`` fixture (tests/conftest.py) run on 'cpu' and, where CuPy sees a
GPU, on 'cuda'; torch (CPU) is the oracle for values and gradients.
"""
import pickle

import numpy as np
import pytest
import torch

import nbtorch
from nbtorch import _backend


# ------------------------------------------------------------------ torch.device
@pytest.mark.parametrize('args', [('cpu',), ('cuda',), ('cuda:0',), ('cuda:1',), ('cuda', 1), ('cpu', 0)])
def test_device_repr_str_attrs(args):
    t, n = torch.device(*args), nbtorch.device(*args)
    assert repr(n) == repr(t)
    assert str(n) == str(t)
    assert (n.type, n.index) == (t.type, t.index)
    assert nbtorch.device(n) == n
    assert pickle.loads(pickle.dumps(n)) == n


def test_device_equality_and_hash():
    D = nbtorch.device
    assert D('cuda:0') == D('cuda', 0)
    assert D('cuda') != D('cuda:0')                      # as in torch: no index is not index 0
    assert (D('cpu') == 'cpu') is (torch.device('cpu') == 'cpu') is False
    assert {D('cpu'): 1}[D('cpu')] == 1


@pytest.mark.parametrize('bad', ['cuda:x', 'cuda:-1', 'cpu:0:1', 'cuda: 1'])
def test_invalid_device_strings(bad):
    with pytest.raises(RuntimeError) as et:
        torch.device(bad)
    with pytest.raises(RuntimeError) as en:
        nbtorch.device(bad)
    assert str(en.value) == str(et.value)


def test_unknown_device_type():
    with pytest.raises(RuntimeError, match=r'Expected one of cpu, cuda.* device type at start of device string: gpu'):
        nbtorch.device('gpu')
    with pytest.raises(RuntimeError, match='Device index must not be negative'):
        nbtorch.device('cuda', -2)


# ------------------------------------------------------------------ torch.cuda without a GPU
def test_cuda_queries_agree():
    assert nbtorch.cuda.is_available() == (nbtorch.cuda.device_count() > 0)
    if _backend.cp is None:
        assert nbtorch.cuda.is_available() is torch.cuda.is_available() is False
        assert nbtorch.cuda.device_count() == 0


@pytest.fixture
def no_cupy(monkeypatch):
    monkeypatch.setattr(_backend, 'cp', None)
    monkeypatch.setattr(_backend, '_cupy_import_error', ModuleNotFoundError("No module named 'cupy'"))


@pytest.mark.parametrize('move', [
    lambda T: T.zeros(2).to('cuda'),
    lambda T: T.zeros(2).cuda(),
    lambda T: T.zeros(2, device='cuda'),
    lambda T: T.tensor([1.0], device='cuda:0'),
    lambda T: T.rand(2, device='cuda'),
    lambda T: T.zeros(2).to(T.device('cuda'), T.float64),
    lambda T: T.cuda.current_device(),
], ids=['to', 'cuda()', 'zeros', 'tensor', 'rand', 'to-device-dtype', 'current_device'])
def test_no_cupy_error_says_what_is_missing(no_cupy, move):
    assert nbtorch.cuda.is_available() is False
    with pytest.raises(AssertionError) as et:
        move(torch)
    with pytest.raises(AssertionError) as en:
        move(nbtorch)
    msg = str(en.value)
    assert msg.startswith(str(et.value))                 # torch's words first ...
    assert 'CuPy' in msg and 'pip install' in msg        # ... then what is missing and how to install it
    assert "No module named 'cupy'" in msg


def test_cupy_without_gpu_error(monkeypatch):
    class _Runtime:
        @staticmethod
        def getDeviceCount():
            raise RuntimeError('cudaErrorNoDevice: no CUDA-capable device is detected')

    class _FakeCupy:
        class cuda:
            runtime = _Runtime

        ndarray = type('ndarray', (), {})

    monkeypatch.setattr(_backend, 'cp', _FakeCupy)
    assert nbtorch.cuda.is_available() is False and nbtorch.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match='no NVIDIA driver|sees no CUDA GPU'):
        nbtorch.zeros(2).cuda()


def test_cpu_tensor_device_properties():
    t = nbtorch.zeros(2)
    assert t.device == nbtorch.device('cpu') and str(t.device) == 'cpu'
    assert t.is_cuda is False and t.is_cpu is True
    assert t.cpu() is t and t.to('cpu') is t


# ------------------------------------------------------------------ on every device
def _on(lib, arr, device, requires_grad=False):
    if lib is torch:
        return torch.tensor(arr, requires_grad=requires_grad)
    return nbtorch.tensor(arr, device=device, requires_grad=requires_grad)


def test_creation_on_device(device):
    for make in (lambda: nbtorch.zeros(2, 3, device=device), lambda: nbtorch.ones(4, device=device),
                 lambda: nbtorch.arange(5, device=device), lambda: nbtorch.rand(3, device=device),
                 lambda: nbtorch.full((2,), 1.5, device=device), lambda: nbtorch.eye(3, device=device),
                 lambda: nbtorch.tensor([1, 2], device=device), lambda: nbtorch.randn(20, device=device)):
        t = make()
        assert t.device.type == device
        assert t.is_cuda == (device == 'cuda')
    z = nbtorch.zeros(2, device=device)
    for like in (nbtorch.zeros_like(z), nbtorch.ones_like(z), nbtorch.rand_like(z), z.new_ones(3), z.new_tensor([1.0])):
        assert like.device == z.device


def test_seeded_random_is_the_same_on_every_device(device):
    nbtorch.manual_seed(0)
    a = nbtorch.randn(5, device=device)
    torch.manual_seed(0)
    np.testing.assert_allclose(a.cpu().numpy(), torch.randn(5).numpy(), atol=1e-6)


def test_forward_backward_on_device(device):
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((4, 3)).astype(np.float32)
    wa = rng.standard_normal((3, 2)).astype(np.float32)
    outs, grads = [], []
    for lib in (torch, nbtorch):
        x = _on(lib, xa, device, requires_grad=True)
        w = _on(lib, wa, device, requires_grad=True)
        y = ((x @ w).tanh() * 2 + x.sum(1, keepdim=True)).exp().mean()
        y.backward()
        outs.append(y.detach().cpu().numpy())
        grads.append((x.grad.cpu().numpy(), w.grad.cpu().numpy()))
        if lib is nbtorch:
            assert x.grad.device.type == device and y.device.type == device
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-5)
    for g_n, g_t in zip(grads[1], grads[0]):
        np.testing.assert_allclose(g_n, g_t, rtol=1e-5, atol=1e-6)


def test_round_trip_to_cpu_and_back(device):
    x = nbtorch.tensor([[1.5, -2.0], [3.0, 4.25]], device=device)
    c = x.cpu()
    assert c.device.type == 'cpu' and c.tolist() == [[1.5, -2.0], [3.0, 4.25]]
    back = c.to(device)
    assert back.device.type == device and back.tolist() == x.tolist()
    assert x.to(device) is x                              # already there: no copy
    assert x.to(device, nbtorch.float64).dtype is nbtorch.float64
    assert x.to(c).device.type == 'cpu'                   # to(other) takes the other's device


def test_gradient_flows_through_device_copies(device):
    x = nbtorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x.to(device) * 3).cpu().sum()
    y.backward()
    assert x.grad.device.type == 'cpu' and x.grad.tolist() == [3.0, 3.0, 3.0]


def test_repr_shows_device(device):
    x = nbtorch.tensor([1.0, 2.0], device=device)
    expected = "tensor([1., 2.], device='cuda:0')" if device == 'cuda' else 'tensor([1., 2.])'
    assert repr(x) == expected


def test_numpy_on_device(device):
    x = nbtorch.tensor([1.0, 2.0], device=device)
    if device == 'cuda':
        with pytest.raises(TypeError, match=r"can't convert cuda:0 device type tensor to numpy"):
            x.numpy()
    assert x.cpu().numpy().tolist() == [1.0, 2.0]


@pytest.mark.cuda
@pytest.mark.skipif(not nbtorch.cuda.is_available(), reason="needs a CUDA GPU (CuPy)")
def test_mixing_devices_raises_torchs_error():
    a = nbtorch.ones(3, device='cuda')
    b = nbtorch.ones(3)
    with pytest.raises(RuntimeError, match='Expected all tensors to be on the same device, but found at least two '
                                           'devices, cuda:0 and cpu!'):
        a + b
    # a 0-dim CPU tensor mixes with CUDA tensors, as in torch
    assert (a * nbtorch.tensor(2.0)).device.type == 'cuda'


def test_cuda_manual_seed_leaves_cpu_stream_alone():
    torch.manual_seed(0)
    torch.cuda.manual_seed_all(5)
    nbtorch.manual_seed(0)
    nbtorch.cuda.manual_seed_all(5)
    np.testing.assert_array_equal(nbtorch.rand(4).numpy(), torch.rand(4).numpy())
