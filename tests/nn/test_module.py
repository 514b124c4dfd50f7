"""nn.Module and nn.Parameter against torch: registration, traversal, state_dict, hooks, repr, conversion."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import nbtorch
from tests.helpers import helper_test_exception, to_np
from tests.nn.nn_compare import check_module, copy_weights, check_state_dict_layout


def build(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.0))
            self.heads = nn.ModuleDict({'a': nn.Linear(8, 3), 'b': nn.Linear(8, 2, bias=False)})
            self.blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)] + [nn.Tanh()])
            self.scale = nn.Parameter(lib.ones(1))
            self.register_buffer('steps', lib.zeros(2))
            self.register_buffer('tmp', lib.zeros(1), persistent=False)

        def forward(self, x):
            h = self.features(x)
            for b in self.blocks:
                h = b(h)
            return self.heads['a'](h) * self.scale, self.heads['b'](h)
    return Net()


def test_parameter_basics():
    p = nbtorch.nn.Parameter(nbtorch.ones(2, 2))
    q = torch.nn.Parameter(torch.ones(2, 2))
    assert isinstance(p, nbtorch.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p) == repr(q)
    assert repr(nbtorch.nn.Parameter(nbtorch.zeros(3), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.zeros(3), requires_grad=False))
    t = nbtorch.arange(3.)
    shared = nbtorch.nn.Parameter(t)
    t[0] = 5.
    assert shared[0].item() == 5.0   # shares storage, as torch


def test_registration_and_traversal():
    th, nb = build(torch), build(nbtorch)
    for meth in ('named_parameters', 'named_buffers', 'named_children', 'named_modules'):
        assert [n for n, _ in getattr(nb, meth)()] == [n for n, _ in getattr(th, meth)()], meth
    assert [n for n, _ in nb.named_parameters(prefix='m', recurse=False)] == \
        [n for n, _ in th.named_parameters(prefix='m', recurse=False)]
    assert len(list(nb.parameters())) == len(list(th.parameters()))
    assert len(list(nb.modules())) == len(list(th.modules()))
    assert len(list(nb.children())) == len(list(th.children()))
    assert isinstance(nb.features[0].weight, nbtorch.nn.Parameter)
    assert sorted(set(dir(th)) & {'features', 'heads', 'scale', 'steps'}) == \
        sorted(set(dir(nb)) & {'features', 'heads', 'scale', 'steps'})
    assert nb.get_submodule('features.0') is nb.features[0]
    assert nb.get_parameter('features.0.bias') is nb.features[0].bias
    with pytest.raises(AttributeError, match='has no attribute `nope`'):
        nb.get_submodule('features.nope')


def test_shared_parameters_removed_once():
    for lib in (torch, nbtorch):
        lin = lib.nn.Linear(2, 2)
        seq = lib.nn.Sequential(lin, lin)
        assert len(list(seq.parameters())) == 2
        assert len(list(seq.named_parameters(remove_duplicate=False))) == 4


def test_setattr_delattr_getattr_errors():
    helper_test_exception(lambda: torch.nn.Linear(2, 2).nope, lambda: nbtorch.nn.Linear(2, 2).nope,
                          AttributeError, ["'Linear' object has no attribute 'nope'"])

    def assign_tensor_to_param(lib):
        m = lib.nn.Linear(2, 2)
        m.weight = lib.ones(2, 2)
    helper_test_exception(lambda: assign_tensor_to_param(torch), lambda: assign_tensor_to_param(nbtorch),
                          TypeError, ["as parameter 'weight'", "(torch.nn.Parameter or None expected)"])

    def before_init(lib):
        class Bad(lib.nn.Module):
            def __init__(self):
                self.l = lib.nn.Linear(1, 1)
                super().__init__()
        Bad()
    helper_test_exception(lambda: before_init(torch), lambda: before_init(nbtorch), AttributeError,
                          ["cannot assign module before Module.__init__() call"])
    m = nbtorch.nn.Linear(2, 2)
    del m.bias
    assert 'bias' not in dict(m.named_parameters())
    m.bias = None
    assert m.bias is None
    m.extra = nbtorch.nn.Linear(1, 1)
    assert 'extra' in dict(m.named_children())
    m.extra = None
    assert m.extra is None


def test_state_dict_keys_and_load_roundtrip():
    torch.manual_seed(0)
    th, nb = build(torch), build(nbtorch)
    check_state_dict_layout(th, nb)
    assert isinstance(nb.state_dict(), OrderedDict)
    assert 'tmp' not in nb.state_dict()
    copy_weights(th, nb)
    for k, v in th.state_dict().items():
        np.testing.assert_array_equal(to_np(nb.state_dict()[k]), v.numpy())
    # keep_vars returns the Parameters themselves; prefix is prepended
    assert nb.state_dict(keep_vars=True)['scale'] is nb.scale
    assert list(nb.features.state_dict(prefix='f.'))[0] == 'f.0.weight'
    # state_dict values are detached but share storage
    sd = nb.state_dict()
    assert not sd['scale'].requires_grad
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    th.eval(), nb.eval()
    for a, b in zip(th(torch.from_numpy(x)), nb(nbtorch.from_numpy(x))):
        np.testing.assert_allclose(to_np(b), a.detach().numpy(), atol=1e-5)
    # and back: nbtorch's state_dict loads into torch
    th2 = build(torch)
    th2.load_state_dict({k: torch.from_numpy(to_np(v).copy()) for k, v in nb.state_dict().items()})
    for k, v in th.state_dict().items():
        assert torch.equal(th2.state_dict()[k], v)


def test_load_state_dict_errors():
    th_sd = torch.nn.Linear(3, 2).state_dict()
    nb_sd = nbtorch.nn.Linear(3, 2).state_dict()
    th_bad = dict(th_sd, extra=torch.zeros(1))
    del th_bad['bias']
    nb_bad = dict(nb_sd, extra=nbtorch.zeros(1))
    del nb_bad['bias']
    th_e, nb_e = helper_test_exception(lambda: torch.nn.Linear(3, 2).load_state_dict(th_bad),
                                       lambda: nbtorch.nn.Linear(3, 2).load_state_dict(nb_bad), RuntimeError)
    assert str(nb_e) == str(th_e)
    th_e, nb_e = helper_test_exception(lambda: torch.nn.Linear(4, 2).load_state_dict(th_sd),
                                       lambda: nbtorch.nn.Linear(4, 2).load_state_dict(nb_sd), RuntimeError)
    assert str(nb_e) == str(th_e)
    r_th = torch.nn.Linear(3, 2).load_state_dict(th_bad, strict=False)
    r_nb = nbtorch.nn.Linear(3, 2).load_state_dict(nb_bad, strict=False)
    assert r_nb == r_th and type(r_nb).__name__ == type(r_th).__name__
    assert repr(r_nb) == repr(r_th)
    assert repr(nbtorch.nn.Linear(3, 2).load_state_dict(nb_sd)) == repr(torch.nn.Linear(3, 2).load_state_dict(th_sd))


def test_load_state_dict_accepts_real_torch_tensors():
    th = torch.nn.Linear(3, 2)
    nb = nbtorch.nn.Linear(3, 2)
    nb.load_state_dict(th.state_dict())
    np.testing.assert_array_equal(to_np(nb.weight), th.weight.detach().numpy())


def test_train_eval_requires_grad_zero_grad_apply():
    nb = build(nbtorch)
    assert nb.training and nb.features[1].training
    nb.eval()
    assert not nb.training and not nb.features[1].training and not nb.blocks[0].training
    nb.train()
    assert nb.heads['a'].training
    with pytest.raises(ValueError, match='training mode is expected to be boolean'):
        nb.train('yes')
    nb.requires_grad_(False)
    assert not any(p.requires_grad for p in nb.parameters())
    nb.requires_grad_(True)
    out = nb(nbtorch.randn(5, 4))
    (out[0].sum() + out[1].sum()).backward()
    assert all(p.grad is not None for p in nb.parameters())
    nb.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in nb.parameters())
    nb.zero_grad()
    assert all(p.grad is None for p in nb.parameters())
    seen = []
    nb.apply(lambda m: seen.append(type(m).__name__))
    th_seen = []
    build(torch).apply(lambda m: th_seen.append(type(m).__name__))
    assert seen == th_seen


def test_to_double_float_keeps_parameter_identity():
    nb = build(nbtorch)
    w = nb.features[0].weight
    nb.double()
    assert nb.features[0].weight is w and w.dtype == nbtorch.float64
    assert nb.features[1].num_batches_tracked.dtype == nbtorch.int64   # ints are not cast
    assert nb.steps.dtype == nbtorch.float64
    nb.to(nbtorch.float32)
    assert w.dtype == nbtorch.float32
    nb.half().float()
    assert nb.features[0].bias.dtype == nbtorch.float32
    assert nb.to('cpu') is nb and nb.cpu() is nb
    with pytest.raises(TypeError, match='floating point'):
        nb.to(nbtorch.int64)


def test_forward_hooks_and_pre_hooks():
    for lib in (torch, nbtorch):
        lin = lib.nn.Linear(3, 2)
        calls = []
        h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        h2 = lin.register_forward_hook(lambda m, args, out: calls.append(tuple(out.shape)) or out + 1)
        x = lib.ones(1, 3)
        y = lin(x)
        expected = lib.nn.functional.linear(x * 2, lin.weight, lin.bias) + 1
        assert lib.allclose(y, expected)
        assert calls == [(1, 2)]
        h1.remove(), h2.remove()
        assert lib.allclose(lin(x), lib.nn.functional.linear(x, lin.weight, lin.bias))
        assert calls == [(1, 2)]


def test_forward_hook_with_kwargs_and_context_handle():
    lin = nbtorch.nn.Linear(3, 2)
    seen = []
    with lin.register_forward_hook(lambda m, a, kw, out: seen.append(kw), with_kwargs=True):
        lin(nbtorch.ones(3))
    lin(nbtorch.ones(3))
    assert seen == [{}]


def _backward_hook_record(lib):
    lib.manual_seed(0)
    torch.manual_seed(0)
    lin = lib.nn.Linear(3, 2)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor([[1., 2., 3.], [-1., 0., 1.]]))
        lin.bias.fill_(0.5)
    rec = []

    def hook(m, gin, gout):
        rec.append(('hook', [None if g is None else to_np(g).copy() for g in gin],
                    [to_np(g).copy() for g in gout]))
        return tuple(None if g is None else g * 10 for g in gin)

    def pre(m, gout):
        rec.append(('pre', [to_np(g).copy() for g in gout]))
    lin.register_full_backward_hook(hook)
    lin.register_full_backward_pre_hook(pre)
    x = lib.tensor([[1., 2., 3.], [0., 1., 0.]], requires_grad=True)
    (lin(x) * lib.tensor([1., 2.])).sum().backward()
    return rec, to_np(x.grad), to_np(lin.weight.grad)


def test_full_backward_hook_matches_torch():
    th_rec, th_xg, th_wg = _backward_hook_record(torch)
    nb_rec, nb_xg, nb_wg = _backward_hook_record(nbtorch)
    assert [r[0] for r in nb_rec] == [r[0] for r in th_rec]
    for a, b in zip(nb_rec, th_rec):
        for ga, gb in zip(a[1:], b[1:]):
            for x, y in zip(ga, gb):
                np.testing.assert_allclose(x, y)
    np.testing.assert_allclose(nb_xg, th_xg)   # hook's replacement (x10) reaches the input
    np.testing.assert_allclose(nb_wg, th_wg)


def test_backward_hook_input_without_grad():
    for lib in (torch, nbtorch):
        lin = lib.nn.Linear(3, 2)
        got = []
        lin.register_full_backward_hook(lambda m, gin, gout: got.append((gin, tuple(gout[0].shape))))
        lin(lib.ones(4, 3)).sum().backward()
        assert got[0][0] == (None,) and got[0][1] == (4, 2)


def test_repr_nested_identical_to_torch():
    th, nb = build(torch), build(nbtorch)
    assert repr(nb) == repr(th)
    for lib_pair in [(torch.nn, nbtorch.nn)]:
        t, n = lib_pair
        assert repr(n.Sequential()) == repr(t.Sequential())
        assert repr(n.ModuleList()) == repr(t.ModuleList())
        assert repr(n.ModuleList([n.ReLU(), n.ReLU(), n.Tanh(), n.ReLU()])) == \
            repr(t.ModuleList([t.ReLU(), t.ReLU(), t.Tanh(), t.ReLU()]))


def test_custom_extra_repr_multiline():
    for lib in (torch, nbtorch):
        class M(lib.nn.Module):
            def extra_repr(self):
                return 'a=1\nb=2'
    reps = []
    for lib in (torch, nbtorch):
        class M(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.l = lib.nn.Linear(1, 1)

            def extra_repr(self):
                return 'a=1\nb=2'
        reps.append(repr(lib.nn.Sequential(M())))
    assert reps[0] == reps[1]


def test_record_module_names_tags_graph_nodes():
    from nbtorch.nn.modules.module import record_module_names
    net = nbtorch.nn.Sequential(nbtorch.nn.Linear(4, 3), nbtorch.nn.ReLU(),
                                nbtorch.nn.Sequential(nbtorch.nn.Linear(3, 2), nbtorch.nn.Tanh()))
    x = nbtorch.randn(2, 4)
    with record_module_names(net):
        y = net(x)
    assert y.grad_fn.metadata['module'] == '2.1'
    assert y.grad_fn.next_functions[0][0].metadata['module'] == '2.0'
    relu_node = y.grad_fn.next_functions[0][0].next_functions[1][0]   # addmm(bias, input, weight)
    assert relu_node.metadata['module'] == '1'
    y2 = net(x)    # off again: nothing recorded
    assert 'module' not in y2.grad_fn.metadata
    # without a root, names come from the outermost module called; the flag alone switches it on
    import nbtorch.nn.modules.module as M
    M._record_module_names = True
    try:
        y3 = net(x)
    finally:
        M._record_module_names = False
    assert y3.grad_fn.metadata['module'] == '2.1'
    assert y3.grad_fn.next_functions[0][0].next_functions[1][0].metadata['module'] == '1'
    y4 = nbtorch.nn.Linear(2, 2)
    with record_module_names():
        out = y4(nbtorch.ones(1, 2))
    assert out.grad_fn.metadata['module'] == 'Linear'
    assert M._names_in_use[0] is None


def test_deepcopy_and_pickle_module():
    import copy
    import pickle
    nb = build(nbtorch)
    c = copy.deepcopy(nb)
    assert c.features[0].weight is not nb.features[0].weight
    assert nbtorch.equal(c.features[0].weight, nb.features[0].weight)
    assert isinstance(c.scale, nbtorch.nn.Parameter)
    p = pickle.loads(pickle.dumps(nbtorch.nn.Linear(2, 2)))
    assert isinstance(p.weight, nbtorch.nn.Parameter)
