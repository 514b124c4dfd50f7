import math

import numpy as np
import pytest

import nbtorch as torch
from nbtorch.widgets import GradientView
from nbtorch.widgets._base import unpack

nn = pytest.importorskip('nbtorch.nn')


def _net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def test_records_each_backward_with_torch_values(clock):
    net = _net()
    gv = GradientView(net)
    x = torch.randn(5, 3)
    for _ in range(3):
        net.zero_grad()
        net(x).pow(2).mean().backward()
    gv.flush()
    assert gv.steps == 3
    st = gv.stats()
    for name, p in net.named_parameters():
        g = p.grad.numpy().astype(np.float64)
        assert st[name]['norm'] == pytest.approx(np.linalg.norm(g), rel=1e-6)
        assert st[name]['mean_abs'] == pytest.approx(np.abs(g).mean(), rel=1e-6)
        assert st[name]['max_abs'] == pytest.approx(np.abs(g).max(), rel=1e-6)
        assert st[name]['flag'] == 'ok'
    steps, norms = gv.norm_history()
    assert norms.shape == (3, 4) and steps.tolist() == [0, 1, 2]
    assert unpack(gv.history['norm']).shape == (3, 4)
    assert [p['layer'] for p in gv.params] == ['0', '0', '2', '2']


def test_flags_none_nan_vanishing_exploding(clock):
    a = torch.zeros(3, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    c = torch.zeros(3, requires_grad=True)
    d = torch.zeros(3, requires_grad=True)
    unused = torch.zeros(3, requires_grad=True)
    gv = GradientView({'a': a, 'b': b, 'c': c, 'd': d, 'unused': unused}, exploding=100.0)
    (a * 1e-9 + b * float('nan') + c * 1e3 + d).sum().backward()
    gv.update()                 # commits the step the hooks caught; 'unused' never got a grad
    assert gv.flags() == {'a': 'vanishing', 'b': 'nan', 'c': 'exploding', 'd': 'ok', 'unused': 'none'}
    assert 'flagged=4' in repr(gv)
    gv.flush()
    latest = {p['name']: l for p, l in zip(gv.params, gv.latest)}
    assert latest['unused'] == {'norm': None, 'mean_abs': None, 'max_abs': None, 'flag': 'none'}


def test_inf_flag():
    a = torch.ones(2, requires_grad=True)
    gv = GradientView([a])
    (a * float('inf')).sum().backward()
    gv.update()
    assert gv.flags() == {'param0': 'inf'}


def test_history_is_bounded(clock):
    w = torch.ones(2, requires_grad=True)
    gv = GradientView({'w': w}, max_history=50)
    for i in range(500):
        w.grad = None
        (w * (i + 1)).sum().backward()
        clock.advance(0.01)
    gv.flush()
    steps, norms = gv.norm_history()
    assert len(steps) <= 51 and steps[0] == 0 and steps[-1] == 499
    assert norms[-1, 0] == pytest.approx(500 * math.sqrt(2))
    assert gv.history['steps']['shape'][0] == len(steps)


def test_appends_send_only_new_rows(record, clock):
    w = torch.ones(2, requires_grad=True)
    gv = GradientView({'w': w})
    comm = record(gv)
    for i in range(8):
        w.grad = None
        (w * 2).sum().backward()
    appends = comm.custom('append')
    assert appends and all(m['n'] == 1 for m, _ in appends)      # eager phase: one row per message
    assert sum(m['n'] for m, _ in appends) <= 8


def test_manual_update_without_hooks():
    w = torch.ones(2, requires_grad=True)
    gv = GradientView({'w': w}, auto=False)
    (w * 3).sum().backward()
    assert gv.steps == 0
    gv.step()
    assert gv.stats()['w']['norm'] == pytest.approx(3 * math.sqrt(2))


def test_remove_hooks():
    w = torch.ones(2, requires_grad=True)
    gv = GradientView({'w': w})
    gv.remove()
    (w * 3).sum().backward()
    assert gv._n_steps() == 0


def test_repr_and_escaping():
    payload = '<img src=x onerror=window.__pwned=1>'
    w = torch.ones(2, requires_grad=True)
    gv = GradientView({payload + '.weight': w})
    assert repr(gv) == 'GradientView(params=1, steps=0)'
    html = gv._repr_html_()
    assert '<img' not in html and '&lt;img' in html
