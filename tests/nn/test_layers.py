"""Every layer against torch: weights copied torch -> nbtorch, outputs and grads (inputs and parameters)
in train and eval mode, buffers, state_dict layout and repr."""
import numpy as np
import pytest
import torch

import nbtorch
from tests.helpers import to_np, compare
from tests.nn.nn_compare import check_module


def pair(name, *args, **kwargs):
    return getattr(torch.nn, name)(*args, **kwargs), getattr(nbtorch.nn, name)(*args, **kwargs)


LAYERS = [
    ('Linear', (4, 3), {}, [(5, 4)]),
    ('Linear', (4, 3), {'bias': False}, [(5, 4)]),
    ('Linear', (4, 3), {}, [(2, 5, 4)]),
    ('Linear', (4, 3), {}, [(4,)]),
    ('Bilinear', (3, 4, 2), {}, [(5, 3), (5, 4)]),
    ('Identity', (), {}, [(3, 4)]),
    ('ReLU', (), {}, [(3, 4)]),
    ('ReLU6', (), {}, [(3, 4)]),
    ('LeakyReLU', (0.2,), {}, [(3, 4)]),
    ('Sigmoid', (), {}, [(3, 4)]),
    ('Tanh', (), {}, [(3, 4)]),
    ('GELU', (), {}, [(3, 4)]),
    ('GELU', (), {'approximate': 'tanh'}, [(3, 4)]),
    ('SiLU', (), {}, [(3, 4)]),
    ('ELU', (), {'alpha': 0.5}, [(3, 4)]),
    ('Softplus', (), {'beta': 2.0, 'threshold': 1.0}, [(3, 4)]),
    ('Hardtanh', (-0.5, 0.7), {}, [(3, 4)]),
    ('PReLU', (), {}, [(2, 3, 4)]),
    ('PReLU', (3,), {}, [(2, 3, 4)]),
    ('Softmax', (), {'dim': 1}, [(3, 4)]),
    ('Mish', (), {}, [(3, 4)]), ('Hardswish', (), {}, [(3, 4)]), ('Hardsigmoid', (), {}, [(3, 4)]),
    ('SELU', (), {}, [(3, 4)]), ('CELU', (0.5,), {}, [(3, 4)]), ('Threshold', (0.1, 20.0), {}, [(3, 4)]),
    ('Hardshrink', (0.3,), {}, [(3, 4)]), ('Softshrink', (), {}, [(3, 4)]), ('GLU', (), {}, [(3, 4)]),
    ('GLU', (0,), {}, [(4, 3)]), ('LogSigmoid', (), {}, [(3, 4)]), ('Softsign', (), {}, [(3, 4)]),
    ('Tanhshrink', (), {}, [(3, 4)]), ('Softmax2d', (), {}, [(2, 3, 2, 2)]), ('Softmin', (1,), {}, [(3, 4)]),
    ('LogSoftmax', (), {'dim': -1}, [(2, 3, 4)]),
    ('Flatten', (), {}, [(2, 3, 4)]),
    ('Flatten', (0, 1), {}, [(2, 3, 4)]),
    ('Unflatten', (1, (2, 2)), {}, [(3, 4)]),
    ('BatchNorm1d', (4,), {}, [(6, 4)]),
    ('BatchNorm1d', (3,), {}, [(5, 3, 7)]),
    ('BatchNorm1d', (4,), {'momentum': None}, [(6, 4)]),
    ('BatchNorm1d', (4,), {'affine': False}, [(6, 4)]),
    ('BatchNorm1d', (4,), {'track_running_stats': False}, [(6, 4)]),
    ('BatchNorm2d', (3,), {}, [(4, 3, 5, 5)]),
    ('BatchNorm2d', (3,), {'eps': 1e-3, 'momentum': 0.3}, [(4, 3, 5, 5)]),
    ('LayerNorm', (4,), {}, [(3, 4)]),
    ('LayerNorm', ((3, 4),), {}, [(2, 3, 4)]),
    ('LayerNorm', (4,), {'elementwise_affine': False}, [(3, 4)]),
    ('LayerNorm', (4,), {'bias': False}, [(3, 4)]),
    ('GroupNorm', (2, 4), {}, [(3, 4, 5)]),
    ('Dropout', (0.3,), {}, [(3, 4)]),   # eval mode only below: train mode is random
    ('ZeroPad2d', (1,), {}, [(1, 2, 3, 3)]),
    ('ZeroPad2d', ((1, 0, 2, 1),), {}, [(1, 2, 3, 3)]),
    ('ConstantPad2d', ((1, 2, 0, 1), 3.5), {}, [(1, 2, 3, 3)]),
    ('CosineSimilarity', (), {}, [(3, 4), (3, 4)]),
    ('PairwiseDistance', (), {}, [(3, 4), (3, 4)]),
    ('PairwiseDistance', (1.0,), {'keepdim': True}, [(3, 4), (3, 4)]),
]


@pytest.mark.parametrize('name,args,kwargs,inputs', LAYERS,
                         ids=[f"{n}-{i}" for i, (n, *_) in enumerate(LAYERS)])
def test_layer_matches_torch(name, args, kwargs, inputs):
    th, nb = pair(name, *args, **kwargs)
    modes = (False,) if name == 'Dropout' else (True, False)
    check_module(th, nb, inputs, modes=modes)


def test_reflection_pad_matches_torch():
    if not hasattr(nbtorch.nn.functional, 'interpolate'):
        pytest.skip("reflect padding comes from nbtorch.ops.resample (not merged yet)")
    check_module(*pair('ReflectionPad2d', 1), [(1, 2, 3, 3)])
    check_module(*pair('ReflectionPad2d', (1, 0, 2, 1)), [(1, 2, 4, 3)])


def test_batchnorm_running_stats_over_steps():
    th, nb = pair('BatchNorm2d', 3, momentum=None)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.standard_normal((4, 3, 2, 2)).astype(np.float32) * 3 + 1
        th(torch.from_numpy(x)), nb(nbtorch.from_numpy(x))
    for (k, a), (_, b) in zip(th.state_dict().items(), nb.state_dict().items()):
        compare(k, b, a, 1e-5, 1e-5)
    assert nb.num_batches_tracked.item() == 3
    nb.eval()
    th.eval()
    x = rng.standard_normal((2, 3, 2, 2)).astype(np.float32)
    compare('eval output', nb(nbtorch.from_numpy(x)), th(torch.from_numpy(x)), 1e-5, 1e-5)


def test_batchnorm_errors():
    for lib in (torch, nbtorch):
        with pytest.raises(ValueError, match='Expected more than 1 value per channel when training'):
            lib.nn.BatchNorm1d(3)(lib.ones(1, 3))
        with pytest.raises(ValueError, match=r'expected 4D input \(got 2D input\)'):
            lib.nn.BatchNorm2d(3)(lib.ones(2, 3))


def test_dropout_train_scaling_and_eval_identity():
    nb = nbtorch.nn.Dropout(0.25)
    x = nbtorch.ones(200, 50)
    y = nb(x)
    assert np.all(np.isclose(to_np(y), 0.0) | np.isclose(to_np(y), 1 / 0.75))
    assert abs((to_np(y) == 0).mean() - 0.25) < 0.03
    nb.eval()
    assert nb(x) is x
    assert repr(nb) == repr(torch.nn.Dropout(0.25))
    d2 = nbtorch.nn.Dropout2d(0.5)
    y = to_np(d2(nbtorch.ones(4, 6, 3, 3)))
    per_channel = y.reshape(24, 9)
    assert all(len(set(row)) == 1 for row in per_channel)   # whole channels dropped or kept
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    with pytest.raises(ValueError, match='dropout probability has to be between 0 and 1, but got 1.5'):
        nbtorch.nn.Dropout(1.5)


def test_dropout_same_mask_as_torch_with_same_seed():
    """nbtorch's RNG follows torch's: the same seed drops the same elements."""
    torch.manual_seed(3)
    nbtorch.manual_seed(3)
    a = torch.nn.functional.dropout(torch.ones(8, 8), 0.5)
    b = nbtorch.nn.functional.dropout(nbtorch.ones(8, 8), 0.5)
    np.testing.assert_array_equal(to_np(b), a.numpy())


def test_default_init_equals_torch_with_same_seed():
    torch.manual_seed(0)
    nbtorch.manual_seed(0)
    th = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2), torch.nn.Embedding(5, 2))
    nb = nbtorch.nn.Sequential(nbtorch.nn.Linear(4, 3), nbtorch.nn.Linear(3, 2), nbtorch.nn.Embedding(5, 2))
    for (k, a), (_, b) in zip(th.state_dict().items(), nb.state_dict().items()):
        np.testing.assert_allclose(to_np(b), a.numpy(), rtol=1e-6, atol=1e-7, err_msg=k)


def test_activation_constructor_errors():
    for lib in (torch, nbtorch):
        with pytest.raises(TypeError, match="unexpected keyword argument 'slope'"):
            lib.nn.LeakyReLU(slope=0.1)


def test_relu_inplace():
    th, nb = pair('ReLU', inplace=True)
    assert repr(nb) == repr(th) == 'ReLU(inplace=True)'
    x = nbtorch.tensor([-1.0, 2.0])
    y = nb(x)
    assert y is x and x.tolist() == [0.0, 2.0]


def test_embedding_padding_idx_and_from_pretrained():
    th, nb = pair('Embedding', 6, 3, padding_idx=1)
    idx = np.array([[0, 1, 5], [1, 2, 2]])
    check_module(th, nb, [idx])
    nb.zero_grad()
    nb(nbtorch.from_numpy(idx)).sum().backward()
    assert not nb.weight.grad[1].any()
    assert nb.weight.grad[2].tolist() == [2.0, 2.0, 2.0]
    w = np.arange(6, dtype=np.float32).reshape(3, 2)
    e_th = torch.nn.Embedding.from_pretrained(torch.from_numpy(w))
    e_nb = nbtorch.nn.Embedding.from_pretrained(nbtorch.from_numpy(w.copy()))
    assert not e_nb.weight.requires_grad
    assert repr(e_nb) == repr(e_th)
    compare('lookup', e_nb(nbtorch.tensor([2, 0])), e_th(torch.tensor([2, 0])), 0, 0)
    with pytest.raises(IndexError, match='index out of range in self'):
        e_nb(nbtorch.tensor([3]))


def test_sequential_indexing_and_mutation():
    t = torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 3), torch.nn.Tanh())
    n = nbtorch.nn.Sequential(nbtorch.nn.Linear(1, 2), nbtorch.nn.ReLU(), nbtorch.nn.Linear(2, 3), nbtorch.nn.Tanh())
    assert len(n) == len(t) == 4
    assert type(n[-1]).__name__ == 'Tanh' and type(n[1]).__name__ == 'ReLU'
    assert repr(n[1:3]) == repr(t[1:3])
    assert repr(n[::-1]) == repr(t[::-1])
    with pytest.raises(IndexError, match='index 4 is out of range'):
        n[4]
    with pytest.raises(IndexError, match='index 4 is out of range'):
        t[4]
    for s in (t, n):
        del s[1]
    assert repr(n) == repr(t)
    t.append(torch.nn.ReLU()), n.append(nbtorch.nn.ReLU())
    t.insert(0, torch.nn.Identity()), n.insert(0, nbtorch.nn.Identity())
    t.extend([torch.nn.Sigmoid()]), n.extend([nbtorch.nn.Sigmoid()])
    assert repr(n) == repr(t)
    assert [type(m).__name__ for m in n] == [type(m).__name__ for m in t]
    t[0] = torch.nn.ReLU()
    n[0] = nbtorch.nn.ReLU()
    assert repr(n) == repr(t)
    assert repr(n + n) == repr(t + t)


def test_sequential_ordered_dict():
    from collections import OrderedDict
    t = torch.nn.Sequential(OrderedDict([('fc', torch.nn.Linear(2, 2)), ('act', torch.nn.ReLU())]))
    n = nbtorch.nn.Sequential(OrderedDict([('fc', nbtorch.nn.Linear(2, 2)), ('act', nbtorch.nn.ReLU())]))
    assert repr(n) == repr(t)
    assert list(n.state_dict()) == list(t.state_dict()) == ['fc.weight', 'fc.bias']
    assert type(n.act).__name__ == 'ReLU'


def test_modulelist_and_moduledict():
    t = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)])
    n = nbtorch.nn.ModuleList([nbtorch.nn.Linear(2, 2) for _ in range(3)])
    assert repr(n) == repr(t)
    assert len(n) == 3 and len(n[1:]) == 2 and isinstance(n[1:], nbtorch.nn.ModuleList)
    n.append(nbtorch.nn.ReLU()), t.append(torch.nn.ReLU())
    n.insert(1, nbtorch.nn.Tanh()), t.insert(1, torch.nn.Tanh())
    del n[0], t[0]
    assert repr(n) == repr(t)
    assert list(n.state_dict()) == list(t.state_dict())
    td = torch.nn.ModuleDict({'b': torch.nn.ReLU(), 'a': torch.nn.Linear(1, 1)})
    nd = nbtorch.nn.ModuleDict({'b': nbtorch.nn.ReLU(), 'a': nbtorch.nn.Linear(1, 1)})
    assert repr(nd) == repr(td) and list(nd.keys()) == list(td.keys()) and 'a' in nd
    nd.pop('b'), td.pop('b')
    assert list(nd.state_dict()) == list(td.state_dict())


def test_parameter_list_and_dict():
    tl = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3)), torch.nn.Parameter(torch.ones(4))])
    nl = nbtorch.nn.ParameterList([nbtorch.nn.Parameter(nbtorch.ones(2, 3)), nbtorch.nn.Parameter(nbtorch.ones(4))])
    assert repr(nl) == repr(tl)
    assert repr(nl[:1]) == repr(tl[:1])
    assert list(nl.state_dict()) == list(tl.state_dict())
    td = torch.nn.ParameterDict({'w': torch.nn.Parameter(torch.ones(2))})
    nd = nbtorch.nn.ParameterDict({'w': nbtorch.nn.Parameter(nbtorch.ones(2))})
    assert repr(nd) == repr(td)
    assert list(nd.state_dict()) == list(td.state_dict())


def test_linear_grad_fn_names():
    lin = nbtorch.nn.Linear(3, 2)
    x = nbtorch.randn(4, 3)
    assert lin(x).grad_fn.name() == 'AddmmBackward0'
    assert nbtorch.nn.Linear(3, 2, bias=False)(x).grad_fn.name() == 'MmBackward0'
    assert lin(x[None]).grad_fn.name() == 'ViewBackward0'


def test_blitz_grad_fn_chain():
    """The 60-minute blitz walks loss.grad_fn.next_functions: MSELoss -> Addmm -> AccumulateGrad (bias)."""
    names = []
    for lib in (torch, nbtorch):
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.ReLU(), lib.nn.Linear(3, 2))
        loss = lib.nn.MSELoss()(net(lib.randn(5, 4)), lib.randn(5, 2))
        fn = loss.grad_fn
        chain = [type(fn).__name__ if lib is torch else fn.name()]
        chain.append(fn.next_functions[0][0].name())
        chain.append(fn.next_functions[0][0].next_functions[0][0].name())
        chain.append(fn.next_functions[0][0].next_functions[1][0].name())
        names.append(chain[1:])
    assert names[0] == names[1]


def test_linear_shape_and_dtype_errors():
    from tests.helpers import helper_test_exception
    helper_test_exception(lambda: torch.nn.Linear(4, 5)(torch.ones(2, 3)),
                          lambda: nbtorch.nn.Linear(4, 5)(nbtorch.ones(2, 3)), RuntimeError,
                          ['mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)'])
    helper_test_exception(lambda: torch.nn.Linear(3, 5)(torch.ones(2, 3, dtype=torch.float64)),
                          lambda: nbtorch.nn.Linear(3, 5)(nbtorch.ones(2, 3, dtype=nbtorch.float64)), RuntimeError,
                          ['mat1 and mat2 must have the same dtype, but got Double and Float'])
    helper_test_exception(lambda: torch.nn.Linear(3, 5, bias=False)(torch.ones(2, 3, dtype=torch.float64)),
                          lambda: nbtorch.nn.Linear(3, 5, bias=False)(nbtorch.ones(2, 3, dtype=nbtorch.float64)),
                          RuntimeError, ['expected m1 and m2 to have the same dtype, but got: double != float'])


def test_mlp_train_and_eval_with_batchnorm_dropout_identical_to_torch():
    def mlp(lib):
        nn = lib.nn
        return nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.GELU(), nn.Dropout(0.0), nn.Linear(16, 8),
                             nn.LayerNorm(8), nn.Tanh(), nn.Linear(8, 3), nn.LogSoftmax(dim=1))
    check_module(mlp(torch), mlp(nbtorch), [(10, 6)])


def test_double_precision_module():
    th, nb = pair('Linear', 3, 2)
    th.double(), nb.double()
    check_module(th, nb, [np.random.default_rng(0).standard_normal((4, 3))], atol=1e-12, rtol=1e-12,
                 grad_atol=1e-12, grad_rtol=1e-12)


MORE_LAYERS = [
    ('RMSNorm', (4,), {}, [(3, 4)]), ('RMSNorm', ((2, 4),), {'eps': 1e-3}, [(3, 2, 4)]),
    ('RMSNorm', (4,), {'elementwise_affine': False}, [(3, 4)]),
    ('InstanceNorm1d', (3,), {}, [(2, 3, 5)]), ('InstanceNorm2d', (3,), {'affine': True}, [(2, 3, 4, 4)]),
    ('InstanceNorm2d', (3,), {'affine': True, 'track_running_stats': True}, [(2, 3, 4, 4)]),
    ('InstanceNorm1d', (3,), {}, [(3, 5)]),
    ('ZeroPad1d', (2,), {}, [(2, 3, 4)]), ('ZeroPad3d', ((1, 0, 0, 1, 1, 1),), {}, [(1, 2, 2, 2, 2)]),
    ('ConstantPad1d', ((1, 2), 0.5), {}, [(2, 3)]), ('ConstantPad3d', (1, -1.0), {}, [(1, 1, 2, 2, 2)]),
    ('ReflectionPad1d', (2,), {}, [(2, 3, 4)]), ('ReflectionPad2d', (1,), {}, [(1, 2, 3, 3)]),
    ('ReflectionPad2d', ((1, 0, 2, 1),), {}, [(1, 2, 4, 3)]),
    ('ReplicationPad1d', ((2, 1),), {}, [(2, 3, 4)]), ('ReplicationPad2d', (1,), {}, [(1, 2, 3, 3)]),
    ('CircularPad1d', (1,), {}, [(2, 3, 4)]), ('CircularPad2d', ((1, 0, 1, 2),), {}, [(1, 2, 3, 3)]),
    ('Upsample', (), {'scale_factor': 2}, [(1, 2, 3, 3)]),
    ('Upsample', (), {'size': (5, 4), 'mode': 'bilinear', 'align_corners': False}, [(1, 2, 3, 3)]),
    ('UpsamplingNearest2d', (), {'scale_factor': 2}, [(1, 2, 3, 3)]),
    ('UpsamplingBilinear2d', (), {'size': 5}, [(1, 2, 3, 3)]),
    ('Unfold', (2,), {'stride': 1}, [(1, 2, 4, 4)]), ('Fold', ((4, 4), 2), {'stride': 2}, [(1, 8, 4)]),
    ('PixelShuffle', (2,), {}, [(1, 8, 2, 3)]), ('PixelUnshuffle', (2,), {}, [(1, 2, 4, 6)]),
]


@pytest.mark.parametrize('name,args,kwargs,inputs', MORE_LAYERS,
                         ids=[f"{n}-{i}" for i, (n, *_) in enumerate(MORE_LAYERS)])
def test_more_layers_match_torch(name, args, kwargs, inputs):
    check_module(*pair(name, *args, **kwargs), inputs)


def test_pad_sequence():
    seqs = [np.arange(6, dtype=np.float32).reshape(3, 2), np.ones((1, 2), np.float32), np.zeros((2, 2), np.float32)]
    for kw in ({}, {'batch_first': True}, {'padding_value': -1.0, 'padding_side': 'left'}):
        a = torch.nn.utils.rnn.pad_sequence([torch.from_numpy(s) for s in seqs], **kw)
        b = nbtorch.nn.utils.rnn.pad_sequence([nbtorch.from_numpy(s) for s in seqs], **kw)
        compare(str(kw), b, a, 0, 0)
