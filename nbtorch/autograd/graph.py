"""A tensor's history as plain data, for the live graph views (no drawing here).

Like micrograd's ``trace(root)``, :func:`trace` walks the backward graph from
one or more tensors and returns nodes and edges; the widgets only draw it.

* ``trace(loss, params=net)``  -> ``{'nodes', 'edges', 'roots', 'backward_order'}``
* ``summary(array)``           -> numel, shape, a preview, min/max/mean/std, NaN/Inf flags
* ``backward_steps(loss)``     -> backward replayed node by node, with the gradients
  accumulated so far after each step (the graph is kept; ``.grad`` is untouched)

Node ids are strings made from the object's identity, so the same live node
keeps its id across calls (``'op-…'`` for a ``grad_fn``, ``'leaf-…'`` for a leaf).
"""
import math

import numpy as np

from .function import AccumulateGrad, Node, _TENSOR
from .engine import _toposort, run_backward

__all__ = ['trace', 'summary', 'backward_steps', 'node_id', 'Node']

_PREVIEW = 6
_MAX_VALUES = 64


def _host(a):
    from .._backend import to_host
    return np.asarray(to_host(a))


def _num(v):
    """A JSON-safe Python number: NaN and infinities become the strings 'nan', 'inf', '-inf'."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def _round4(v):
    v = _num(v)
    if isinstance(v, float):
        return float(f'{v:.4g}')
    return v


def summary(array):
    """Summary of an array (or Tensor) for display; every field is JSON-safe.

    ``{'numel', 'shape', 'preview', 'values', 'min', 'max', 'mean', 'std', 'has_nan', 'has_inf'}``:
    ``preview`` holds the first <= 6 values (4 significant digits), ``values`` all
    of them when there are at most 64 (else None), ``std`` is torch's (unbiased).
    """
    Tensor = _TENSOR[0]
    if array is None:
        return None
    if Tensor is not None and isinstance(array, Tensor):
        array = array._data
    a = _host(array)
    n = int(a.size)
    flat = a.reshape(-1)
    out = {'numel': n, 'shape': [int(s) for s in a.shape],
           'preview': [_round4(v) for v in flat[:_PREVIEW].tolist()],
           'values': None, 'min': None, 'max': None, 'mean': None, 'std': None,
           'has_nan': False, 'has_inf': False}
    if n <= _MAX_VALUES:
        if a.dtype.kind == 'f':
            # shortest repr of each float32/float16 value, not its float64 expansion
            out['values'] = [_num(float(s)) for s in flat.astype(str).tolist()]
        else:
            out['values'] = [_num(v) for v in flat.tolist()]
    if n == 0:
        return out
    if a.dtype.kind in 'fc':
        finite = np.isfinite(a)
        all_finite = bool(finite.all())
        if not all_finite:
            out['has_nan'] = bool(np.isnan(a).any())
            out['has_inf'] = bool(np.isinf(a).any())
    x = a.astype(np.float64) if a.dtype.kind in 'biu' or a.dtype.itemsize < 4 else a
    with np.errstate(all='ignore'):
        out['min'] = _num(x.min())
        out['max'] = _num(x.max())
        mean = x.mean(dtype=np.float64)
        out['mean'] = _num(mean)
        out['std'] = _num(x.std(dtype=np.float64, ddof=1)) if n > 1 else 'nan'
    return out


def node_id(obj):
    """The id ``trace`` gives a graph node (a ``grad_fn``) or a leaf tensor."""
    if isinstance(obj, AccumulateGrad):
        obj = obj.variable
    if isinstance(obj, Node):
        return f'op-{id(obj):x}'
    return f'leaf-{id(obj):x}'


def _param_names(params):
    """{id(tensor): name} from a dict, a Module (named_parameters) or an iterable of (name, tensor)."""
    if params is None:
        return {}
    if hasattr(params, 'named_parameters'):
        params = params.named_parameters()
    if hasattr(params, 'items'):
        params = params.items()
    return {id(t): name for name, t in params}


def _live_output(node):
    """The first output tensor of ``node`` that is still alive, or None."""
    for ref in getattr(node, '_out_refs', None) or ():
        t = ref() if ref is not None else None
        if t is not None:
            return t
    return None


def _root_node(t):
    """The node a root tensor's gradient starts at (its grad_fn, or its leaf accumulator)."""
    if t.grad_fn is not None:
        return t.grad_fn
    if t._rg:
        acc = t._accumulator
        if acc is None:
            acc = t._accumulator = AccumulateGrad(t)
        return acc
    return None


def trace(*roots, params=None, max_nodes=None):
    """Walk the backward graph of ``roots`` (tensors) and return it as plain data.

    ``params``: a dict name -> tensor, or a Module, to name leaves (and mark them
    ``'param'``).  ``max_nodes``: stop after that many nodes (closest to the roots
    first); ``'truncated'`` then says so.

    Returns ``{'nodes': [...], 'edges': [...], 'roots': [ids], 'backward_order': [ids],
    'truncated': bool}`` where each node is ``{'id', 'kind' ('op'|'leaf'|'param'),
    'label', 'name', 'shape', 'dtype', 'requires_grad', 'value', 'grad', 'module'}``
    (value/grad are :func:`summary` dicts or None) and each edge is
    ``{'source', 'target', 'input_index'}`` in the forward direction: from an
    input's node to the op that consumed it.
    """
    if len(roots) == 1 and isinstance(roots[0], (list, tuple)):
        roots = tuple(roots[0])
    names = _param_names(params)
    Tensor = _TENSOR[0]
    start = []
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"trace() expects tensors, got {type(r).__name__}")
        n = _root_node(r)
        if n is not None:
            start.append(n)

    # breadth-first from the roots, so max_nodes keeps the part nearest the output
    seen = {}
    queue = []
    for n in start:
        if id(n) not in seen:
            seen[id(n)] = n
            queue.append(n)
    truncated = False
    i = 0
    while i < len(queue):
        node = queue[i]
        i += 1
        for nxt, _ in node.next_functions:
            if nxt is not None and id(nxt) not in seen:
                if max_nodes is not None and len(queue) >= max_nodes:
                    truncated = True
                    continue
                seen[id(nxt)] = nxt
                queue.append(nxt)

    nodes, edges = [], []
    for node in queue:
        nodes.append(_describe(node, names, Tensor))
        tid = node_id(node)
        for k, (nxt, _) in enumerate(node.next_functions):
            if nxt is not None and id(nxt) in seen:
                edges.append({'source': node_id(nxt), 'target': tid, 'input_index': k})

    order = [node_id(n) for n in _toposort(start) if id(n) in seen]
    root_ids = []
    for n in start:
        nid = node_id(n)
        if nid not in root_ids:
            root_ids.append(nid)
    return {'nodes': nodes, 'edges': edges, 'roots': root_ids, 'backward_order': order,
            'truncated': truncated}


def _describe(node, names, Tensor):
    md = node.__dict__.get('_metadata') or {}
    if isinstance(node, AccumulateGrad):
        t = node.variable
        name = names.get(id(t))
        is_param = name is not None or type(t).__name__ == 'Parameter'
        return {'id': node_id(node), 'kind': 'param' if is_param else 'leaf',
                'label': name if name is not None else ('param' if is_param else 'leaf'),
                'name': name, 'shape': [int(s) for s in t._data.shape], 'dtype': _dtype_name(t._data.dtype),
                'requires_grad': bool(t._rg), 'value': summary(t._data),
                'grad': summary(t.grad._data) if t.grad is not None else None,
                'module': md.get('module')}
    out = _live_output(node)
    shape, dtype = None, None
    if out is not None:
        shape, dtype = [int(s) for s in out._data.shape], _dtype_name(out._data.dtype)
    else:
        meta = getattr(node, '_out_meta', None)
        if meta and meta[0] is not None:
            shape, dtype = [int(s) for s in meta[0][0]], _dtype_name(meta[0][1])
    return {'id': node_id(node), 'kind': 'op', 'label': node.name(),
            'name': names.get(id(out)) if out is not None else None,
            'shape': shape, 'dtype': dtype, 'requires_grad': True,
            'value': summary(out._data) if out is not None else None,
            'grad': summary(out._grad._data) if out is not None and out._grad is not None else None,
            'module': md.get('module')}


def _dtype_name(np_dtype):
    from .._dtype import from_numpy
    return str(from_numpy(np_dtype)).replace('torch.', '')


def backward_steps(root, gradient=None):
    """Replay backward from ``root`` one node at a time, without changing anything.

    Returns a list with one entry per node, in the order the engine runs them::

        {'step': k, 'node': id, 'label': 'MulBackward0',
         'grad': summary of the gradient arriving at this node (d root / d its output),
         'grads': {id: summary} for every node that has (part of) its gradient so far,
         'pending': [ids whose gradient is still being accumulated]}

    A node used twice shows a partial gradient in ``grads`` (and sits in
    ``pending``) until its second contribution arrives.  The graph is kept
    (retain_graph), no hooks run and no ``.grad`` is written.
    """
    from . import _make_grads
    Tensor = _TENSOR[0]
    if not isinstance(root, Tensor):
        raise TypeError(f"backward_steps() expects a tensor, got {type(root).__name__}")
    if not root._rg:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    seed = _make_grads((root,), (gradient,))
    steps = []
    done = {}          # id -> summary of the final gradient of processed nodes

    def _grad_summary(g):
        if isinstance(g, list):       # a multi-output node: one buffer per output
            parts = [x for x in g if x is not None]
            return summary(parts[0]) if len(parts) == 1 else {'outputs': [summary(x) for x in g]}
        return summary(g)

    def step(node, grad, buffers):
        nid = node_id(node)
        done[nid] = _grad_summary(grad)
        grads = dict(done)
        pending = []
        for n, g in buffers.items():
            pid = node_id(n)
            grads[pid] = _grad_summary(g)
            pending.append(pid)
        steps.append({'step': len(steps), 'node': nid, 'label': _label(node), 'grad': done[nid],
                      'grads': grads, 'pending': pending})

    run_backward((root,), seed, step=step)
    return steps


def _label(node):
    if isinstance(node, AccumulateGrad):
        return 'AccumulateGrad'
    return node.name()
