import numpy as np
import pytest

import nbtorch as torch
from nbtorch.widgets import GraphView
from nbtorch.widgets.graph_view import layout, BOX_W, BOX_H


def _small():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, -4.0], requires_grad=True)
    y = ((w * x + x).relu() * 2).sum()
    return x, w, y


def test_nodes_edges_and_forward_layering():
    x, w, y = _small()
    g = GraphView(y, params={'w': w})
    nodes = {n['id']: n for n in g.graph['nodes']}
    labels = sorted(n['label'] for n in nodes.values())
    assert labels == sorted(['SumBackward0', 'MulBackward0', 'ReluBackward0', 'AddBackward0', 'MulBackward0',
                             'w', 'leaf'])
    assert len(g.graph['edges']) == 7
    for e in g.graph['edges']:                       # forward direction: inputs left of their consumers
        assert nodes[e['source']]['layer'] < nodes[e['target']]['layer']
        assert nodes[e['source']]['x'] < nodes[e['target']]['x']
    kinds = {n['label']: n['kind'] for n in nodes.values()}
    assert kinds['w'] == 'param' and kinds['leaf'] == 'leaf' and kinds['SumBackward0'] == 'op'
    root = nodes[g.graph['roots'][0]]
    assert root['label'] == 'SumBackward0' and root['layer'] == max(n['layer'] for n in nodes.values())


def test_no_overlapping_boxes_on_a_bigger_graph():
    torch.manual_seed(0)
    h = torch.randn(4, 8, requires_grad=True)
    ws = [torch.randn(8, 8, requires_grad=True) for _ in range(6)]
    for w in ws:
        h = (h @ w).tanh() + h
    g = GraphView(h.sum())
    boxes = [(n['x'], n['y']) for n in g.graph['nodes']]
    assert len(set(boxes)) == len(boxes)
    for (x1, y1) in boxes:
        for (x2, y2) in boxes:
            if (x1, y1) != (x2, y2):
                assert abs(x1 - x2) >= BOX_W or abs(y1 - y2) >= BOX_H
    assert g.graph['width'] >= max(x for x, _ in boxes) + BOX_W
    assert g.graph['height'] >= max(y for _, y in boxes) + BOX_H


def test_barycentric_ordering_removes_crossings():
    # a1 -> b2, a2 -> b1 given in crossing order: sorting by barycentre uncrosses them
    nodes = [{'id': i} for i in ['a1', 'a2', 'b1', 'b2', 'c1', 'c2']]
    edges = [{'source': 'a1', 'target': 'c2'}, {'source': 'a2', 'target': 'c1'},
             {'source': 'c1', 'target': 'b1'}, {'source': 'c2', 'target': 'b2'}]
    pos = layout(nodes, edges)
    row = {k: v[1] for k, v in pos.items()}
    assert (row['a1'] < row['a2']) == (row['c2'] < row['c1'])
    assert (row['c1'] < row['c2']) == (row['b1'] < row['b2'])


def test_update_shows_grads_after_backward():
    x, w, y = _small()
    g = GraphView(y, params={'w': w})
    assert all(n['grad'] is None for n in g.graph['nodes'])
    y.backward()
    g.update()
    grads = {n['label']: n['grad'] for n in g.graph['nodes'] if n['kind'] != 'op'}
    assert grads['w']['values'] == pytest.approx(w.grad.numpy().tolist())
    assert grads['leaf']['values'] == pytest.approx(x.grad.numpy().tolist())


def test_backward_stepping_accumulates_to_the_real_grads():
    x, w, y = _small()
    g = GraphView(y, params={'w': w})
    steps = g.steps
    assert len(steps) == len(g.graph['backward_order'])
    assert [s['node'] for s in steps] == g.graph['backward_order']
    # x feeds two ops: after its first contribution it is pending with a partial grad
    xid = next(n['id'] for n in g.graph['nodes'] if n['label'] == 'leaf')
    assert any(xid in s['pending'] for s in steps)
    final = {}
    for s in steps:
        final.update(s['delta'])
    y.backward()
    assert final[xid]['values'] == pytest.approx(x.grad.numpy().tolist())
    wid = next(n['id'] for n in g.graph['nodes'] if n['label'] == 'w')
    assert final[wid]['values'] == pytest.approx(w.grad.numpy().tolist())


def test_module_grouping():
    nn = pytest.importorskip('nbtorch.nn')
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    with GraphView.recording(net):
        loss = net(torch.randn(2, 3)).sum()
    g = GraphView(loss, params=net)
    mods = {n['module'] for n in g.graph['nodes'] if n['module']}
    if not mods:
        pytest.skip("Module.__call__ does not tag graph nodes with metadata['module'] yet")
    groups = {gr['module']: gr for gr in g.graph['groups']}
    assert set(groups) == mods
    for n in g.graph['nodes']:
        if n['module']:
            b = groups[n['module']]
            assert b['x0'] <= n['x'] and n['x'] + BOX_W <= b['x1'] and b['y0'] <= n['y'] and n['y'] + BOX_H <= b['y1']
    assert {n['label'] for n in g.graph['nodes'] if n['kind'] == 'param'} == {'0.weight', '0.bias', '2.weight',
                                                                              '2.bias'}


def test_repr_is_stable():
    _, _, y = _small()
    r = repr(GraphView(y))
    assert r == "GraphView(nodes=7, edges=7, roots=['SumBackward0'])"
    assert r == repr(GraphView(_small()[2]))


def test_static_fallback_escapes_names():
    payload = '<img src=x onerror=window.__pwned=1>'
    w = torch.tensor([1.0], requires_grad=True)
    g = GraphView((w * 2).sum(), params={payload: w})
    html = g._repr_html_()
    assert '<img' not in html and '&lt;img' in html


def test_after_backward_without_graph_and_edge_cases():
    x = torch.ones(2, requires_grad=True)
    y = (x * 2).exp().sum()
    y.backward()                       # the graph's saved arrays are freed: no stepping, but it still draws
    g = GraphView(y)
    assert g.steps == [] and len(g.graph['nodes']) == 4
    assert repr(GraphView(x * 3)) == "GraphView(nodes=2, edges=1, roots=['MulBackward0'])"
    assert repr(GraphView(torch.ones(3))) == "GraphView(nodes=0, edges=0, roots=[])"


def test_close_flushes(record):
    from nbtorch.widgets import TrainingCurves
    c = TrainingCurves()
    comm = record(c)
    for i in range(50):
        c.log(loss=float(i))          # most are held back by the throttle (no clock advance)
    c.close()
    sent = sum(m['n'] for m, _ in comm.custom('append'))
    full = [u for u in comm.updates('series')]
    assert sent == 50 or (full and full[-1]['series']['loss']['x']['shape'] == [50])
