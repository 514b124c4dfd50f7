"""Issue 7, interrupts: Ctrl-C (KeyboardInterrupt) in the middle of backward() or optimizer.step().

tests/test_autograd_memory.py covers an interrupt from a hook on a LEAF (grads all-or-nothing) and
tests/test_optim.py one Adam step interrupted on its 3rd parameter.  Here: a hook on an INTERMEDIATE
tensor of an nn model, retain_graph, every optimizer interrupted between two parameters and inside one
parameter's update, and a whole training loop that is interrupted and resumed.  After each interrupt the
model and optimizer must stay usable: the next full step runs, gives no NaN, and equals an uninterrupted
run wherever that is well-defined.
"""
import numpy as np
import pytest

import nbtorch
from nbtorch import nn


class _StopAt:
    """A hook that raises KeyboardInterrupt on its ``at``-th call (the user pressing Ctrl-C)."""

    def __init__(self, at=1):
        self.calls, self.at = 0, at

    def __call__(self, *args):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt


def _model():
    nbtorch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))


def _data():
    g = np.random.default_rng(0)
    return nbtorch.from_numpy(g.standard_normal((16, 4)).astype(np.float32)), nbtorch.tensor(g.integers(0, 3, 16))


def _params(m):
    return [p.detach().numpy().copy() for p in m.parameters()]


def _grads(m):
    return [None if p.grad is None else p.grad.numpy().copy() for p in m.parameters()]


def _forward(model, x, y, hook_at=None):
    """The loss; ``hook_at`` puts an interrupting hook on the hidden activation after the 2nd Linear."""
    h = model[1](model[0](x))
    h2 = model[2](h)
    if hook_at is not None:
        h2.register_hook(_StopAt(hook_at))
    return nn.functional.cross_entropy(model[4](model[3](h2)), y)


def _assert_same(a, b, what):
    for i, (u, v) in enumerate(zip(a, b)):
        assert (u is None) == (v is None), f"{what}[{i}]"
        if u is not None:
            np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7, err_msg=f"{what}[{i}]")


# ---------------------------------------------------------------- backward
@pytest.mark.parametrize('had_grads', [False, True])
def test_interrupt_from_intermediate_hook_leaves_grads_untouched(had_grads):
    model, (x, y) = _model(), _data()
    if had_grads:
        _forward(model, x, y).backward()
    before = _grads(model)
    loss = _forward(model, x, y, hook_at=1)
    with pytest.raises(KeyboardInterrupt):
        loss.backward()                 # the last Linear already has its grads computed when the hook fires
    _assert_same(_grads(model), before, "grad after interrupted backward")   # all or nothing
    # next full step equals a clean run
    opt = nbtorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad()
    _forward(model, x, y).backward()
    opt.step()
    clean, (x2, y2) = _model(), _data()
    copt = nbtorch.optim.SGD(clean.parameters(), lr=0.1, momentum=0.9)
    if had_grads:
        _forward(clean, x2, y2).backward()
    copt.zero_grad()
    _forward(clean, x2, y2).backward()
    copt.step()
    _assert_same(_params(model), _params(clean), "params after the next step")
    assert all(np.isfinite(p).all() for p in _params(model))


def test_interrupted_backward_with_retain_graph_can_be_rerun():
    model, (x, y) = _model(), _data()
    loss = _forward(model, x, y, hook_at=1)          # the hook fires on the first pass only
    with pytest.raises(KeyboardInterrupt):
        loss.backward(retain_graph=True)
    assert all(p.grad is None for p in model.parameters())
    loss.backward()                                    # the same graph, this time to the end
    clean, (x2, y2) = _model(), _data()
    _forward(clean, x2, y2).backward()
    _assert_same(_grads(model), _grads(clean), "grads of the rerun")


def test_interrupt_in_module_backward_hook_then_training_continues():
    model, (x, y) = _model(), _data()
    h = model[2].register_full_backward_hook(_StopAt(1))
    opt = nbtorch.optim.Adam(model.parameters(), lr=0.01)
    with pytest.raises(KeyboardInterrupt):
        _forward(model, x, y).backward()
    h.remove()
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = _forward(model, x, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.isfinite(losses).all() and losses[-1] < losses[0]


# ---------------------------------------------------------------- optimizer.step
OPTIMIZERS = {
    'SGD': lambda ps: nbtorch.optim.SGD(ps, lr=0.1),
    'SGD-momentum-nesterov': lambda ps: nbtorch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                                          weight_decay=1e-3),
    'Adam': lambda ps: nbtorch.optim.Adam(ps, lr=0.01),
    'Adam-amsgrad': lambda ps: nbtorch.optim.Adam(ps, lr=0.01, amsgrad=True),
    'AdamW': lambda ps: nbtorch.optim.AdamW(ps, lr=0.01),
    'RMSprop': lambda ps: nbtorch.optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    'Adagrad': lambda ps: nbtorch.optim.Adagrad(ps, lr=0.1),
    'Adadelta': lambda ps: nbtorch.optim.Adadelta(ps),
}


def _state_arrays(opt, model):
    out = []
    for p in model.parameters():
        st = opt.state[p] if p in opt.state else {}
        out.append({k: (v.numpy().copy() if isinstance(v, nbtorch.Tensor) else v) for k, v in st.items()})
    return out


def _interrupt_update_of_param(opt, index):
    """Make step() raise KeyboardInterrupt when it reaches parameter number ``index`` (0-based)."""
    calls = {'n': 0}
    orig = opt._update

    def update(p, g, state, group):
        calls['n'] += 1
        if calls['n'] == index + 1:
            raise KeyboardInterrupt
        return orig(p, g, state, group)
    opt._update = update
    return lambda: opt.__dict__.pop('_update')


@pytest.mark.parametrize('warm', [False, True], ids=['first-step', 'later-step'])
@pytest.mark.parametrize('name', list(OPTIMIZERS))
def test_step_interrupted_between_parameters(name, warm):
    """Ctrl-C as step() reaches the 2nd parameter: the 1st is updated exactly as in a clean step, the rest
    (values and optimizer state) are untouched, and training goes on without NaN."""
    model, (x, y) = _model(), _data()
    clean, _ = _model(), None
    opt, copt = OPTIMIZERS[name](list(model.parameters())), OPTIMIZERS[name](list(clean.parameters()))
    for m, o in ((model, opt), (clean, copt)):
        for _ in range(3 if warm else 0):
            o.zero_grad()
            _forward(m, x, y).backward()
            o.step()
        o.zero_grad()
        _forward(m, x, y).backward()
    p_before, s_before = _params(model), _state_arrays(opt, model)
    restore = _interrupt_update_of_param(opt, 1)
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    restore()
    copt.step()
    p_now, s_now = _params(model), _state_arrays(opt, model)
    _assert_same(p_now[:1], _params(clean)[:1], "parameter 0 (updated before the interrupt)")
    _assert_same(p_now[1:], p_before[1:], "parameters not reached")
    for i in range(1, len(s_now)):
        assert s_now[i].keys() == s_before[i].keys(), f"state of parameter {i} changed keys"
        for k in s_now[i]:
            np.testing.assert_array_equal(s_now[i][k], s_before[i][k], err_msg=f"state[{i}][{k!r}]")
    # the next steps work and stay finite
    for _ in range(5):
        opt.zero_grad()
        loss = _forward(model, x, y)
        loss.backward()
        opt.step()
        assert np.isfinite(loss.item())
    assert all(np.isfinite(p).all() for p in _params(model))
    assert all(np.isfinite(v).all() for st in _state_arrays(opt, model) for v in st.values())
    sd = opt.state_dict()                                   # still serialisable and reloadable
    fresh = OPTIMIZERS[name](list(model.parameters()))
    fresh.load_state_dict(sd)


@pytest.mark.parametrize('warm', [False, True], ids=['first-step', 'later-step'])
def test_adam_interrupted_inside_one_update(monkeypatch, warm):
    """Ctrl-C between Adam's two moment updates of a parameter (the worst place): no NaN afterwards;
    on the very first step no half-built state is kept, so the next step equals a clean first step."""
    import nbtorch.optim.adam as adam_mod
    model, (x, y) = _model(), _data()
    opt = nbtorch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(2 if warm else 0):
        opt.zero_grad()
        _forward(model, x, y).backward()
        opt.step()
    opt.zero_grad()
    _forward(model, x, y).backward()
    stop, real = _StopAt(2), adam_mod.ema_square_

    def ema_square_(*a):
        stop()
        return real(*a)
    monkeypatch.setattr(adam_mod, 'ema_square_', ema_square_)
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    monkeypatch.setattr(adam_mod, 'ema_square_', real)
    if not warm:
        params = list(model.parameters())
        assert params[0] in opt.state and params[1] not in opt.state   # only complete states are kept
    for _ in range(5):
        opt.zero_grad()
        loss = _forward(model, x, y)
        loss.backward()
        opt.step()
        assert np.isfinite(loss.item())
    assert all(np.isfinite(p).all() for p in _params(model))
    assert all(np.isfinite(v).all() for st in _state_arrays(opt, model) for v in st.values())


def test_interrupted_training_loop_resumes_to_the_same_result():
    """A loop stopped by Ctrl-C in backward, then restarted from the same batch, ends where an
    uninterrupted loop ends (the interrupted backward changed nothing)."""
    x, y = _data()

    def train(interrupt_at):
        model = _model()
        opt = nbtorch.optim.Adam(model.parameters(), lr=0.01)
        step = 0
        while step < 10:
            opt.zero_grad()
            loss = _forward(model, x, y, hook_at=1 if step == interrupt_at else None)
            try:
                loss.backward()
            except KeyboardInterrupt:
                interrupt_at = None          # the learner re-runs the cell: same step again
                continue
            opt.step()
            step += 1
        return _params(model)
    _assert_same(train(interrupt_at=4), train(interrupt_at=None), "params after 10 steps")


@pytest.mark.parametrize('retain_first', [False, True])
def test_hook_on_intermediate_fires_after_the_tensor_is_gone(retain_first):
    """Found while writing these tests: torch keeps a non-leaf tensor's hooks on its grad_fn, so they
    fire even when the Python tensor was a temporary inside a function (as in _forward above)."""
    import torch
    seen = {}
    for L in (torch, nbtorch):
        x = L.ones(3, requires_grad=True)
        calls = []

        def f():
            h = x * 2
            if retain_first:
                h.retain_grad()
            h.register_hook(lambda g: calls.append(g.tolist()) or g * 10)
            return (h * 3).sum()
        f().backward()
        seen[L.__name__] = (calls, x.grad.tolist())
    assert seen['nbtorch'] == seen['torch'] == ([[3.0, 3.0, 3.0]], [60.0, 60.0, 60.0])
