"""lr schedulers against torch: exact lr sequences over many epochs, closed form, state_dict, errors."""
import warnings

import pytest
import torch

import nbtorch

EPOCHS = 80


def make_opt(lib, groups=2):
    ps = [lib.ones(2, requires_grad=True) for _ in range(groups)]
    return lib.optim.SGD([{'params': [p], 'lr': 0.1 * (i + 1)} for i, p in enumerate(ps)], lr=0.1, momentum=0.9)


class Scale:
    """A callable object (not a function): LambdaLR saves its __dict__."""

    def __init__(self, k):
        self.k = k

    def __call__(self, epoch):
        return self.k ** epoch


SCHEDULERS = {
    'StepLR': lambda S, o: S.StepLR(o, step_size=3, gamma=0.7),
    'MultiStepLR': lambda S, o: S.MultiStepLR(o, milestones=[5, 5, 17, 40], gamma=0.5),
    'ExponentialLR': lambda S, o: S.ExponentialLR(o, gamma=0.93),
    'CosineAnnealingLR': lambda S, o: S.CosineAnnealingLR(o, T_max=12),
    'CosineAnnealingLR-eta_min': lambda S, o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
    'LambdaLR': lambda S, o: S.LambdaLR(o, lambda e: 0.95 ** e + 0.01 * (e % 4)),
    'LambdaLR-list': lambda S, o: S.LambdaLR(o, [lambda e: 1 / (e + 1), Scale(0.9)]),
    'MultiplicativeLR': lambda S, o: S.MultiplicativeLR(o, lambda e: 0.97 if e % 2 else 0.99),
    'ConstantLR': lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=7),
    'LinearLR': lambda S, o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=12),
    'PolynomialLR': lambda S, o: S.PolynomialLR(o, total_iters=30, power=2.0),
    'CosineAnnealingWarmRestarts': lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.001),
    'OneCycleLR': lambda S, o: S.OneCycleLR(o, max_lr=[0.5, 1.0], total_steps=EPOCHS + 1),
    'OneCycleLR-3phase-linear': lambda S, o: S.OneCycleLR(o, max_lr=0.3, epochs=9, steps_per_epoch=9,
                                                          three_phase=True, anneal_strategy='linear'),
    'SequentialLR': lambda S, o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.2, total_iters=5),
                                                    S.ExponentialLR(o, gamma=0.9)], milestones=[5]),
    'SequentialLR-3': lambda S, o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.5, total_iters=4),
                                                      S.CosineAnnealingLR(o, T_max=10),
                                                      S.StepLR(o, step_size=4)], milestones=[6, 20]),
}


def lr_sequence(lib, make, epochs=EPOCHS):
    opt = make_opt(lib)
    sched = make(lib.optim.lr_scheduler, opt)
    seq = [sched.get_last_lr()]
    momenta = []
    for _ in range(epochs):
        opt.step()
        sched.step()
        seq.append(sched.get_last_lr())
        momenta.append([g['momentum'] for g in opt.param_groups])     # OneCycleLR cycles momentum too
        assert sched.get_last_lr() == [g['lr'] for g in opt.param_groups]
    return seq, momenta


@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_lr_sequence_equals_torch_exactly(name):
    assert lr_sequence(nbtorch, SCHEDULERS[name]) == lr_sequence(torch, SCHEDULERS[name])


@pytest.mark.parametrize('name', ['StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR', 'ConstantLR',
                                  'LinearLR', 'PolynomialLR', 'CosineAnnealingWarmRestarts'])
def test_step_with_epoch_uses_closed_form_like_torch(name):
    def seq(lib):
        opt = make_opt(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            for e in [3, 10, 4, 25, 0, 41, 12.5]:
                opt.step()
                sched.step(e)
                out.append(sched.get_last_lr())
        return out
    assert seq(nbtorch) == seq(torch)


def plateau_sequence(lib, metrics, **kwargs):
    opt = make_opt(lib)
    sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    out = []
    for m in metrics:
        opt.step()
        sched.step(m)
        out.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
    return out


METRICS = [1.0, 0.9, 0.95, 0.95, 0.94, 0.949, 0.96, 0.8, 0.85, 0.86, 0.87, 0.8, 0.79, 0.8, 0.81, 0.9, 0.7,
           0.7, 0.7, 0.7, 0.71, 0.72, 0.6, 0.65, 0.66, 0.67, 0.68, 0.69, 0.7, 0.71] * 2


@pytest.mark.parametrize('kwargs', [
    dict(), dict(patience=1), dict(mode='max', patience=2, factor=0.5),
    dict(patience=1, threshold=0.05, threshold_mode='abs', cooldown=2, min_lr=0.02),
    dict(mode='max', threshold_mode='abs', threshold=0.0, patience=0, min_lr=[0.001, 0.05]),
    dict(patience=2, cooldown=1, factor=0.3, eps=1e-3),
])
def test_reduce_lr_on_plateau_equals_torch(kwargs):
    nb, th = plateau_sequence(nbtorch, METRICS, **kwargs), plateau_sequence(torch, METRICS, **kwargs)
    assert nb == th
    if kwargs:
        assert nb[-1][0] != nb[0][0], "the test never reduced the lr"


def test_reduce_lr_on_plateau_accepts_tensor_metric():
    opt = make_opt(nbtorch)
    sched = nbtorch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    sched.step(nbtorch.tensor(1.0))
    sched.step(nbtorch.tensor(2.0))
    assert sched.get_last_lr() == [0.010000000000000002, 0.020000000000000004]


@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_state_dict_resume(name):
    """Save the scheduler (and optimizer) after 20 epochs, load into fresh ones: the rest equals torch."""
    def resumed(lib):
        opt = make_opt(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        for _ in range(20):
            opt.step()
            sched.step()
        sd_o, sd_s = opt.state_dict(), sched.state_dict()
        opt2 = make_opt(lib)
        opt2.load_state_dict(sd_o)
        sched2 = SCHEDULERS[name](lib.optim.lr_scheduler, opt2)
        sched2.load_state_dict(sd_s)
        out = []
        for _ in range(25):
            opt2.step()
            sched2.step()
            out.append(sched2.get_last_lr())
        return out, sorted(k for k in sd_s)
    assert resumed(nbtorch) == resumed(torch)


def test_warning_when_scheduler_steps_before_optimizer():
    opt = make_opt(nbtorch)
    sched = nbtorch.optim.lr_scheduler.StepLR(opt, 2)
    with pytest.warns(UserWarning, match=r"lr_scheduler.step\(\)` before `optimizer.step\(\)"):
        sched.step()
    opt = make_opt(nbtorch)
    sched = nbtorch.optim.lr_scheduler.StepLR(opt, 2)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        sched.step()


def _both_raise(fn, exc):
    with pytest.raises(exc) as th:
        fn(torch)
    with pytest.raises(exc) as nb:
        fn(nbtorch)
    assert str(nb.value) == str(th.value)


def test_errors_match_torch():
    _both_raise(lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib), factor=1.0), ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib), mode='avg'), ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib), threshold_mode='x'),
                ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make_opt(lib), min_lr=[0.1]), ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.StepLR(make_opt(lib), 3, last_epoch=5), KeyError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.LambdaLR(make_opt(lib), [lambda e: 1.0]), ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.StepLR(object(), 3), TypeError)


def test_scheduler_with_adam_param_groups_keeps_initial_lr():
    p = nbtorch.ones(2, requires_grad=True)
    opt = nbtorch.optim.Adam([p], lr=0.5)
    nbtorch.optim.lr_scheduler.ExponentialLR(opt, 0.5)
    assert opt.param_groups[0]['initial_lr'] == 0.5
    tp = torch.ones(2, requires_grad=True)
    topt = torch.optim.Adam([tp], lr=0.5)
    torch.optim.lr_scheduler.ExponentialLR(topt, 0.5)
    assert opt.state_dict()['param_groups'] == topt.state_dict()['param_groups']


def test_get_lr_outside_step_warns_like_torch():
    for lib in (torch, nbtorch):
        sched = lib.optim.lr_scheduler.StepLR(make_opt(lib), 2)
        with pytest.warns(UserWarning, match=r"please use `get_last_lr\(\)`"):
            sched.get_lr()


def test_one_cycle_cycles_adam_beta1_like_torch():
    def seq(lib):
        p = lib.ones(2, requires_grad=True)
        opt = lib.optim.Adam([p], lr=0.1)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=20, pct_start=0.25)
        out = []
        for _ in range(19):
            opt.step()
            sched.step()
            out.append((sched.get_last_lr(), opt.param_groups[0]['betas']))
        return out, sorted(opt.param_groups[0])
    assert seq(nbtorch) == seq(torch)


def test_new_scheduler_errors_match_torch():
    _both_raise(lambda lib: lib.optim.lr_scheduler.ConstantLR(make_opt(lib), factor=2.0), ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.LinearLR(make_opt(lib), start_factor=0), ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(make_opt(lib), T_0=0), ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.OneCycleLR(make_opt(lib), max_lr=0.1), ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.OneCycleLR(make_opt(lib), max_lr=[0.1], total_steps=3),
                ValueError)
    _both_raise(lambda lib: lib.optim.lr_scheduler.MultiplicativeLR(make_opt(lib), 0.5), TypeError)

    def too_many(lib):
        opt = make_opt(lib)
        s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=2)
        for _ in range(3):
            opt.step()
            s.step()
    _both_raise(too_many, ValueError)

    def seq_mismatch(lib):
        opt = make_opt(lib)
        lib.optim.lr_scheduler.SequentialLR(opt, [lib.optim.lr_scheduler.StepLR(opt, 2)], milestones=[3])
    _both_raise(seq_mismatch, ValueError)
