"""nn.functional against torch: activations, normalizations, embedding, one_hot, distances, padding, dropout."""
import numpy as np
import pytest
import torch

import nbtorch
from tests.helpers import helper_test_op, helper_test_exception, to_np

F_T, F_N = torch.nn.functional, nbtorch.nn.functional


def same(name, **kw):
    return (lambda *a: getattr(F_T, name)(*a, **kw)), (lambda *a: getattr(F_N, name)(*a, **kw))


@pytest.mark.parametrize('name,kw', [
    ('relu', {}), ('relu6', {}), ('leaky_relu', {}), ('leaky_relu', {'negative_slope': 0.3}), ('gelu', {}),
    ('gelu', {'approximate': 'tanh'}), ('elu', {}), ('elu', {'alpha': 0.3}), ('silu', {}), ('softplus', {}),
    ('softplus', {'beta': 3, 'threshold': 2}), ('hardtanh', {}), ('hardtanh', {'min_val': -0.2, 'max_val': 1.5}),
    ('sigmoid', {}), ('tanh', {}), ('selu', {}), ('celu', {'alpha': 0.7}), ('mish', {}), ('hardswish', {}),
    ('hardsigmoid', {}), ('logsigmoid', {}), ('hardshrink', {}), ('softshrink', {'lambd': 0.2}),
    ('threshold', {'threshold': 0.5, 'value': -1.0}), ('softsign', {}), ('tanhshrink', {}), ('softmax', {'dim': 0}), ('log_softmax', {'dim': 1}), ('softmin', {'dim': 1}),
])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_activations(name, kw, dtype):
    t, n = same(name, **kw)
    tol = dict(atol=1e-6, rtol=1e-5) if dtype == 'float32' else dict(atol=1e-12, rtol=1e-10, grad_atol=1e-12,
                                                                      grad_rtol=1e-10)
    helper_test_op([(3, 7)], t, n, dtype=dtype, low=-4, high=4, **tol)
    out = n(nbtorch.randn(2, 3, requires_grad=True))
    assert out.grad_fn.name() == t(torch.randn(2, 3, requires_grad=True)).grad_fn.name()


def test_activation_extremes_finite():
    x = np.array([-1e4, -50.0, 0.0, 50.0, 1e4], np.float32)
    for name in ('gelu', 'elu', 'silu', 'softplus', 'sigmoid', 'tanh', 'leaky_relu'):
        t, n = same(name)
        helper_test_op([x], t, n)


def test_glu():
    helper_test_op([(4, 6)], F_T.glu, F_N.glu)
    helper_test_op([(4, 6)], lambda x: F_T.glu(x, 0), lambda x: F_N.glu(x, 0))
    helper_test_exception(lambda: F_T.glu(torch.ones(3, 7)), lambda: F_N.glu(nbtorch.ones(3, 7)), RuntimeError,
                          ['Halving dimension must be even, but dimension 1 is size 7'])


def test_prelu():
    helper_test_op([(2, 3, 4), np.array([0.1, 0.2, 0.3], np.float32)], F_T.prelu, F_N.prelu)
    helper_test_op([(2, 3), np.array([0.25], np.float32)], F_T.prelu, F_N.prelu)


def test_inplace_activations():
    for name in ('leaky_relu', 'elu', 'hardtanh', 'relu6', 'silu'):
        x = nbtorch.tensor([-1.0, 2.0])
        y = getattr(F_N, name)(x, inplace=True)
        xt = torch.tensor([-1.0, 2.0])
        getattr(F_T, name)(xt, inplace=True)
        assert y is x
        np.testing.assert_allclose(to_np(x), xt.numpy(), rtol=1e-6)


@pytest.mark.parametrize('shape,ns', [((3, 4), (4,)), ((2, 3, 4), (3, 4)), ((2, 5), [5])])
def test_layer_norm(shape, ns):
    wshape = tuple(ns) if isinstance(ns, (tuple, list)) else (ns,)
    helper_test_op([shape, wshape, wshape], lambda x, w, b: F_T.layer_norm(x, ns, w, b),
                   lambda x, w, b: F_N.layer_norm(x, ns, w, b))
    helper_test_op([shape], lambda x: F_T.layer_norm(x, ns), lambda x: F_N.layer_norm(x, ns))
    helper_test_op([shape, wshape], lambda x, w: F_T.layer_norm(x, ns, w), lambda x, w: F_N.layer_norm(x, ns, w))


def test_layer_norm_error():
    helper_test_exception(lambda: F_T.layer_norm(torch.ones(2, 3), (4,)),
                          lambda: F_N.layer_norm(nbtorch.ones(2, 3), (4,)), RuntimeError,
                          ['Given normalized_shape=[4], expected input with shape [*, 4]'])


@pytest.mark.parametrize('training', [True, False])
def test_batch_norm_functional(training):
    rm, rv = np.array([0.1, -0.2, 0.3], np.float32), np.array([1.5, 0.5, 2.0], np.float32)
    rms = {}

    def run(lib, x, w, b):
        m, v = lib.from_numpy(rm.copy()), lib.from_numpy(rv.copy())
        out = lib.nn.functional.batch_norm(x, m, v, w, b, training=training, momentum=0.2, eps=1e-3)
        rms[lib.__name__] = (to_np(m), to_np(v))
        return out
    helper_test_op([(4, 3, 5), (3,), (3,)], lambda *a: run(torch, *a), lambda *a: run(nbtorch, *a))
    np.testing.assert_allclose(rms['nbtorch'][0], rms['torch'][0], rtol=1e-5)
    np.testing.assert_allclose(rms['nbtorch'][1], rms['torch'][1], rtol=1e-5)


def test_group_norm_functional():
    helper_test_op([(2, 6, 3, 2), (6,), (6,)], lambda x, w, b: F_T.group_norm(x, 3, w, b),
                   lambda x, w, b: F_N.group_norm(x, 3, w, b))


def test_embedding_and_one_hot():
    idx = np.array([[0, 3], [3, 1]])
    helper_test_op([(4, 3)], lambda w: F_T.embedding(torch.from_numpy(idx), w, padding_idx=3),
                   lambda w: F_N.embedding(nbtorch.from_numpy(idx), w, padding_idx=3))
    for nc in (-1, 6):
        a = F_N.one_hot(nbtorch.tensor([[0, 2], [4, 1]]), nc)
        b = F_T.one_hot(torch.tensor([[0, 2], [4, 1]]), nc)
        assert a.dtype == nbtorch.int64 and a.tolist() == b.tolist()
    helper_test_exception(lambda: F_T.one_hot(torch.tensor([1.0])), lambda: F_N.one_hot(nbtorch.tensor([1.0])),
                          RuntimeError, ['one_hot is only applicable to index tensor of type LongTensor.'])
    helper_test_exception(lambda: F_T.one_hot(torch.tensor([3]), 3), lambda: F_N.one_hot(nbtorch.tensor([3]), 3),
                          RuntimeError, ['Class values must be smaller than num_classes.'])
    helper_test_exception(lambda: F_T.one_hot(torch.tensor([-1])), lambda: F_N.one_hot(nbtorch.tensor([-1])),
                          RuntimeError, ['Class values must be non-negative.'])


def test_distances_and_normalize():
    helper_test_op([(3, 4), (3, 4)], F_T.cosine_similarity, F_N.cosine_similarity)
    helper_test_op([(3, 4), (1, 4)], lambda a, b: F_T.cosine_similarity(a, b, dim=1),
                   lambda a, b: F_N.cosine_similarity(a, b, dim=1))
    helper_test_op([(3, 4), (3, 4)], F_T.pairwise_distance, F_N.pairwise_distance)
    helper_test_op([(3, 4), (3, 4)], lambda a, b: F_T.pairwise_distance(a, b, p=1.0, keepdim=True),
                   lambda a, b: F_N.pairwise_distance(a, b, p=1.0, keepdim=True))
    helper_test_op([(3, 4)], F_T.normalize, F_N.normalize)
    helper_test_op([(3, 4)], lambda a: F_T.normalize(a, p=1.0, dim=0), lambda a: F_N.normalize(a, p=1.0, dim=0))


@pytest.mark.parametrize('pad', [(1, 1), (1, 2, 0, 3), (0, 0, 1, 0, 2, 1), (-1, 1)])
def test_constant_pad(pad):
    helper_test_op([(2, 3, 4)], lambda x: F_T.pad(x, pad), lambda x: F_N.pad(x, pad))
    helper_test_op([(2, 3, 4)], lambda x: F_T.pad(x, pad, value=2.5), lambda x: F_N.pad(x, pad, value=2.5))


def test_linear_functional():
    helper_test_op([(5, 3), (4, 3), (4,)], F_T.linear, F_N.linear)
    helper_test_op([(2, 5, 3), (4, 3)], F_T.linear, F_N.linear)
    helper_test_op([(3,), (4, 3), (4,)], F_T.linear, F_N.linear)
    helper_test_op([(5, 3), (5, 4), (2, 3, 4), (2,)], F_T.bilinear, F_N.bilinear)


def test_dropout_functional_modes():
    x = nbtorch.ones(3, 3)
    assert F_N.dropout(x, 0.5, training=False) is x
    assert not F_N.dropout(x, 1.0).any()
    with pytest.raises(ValueError, match='dropout probability has to be between 0 and 1, but got -0.1'):
        F_N.dropout(x, -0.1)
    y = nbtorch.ones(4, 4, requires_grad=True)
    out = F_N.dropout(y, 0.5)
    out.sum().backward()
    np.testing.assert_array_equal(to_np(y.grad), to_np(out.detach()))   # grad = mask / (1 - p)
    assert out.grad_fn.name() == 'MulBackward0'


def test_dropout2d_matches_torch_with_seed():
    torch.manual_seed(7)
    nbtorch.manual_seed(7)
    a = F_T.dropout2d(torch.ones(3, 4, 2, 2), 0.5)
    b = F_N.dropout2d(nbtorch.ones(3, 4, 2, 2), 0.5)
    np.testing.assert_array_equal(to_np(b), a.numpy())


def test_scaled_dot_product_attention():
    helper_test_op([(2, 3, 4), (2, 5, 4), (2, 5, 6)], F_T.scaled_dot_product_attention,
                   F_N.scaled_dot_product_attention, atol=1e-5)
    helper_test_op([(2, 3, 4), (2, 3, 4), (2, 3, 6)],
                   lambda q, k, v: F_T.scaled_dot_product_attention(q, k, v, is_causal=True),
                   lambda q, k, v: F_N.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-5)


def test_embedding_max_norm_renormalizes_rows_in_place():
    w = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32) * 3
    wt, wn = torch.from_numpy(w.copy()), nbtorch.from_numpy(w.copy())
    a = F_T.embedding(torch.tensor([0, 2, 2]), wt, max_norm=1.0)
    b = F_N.embedding(nbtorch.tensor([0, 2, 2]), wn, max_norm=1.0)
    np.testing.assert_allclose(to_np(b), a.numpy(), rtol=1e-6)
    np.testing.assert_allclose(to_np(wn), wt.numpy(), rtol=1e-6)


@pytest.mark.parametrize('name,shape', [('dropout', (4, 5)), ('dropout1d', (3, 4, 5)), ('dropout1d', (4, 5)),
                                        ('dropout2d', (2, 3, 4, 4)), ('dropout3d', (2, 3, 2, 2, 2)),
                                        ('dropout3d', (3, 2, 2, 2))])
def test_dropout_family_same_masks_as_torch(name, shape):
    torch.manual_seed(11)
    nbtorch.manual_seed(11)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    a = getattr(F_T, name)(torch.from_numpy(x.copy()), 0.4)
    b = getattr(F_N, name)(nbtorch.from_numpy(x.copy()), 0.4)
    np.testing.assert_allclose(to_np(b), a.numpy(), rtol=1e-6)
    for lib, cls in ((torch, 'Dropout3d'), (nbtorch, 'Dropout3d')):
        assert repr(getattr(lib.nn, cls)(0.2)) == 'Dropout3d(p=0.2, inplace=False)'
