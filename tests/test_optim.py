"""Optimizers against torch: 50-step trajectories from identical weights, param groups, state_dict, errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import nbtorch

STEPS = 50
RTOL, ATOL = 2e-5, 2e-6      # float32 round-off accumulated over 50 steps


def make_problem(lib, seed=0):
    """A small two-layer tanh network on fixed data; returns (params, loss_fn).  Same weights in both libs."""
    rs = np.random.RandomState(seed)
    arrays = [rs.randn(4, 3), rs.randn(4), rs.randn(2, 4), rs.randn(2)]
    x, y = rs.randn(5, 3).astype(np.float32), rs.randn(5, 2).astype(np.float32)
    params = [lib.tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
    X, Y = lib.tensor(x), lib.tensor(y)

    def loss_fn():
        w1, b1, w2, b2 = params
        h = lib.tanh(X @ w1.T + b1)
        return ((h @ w2.T + b2 - Y) ** 2).mean()
    return params, loss_fn


def groups(params, split):
    """One group, or two groups where the second has its own lr and weight decay."""
    if not split:
        return params
    return [{'params': params[:2]}, {'params': params[2:], 'lr': 0.03, 'weight_decay': 0.1}]


def run(lib, opt_name, kwargs, steps=STEPS, split=False, sched=None, record=None):
    params, loss_fn = make_problem(lib)
    opt = getattr(lib.optim, opt_name)(groups(params, split), **kwargs)
    scheduler = sched(lib, opt) if sched else None
    trace = []
    sign = -1 if kwargs.get('maximize') else 1    # maximize(-loss) descends the same stable valley
    for _ in range(steps):
        opt.zero_grad()
        loss = sign * loss_fn()
        loss.backward()
        opt.step()
        if scheduler is not None:
            if isinstance(scheduler, lib.optim.lr_scheduler.ReduceLROnPlateau):  # steps on the metric
                scheduler.step(loss.item())
            else:
                scheduler.step()
        trace.append(([p.detach().numpy().copy() for p in params], [g['lr'] for g in opt.param_groups],
                      loss.item()))
    return trace, params, opt


def assert_same_trace(nb, th):
    for step, ((p_nb, lr_nb, l_nb), (p_th, lr_th, l_th)) in enumerate(zip(nb, th)):
        assert lr_nb == lr_th, f"step {step}: lrs {lr_nb} != torch's {lr_th}"
        for i, (a, b) in enumerate(zip(p_nb, p_th)):
            assert a.dtype == np.float32, f"step {step}: param {i} became {a.dtype}"
            # elementwise, with an absolute floor scaled to the tensor (round-off of its largest entries)
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL + 1e-5 * np.abs(b).max(),
                                       err_msg=f"step {step}, param {i}")
        assert math.isclose(l_nb, l_th, rel_tol=1e-4, abs_tol=1e-6)


CASES = [
    ('SGD', dict(lr=0.1)),
    ('SGD', dict(lr=0.1, momentum=0.9)),
    ('SGD', dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-2)),
    ('SGD', dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    ('SGD', dict(lr=0.01, momentum=0.5, maximize=True)),
    ('Adam', dict(lr=0.01)),
    ('Adam', dict(lr=0.01, amsgrad=True)),
    ('Adam', dict(lr=0.01, weight_decay=0.1)),
    ('Adam', dict(lr=0.005, betas=(0.8, 0.99), eps=1e-6, maximize=True)),
    ('Adam', dict(lr=0.01, weight_decay=0.05, decoupled_weight_decay=True)),
    ('AdamW', dict(lr=0.01)),
    ('AdamW', dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ('Adagrad', dict(lr=0.1)),
    ('Adagrad', dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5)),
    ('Adagrad', dict(lr=0.05, eps=1e-5, maximize=True)),
    ('Adadelta', dict()),
    ('Adadelta', dict(rho=0.5, weight_decay=0.1)),
    ('Adadelta', dict(lr=0.5, eps=1e-4, maximize=True)),
    ('RMSprop', dict(lr=0.01)),
    ('RMSprop', dict(lr=0.01, centered=True)),
    ('RMSprop', dict(lr=0.01, momentum=0.9)),
    ('RMSprop', dict(lr=0.005, centered=True, momentum=0.5, weight_decay=0.1)),
    ('RMSprop', dict(lr=0.005, alpha=0.9, maximize=True)),
]


def _id(case):
    return case[0] + '-' + '-'.join(f"{k}={v}" for k, v in case[1].items())


@pytest.mark.parametrize('split', [False, True], ids=['one_group', 'two_groups'])
@pytest.mark.parametrize('case', CASES, ids=[_id(c) for c in CASES])
def test_trajectory_matches_torch(case, split):
    name, kwargs = case
    nb, _, _ = run(nbtorch, name, kwargs, split=split)
    th, _, _ = run(torch, name, kwargs, split=split)
    assert_same_trace(nb, th)


SCHEDULERS = {
    'StepLR': lambda lib, o: lib.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
    'MultiStepLR': lambda lib, o: lib.optim.lr_scheduler.MultiStepLR(o, milestones=[10, 20, 20, 35], gamma=0.3),
    'ExponentialLR': lambda lib, o: lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.95),
    'CosineAnnealingLR': lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=15, eta_min=1e-3),
    'LambdaLR': lambda lib, o: lib.optim.lr_scheduler.LambdaLR(o, lambda e: 1.0 / (1 + 0.1 * e)),
    'ReduceLROnPlateau': lambda lib, o: lib.optim.lr_scheduler.ReduceLROnPlateau(
        o, factor=0.5, patience=1, threshold=0.05, cooldown=1, min_lr=1e-3),
    'ReduceLROnPlateau-abs': lambda lib, o: lib.optim.lr_scheduler.ReduceLROnPlateau(
        o, factor=0.7, patience=2, threshold=0.02, threshold_mode='abs', min_lr=[1e-3, 2e-3]),
}
SCHED_OPTS = [('SGD', dict(lr=0.1, momentum=0.9)), ('Adam', dict(lr=0.02)), ('AdamW', dict(lr=0.02)),
              ('Adagrad', dict(lr=0.1)), ('Adadelta', dict(lr=1.0)), ('RMSprop', dict(lr=0.01, centered=True))]


@pytest.mark.parametrize('sched', list(SCHEDULERS))
@pytest.mark.parametrize('case', SCHED_OPTS, ids=[c[0] for c in SCHED_OPTS])
def test_trajectory_with_scheduler_matches_torch(case, sched):
    name, kwargs = case
    nb, _, _ = run(nbtorch, name, kwargs, steps=60, split=True, sched=SCHEDULERS[sched])
    th, _, _ = run(torch, name, kwargs, steps=60, split=True, sched=SCHEDULERS[sched])
    assert_same_trace(nb, th)
    if 'Plateau' not in sched:   # whether a plateau is reached depends on the optimizer (see test_lr_scheduler)
        assert len({tuple(t[1]) for t in nb}) > 1, "the schedule never changed the lr"


def to_torch(obj):
    """nbtorch state_dict -> torch state_dict (tensors through numpy)."""
    if isinstance(obj, nbtorch.Tensor):
        return torch.from_numpy(obj.numpy().copy())
    if isinstance(obj, dict):
        return {k: to_torch(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [to_torch(v) for v in obj]
    return obj


def to_nb(obj):
    if isinstance(obj, torch.Tensor):
        return nbtorch.tensor(obj.numpy())
    if isinstance(obj, dict):
        return {k: to_nb(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [to_nb(v) for v in obj]
    return obj


@pytest.mark.parametrize('case', [c for c in CASES if c[0] != 'SGD' or 'momentum' in c[1]], ids=_id)
def test_state_dict_matches_torch_format(case):
    name, kwargs = case
    _, _, o_nb = run(nbtorch, name, kwargs, steps=3, split=True)
    _, _, o_th = run(torch, name, kwargs, steps=3, split=True)
    sd_nb, sd_th = o_nb.state_dict(), o_th.state_dict()
    assert sd_nb['param_groups'] == sd_th['param_groups']
    assert list(sd_nb['state']) == list(sd_th['state'])
    for k in sd_th['state']:
        assert list(sd_nb['state'][k]) == list(sd_th['state'][k])
        for key, v in sd_th['state'][k].items():
            w = sd_nb['state'][k][key]
            assert str(w.dtype).split('.')[-1] == str(v.dtype).split('.')[-1], key
            assert tuple(w.shape) == tuple(v.shape), key
            np.testing.assert_allclose(w.numpy(), v.numpy(), rtol=RTOL, atol=1e-5 * np.abs(v.numpy()).max() + 1e-7,
                                       err_msg=key)


@pytest.mark.parametrize('case', [CASES[2], CASES[7], CASES[11], CASES[13], CASES[16], CASES[21]], ids=_id)
def test_resume_from_state_dict_equals_uninterrupted(case):
    name, kwargs = case
    full, _, _ = run(nbtorch, name, kwargs, steps=40, split=True)
    # first 15 steps, then a fresh optimizer on fresh tensors continues from the saved state
    _, params, opt = run(nbtorch, name, kwargs, steps=15, split=True)
    sd = opt.state_dict()
    new_params, loss_fn = make_problem(nbtorch)
    with nbtorch.no_grad():
        for p, q in zip(new_params, params):
            p.copy_(q)
    opt2 = getattr(nbtorch.optim, name)(groups(new_params, True), **kwargs)
    opt2.load_state_dict(sd)
    for step in range(15, 40):
        opt2.zero_grad()
        loss_fn().backward()
        opt2.step()
        for p, want in zip(new_params, full[step][0]):
            np.testing.assert_array_equal(p.detach().numpy(), want, err_msg=f"step {step}")
    # the loaded state is a copy: stepping opt2 must not touch opt's buffers
    for k, st in opt.state.items():
        for key, v in st.items():
            assert v is not opt2.state[new_params[[id(q) for q in params].index(id(k))]][key]


@pytest.mark.parametrize('name,kwargs', [('SGD', dict(lr=0.1, momentum=0.9)), ('Adam', dict(lr=0.01, amsgrad=True)),
                                         ('RMSprop', dict(lr=0.01, centered=True, momentum=0.5))])
def test_state_dict_interchangeable_with_torch(name, kwargs):
    """A torch optimizer state loads into nbtorch (and back) and the trajectory continues like torch's."""
    full_th, _, _ = run(torch, name, kwargs, steps=30, split=True)
    _, tparams, topt = run(torch, name, kwargs, steps=10, split=True)
    params, loss_fn = make_problem(nbtorch)
    with nbtorch.no_grad():
        for p, q in zip(params, tparams):
            p.copy_(nbtorch.tensor(q.detach().numpy()))
    opt = getattr(nbtorch.optim, name)(groups(params, True), **kwargs)
    opt.load_state_dict(to_nb(topt.state_dict()))
    for step in range(10, 30):
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
        for p, want in zip(params, full_th[step][0]):
            np.testing.assert_allclose(p.detach().numpy(), want, rtol=RTOL, atol=ATOL)
    # and back: torch accepts our state_dict
    topt.load_state_dict(to_torch(opt.state_dict()))
    assert topt.state_dict()['param_groups'] == opt.state_dict()['param_groups']


def test_params_without_grad_are_skipped_and_state_is_lazy():
    a = nbtorch.ones(3, requires_grad=True)
    b = nbtorch.ones(3, requires_grad=True)
    opt = nbtorch.optim.Adam([a, b], lr=0.1)
    (a * 2).sum().backward()
    opt.step()
    assert b.tolist() == [1.0, 1.0, 1.0]
    assert list(opt.state_dict()['state']) == [0]
    sgd = nbtorch.optim.SGD([a], lr=0.1)
    sgd.step()                          # no momentum: no state at all, as torch
    assert sgd.state_dict()['state'] == {}


def test_zero_grad():
    a = nbtorch.ones(3, requires_grad=True)
    opt = nbtorch.optim.SGD([a], lr=0.1)
    a.sum().backward()
    opt.zero_grad(set_to_none=False)
    assert a.grad is not None and a.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert a.grad is None


def test_step_runs_closure_with_grad_enabled_and_returns_loss():
    params, loss_fn = make_problem(nbtorch)
    opt = nbtorch.optim.SGD(params, lr=0.1)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss
    with nbtorch.no_grad():
        loss = opt.step(closure)
    assert isinstance(loss, nbtorch.Tensor)
    tparams, tloss_fn = make_problem(torch)
    topt = torch.optim.SGD(tparams, lr=0.1)

    def tclosure():
        topt.zero_grad()
        tloss = tloss_fn()
        tloss.backward()
        return tloss
    tloss = topt.step(tclosure)
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-6)
    assert loss.grad_fn is not None          # the closure ran with grad enabled despite no_grad
    for p, q in zip(params, tparams):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_step_builds_no_graph_and_bumps_version():
    a = nbtorch.ones(3, requires_grad=True)
    opt = nbtorch.optim.Adam([a], lr=0.1)
    a.sum().backward()
    v = a._version
    opt.step()
    assert a.is_leaf and a.grad_fn is None and a.requires_grad
    assert a._version == v + 1


def test_repr_matches_torch():
    for name, kwargs in [('SGD', dict(lr=0.1, momentum=0.9)), ('Adam', {}), ('AdamW', {}), ('Adagrad', {}),
                         ('Adadelta', {}), ('RMSprop', dict(centered=True))]:
        params, _ = make_problem(nbtorch)
        tparams, _ = make_problem(torch)
        assert repr(getattr(nbtorch.optim, name)(groups(params, True), **kwargs)) == \
            repr(getattr(torch.optim, name)(groups(tparams, True), **kwargs))


def test_add_param_group():
    params, _ = make_problem(nbtorch)
    opt = nbtorch.optim.SGD(params[:2], lr=0.1, momentum=0.9)
    opt.add_param_group({'params': params[2:], 'lr': 0.01})
    assert [g['lr'] for g in opt.param_groups] == [0.1, 0.01]
    assert opt.param_groups[1]['momentum'] == 0.9          # filled from defaults
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({'params': params[0]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group(params[0])


def _both_raise(fn, exc):
    """fn(lib) raises ``exc`` in torch and in nbtorch with the same message."""
    with pytest.raises(exc) as th:
        fn(torch)
    with pytest.raises(exc) as nb:
        fn(nbtorch)
    assert str(nb.value).replace('nbtorch.', 'torch.') == str(th.value)


@pytest.mark.parametrize('name,kwargs', [
    ('SGD', dict(lr=-0.1)), ('SGD', dict(momentum=-1)), ('SGD', dict(weight_decay=-1)),
    ('SGD', dict(nesterov=True)), ('SGD', dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ('Adam', dict(lr=-0.1)), ('Adam', dict(eps=-1)), ('Adam', dict(betas=(1.0, 0.999))),
    ('Adam', dict(betas=(0.9, -0.1))), ('Adam', dict(weight_decay=-0.1)), ('AdamW', dict(betas=(0.9, 1.5))),
    ('Adagrad', dict(lr_decay=-1)), ('Adagrad', dict(initial_accumulator_value=-1)), ('Adagrad', dict(eps=-1)),
    ('Adadelta', dict(rho=1.5)), ('Adadelta', dict(lr=-1)), ('RMSprop', dict(alpha=-1)),
    ('RMSprop', dict(momentum=-1)),
])
def test_invalid_hyperparameters_raise_torchs_error(name, kwargs):
    _both_raise(lambda lib: getattr(lib.optim, name)([lib.ones(2, requires_grad=True)], **kwargs), ValueError)


def test_param_errors_match_torch():
    _both_raise(lambda lib: lib.optim.SGD([], lr=0.1), ValueError)
    _both_raise(lambda lib: lib.optim.SGD(lib.ones(2, requires_grad=True), lr=0.1), TypeError)
    _both_raise(lambda lib: lib.optim.SGD([{'params': {lib.ones(2, requires_grad=True)}}], lr=0.1), TypeError)
    _both_raise(lambda lib: lib.optim.SGD([(lib.ones(2, requires_grad=True) * 2)], lr=0.1), ValueError)
    _both_raise(lambda lib: lib.optim.SGD([1.0], lr=0.1), TypeError)

    def dup(lib):
        p = lib.ones(2, requires_grad=True)
        return lib.optim.SGD([{'params': [p]}, {'params': [p]}], lr=0.1)
    _both_raise(dup, ValueError)

    def load_wrong(lib):
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        lib.optim.SGD([a], lr=0.1).load_state_dict(lib.optim.SGD([a, b], lr=0.1).state_dict())
    _both_raise(load_wrong, ValueError)

    def load_groups(lib):
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        lib.optim.SGD([a], lr=0.1).load_state_dict(lib.optim.SGD([{'params': [a]}, {'params': [b]}],
                                                                 lr=0.1).state_dict())
    _both_raise(load_groups, ValueError)


def test_named_parameters_are_accepted():
    a = nbtorch.ones(2, requires_grad=True)
    opt = nbtorch.optim.SGD([('w', a)], lr=0.1)
    ta = torch.ones(2, requires_grad=True)
    topt = torch.optim.SGD([('w', ta)], lr=0.1)
    assert opt.state_dict()['param_groups'] == topt.state_dict()['param_groups']


def test_float64_params_stay_float64_and_float32_stays_float32():
    for dt in (nbtorch.float32, nbtorch.float64):
        a = nbtorch.ones(3, dtype=dt, requires_grad=True)
        opt = nbtorch.optim.Adam([a], lr=np.float64(0.1), weight_decay=np.float64(0.01))
        (a * a).sum().backward()
        opt.step()
        assert a.dtype == dt
        assert all(v.dtype == (nbtorch.float32 if k == 'step' else dt) for k, v in opt.state[a].items())


def test_interrupted_step_leaves_optimizer_usable():
    """A KeyboardInterrupt inside step() (issue 7): the next step works and gives no NaN."""
    params, loss_fn = make_problem(nbtorch)
    opt = nbtorch.optim.Adam(params, lr=0.01)
    loss_fn().backward()
    calls = {'n': 0}
    orig = opt._update

    def interrupting(p, g, state, group):
        calls['n'] += 1
        if calls['n'] == 3:
            raise KeyboardInterrupt
        return orig(p, g, state, group)
    opt._update = interrupting
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    del opt._update
    for _ in range(3):
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
    assert all(np.isfinite(p.detach().numpy()).all() for p in params)
    assert all(len(s) == 3 for s in opt.state.values())


# ---------------------------------------------------------------- with nn models
def _mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))


def _copy_weights(net_th, net_nb):
    with torch.no_grad(), nbtorch.no_grad():
        for (k, v), (k2, v2) in zip(net_th.state_dict().items(), net_nb.state_dict().items()):
            assert k == k2
            v2.copy_(nbtorch.tensor(v.numpy()))


@pytest.mark.parametrize('name,kwargs', [
    ('SGD', dict(lr=0.1, momentum=0.9, nesterov=True)), ('Adam', dict(lr=0.01)), ('AdamW', dict(lr=0.01)),
    ('RMSprop', dict(lr=0.005, momentum=0.5)), ('Adagrad', dict(lr=0.05)), ('Adadelta', dict(weight_decay=0.01)),
])
def test_mlp_training_with_cross_entropy_matches_torch(name, kwargs):
    """The tutorial loop on an nn.Sequential MLP: model.parameters(), zero_grad, CrossEntropyLoss, step,
    with the last layer in its own param group and an lr schedule; 30 steps equal torch's."""
    pytest.importorskip('nbtorch.nn')
    torch.manual_seed(0)
    net_th, net_nb = _mlp(torch), _mlp(nbtorch)
    _copy_weights(net_th, net_nb)
    rs = np.random.RandomState(0)
    x, y = rs.randn(32, 6).astype(np.float32), rs.randint(0, 3, 32)

    def train(lib, net):
        groups = [{'params': [p for n, p in net.named_parameters() if not n.startswith('4.')]},
                  {'params': net[4].parameters(), 'lr': kwargs.get('lr', 1.0) / 2}]
        opt = getattr(lib.optim, name)(groups, **kwargs)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
        loss_fn = lib.nn.CrossEntropyLoss()
        X, Y = lib.tensor(x), lib.tensor(y)
        losses = []
        for _ in range(30):
            opt.zero_grad()
            loss = loss_fn(net(X), Y)
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        return losses, opt
    l_th, o_th = train(torch, net_th)
    l_nb, o_nb = train(nbtorch, net_nb)
    np.testing.assert_allclose(l_nb, l_th, rtol=1e-4, atol=1e-6)
    for (k, v), (k2, v2) in zip(net_th.state_dict().items(), net_nb.state_dict().items()):
        np.testing.assert_allclose(v2.numpy(), v.numpy(), rtol=1e-4, atol=1e-5 + 1e-4 * np.abs(v.numpy()).max(),
                                   err_msg=k)
    assert o_nb.state_dict()['param_groups'] == o_th.state_dict()['param_groups']


def test_passing_the_model_instead_of_parameters_gives_torchs_type_and_a_hint():
    pytest.importorskip('nbtorch.nn')
    for make in (lambda lib: lib.nn.Linear(2, 3), lambda lib: lib.nn.Sequential(lib.nn.Linear(2, 3))):
        with pytest.raises(TypeError):
            torch.optim.SGD(make(torch), lr=0.1)
        with pytest.raises(TypeError, match=r"model.parameters\(\)"):
            nbtorch.optim.SGD(make(nbtorch), lr=0.1)


@pytest.mark.parametrize('name,kwargs', [('SGD', dict(lr=0.01, mementum=0.9)), ('Adam', dict(weight_deacy=0))])
def test_course_typos_raise_torchs_type_error(name, kwargs):
    """The course source misspells momentum / weight_decay; both libraries reject the keyword the same way."""
    _both_raise(lambda lib: getattr(lib.optim, name)([lib.ones(2, requires_grad=True)], **kwargs), TypeError)


def test_step_hooks_like_torch():
    def run_hooks(lib):
        p = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.5)
        seen = []
        h1 = opt.register_step_pre_hook(lambda o, a, k: seen.append(('pre', p.tolist())))
        opt.register_step_post_hook(lambda o, a, k: seen.append(('post', p.tolist())))
        p.sum().backward()
        opt.step()
        h1.remove()
        opt.step()
        return seen
    assert run_hooks(nbtorch) == run_hooks(torch)
