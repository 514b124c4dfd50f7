"""GraphView: the autograd graph of your own tensor, laid out left to right, with values and grads.

>>> y = (w * x + b).relu().sum()
>>> view = GraphView(y)          # forward graph: inputs on the left, y on the right
>>> y.backward(); view.update()  # now every leaf shows its grad
>>> view.step = 3                # walk through backward: gradients arrive node by node
"""
import traitlets

from . import _assets
from ._base import View, _esc

BOX_W, BOX_H, GAP_X, GAP_Y = 170, 64, 60, 18


def layout(nodes, edges, sweeps=4):
    """Layered left-to-right layout of a DAG; returns {id: (layer, row)}.

    1. Layers by longest path from the inputs (an op sits right of all its inputs);
       a leaf/param is then pulled next to its first consumer.
    2. Rows inside a layer by barycentric ordering: a few sweeps that sort each layer
       by the mean row of its neighbours, which removes most edge crossings.
    """
    ids = [n['id'] for n in nodes]
    preds = {i: [] for i in ids}
    succs = {i: [] for i in ids}
    for e in edges:
        if e['source'] in preds and e['target'] in preds:
            preds[e['target']].append(e['source'])
            succs[e['source']].append(e['target'])
    # Kahn's topological order (forward direction)
    indeg = {i: len(set(preds[i])) for i in ids}
    order = [i for i in ids if indeg[i] == 0]
    seen_pred = {i: set() for i in ids}
    k = 0
    while k < len(order):
        u = order[k]
        k += 1
        for v in succs[u]:
            if u in seen_pred[v]:
                continue
            seen_pred[v].add(u)
            indeg[v] -= 1
            if indeg[v] == 0:
                order.append(v)
    if len(order) < len(ids):                      # not a DAG (cannot happen for autograd); keep the rest
        order += [i for i in ids if i not in set(order)]
    layer = {}
    for u in order:
        layer[u] = max((layer[p] + 1 for p in preds[u] if p in layer), default=0)
    for u in order:                                # sources sit just left of their nearest consumer
        if not preds[u] and succs[u]:
            layer[u] = max(0, min(layer[v] for v in succs[u]) - 1)
    layers = {}
    for u in order:
        layers.setdefault(layer[u], []).append(u)
    nl = max(layers) + 1 if layers else 0
    rows = [layers.get(i, []) for i in range(nl)]
    pos = {}
    for r in rows:
        for j, u in enumerate(r):
            pos[u] = j
    for sweep in range(sweeps):
        rng = range(1, nl) if sweep % 2 == 0 else range(nl - 2, -1, -1)
        for li in rng:
            nb = preds if sweep % 2 == 0 else succs

            def key(u):
                ns = [pos[v] for v in nb[u]]
                return sum(ns) / len(ns) if ns else pos[u]
            rows[li].sort(key=key)
            for j, u in enumerate(rows[li]):
                pos[u] = j
    return {u: (layer[u], pos[u]) for u in ids}


class GraphView(View):
    """The autograd graph of ``tensor`` (forward direction), grouped by nn.Module when it has one."""
    _esm = _assets.esm('graph_view')
    _css = _assets.css('graph_view')

    graph = traitlets.Dict({}).tag(sync=True)     # nodes (with x, y), edges, groups, order
    steps = traitlets.List([]).tag(sync=True)     # backward replay: [{'node', 'delta': {id: summary}, 'pending'}]
    step = traitlets.Int(-1).tag(sync=True)       # -1: the current state; k: after backward step k
    selected = traitlets.Unicode('').tag(sync=True)

    def __init__(self, tensor, params=None, *, max_nodes=2000, max_step_nodes=200, **kw):
        super().__init__(**kw)
        self._roots = tensor if isinstance(tensor, (list, tuple)) else [tensor]
        self._params = params
        self.max_nodes, self.max_step_nodes = max_nodes, max_step_nodes
        self.update()

    @staticmethod
    def recording(model):
        """Context manager: run the forward pass inside it to group the graph by ``model``'s modules.

        >>> with GraphView.recording(net):
        ...     loss = loss_fn(net(X), y)
        >>> GraphView(loss, params=net)
        """
        from nbtorch.nn.modules.module import record_module_names
        return record_module_names(model)

    def update(self):
        """Trace the graph again (e.g. after ``backward()``: leaves now show their grads)."""
        import warnings
        from nbtorch.autograd import graph as G
        with warnings.catch_warnings():      # reading .grad of intermediate results is intended here
            warnings.filterwarnings('ignore', message='The .grad attribute of a Tensor that is not a leaf')
            data = G.trace(*self._roots, params=self._params, max_nodes=self.max_nodes)
        self.graph = build(data)
        self.steps = self._replay(G, data) if len(data['nodes']) <= self.max_step_nodes else []
        if self.step >= len(self.steps):
            self.step = -1

    def _replay(self, G, data):
        """Backward replayed node by node, stored as deltas (what changed at each step)."""
        if len(self._roots) != 1 or not getattr(self._roots[0], 'requires_grad', False) \
                or self._roots[0].numel() != 1:
            return []
        try:
            raw = G.backward_steps(self._roots[0])
        except RuntimeError:          # graph already freed by backward(): stepping needs retain_graph
            return []
        out, prev = [], {}
        for st in raw:
            delta = {k: v for k, v in st['grads'].items() if prev.get(k) != v}
            prev = st['grads']
            out.append({'node': st['node'], 'label': st['label'], 'delta': delta, 'pending': st['pending']})
        return out

    def __repr__(self):
        g = self.graph or {}
        return (f"GraphView(nodes={len(g.get('nodes', []))}, edges={len(g.get('edges', []))}, "
                f"roots={[n['label'] for n in g.get('nodes', []) if n['id'] in g.get('roots', [])]})")

    def _repr_html_(self):
        g = self.graph or {}
        W, H = g.get('width', 100), g.get('height', 100)
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="monospace">']
        pos = {n['id']: n for n in g.get('nodes', [])}
        for e in g.get('edges', []):
            a, b = pos.get(e['source']), pos.get(e['target'])
            if a and b:
                out.append(f'<line x1="{a["x"] + BOX_W}" y1="{a["y"] + BOX_H / 2}" x2="{b["x"]}" '
                           f'y2="{b["y"] + BOX_H / 2}" stroke="#999"/>')
        fill = {'op': '#eef3ff', 'leaf': '#f3f3f3', 'param': '#fff4d6'}
        for n in g.get('nodes', []):
            out.append(f'<rect x="{n["x"]}" y="{n["y"]}" width="{BOX_W}" height="{BOX_H}" rx="6" '
                       f'fill="{fill.get(n["kind"], "#fff")}" stroke="#667"/>'
                       f'<text x="{n["x"] + 6}" y="{n["y"] + 16}" font-size="12">{_esc(n["label"])}</text>'
                       f'<text x="{n["x"] + 6}" y="{n["y"] + 32}" font-size="10">'
                       f'{_esc(_shape_str(n))}</text>')
        out.append('</svg>')
        return ''.join(out)


def _shape_str(n):
    shape = n.get('shape')
    return f"{tuple(shape) if shape is not None else '?'} {n.get('dtype') or ''}".replace(',)', ')')


def build(data):
    """trace() data plus a layout: every node gets x, y; modules get bounding boxes."""
    pos = layout(data['nodes'], data['edges'])
    nodes = []
    nlayers = max((p[0] for p in pos.values()), default=-1) + 1
    maxrows = {}
    for l, r in pos.values():
        maxrows[l] = max(maxrows.get(l, 0), r + 1)
    tallest = max(maxrows.values(), default=0)
    for n in data['nodes']:
        l, r = pos[n['id']]
        off = (tallest - maxrows[l]) * (BOX_H + GAP_Y) / 2     # centre each layer vertically
        nodes.append(dict(n, x=10 + l * (BOX_W + GAP_X), y=10 + off + r * (BOX_H + GAP_Y), layer=l, row=r))
    groups = {}
    for n in nodes:
        m = n.get('module')
        if m is None:
            continue
        b = groups.setdefault(m, [n['x'], n['y'], n['x'] + BOX_W, n['y'] + BOX_H])
        b[0], b[1] = min(b[0], n['x']), min(b[1], n['y'])
        b[2], b[3] = max(b[2], n['x'] + BOX_W), max(b[3], n['y'] + BOX_H)
    return {'nodes': nodes, 'edges': data['edges'], 'roots': data['roots'],
            'backward_order': data['backward_order'], 'truncated': data.get('truncated', False),
            'groups': [{'module': m, 'x0': b[0] - 6, 'y0': b[1] - 16, 'x1': b[2] + 6, 'y1': b[3] + 6}
                       for m, b in groups.items()],
            'box': [BOX_W, BOX_H], 'width': 20 + nlayers * (BOX_W + GAP_X),
            'height': 30 + tallest * (BOX_H + GAP_Y)}
