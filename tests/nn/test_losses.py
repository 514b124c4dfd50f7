"""Every loss against torch: values and gradients (input and, where torch has one, target), all reductions,
weights, ignore_index, label smoothing, K-dim inputs, extreme logits, and error parity."""
import numpy as np
import pytest
import torch

import nbtorch
from tests.helpers import helper_test_op, helper_test_exception, compare, to_np

F_T, F_N = torch.nn.functional, nbtorch.nn.functional
REDUCTIONS = ['mean', 'sum', 'none']


def both(fn_name, **kw):
    return (lambda *a: getattr(F_T, fn_name)(*a, **kw)), (lambda *a: getattr(F_N, fn_name)(*a, **kw))


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('name,kw', [('mse_loss', {}), ('l1_loss', {}), ('smooth_l1_loss', {}),
                                     ('smooth_l1_loss', {'beta': 0.5}), ('smooth_l1_loss', {'beta': 0.0}),
                                     ('huber_loss', {}), ('huber_loss', {'delta': 0.3})])
def test_regression_losses(name, kw, reduction):
    t, n = both(name, reduction=reduction, **kw)
    helper_test_op([(4, 5), (4, 5)], t, n)


@pytest.mark.parametrize('name', ['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss'])
def test_regression_loss_shape_mismatch(name):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        helper_test_exception(lambda: getattr(F_T, name)(torch.ones(2, 3), torch.ones(2, 4)),
                              lambda: getattr(F_N, name)(nbtorch.ones(2, 3), nbtorch.ones(2, 4)), RuntimeError,
                              ['The size of tensor a (3) must match the size of tensor b (4) at non-singleton '
                               'dimension 1'])


def test_mse_broadcast_warns_like_torch():
    t, n = both('mse_loss')
    with pytest.warns(UserWarning, match='different to the input size'):
        helper_test_op([(4, 5), (5,)], t, n)


@pytest.mark.parametrize('module,kw', [('MSELoss', {}), ('L1Loss', {'reduction': 'sum'}),
                                       ('SmoothL1Loss', {'beta': 2.0}), ('HuberLoss', {'delta': 0.5})])
def test_regression_loss_modules(module, kw):
    th, nb = getattr(torch.nn, module)(**kw), getattr(nbtorch.nn, module)(**kw)
    assert repr(nb) == repr(th)
    helper_test_op([(3, 4), (3, 4)], th, nb)


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('smoothing', [0.0, 0.2])
@pytest.mark.parametrize('ignore', [False, True])
def test_cross_entropy_class_indices(reduction, weighted, smoothing, ignore):
    target = np.array([0, 2, 1, 4, 2, 3])
    if ignore:
        target[1] = -100
    w = np.array([0.5, 1.0, 2.0, 1.5, 0.3], np.float32) if weighted else None
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    helper_test_op([(6, 5)],
                   lambda x: F_T.cross_entropy(x, torch.from_numpy(target),
                                               weight=None if w is None else torch.from_numpy(w), **kw),
                   lambda x: F_N.cross_entropy(x, nbtorch.from_numpy(target),
                                               weight=None if w is None else nbtorch.from_numpy(w), **kw))


@pytest.mark.parametrize('shape,tshape', [((2, 3, 4), (2, 4)), ((2, 3, 4, 5), (2, 4, 5)), ((5,), ())])
@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_cross_entropy_k_dim_and_unbatched(shape, tshape, reduction):
    target = np.random.default_rng(1).integers(0, shape[1] if len(shape) > 1 else shape[0], size=tshape)
    out = helper_test_op([shape], lambda x: F_T.cross_entropy(x, torch.from_numpy(target), reduction=reduction),
                         lambda x: F_N.cross_entropy(x, nbtorch.from_numpy(target), reduction=reduction))
    if reduction == 'mean':
        assert out[1].grad_fn.name() == out[0].grad_fn.name()


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('smoothing', [0.0, 0.1])
@pytest.mark.parametrize('weighted', [False, True])
def test_cross_entropy_probabilities(reduction, smoothing, weighted):
    p = np.random.default_rng(2).dirichlet(np.ones(4), size=(3,)).astype(np.float32)
    w = np.array([1.0, 2.0, 0.5, 1.0], np.float32) if weighted else None
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    helper_test_op([(3, 4)],
                   lambda x: F_T.cross_entropy(x, torch.from_numpy(p), weight=None if w is None else
                                               torch.from_numpy(w), **kw),
                   lambda x: F_N.cross_entropy(x, nbtorch.from_numpy(p), weight=None if w is None else
                                               nbtorch.from_numpy(w), **kw))


def test_cross_entropy_stable_for_huge_logits():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]], np.float32)
    t = np.array([1, 1])
    out = helper_test_op([x], lambda a: F_T.cross_entropy(a, torch.from_numpy(t)),
                         lambda a: F_N.cross_entropy(a, nbtorch.from_numpy(t)))
    assert np.isfinite(to_np(out[1]))
    xn = nbtorch.from_numpy(x.copy()).requires_grad_()
    F_N.cross_entropy(xn, nbtorch.from_numpy(t)).backward()
    assert np.all(np.isfinite(to_np(xn.grad)))


def test_cross_entropy_grad_is_softmax_minus_onehot():
    x = nbtorch.randn(4, 3, requires_grad=True)
    t = nbtorch.tensor([0, 2, 1, 1])
    F_N.cross_entropy(x, t, reduction='sum').backward()
    expected = x.detach().softmax(1) - F_N.one_hot(t, 3).float()
    np.testing.assert_allclose(to_np(x.grad), to_np(expected), atol=1e-6)
    assert F_N.cross_entropy(x, t).grad_fn.name() == 'NllLossBackward0'


def test_cross_entropy_module_and_repr():
    th, nb = torch.nn.CrossEntropyLoss(label_smoothing=0.1), nbtorch.nn.CrossEntropyLoss(label_smoothing=0.1)
    assert repr(nb) == repr(th)
    t = np.array([1, 0, 2])
    helper_test_op([(3, 3)], lambda x: th(x, torch.from_numpy(t)), lambda x: nb(x, nbtorch.from_numpy(t)))
    assert list(nbtorch.nn.CrossEntropyLoss(weight=nbtorch.ones(3)).state_dict()) == \
        list(torch.nn.CrossEntropyLoss(weight=torch.ones(3)).state_dict())


def test_cross_entropy_errors():
    x_t, x_n = torch.randn(4, 3), nbtorch.randn(4, 3)
    helper_test_exception(lambda: F_T.cross_entropy(x_t, torch.tensor([0, 1, 5, 0])),
                          lambda: F_N.cross_entropy(x_n, nbtorch.tensor([0, 1, 5, 0])), IndexError,
                          ['Target 5 is out of bounds.'])
    helper_test_exception(lambda: F_T.cross_entropy(x_t, torch.tensor([0., 1., 2., 0.])),
                          lambda: F_N.cross_entropy(x_n, nbtorch.tensor([0., 1., 2., 0.])), RuntimeError,
                          ['expected target dtype to be Long or Byte, but got Float'])
    helper_test_exception(lambda: F_T.cross_entropy(x_t, torch.tensor([0, 1, 2])),
                          lambda: F_N.cross_entropy(x_n, nbtorch.tensor([0, 1, 2])), ValueError,
                          ['Expected input batch_size (4) to match target batch_size (3).'])
    helper_test_exception(lambda: F_T.cross_entropy(x_t, torch.zeros(4, 3, dtype=torch.long)),
                          lambda: F_N.cross_entropy(x_n, nbtorch.zeros(4, 3, dtype=nbtorch.long)), RuntimeError,
                          ['Expected floating point type for target with class probabilities, got Long'])
    helper_test_exception(lambda: F_T.cross_entropy(x_t, torch.zeros(4, 1, dtype=torch.long)),
                          lambda: F_N.cross_entropy(x_n, nbtorch.zeros(4, 1, dtype=nbtorch.long)), RuntimeError,
                          ['0D or 1D target tensor expected, multi-target not supported'])
    helper_test_exception(lambda: F_T.cross_entropy(torch.randn(3), torch.zeros(2, dtype=torch.long)),
                          lambda: F_N.cross_entropy(nbtorch.randn(3), nbtorch.zeros(2, dtype=nbtorch.long)),
                          ValueError, ['For 1D input, 1D target must have size 1, but got target size: 2'])
    helper_test_exception(lambda: F_T.cross_entropy(torch.randn(2, 3, 4), torch.zeros(2, 5, dtype=torch.long)),
                          lambda: F_N.cross_entropy(nbtorch.randn(2, 3, 4), nbtorch.zeros(2, 5, dtype=nbtorch.long)),
                          RuntimeError, ['Expected target size [2, 4], got [2, 5]'])
    helper_test_exception(lambda: F_T.nll_loss(x_t, torch.tensor([0, 1, -3, 0])),
                          lambda: F_N.nll_loss(x_n, nbtorch.tensor([0, 1, -3, 0])), IndexError,
                          ['Target -3 is out of bounds.'])


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('weighted', [False, True])
def test_nll_loss(reduction, weighted):
    t = np.array([2, 0, -100, 1])
    w = np.array([1.0, 0.5, 2.0], np.float32) if weighted else None
    helper_test_op([(4, 3)],
                   lambda x: F_T.nll_loss(x.log_softmax(1), torch.from_numpy(t), ignore_index=-100,
                                          weight=None if w is None else torch.from_numpy(w), reduction=reduction),
                   lambda x: F_N.nll_loss(x.log_softmax(1), nbtorch.from_numpy(t), ignore_index=-100,
                                          weight=None if w is None else nbtorch.from_numpy(w), reduction=reduction))
    th, nb = torch.nn.NLLLoss(), nbtorch.nn.NLLLoss()
    assert repr(nb) == repr(th)


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('weighted', [False, True])
def test_binary_cross_entropy(reduction, weighted):
    w = np.array([0.5, 2.0, 1.0], np.float32) if weighted else None
    helper_test_op([(4, 3), (4, 3)],
                   lambda x, t: F_T.binary_cross_entropy(x.sigmoid(), t.sigmoid(), reduction=reduction,
                                                         weight=None if w is None else torch.from_numpy(w)),
                   lambda x, t: F_N.binary_cross_entropy(x.sigmoid(), t.sigmoid(), reduction=reduction,
                                                         weight=None if w is None else nbtorch.from_numpy(w)))


def test_bce_log_clamp_at_minus_100():
    x = np.array([0.0, 1.0, 0.5], np.float32)
    t = np.array([1.0, 0.0, 1.0], np.float32)
    compare('bce', F_N.binary_cross_entropy(nbtorch.from_numpy(x), nbtorch.from_numpy(t), reduction='none'),
            F_T.binary_cross_entropy(torch.from_numpy(x), torch.from_numpy(t), reduction='none'), 1e-6, 1e-6)


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('pos_weight', [None, [1.0, 3.0, 0.5]])
@pytest.mark.parametrize('weighted', [False, True])
def test_bce_with_logits(reduction, pos_weight, weighted):
    pw = None if pos_weight is None else np.array(pos_weight, np.float32)
    w = np.array([[0.5], [2.0], [1.0], [1.0]], np.float32) if weighted else None

    def run(lib, x, t):
        mk = lambda a: None if a is None else lib.from_numpy(a.copy())
        return lib.nn.functional.binary_cross_entropy_with_logits(x, t.sigmoid(), weight=mk(w),
                                                                  pos_weight=mk(pw), reduction=reduction)
    helper_test_op([(4, 3), (4, 3)], lambda x, t: run(torch, x, t), lambda x, t: run(nbtorch, x, t))


def test_bce_with_logits_stable_and_module():
    x = np.array([1e4, -1e4, 0.0, 50.0, -50.0], np.float32)
    t = np.array([0.0, 1.0, 0.5, 1.0, 0.0], np.float32)
    th, nb = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.0)), \
        nbtorch.nn.BCEWithLogitsLoss(pos_weight=nbtorch.tensor(2.0))
    out = helper_test_op([x, t], lambda a, b: th(a, b), lambda a, b: nb(a, b))
    assert np.isfinite(to_np(out[1]))
    assert repr(nb) == repr(th)
    assert list(nb.state_dict()) == list(th.state_dict())


def test_bce_errors():
    helper_test_exception(lambda: F_T.binary_cross_entropy(torch.rand(4, 3), torch.rand(3)),
                          lambda: F_N.binary_cross_entropy(nbtorch.rand(4, 3), nbtorch.rand(3)), ValueError,
                          ['Using a target size (torch.Size([3])) that is different to the input size '
                           '(torch.Size([4, 3])) is deprecated'])
    helper_test_exception(lambda: F_T.binary_cross_entropy(torch.ones(2) * 2, torch.ones(2)),
                          lambda: F_N.binary_cross_entropy(nbtorch.ones(2) * 2, nbtorch.ones(2)), RuntimeError,
                          ['all elements of input should be between 0 and 1'])
    helper_test_exception(lambda: F_T.binary_cross_entropy_with_logits(torch.rand(4, 3), torch.rand(3)),
                          lambda: F_N.binary_cross_entropy_with_logits(nbtorch.rand(4, 3), nbtorch.rand(3)),
                          ValueError, ['Target size (torch.Size([3])) must be the same as input size '
                                       '(torch.Size([4, 3]))'])


@pytest.mark.parametrize('reduction', ['batchmean', 'sum', 'none', 'mean'])
@pytest.mark.parametrize('log_target', [False, True])
def test_kl_div(reduction, log_target):
    p = np.random.default_rng(3).dirichlet(np.ones(4), size=3).astype(np.float32)
    p[0, 1] = 0.0   # a zero probability contributes 0
    tgt = np.log(p + 1e-8).astype(np.float32) if log_target else p
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        helper_test_op([(3, 4)],
                       lambda x: F_T.kl_div(x.log_softmax(1), torch.from_numpy(tgt), reduction=reduction,
                                            log_target=log_target),
                       lambda x: F_N.kl_div(x.log_softmax(1), nbtorch.from_numpy(tgt), reduction=reduction,
                                            log_target=log_target))
    assert repr(nbtorch.nn.KLDivLoss(reduction='batchmean')) == repr(torch.nn.KLDivLoss(reduction='batchmean'))


def test_loss_dtype_float32_stays_float32():
    x = nbtorch.randn(4, 3, requires_grad=True)
    for loss in (F_N.cross_entropy(x, nbtorch.tensor([0, 1, 2, 0])), F_N.mse_loss(x, x.detach() * 0),
                 F_N.binary_cross_entropy_with_logits(x, x.detach().sigmoid()),
                 F_N.smooth_l1_loss(x, x.detach() + 1)):
        assert loss.dtype == nbtorch.float32
        loss.backward()
        assert x.grad.dtype == nbtorch.float32


def test_invalid_reduction():
    with pytest.raises(ValueError, match='nope is not a valid value for reduction'):
        F_N.mse_loss(nbtorch.ones(2), nbtorch.ones(2), reduction='nope')
    with pytest.raises(ValueError, match='nope is not a valid value for reduction'):
        F_T.mse_loss(torch.ones(2), torch.ones(2), reduction='nope')


SIGNS = np.array([1.0, -1.0, 1.0, -1.0], np.float32)


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_margin_and_embedding_losses(reduction):
    kw = dict(reduction=reduction)
    helper_test_op([(4,), (4,), SIGNS], lambda a, b, y: F_T.margin_ranking_loss(a, b, y, margin=0.3, **kw),
                   lambda a, b, y: F_N.margin_ranking_loss(a, b, y, margin=0.3, **kw))
    helper_test_op([(4, 3), (4, 3), SIGNS], lambda a, b, y: F_T.cosine_embedding_loss(a, b, y, margin=0.1, **kw),
                   lambda a, b, y: F_N.cosine_embedding_loss(a, b, y, margin=0.1, **kw))
    helper_test_op([(4,), SIGNS], lambda a, y: F_T.hinge_embedding_loss(a, y, **kw),
                   lambda a, y: F_N.hinge_embedding_loss(a, y, **kw))
    helper_test_op([(4,)], lambda a: F_T.soft_margin_loss(a, torch.from_numpy(SIGNS), **kw),
                   lambda a: F_N.soft_margin_loss(a, nbtorch.from_numpy(SIGNS), **kw))
    for swap in (False, True):
        helper_test_op([(4, 3), (4, 3), (4, 3)],
                       lambda a, p, n: F_T.triplet_margin_loss(a, p, n, swap=swap, **kw),
                       lambda a, p, n: F_N.triplet_margin_loss(a, p, n, swap=swap, **kw))


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_likelihood_losses(reduction):
    kw = dict(reduction=reduction)
    counts = np.array([[0., 1., 3.], [2., 5., 0.]], np.float32)
    for log_input in (True, False):
        for full in (False, True):
            helper_test_op([(2, 3), counts],
                           lambda x, t: F_T.poisson_nll_loss(x if log_input else x.exp(), t, log_input=log_input,
                                                             full=full, **kw),
                           lambda x, t: F_N.poisson_nll_loss(x if log_input else x.exp(), t, log_input=log_input,
                                                             full=full, **kw))
    var = np.array([[0.5, 1.0, 2.0], [1e-9, 0.3, 1.5]], np.float32)
    for full in (False, True):
        helper_test_op([(2, 3), (2, 3), var], lambda x, t, v: F_T.gaussian_nll_loss(x, t, v, full=full, **kw),
                       lambda x, t, v: F_N.gaussian_nll_loss(x, t, v, full=full, **kw))
    helper_test_op([(2, 3), (2, 3), np.array([0.5, 1.0], np.float32)],
                   lambda x, t, v: F_T.gaussian_nll_loss(x, t, v, **kw),
                   lambda x, t, v: F_N.gaussian_nll_loss(x, t, v, **kw))
    y = np.array([[1., 0., 1.], [0., 0., 1.]], np.float32)
    helper_test_op([(2, 3), y], lambda x, t: F_T.multilabel_soft_margin_loss(x, t, **kw),
                   lambda x, t: F_N.multilabel_soft_margin_loss(x, t, **kw))


@pytest.mark.parametrize('name,args', [('MarginRankingLoss', (0.5,)), ('CosineEmbeddingLoss', ()),
                                       ('HingeEmbeddingLoss', ()), ('SoftMarginLoss', ()),
                                       ('TripletMarginLoss', ()), ('PoissonNLLLoss', ()), ('GaussianNLLLoss', ()),
                                       ('MultiLabelSoftMarginLoss', ())])
def test_extra_loss_module_reprs(name, args):
    assert repr(getattr(nbtorch.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
