"""The graph frees what it saved after backward; no_grad builds nothing; KeyboardInterrupt leaves grads sane."""
import gc
import weakref

import numpy as np
import pytest

import nbtorch
from nbtorch.autograd.function import Node


def _mlp(x, ws):
    h = x
    for w in ws:
        h = (h @ w).tanh()
    return (h * h).mean()


def test_saved_arrays_freed_after_backward():
    x = nbtorch.randn(8, 4)
    ws = [nbtorch.randn(4, 4, requires_grad=True) for _ in range(3)]
    h = (x @ ws[0]).sigmoid()
    ref_h = weakref.ref(h._data)       # an intermediate array only the graph will hold
    y = (h * h).exp()
    ref_y = weakref.ref(y._data)
    loss = (y * h).sum()
    del h, y
    gc.collect()
    assert ref_h() is not None and ref_y() is not None      # kept alive by the graph for backward
    loss.backward()
    gc.collect()
    assert ref_h() is None and ref_y() is None              # freed right after backward


def test_every_node_released_after_backward():
    x = nbtorch.randn(5, 3)
    ws = [nbtorch.randn(3, 3, requires_grad=True) for _ in range(4)]
    loss = _mlp(x[[0, 1, 1, 4]], ws) + x.masked_fill(x > 0, 1.0).sum() * ws[0].sum()
    nodes, stack, seen = [], [loss.grad_fn], set()
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        nodes.append(n)
        stack.extend(m for m, _ in n.next_functions)
    assert any(n.saved_tensors_raw is not None for n in nodes)
    loss.backward()
    for n in nodes:
        assert n.saved_tensors_raw is None or all(getattr(s, 'ndim', 1) == 0 for s in n.saved_tensors_raw), n
        assert not [k for k, v in vars(n).items() if isinstance(v, np.ndarray) and v.ndim > 0], (n, vars(n))


def test_retain_graph_keeps_saved_arrays():
    x = nbtorch.randn(4, requires_grad=True)
    h = x.exp()
    ref = weakref.ref(h._data)
    loss = (h * h).sum()
    del h
    loss.backward(retain_graph=True)
    gc.collect()
    assert ref() is not None
    loss.backward()
    gc.collect()
    assert ref() is None


def test_graph_itself_collected():
    """Dropping the output drops the whole graph (no cycles keep nodes alive)."""
    x = nbtorch.randn(4, requires_grad=True)
    y = (x * 2).exp().sum()
    ref = weakref.ref(y.grad_fn)
    del y
    assert ref() is None     # plain refcounting, without gc


def test_no_grad_builds_no_graph_and_saves_nothing():
    x = nbtorch.randn(4, 4, requires_grad=True)
    with nbtorch.no_grad():
        h = x.exp()
        y = (h @ x).relu().sum()
    assert y.grad_fn is None and h.grad_fn is None and not y.requires_grad
    ref = weakref.ref(h._data)
    del h
    gc.collect()
    assert ref() is None


def test_outputs_only_weakly_referenced_by_nodes():
    x = nbtorch.randn(3, requires_grad=True)
    h = x.exp()
    y = (h * 2).sum()
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is None      # the node keeps h's array for backward, never h itself
    y.backward()


class _Interrupt:
    def __init__(self, after):
        self.calls, self.after = 0, after

    def __call__(self, g):
        self.calls += 1
        if self.calls == self.after:
            raise KeyboardInterrupt


def _model():
    nbtorch.manual_seed(0)
    ws = [nbtorch.randn(4, 4, requires_grad=True), nbtorch.randn(4, 4, requires_grad=True),
          nbtorch.randn(4, 1, requires_grad=True)]
    x = nbtorch.randn(6, 4)
    return ws, x


def _loss(ws, x):
    return ((x @ ws[0]).relu() @ ws[1] @ ws[2]).pow(2).mean()


def test_keyboard_interrupt_in_backward_leaves_grads_as_before():
    ws, x = _model()
    _loss(ws, x).backward()                        # a first, complete step: grads exist
    before = [w.grad.numpy().copy() for w in ws]
    grad_objs = [w.grad for w in ws]
    hook = _Interrupt(after=1)
    h = ws[0].register_hook(hook)                  # fires after ws[2] and ws[1] got theirs
    with pytest.raises(KeyboardInterrupt):
        _loss(ws, x).backward()
    h.remove()
    for w, b, g in zip(ws, before, grad_objs):     # all or nothing: every .grad as before the call
        assert w.grad is g
        np.testing.assert_array_equal(w.grad.numpy(), b)
    # the next step works and gives finite, correct gradients
    for w in ws:
        w.grad = None
    _loss(ws, x).backward()
    ref_ws, _ = _model()
    _loss(ref_ws, x).backward()
    for w, r in zip(ws, ref_ws):
        assert np.isfinite(w.grad.numpy()).all()
        np.testing.assert_allclose(w.grad.numpy(), r.grad.numpy(), rtol=1e-6)


def test_keyboard_interrupt_on_first_backward_leaves_grads_none():
    ws, x = _model()
    h = ws[0].register_hook(_Interrupt(after=1))
    with pytest.raises(KeyboardInterrupt):
        _loss(ws, x).backward()
    assert all(w.grad is None for w in ws)
    h.remove()
    _loss(ws, x).backward()
    assert all(w.grad is not None and np.isfinite(w.grad.numpy()).all() for w in ws)


def test_interrupt_in_node_hook_then_optimizer_step():
    ws, x = _model()
    opt = nbtorch.optim.SGD(ws, lr=0.1)
    loss = _loss(ws, x)

    def stop(gin, gout):
        raise KeyboardInterrupt
    loss.grad_fn.next_functions[0][0].register_hook(stop)
    with pytest.raises(KeyboardInterrupt):
        loss.backward()
    opt.zero_grad()
    _loss(ws, x).backward()
    opt.step()
    assert all(np.isfinite(w.detach().numpy()).all() for w in ws)
    assert np.isfinite(_loss(ws, x).item())
