"""The backward pass, in the spirit of micrograd's ``engine.py``.

1. Walk the graph from the root's ``grad_fn`` and order the nodes so that each
   node comes after every node that feeds gradient into it (a topological sort).
2. Seed the root's gradient, then visit the nodes in that order: call the
   node's ``backward`` and add each returned gradient into the buffer of the
   node it flows to.  Leaves get theirs in ``AccumulateGrad``.
3. Unless ``retain_graph`` is set, free each node's saved arrays once used, so
   the graph's memory is returned right after ``backward()``.
"""
import weakref

import numpy as np

from .function import AccumulateGrad, Function, _TENSOR, _anomaly, refresh_view


def _toposort(roots):
    """Nodes reachable from ``roots``, each before the nodes it sends gradient to."""
    order, seen = [], set()
    for root in roots:
        if root is None or id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, it = stack[-1]
            for nxt, _ in it:
                if nxt is not None and id(nxt) not in seen:
                    seen.add(id(nxt))
                    stack.append((nxt, iter(nxt.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _accumulate(buffers, node, nr, g):
    if node._n_outputs == 1:
        prev = buffers.get(node)
        buffers[node] = g if prev is None else prev + g
    else:
        slot = buffers.get(node)
        if slot is None:
            slot = buffers[node] = [None] * node._n_outputs
        slot[nr] = g if slot[nr] is None else slot[nr] + g


def run_backward(roots, root_grads, retain_graph=False, inputs=None, accumulate=True, step=None):
    # torch's kernels give inf/nan silently (d/dx log x at 0); NumPy would warn, so it is told not to here
    with np.errstate(all='ignore'):
        return _run_backward(roots, root_grads, retain_graph, inputs, accumulate, step)


def _run_backward(roots, root_grads, retain_graph=False, inputs=None, accumulate=True, step=None):
    """Backpropagate ``root_grads`` (arrays) from tensors ``roots``.

    With ``accumulate=False`` nothing is written to ``.grad``; instead the
    gradients of ``inputs`` are returned (this is ``autograd.grad``).
    ``step(node, grad, buffers)``, if given, is called for every node right
    after it has run and passed its gradients on (``nbtorch.autograd.graph.backward_steps`` uses it);
    such a run is a dry run: no hooks, no ``.grad`` written, nothing freed.

    Leaves' ``.grad`` are updated all-or-nothing: if backward stops with an
    exception (a bad gradient, a KeyboardInterrupt from a hook, ...), every
    ``.grad`` is put back as it was before this call.
    """
    Tensor = _TENSOR[0]
    dry = step is not None
    if dry:
        retain_graph, accumulate = True, False
    anomaly = _anomaly[0]
    buffers = {}
    nodes = []
    for t, g in zip(roots, root_grads):
        if t._base is not None:
            refresh_view(t)
        node = t.grad_fn
        if node is None:
            if t._rg:
                node = t._accumulator or AccumulateGrad(t)
                t._accumulator = node
            else:
                continue
        nodes.append(node)
        if g.dtype != t._data.dtype:      # as torch: a given gradient is cast to its output's dtype
            g = g.astype(t._data.dtype)
        _accumulate(buffers, node, t._output_nr, g)

    # for autograd.grad: capture gradients flowing into these tensors
    captured = None
    capture_at = {}
    if inputs is not None:
        captured = [None] * len(inputs)
        for i, t in enumerate(inputs):
            if t.grad_fn is not None:
                capture_at.setdefault((t.grad_fn, t._output_nr), []).append(i)
            else:
                acc = t._accumulator or AccumulateGrad(t)
                t._accumulator = acc
                capture_at.setdefault((acc, 0), []).append(i)

    undo = []   # (leaf, its .grad before this backward) to restore if we are interrupted
    try:
        for node in _toposort(nodes):
            grad = buffers.pop(node, None)
            if grad is None:
                continue
            if captured is not None:
                if node._n_outputs == 1:
                    for i in capture_at.get((node, 0), ()):
                        captured[i] = grad
                else:
                    for nr, g in enumerate(grad):
                        for i in capture_at.get((node, nr), ()):
                            captured[i] = g
            if type(node) is AccumulateGrad:
                if accumulate:
                    _accumulate_into_leaf(node.variable, grad, Tensor, undo)
                if dry:
                    step(node, grad, buffers)
                continue
            if node._retained and not dry:
                grad = _fill_retained(node, grad, Tensor)
            if node._pre_hooks and not dry:
                grad = _run_pre_hooks(node, grad, Tensor)
            node._check_saved()
            if isinstance(node, Function):
                grads_out = node._run_backward(grad if node._n_outputs > 1 else (grad,))
            elif node._n_outputs == 1:
                grads_out = node.backward(node, grad)
            else:
                grads_out = node.backward(node, *grad)
            if type(grads_out) is not tuple:
                grads_out = (grads_out,)
            if anomaly:
                from .anomaly_mode import check_grads
                check_grads(node, grads_out)
            if node._hooks and not dry:
                grads_out = _run_node_hooks(node, grads_out, grad, Tensor)
            if not retain_graph:
                node._release()
            for (nxt, nr), g in zip(node.next_functions, grads_out):
                if nxt is not None and g is not None:
                    _accumulate(buffers, nxt, nr, g)
            if dry:
                step(node, grad, buffers)
    except BaseException:
        for t, old, old_data in reversed(undo):
            t.grad = old
            if old is not None:
                old._data = old_data
        raise
    return captured


def _accumulate_into_leaf(t, grad, Tensor, undo=None):
    if t._hooks:
        for hook in list(t._hooks):
            res = hook(Tensor._wrap(grad))
            if res is not None:
                grad = res._data
    if grad.shape != t._data.shape:
        raise RuntimeError(f"Function AccumulateGrad returned an invalid gradient - got {list(grad.shape)} "
                           f"but expected shape compatible with {list(t._data.shape)}")
    old = t.grad
    if old is None:
        # the leaf owns its .grad: never alias an array the graph (or another leaf) may hold
        t.grad = Tensor._wrap(grad.astype(t._data.dtype, copy=True))
        if undo is not None:
            undo.append((t, None, None))
    else:
        # out of place, so that an interrupted backward can put the old array back
        new = old._data + grad
        if undo is not None:
            undo.append((t, old, old._data))
        old._data = new if new.dtype == t._data.dtype else new.astype(t._data.dtype)
    for hook in getattr(t, '_post_acc_hooks', None) or ():
        hook(t)


def _fill_retained(node, grad, Tensor):
    """Run tensor hooks of non-leaf outputs of ``node`` and fill ``.grad`` for retain_grad()."""
    single = node._n_outputs == 1
    if not single:
        grad = list(grad)
    for ref, nr, hooks in node._retained:
        t = ref()
        g = grad if single else grad[nr]
        if g is None:
            continue
        if hooks:      # the node holds the tensor's hook list: hooks run even after the tensor is gone
            for hook in list(hooks):
                res = hook(Tensor._wrap(g))
                if res is not None:
                    g = res._data
            if single:
                grad = g
            else:
                grad[nr] = g
        if t is not None and t._retain:
            t.grad = Tensor._wrap(g.copy()) if t.grad is None else Tensor._wrap(t.grad._data + g)
    return grad


def _run_pre_hooks(node, grad, Tensor):
    gs = (grad,) if node._n_outputs == 1 else tuple(grad)
    for hook in node._pre_hooks:
        res = hook(tuple(None if g is None else Tensor._wrap(g) for g in gs))
        if res is not None:
            gs = tuple(None if r is None else r._data for r in res)
    return gs[0] if node._n_outputs == 1 else list(gs)


def _run_node_hooks(node, grads_in, grads_out, Tensor):
    gout = (grads_out,) if node._n_outputs == 1 else tuple(grads_out)
    wrap = lambda gs: tuple(None if g is None else Tensor._wrap(g) for g in gs)
    for hook in node._hooks:
        res = hook(wrap(grads_in), wrap(gout))
        if res is not None:
            grads_in = tuple(None if r is None else r._data for r in res)
    return grads_in


def register_retain(t):
    """Let ``t``'s node fill ``t.grad`` (retain_grad) and run ``t``'s hooks; the node keeps the hook list
    itself, as torch does, so a hook on an intermediate tensor fires even once that tensor is gone."""
    node = t.grad_fn
    if node._retained is None:
        node._retained = []
    node._retained[:] = [e for e in node._retained if e[0]() is not t]
    node._retained.append((weakref.ref(t), t._output_nr, t._hooks))
