"""Autograd vs torch 2.13: grad_fn names and next_functions, backward, grad, hooks, grad modes."""
import sys
import warnings

import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_op, helper_test_exception, to_np

LIBS = [torch, nbtorch]


def both(fn):
    """Run ``fn(lib)`` with torch and with nbtorch; return the two results as numpy/python values."""
    return [fn(L) for L in LIBS]


def assert_same(fn, rtol=1e-6):
    th, nb = both(fn)
    _cmp(nb, th, rtol)


def _cmp(nb, th, rtol):
    if isinstance(th, (tuple, list)):
        assert isinstance(nb, (tuple, list)) and len(nb) == len(th), (nb, th)
        for a, b in zip(nb, th):
            _cmp(a, b, rtol)
    elif isinstance(th, torch.Tensor):
        assert isinstance(nb, nbtorch.Tensor), nb
        assert str(nb.dtype) == str(th.dtype) and tuple(nb.shape) == tuple(th.shape)
        np.testing.assert_allclose(to_np(nb), to_np(th), rtol=rtol, atol=1e-6)
    else:
        assert nb == th, (nb, th)


# ---------------------------------------------------------------- graph structure
def _names(t):
    """grad_fn names, and the names of next_functions, two levels deep."""
    fn = t.grad_fn
    def nm(n):
        return None if n is None else n.name()
    return (nm(fn), [(nm(n), nr) for n, nr in fn.next_functions],
            [[(nm(m), mr) for m, mr in n.next_functions] for n, _ in fn.next_functions if n is not None])


@pytest.mark.parametrize('expr', [
    lambda L, x, w: x * w,
    lambda L, x, w: x * 2,
    lambda L, x, w: (x + w).sum(),
    lambda L, x, w: (x - w).mean(),
    lambda L, x, w: (x / 2 + w).exp(),
    lambda L, x, w: (x @ w.t()).relu(),
    lambda L, x, w: x.sum(1) * 3,
    lambda L, x, w: (x - 2).pow(2),
    lambda L, x, w: x.view(6)[1:] + 1,
    lambda L, x, w: L.cat([x, w]).tanh(),
    lambda L, x, w: x.sigmoid() * w.detach(),
    lambda L, x, w: x.split(1)[1] + w,
])
def test_grad_fn_names_and_next_functions(expr):
    def run(L):
        x = L.ones(2, 3, requires_grad=True)
        w = L.ones(2, 3, requires_grad=True)
        return _names(expr(L, x, w))
    th, nb = both(run)
    assert nb == th


def test_next_functions_repr_and_leaf_accumulator():
    for L in LIBS:
        x = L.ones(3, requires_grad=True)
        y = x * 2
        (acc, nr), (none, nr2) = y.grad_fn.next_functions
        assert type(acc).__name__ == 'AccumulateGrad' and acc.variable is x and nr == 0
        assert none is None and nr2 == 0
        assert repr(acc).startswith('<AccumulateGrad object at 0x')
        assert repr(y.grad_fn).startswith('<MulBackward0 object at 0x')
        assert (x * 3).grad_fn.next_functions[0][0] is acc   # one accumulator per leaf
        assert x.grad_fn is None and x.is_leaf and not y.is_leaf


def test_multiple_outputs_output_nr():
    assert_same(lambda L: [t.output_nr for t in L.ones(4, requires_grad=True).split(1)])
    assert_same(lambda L: [t.grad_fn.name() for t in L.ones(4, 2, requires_grad=True).max(1)[:1]])


# ---------------------------------------------------------------- backward
def test_backward_scalar_and_accumulation():
    def run(L):
        x = L.tensor([1., 2., 3.], requires_grad=True)
        (x * x).sum().backward()
        g1 = x.grad.clone()
        (x * 3).sum().backward()
        return g1, x.grad
    assert_same(run)


def test_backward_gradient_argument():
    def run(L):
        x = L.tensor([1., 2., 3.], requires_grad=True)
        y = x * x
        y.backward(L.tensor([1., 0.1, 0.01]))
        z = L.tensor(2., requires_grad=True)
        (z * 3).backward(L.tensor(2.))
        return x.grad, z.grad
    assert_same(run)


def test_broadcast_grads_reduced():
    helper_test_op([(4, 3), (3,), (4, 1), ()], lambda a, b, c, d: a * b + c * d - b / (d * d + 1))
    helper_test_op([(2, 1, 3), (5, 1)], lambda a, b: a * b)


def test_backward_errors():
    helper_test_exception(lambda: (torch.ones(3, requires_grad=True) * 2).backward(),
                          lambda: (nbtorch.ones(3, requires_grad=True) * 2).backward(), RuntimeError,
                          contains=['grad can be implicitly created only for scalar outputs'])
    helper_test_exception(lambda: torch.ones(3).sum().backward(), lambda: nbtorch.ones(3).sum().backward(),
                          RuntimeError, contains=['element 0 of tensors does not require grad and does not have a '
                                                  'grad_fn'])
    helper_test_exception(lambda: (torch.ones(3, requires_grad=True) * 2).backward(torch.ones(2)),
                          lambda: (nbtorch.ones(3, requires_grad=True) * 2).backward(nbtorch.ones(2)), RuntimeError,
                          contains=['Mismatch in shape', '[2]', '[3]'])


def _second_backward(L, op):
    x = L.ones(3, requires_grad=True)
    y = op(x).sum()
    y.backward()
    y.backward()
    return x.grad


def test_second_backward_raises_only_with_saved_tensors():
    msg = 'Trying to backward through the graph a second time'
    for op in (lambda x: x * x, lambda x: x.exp(), lambda x: x.sigmoid(), lambda x: x[[0, 0, 1]],
               lambda x: x.pow(3), lambda x: x.relu()):
        helper_test_exception(lambda: _second_backward(torch, op), lambda: _second_backward(nbtorch, op),
                              RuntimeError, contains=[msg, 'retain_graph=True'])
    for op in (lambda x: x + 1, lambda x: x.view(3, 1), lambda x: -x, lambda x: x[1:] - 2,
               lambda x: x.t().sum(0, keepdim=True)):
        assert_same(lambda L: _second_backward(L, op))


def test_retain_graph():
    def run(L):
        x = L.tensor([1., 2.], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    assert_same(run)


def test_backward_inputs_argument():
    def run(L):
        x = L.ones(2, requires_grad=True)
        w = L.full((2,), 3., requires_grad=True)
        (x * w).sum().backward(inputs=[w])
        return x.grad is None, w.grad
    assert_same(run)


def test_deep_graph_no_recursion_limit():
    depth = sys.getrecursionlimit() * 3
    x = nbtorch.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0001 + 0.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0001 ** depth], rtol=1e-3)


def test_diamond_and_reused_tensors():
    helper_test_op([(3,)], lambda x: (lambda h: h * h + h.exp() * h)(x.sin()))


def test_float64_leaf_gets_float64_grad_through_float32():
    assert_same(lambda L: (lambda x: ((x.float() * 2).sum().backward(), x.grad)[1])(
        L.ones(3, dtype=L.float64, requires_grad=True)))


def test_non_float_results_do_not_require_grad():
    assert_same(lambda L: [t.requires_grad for t in (
        (lambda x: (x > 0, x.argmax(), x.long(), x.max(0).indices, x.int() + 1, x.nonzero()))(
            L.ones(3, requires_grad=True)))])


# ---------------------------------------------------------------- retain_grad and hooks
def test_retain_grad():
    def run(L):
        x = L.ones(3, requires_grad=True)
        y = x * 2
        y.retain_grad()
        z = (y * y).sum()
        z.backward()
        return y.grad, y.retains_grad, x.retains_grad, y.is_leaf
    assert_same(run)


def test_non_leaf_grad_warns():
    for L in LIBS:
        y = L.ones(2, requires_grad=True) * 2
        with pytest.warns(UserWarning, match='not a leaf Tensor is being accessed'):
            assert y.grad is None
    x = nbtorch.ones(2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert x.grad is None


def test_assign_grad_checks():
    helper_test_exception(lambda: setattr(torch.ones(2, requires_grad=True), 'grad', torch.ones(3)),
                          lambda: setattr(nbtorch.ones(2, requires_grad=True), 'grad', nbtorch.ones(3)),
                          RuntimeError, contains=['assigned grad has data of a different size'])
    x = nbtorch.ones(2, requires_grad=True)
    x.grad = nbtorch.ones(2)
    (x * 2).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_tensor_hooks_modify_grad():
    def run(L):
        seen = []
        x = L.tensor([1., 2.], requires_grad=True)
        x.register_hook(lambda g: g * 10)
        y = x * 3
        y.register_hook(lambda g: seen.append(g.clone()))
        y.register_hook(lambda g: g + 1)
        z = L.tensor([5., 6.], requires_grad=True)
        h = z.register_hook(lambda g: g * 100)
        h.remove()
        (y * y + z).sum().backward()
        return x.grad, z.grad, seen
    assert_same(run)


def test_hook_and_retain_grad_order():
    def run(L):
        x = L.ones(2, requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 0)
        (y * 3).sum().backward()
        return x.grad, y.grad
    assert_same(run)


def test_hook_errors():
    helper_test_exception(lambda: torch.ones(2).register_hook(lambda g: g),
                          lambda: nbtorch.ones(2).register_hook(lambda g: g), RuntimeError,
                          contains=["cannot register a hook on a tensor that doesn't require gradient"])
    helper_test_exception(lambda: torch.ones(2).retain_grad(), lambda: nbtorch.ones(2).retain_grad(), RuntimeError,
                          contains=["can't retain_grad on Tensor that has requires_grad=False"])


def test_node_hooks():
    def run(L):
        log = []
        x = L.tensor([1., 2.], requires_grad=True)
        y = x * x
        s = y.sum()
        y.grad_fn.register_prehook(lambda gout: log.append(('pre', gout[0].clone())))
        y.grad_fn.register_hook(lambda gin, gout: log.append(('post', gin[0].clone(), gout[0].clone())))
        h = s.grad_fn.register_hook(lambda gin, gout: (gin[0] * 2,))
        s.backward()
        h.remove()
        return x.grad, [item for entry in log for item in entry]
    assert_same(run)


def test_post_accumulate_grad_hook():
    def run(L):
        x = L.ones(2, requires_grad=True)
        seen = []
        x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
        (x * 4).sum().backward()
        return seen
    assert_same(run)


# ---------------------------------------------------------------- grad modes
@pytest.mark.parametrize('ctx', [
    lambda L: L.no_grad(), lambda L: L.inference_mode(), lambda L: L.set_grad_enabled(False),
    lambda L: L.autograd.no_grad(), lambda L: L.autograd.grad_mode.no_grad(),
])
def test_no_grad_contexts(ctx):
    def run(L):
        x = L.ones(2, requires_grad=True)
        with ctx(L):
            y = x * 2
            inside = L.is_grad_enabled()
        return y.requires_grad, y.grad_fn is None, inside, L.is_grad_enabled()
    assert_same(run)


def test_nested_modes():
    def run(L):
        x = L.ones(2, requires_grad=True)
        out = []
        with L.no_grad():
            with L.enable_grad():
                out.append((x * 2).requires_grad)
            out.append((x * 2).requires_grad)
            with L.inference_mode(False):      # grad mode back on, as torch
                out.append(L.is_grad_enabled())
            with L.set_grad_enabled(True):
                out.append((x * 2).requires_grad)
            out.append(L.is_grad_enabled())
        with L.inference_mode(mode=False):
            out.append((x * 2).requires_grad)
        L.set_grad_enabled(False)
        out.append(L.is_grad_enabled())
        L.set_grad_enabled(True)
        out.append(L.is_grad_enabled())
        return out
    assert_same(run)


def test_grad_modes_restore_after_exception():
    for L in LIBS:
        with pytest.raises(ValueError):
            with L.no_grad():
                raise ValueError
        assert L.is_grad_enabled()


@pytest.mark.parametrize('deco', [
    lambda L: L.no_grad(), lambda L: L.no_grad, lambda L: L.inference_mode(), lambda L: L.inference_mode,
    lambda L: L.set_grad_enabled(False), lambda L: L.enable_grad(), lambda L: L.enable_grad,
])
def test_grad_modes_as_decorators(deco):
    def run(L):
        x = L.ones(2, requires_grad=True)

        @deco(L)
        def f(t):
            """doc"""
            return t * 2, L.is_grad_enabled()

        before = L.is_grad_enabled()
        y, inside = f(x)
        with L.no_grad():
            y2, inside2 = f(x)
        return before, inside, y.requires_grad, inside2, y2.requires_grad, L.is_grad_enabled(), f.__doc__
    assert_same(run)


def test_no_grad_decorates_generators():
    def run(L):
        @L.no_grad()
        def gen():
            for i in range(2):
                yield L.is_grad_enabled()
        return list(gen()) + [L.is_grad_enabled()]
    assert_same(run)


def test_no_grad_builds_no_graph():
    x = nbtorch.ones(3, requires_grad=True)
    with nbtorch.no_grad():
        y = (x * 2).exp().sum()
    assert y.grad_fn is None and not y.requires_grad
    n = nbtorch.autograd.function.Node
    with nbtorch.no_grad():
        z = x * x
    assert z.grad_fn is None and z._base is None


# ---------------------------------------------------------------- autograd.grad
def test_autograd_grad():
    def run(L):
        x = L.tensor([1., 2., 3.], requires_grad=True)
        w = L.tensor([0.5, -1., 2.], requires_grad=True)
        y = (x * w).exp().sum()
        gx, gw = L.autograd.grad(y, [x, w], retain_graph=True)
        gx2, = L.autograd.grad(y, x, grad_outputs=L.tensor(2.))
        v = x * 2
        gv = L.autograd.grad(v, x, grad_outputs=L.tensor([1., 0., -1.]))
        multi = L.autograd.grad([(x * 2).sum(), (x * x).sum()], x)
        unused = L.autograd.grad((x * 2).sum(), [x, w], allow_unused=True)
        mat = L.autograd.grad((x * 2).sum(), [x, w], allow_unused=True, materialize_grads=True)
        return gx, gw, gx2, gv, multi, unused[0], unused[1] is None, mat, x.grad is None
    assert_same(run)


def test_autograd_grad_of_non_leaf():
    assert_same(lambda L: (lambda x: (lambda h: L.autograd.grad((h * h).sum(), h))(x * 3))(
        L.ones(2, requires_grad=True)))


@pytest.mark.parametrize('call,facts', [
    (lambda L, x: L.autograd.grad((x * 2).sum(), [x, L.ones(2, requires_grad=True)]),
     ['The differentiated Tensor at index 1 appears to not have been used in the graph']),
    (lambda L, x: L.autograd.grad(x * 2, x), ['grad can be implicitly created only for scalar outputs']),
    (lambda L, x: L.autograd.grad((x * 2).sum(), L.ones(2)), ['does not require grad']),
    (lambda L, x: L.autograd.grad(L.ones(2).sum(), x), ['does not require grad and does not have a grad_fn']),
    (lambda L, x: (lambda y: (L.autograd.grad(y, x), L.autograd.grad(y, x)))((x * x).sum()),
     ['Trying to backward through the graph a second time']),
])
def test_autograd_grad_errors(call, facts):
    helper_test_exception(lambda: call(torch, torch.ones(2, requires_grad=True)),
                          lambda: call(nbtorch, nbtorch.ones(2, requires_grad=True)), RuntimeError, contains=facts)


def test_grad_fn_callable():
    assert_same(lambda L: (lambda x: (x * 3).grad_fn(L.ones(2))[0])(L.ones(2, requires_grad=True)))


def test_create_graph_not_supported_is_clear():
    x = nbtorch.ones(2, requires_grad=True)
    with pytest.raises(NotImplementedError, match='create_graph'):
        nbtorch.autograd.grad((x * x).sum(), x, create_graph=True)
