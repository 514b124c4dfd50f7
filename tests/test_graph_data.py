"""nbtorch.autograd.graph: trace() / summary() / backward_steps() as plain, JSON-safe data."""
import json
import math

import numpy as np
import pytest
import torch

import nbtorch
from nbtorch.autograd import graph as G

NODE_KEYS = {'id', 'kind', 'label', 'name', 'shape', 'dtype', 'requires_grad', 'value', 'grad', 'module'}
SUMMARY_KEYS = {'numel', 'shape', 'preview', 'values', 'min', 'max', 'mean', 'std', 'has_nan', 'has_inf'}


def small_graph():
    nbtorch.manual_seed(0)
    x = nbtorch.randn(4, 3)
    w = nbtorch.randn(3, 2, requires_grad=True)
    b = nbtorch.zeros(2, requires_grad=True)
    h = (x @ w + b).relu()
    loss = (h * h).mean()
    return x, w, b, h, loss


def check_format(tr):
    assert set(tr) >= {'nodes', 'edges', 'roots', 'backward_order'}
    ids = [n['id'] for n in tr['nodes']]
    assert len(ids) == len(set(ids))
    for n in tr['nodes']:
        assert set(n) == NODE_KEYS
        assert isinstance(n['id'], str) and n['kind'] in ('op', 'leaf', 'param')
        for key in ('value', 'grad'):
            if n[key] is not None:
                assert set(n[key]) == SUMMARY_KEYS
    for e in tr['edges']:
        assert set(e) == {'source', 'target', 'input_index'}
        assert e['source'] in ids and e['target'] in ids and isinstance(e['input_index'], int)
    assert set(tr['roots']) <= set(ids) and set(tr['backward_order']) <= set(ids)
    json.loads(json.dumps(tr, allow_nan=False))      # strict JSON: no NaN/Inf literals


def test_trace_small_graph():
    x, w, b, h, loss = small_graph()
    tr = G.trace(loss, params={'weight': w, 'bias': b})
    check_format(tr)
    by_id = {n['id']: n for n in tr['nodes']}
    labels = sorted(n['label'] for n in tr['nodes'] if n['kind'] == 'op')
    assert labels == sorted(['MeanBackward0', 'MulBackward0', 'ReluBackward0', 'AddBackward0', 'MmBackward0'])
    params = {n['name']: n for n in tr['nodes'] if n['kind'] == 'param'}
    assert set(params) == {'weight', 'bias'}
    assert params['weight']['shape'] == [3, 2] and params['weight']['dtype'] == 'float32'
    assert params['weight']['label'] == 'weight' and params['weight']['requires_grad'] is True
    root = by_id[tr['roots'][0]]
    assert root['label'] == 'MeanBackward0' and root['shape'] == [] and root['value']['numel'] == 1
    np.testing.assert_allclose(root['value']['values'][0], loss.item(), rtol=1e-6)
    # edges go forward: inputs -> consumer, with the input's position
    mm = next(n for n in tr['nodes'] if n['label'] == 'MmBackward0')
    into_mm = [(by_id[e['source']]['name'], e['input_index']) for e in tr['edges'] if e['target'] == mm['id']]
    assert into_mm == [('weight', 1)]
    mul = next(n for n in tr['nodes'] if n['label'] == 'MulBackward0')
    relu = next(n for n in tr['nodes'] if n['label'] == 'ReluBackward0')
    assert sorted(e['input_index'] for e in tr['edges'] if e['target'] == mul['id'] and e['source'] == relu['id']) \
        == [0, 1]
    # live intermediate (h is held) has a value, and it is h's
    np.testing.assert_allclose(relu['value']['values'], h.detach().numpy().reshape(-1).tolist(), rtol=1e-6)
    assert relu['shape'] == [4, 2]
    # backward order: root first, leaves after the ops that feed them
    order = tr['backward_order']
    assert order[0] == root['id'] and order.index(mm['id']) < order.index(params['weight']['id'])
    assert params['weight']['grad'] is None
    loss.backward()
    tr2 = G.trace(loss, params={'weight': w, 'bias': b})
    pw = next(n for n in tr2['nodes'] if n['name'] == 'weight')
    np.testing.assert_allclose(pw['grad']['values'], w.grad.numpy().reshape(-1), rtol=1e-3)
    assert [n['id'] for n in tr2['nodes']] == [n['id'] for n in tr['nodes']]     # stable ids


def test_leaf_kinds_and_dead_intermediates():
    a = nbtorch.ones(2, requires_grad=True)
    y = ((a * 2).exp() * 3).sum()         # intermediates not held by anyone
    tr = G.trace(y)
    check_format(tr)
    leaf = next(n for n in tr['nodes'] if n['kind'] != 'op')
    assert leaf['kind'] == 'leaf' and leaf['label'] == 'leaf' and leaf['name'] is None
    assert leaf['value']['values'] == [1.0, 1.0]
    exp = next(n for n in tr['nodes'] if n['label'] == 'ExpBackward0')
    assert exp['value'] is None and exp['shape'] == [2] and exp['dtype'] == 'float32'


def test_parameter_leaves_and_module_names():
    nn = nbtorch.nn
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    out = net(nbtorch.ones(2, 3)).sum()
    tr = G.trace(out, params=net)
    check_format(tr)
    names = sorted(n['name'] for n in tr['nodes'] if n['kind'] == 'param')
    assert names == ['0.bias', '0.weight', '2.bias', '2.weight']
    out.grad_fn.metadata['module'] = 'head'
    tr = G.trace(out)
    assert next(n for n in tr['nodes'] if n['id'] in tr['roots'])['module'] == 'head'
    assert all(n['kind'] == 'param' for n in tr['nodes'] if n['kind'] != 'op')   # nn.Parameter without names


def test_several_roots_and_max_nodes():
    x = nbtorch.ones(3, requires_grad=True)
    a = (x * 2).sum()
    b = (x.exp() + 1).sum()
    tr = G.trace(a, b)
    check_format(tr)
    assert len(tr['roots']) == 2
    assert sum(1 for n in tr['nodes'] if n['kind'] == 'leaf') == 1       # shared leaf appears once
    big = x
    for _ in range(50):
        big = big * 1.5
    tr = G.trace(big.sum(), max_nodes=10)
    check_format(tr)
    assert len(tr['nodes']) == 10 and tr['truncated'] is True
    assert G.trace(big.sum())['truncated'] is False


def test_leaf_root_and_no_grad_root():
    x = nbtorch.ones(2, requires_grad=True)
    tr = G.trace(x)
    check_format(tr)
    assert len(tr['nodes']) == 1 and tr['nodes'][0]['kind'] == 'leaf' and tr['roots'] == [tr['nodes'][0]['id']]
    tr = G.trace(nbtorch.ones(2) * 2)
    assert tr['nodes'] == [] and tr['roots'] == []


def test_summary_fields():
    s = G.summary(nbtorch.tensor([1.0, 2.0, 3.0, 4.0]))
    assert set(s) == SUMMARY_KEYS
    assert s['numel'] == 4 and s['shape'] == [4] and s['values'] == [1.0, 2.0, 3.0, 4.0]
    assert s['min'] == 1.0 and s['max'] == 4.0 and s['mean'] == 2.5
    assert math.isclose(s['std'], torch.tensor([1., 2., 3., 4.]).std().item(), rel_tol=1e-6)
    assert s['has_nan'] is False and s['has_inf'] is False
    s = G.summary(np.float32([0.1, 1 / 3]))
    assert s['values'] == [0.1, 0.33333334] and s['preview'] == [0.1, 0.3333]
    big = G.summary(np.arange(100, dtype=np.float32).reshape(10, 10))
    assert big['values'] is None and big['preview'] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and big['shape'] == [10, 10]
    bad = G.summary(np.float32([1.0, np.nan, np.inf, -np.inf]))
    assert bad['has_nan'] and bad['has_inf']
    assert bad['values'] == [1.0, 'nan', 'inf', '-inf'] and bad['mean'] == 'nan'
    json.dumps(bad, allow_nan=False)
    ints = G.summary(nbtorch.tensor([[1, 2], [3, 5]]))
    assert ints['values'] == [1, 2, 3, 5] and ints['max'] == 5.0
    assert G.summary(np.zeros((0, 3), np.float32))['min'] is None
    assert G.summary(nbtorch.tensor(2.5))['std'] == 'nan'
    assert G.summary(None) is None


def test_backward_steps_replays_without_side_effects():
    x, w, b, h, loss = small_graph()
    steps = G.backward_steps(loss)
    tr = G.trace(loss, params={'w': w, 'b': b})
    assert [s['node'] for s in steps] == tr['backward_order']
    for i, s in enumerate(steps):
        assert s['step'] == i and set(s) == {'step', 'node', 'label', 'grad', 'grads', 'pending'}
    json.loads(json.dumps(steps, allow_nan=False))
    assert steps[0]['label'] == 'MeanBackward0' and steps[-1]['label'] == 'AccumulateGrad'
    # nothing was written, and the graph still works
    assert w.grad is None and b.grad is None
    loss.backward()
    wid = next(n['id'] for n in tr['nodes'] if n['name'] == 'w')
    np.testing.assert_allclose(steps[-1]['grads'][wid]['values'], w.grad.numpy().reshape(-1), rtol=1e-5)


def test_backward_steps_show_accumulation():
    x = nbtorch.tensor([1., 2.], requires_grad=True)
    h = x * 3
    y = (h * 2 + h.exp()).sum()           # h feeds two consumers
    hid = G.node_id(h.grad_fn)
    steps = G.backward_steps(y)
    partial = [s for s in steps if hid in s['pending']]
    assert partial, "h's gradient is first partial (pending)"
    first = partial[0]['grads'][hid]['values']
    final = next(s for s in steps if s['node'] == hid)['grad']['values']
    assert first != final
    np.testing.assert_allclose(final, (2 + np.exp(3 * np.array([1., 2.]))).tolist(), rtol=1e-5)
    with pytest.raises(RuntimeError, match='does not require grad'):
        G.backward_steps(nbtorch.ones(2).sum())


def test_backward_steps_on_freed_graph_raises():
    x = nbtorch.ones(2, requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match='second time'):
        G.backward_steps(y)


def test_out_refs_are_weak_and_only_recorded_with_grad():
    x = nbtorch.ones(2, requires_grad=True)
    h = x * 2
    assert h.grad_fn._out_refs[0]() is h
    with nbtorch.no_grad():
        z = x * 2
    assert z.grad_fn is None


def test_trace_500_node_mlp_is_fast_enough_to_be_interactive():
    """Not a timing assertion: just make sure a big graph traces and serialises."""
    nbtorch.manual_seed(0)
    ws = [nbtorch.randn(16, 16, requires_grad=True) for _ in range(100)]
    h = nbtorch.randn(8, 16)
    for w in ws:
        h = (h @ w).tanh() * 0.5 + 0.1
    tr = G.trace(h.sum(), params={f'w{i}': w for i, w in enumerate(ws)})
    check_format(tr)
    assert len(tr['nodes']) == 501
