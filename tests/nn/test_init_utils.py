"""nn.init (same numbers as torch for the same seed) and nn.utils (clipping, vector conversion)."""
import math

import numpy as np
import pytest
import torch

import nbtorch
from tests.helpers import to_np, helper_test_exception


def _same_seed_fill(fn_name, shape, *args, **kwargs):
    torch.manual_seed(1)
    nbtorch.manual_seed(1)
    a = getattr(torch.nn.init, fn_name)(torch.empty(shape), *args, **kwargs)
    b = getattr(nbtorch.nn.init, fn_name)(nbtorch.empty(shape), *args, **kwargs)
    return a, b


@pytest.mark.parametrize('fn,shape,args,kwargs', [
    ('uniform_', (3, 4), (-2.0, 3.0), {}), ('normal_', (3, 4), (1.0, 0.5), {}),
    ('xavier_uniform_', (5, 3), (), {}), ('xavier_uniform_', (4, 3, 2, 2), (), {'gain': 2.0}),
    ('xavier_normal_', (5, 3), (), {}), ('kaiming_uniform_', (6, 4), (), {}),
    ('kaiming_uniform_', (6, 4, 3), (), {'a': math.sqrt(5)}),
    ('kaiming_uniform_', (6, 4), (), {'mode': 'fan_out', 'nonlinearity': 'relu'}),
    ('kaiming_normal_', (6, 4), (), {}), ('kaiming_normal_', (6, 4, 2), (), {'mode': 'fan_out'}),
    ('trunc_normal_', (50, 4), (), {}), ('trunc_normal_', (30, 3), (0.0, 1.0, -0.1, 0.2), {}),
    ('orthogonal_', (4, 6), (), {}), ('orthogonal_', (6, 3), (), {'gain': 2.0}),
    ('constant_', (2, 3), (0.3,), {}), ('ones_', (2,), (), {}), ('zeros_', (2, 2), (), {}),
    ('eye_', (3, 4), (), {}), ('dirac_', (4, 2, 3, 3), (), {}),
])
def test_init_same_numbers_as_torch(fn, shape, args, kwargs):
    a, b = _same_seed_fill(fn, shape, *args, **kwargs)
    np.testing.assert_allclose(to_np(b), a.numpy(), rtol=1e-5, atol=1e-6)


def test_init_runs_under_no_grad_on_parameters():
    p = nbtorch.nn.Parameter(nbtorch.empty(3, 3))
    nbtorch.nn.init.kaiming_uniform_(p)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


@pytest.mark.parametrize('nl,param', [('linear', None), ('conv2d', None), ('sigmoid', None), ('tanh', None),
                                      ('relu', None), ('leaky_relu', None), ('leaky_relu', 0.2), ('selu', None)])
def test_calculate_gain(nl, param):
    assert nbtorch.nn.init.calculate_gain(nl, param) == torch.nn.init.calculate_gain(nl, param)


def test_init_errors():
    helper_test_exception(lambda: torch.nn.init.xavier_uniform_(torch.empty(3)),
                          lambda: nbtorch.nn.init.xavier_uniform_(nbtorch.empty(3)), ValueError,
                          ['Fan in and fan out can not be computed for tensor with fewer than 2 dimensions'])
    helper_test_exception(lambda: torch.nn.init.calculate_gain('nope'),
                          lambda: nbtorch.nn.init.calculate_gain('nope'), ValueError, ['Unsupported nonlinearity nope'])
    helper_test_exception(lambda: torch.nn.init.kaiming_normal_(torch.empty(2, 2), mode='x'),
                          lambda: nbtorch.nn.init.kaiming_normal_(nbtorch.empty(2, 2), mode='x'), ValueError,
                          ["Mode x not supported, please use one of ['fan_in', 'fan_out']"])


@pytest.mark.parametrize('layer,args', [('Linear', (5, 3)), ('Bilinear', (2, 3, 4)), ('Embedding', (7, 3)),
                                        ('LayerNorm', (4,)), ('BatchNorm1d', (3,)), ('PReLU', (2,)),
                                        ('GRU', (3, 2)), ('MultiheadAttention', (4, 2))])
def test_layer_default_init_equals_torch(layer, args):
    torch.manual_seed(5)
    nbtorch.manual_seed(5)
    th, nb = getattr(torch.nn, layer)(*args), getattr(nbtorch.nn, layer)(*args)
    for (k, a), (_, b) in zip(th.state_dict().items(), nb.state_dict().items()):
        np.testing.assert_allclose(to_np(b), a.numpy(), rtol=1e-6, atol=1e-7, err_msg=k)


def _grads_pair(seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2)]
    arrs = [rng.standard_normal(s).astype(np.float32) * 3 for s in shapes]
    th = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
    nb = [nbtorch.nn.Parameter(nbtorch.zeros(s)) for s in shapes]
    for a, t, n in zip(arrs, th, nb):
        t.grad = torch.from_numpy(a.copy())
        n.grad = nbtorch.from_numpy(a.copy())
    return th, nb


@pytest.mark.parametrize('max_norm,norm_type', [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0), (2.0, math.inf),
                                                (1.0, 3.0)])
def test_clip_grad_norm(max_norm, norm_type):
    th, nb = _grads_pair()
    tn = torch.nn.utils.clip_grad_norm_(th, max_norm, norm_type)
    nn_ = nbtorch.nn.utils.clip_grad_norm_(nb, max_norm, norm_type)
    assert isinstance(nn_, nbtorch.Tensor) and nn_.dtype == nbtorch.float32 and nn_.shape == ()
    np.testing.assert_allclose(nn_.item(), tn.item(), rtol=1e-5)
    for t, n in zip(th, nb):
        np.testing.assert_allclose(to_np(n.grad), t.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_clip_grad_norm_nonfinite_and_empty():
    th, nb = _grads_pair()
    th[0].grad[0, 0] = float('nan')
    nb[0].grad[0, 0] = float('nan')
    helper_test_exception(lambda: torch.nn.utils.clip_grad_norm_(th, 1.0, error_if_nonfinite=True),
                          lambda: nbtorch.nn.utils.clip_grad_norm_(nb, 1.0, error_if_nonfinite=True),
                          RuntimeError, ['The total norm of order 2.0 for gradients from `parameters` is non-finite'])
    assert nbtorch.nn.utils.clip_grad_norm_([nbtorch.nn.Parameter(nbtorch.ones(2))], 1.0).item() == 0.0
    single = nbtorch.nn.Parameter(nbtorch.ones(2))
    single.grad = nbtorch.tensor([3.0, 4.0])
    assert nbtorch.nn.utils.clip_grad_norm_(single, 1.0).item() == pytest.approx(5.0)


def test_clip_grad_value():
    th, nb = _grads_pair()
    torch.nn.utils.clip_grad_value_(th, 0.7)
    nbtorch.nn.utils.clip_grad_value_(nb, 0.7)
    for t, n in zip(th, nb):
        np.testing.assert_array_equal(to_np(n.grad), t.grad.numpy())


def test_parameters_to_vector_and_back():
    torch.manual_seed(0)
    th = torch.nn.Linear(3, 2)
    nb = nbtorch.nn.Linear(3, 2)
    nb.load_state_dict(th.state_dict())
    tv = torch.nn.utils.parameters_to_vector(th.parameters())
    nv = nbtorch.nn.utils.parameters_to_vector(nb.parameters())
    np.testing.assert_array_equal(to_np(nv), tv.detach().numpy())
    nbtorch.nn.utils.vector_to_parameters(nbtorch.arange(8.), nb.parameters())
    torch.nn.utils.vector_to_parameters(torch.arange(8.), th.parameters())
    np.testing.assert_array_equal(to_np(nb.weight), th.weight.detach().numpy())
    assert isinstance(nb.weight, nbtorch.nn.Parameter)
    with pytest.raises(TypeError, match='expected torch.Tensor'):
        nbtorch.nn.utils.vector_to_parameters([1.0], nb.parameters())
