"""Graph nodes: ``Function`` (torch.autograd.Function) and the array-level primitives' base.

Every differentiable primitive is one subclass with a static ``forward(ctx, ...)``
and ``backward(ctx, grad)``, as in minitorch and torch.  The object created by
``apply`` *is* the ctx and also the graph node that ends up in ``tensor.grad_fn``;
its ``next_functions`` point at the nodes of the inputs, just like torch's.

Two flavours share this machinery:

* ``Function`` -- the public API.  ``forward`` receives Tensors (with grad
  recording switched off) and ``backward`` receives and returns Tensors, so
  learners write their own ops exactly as they would for torch.
* ``ArrayFunction`` -- what nbtorch's own ops in ``nbtorch/ops`` derive from.
  ``forward``/``backward`` work on raw NumPy/CuPy arrays, which keeps the
  per-op cost low.  Read any op file to see how each gradient is computed.
"""
import weakref

from numpy import ndarray as _ndarray

from . import grad_mode as _gm
from .. import _backend

_wref = weakref.ref


def _tensor_cls():
    from .._tensor import Tensor
    return Tensor


class Node:
    """What ``tensor.grad_fn`` is: a node of the backward graph."""
    # set for every node that records: ((node, output_nr) | (None, 0), ...)
    next_functions = ()
    needs_input_grad = ()
    saved_tensors_raw = None     # arrays kept for backward (freed after it)
    _versions = None             # [(version_counter, version_at_save, array, grad_fn)]
    _released = False
    _hooks = None                # hooks on the node's inputs' grads
    _pre_hooks = None
    _retained = None             # [(weakref to non-leaf tensor, output_nr)] for retain_grad()
    _n_outputs = 1
    _anomaly_trace = None

    def name(self):
        return type(self).__name__ + 'Backward'

    def __repr__(self):
        return f"<{self.name().rsplit('::', 1)[-1]} object at {hex(id(self))}>"

    @property
    def metadata(self):
        md = self.__dict__.get('_metadata')
        if md is None:
            md = self.__dict__['_metadata'] = {}
        return md

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return _RemovableHandle(self._pre_hooks, fn)

    # ----- saved tensors ---------------------------------------------------
    def save_for_backward(self, *xs):
        self.saved_tensors_raw = xs

    def _check_saved(self):
        if self._released:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors "
                "after they have already been freed). Saved intermediate values of the graph are freed "
                "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
                "backward through the graph a second time or if you need to access saved tensors after "
                "calling backward.")
        if self._versions:
            for counter, version, arr, fn in self._versions:
                if counter[0] != version:
                    from .._dtype import from_numpy
                    kind = from_numpy(arr.dtype).name.capitalize().replace('Float32', 'Float') \
                        .replace('Float64', 'Double').replace('Int64', 'Long').replace('Int32', 'Int')
                    shape = ', '.join(str(s) for s in arr.shape)
                    if type(fn) is _wref:          # a saved input: torch names its current grad_fn
                        t = fn()
                        fn = t.grad_fn if t is not None else None
                    origin = ''
                    if fn is not None:
                        name = fn.name()
                        for suffix in ('Backward0', 'Backward1', 'Backward'):
                            if name.endswith(suffix):
                                name = name[:-len(suffix)]
                                break
                        origin = f", which is output 0 of {name},"
                    raise RuntimeError(
                        f"one of the variables needed for gradient computation has been modified by an "
                        f"inplace operation: [torch.{kind}Tensor [{shape}]]{origin} is at version "
                        f"{counter[0]}; expected version {version} instead. Hint: enable anomaly detection to "
                        f"find the operation that failed to compute its gradient, with "
                        f"torch.autograd.set_detect_anomaly(True, check_nan=False).")

    def _release(self):
        """Free what was kept for backward (after ``backward()`` without ``retain_graph``).

        Saved arrays go, and so does every other array the forward stored on the
        node (masks, indices, ...).  A node that held any is marked released, so
        a second backward through it raises torch's "second time" error.
        """
        saved = self.saved_tensors_raw
        released = self._released
        if saved is not None:
            # 0-d arrays are Python scalars wrapped by the op (``x * 2``): torch keeps those as plain
            # numbers, so backward may run again through such a node
            if all(getattr(s, 'ndim', 1) == 0 for s in saved):
                saved = saved
            else:
                released, saved = True, None
        self.saved_tensors_raw = saved
        self._versions = None
        d = self.__dict__
        for k in [k for k, v in d.items() if k not in _BOOKKEEPING and _holds_array(v)]:
            del d[k]
            released = True
        self._released = released


# node attributes set by ``apply`` that never hold arrays: ``_release`` need not look inside them
_BOOKKEEPING = frozenset(['needs_input_grad', 'next_functions', '_out_refs', '_out_meta', '_versions',
                          '_released', '_n_outputs', '_backward_name'])


def _is_array(v):
    # (the type-module test only runs when CuPy is loaded: _release calls this for every ctx attribute)
    return isinstance(v, _ndarray) or (_backend.cp is not None and type(v).__module__.startswith('cupy'))


def _holds_array(v):
    """True for an ndarray (numpy or cupy) or a tuple/list holding one (what ``_release`` frees)."""
    if _is_array(v):
        return True
    if type(v) is tuple or type(v) is list:
        for x in v:
            if _is_array(x):
                return True
    return False


class _RemovableHandle:
    __slots__ = ('_lst', '_fn')

    def __init__(self, lst, fn):
        self._lst, self._fn = lst, fn

    def remove(self):
        try:
            self._lst.remove(self._fn)
        except ValueError:
            pass


class AccumulateGrad(Node):
    """The node at a leaf that requires grad: adds the incoming gradient to ``variable.grad``."""

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return 'torch::autograd::AccumulateGrad'

    def __repr__(self):
        return f'<AccumulateGrad object at {hex(id(self))}>'


def edge_of(t):
    """(node, output_nr) that a gradient for tensor ``t`` must flow into."""
    if t._base is not None:
        refresh_view(t)
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._rg:
        acc = t._accumulator
        if acc is None:
            acc = t._accumulator = AccumulateGrad(t)
        return (acc, 0)
    return (None, 0)


class ArrayFunction(Node):
    """Base of nbtorch's own primitives: forward/backward on raw arrays.

    ``apply(*tensors, **params)`` runs ``forward(ctx, *arrays, **params)`` and
    wraps the resulting array.  Only when grad mode is on and some input
    requires grad does it link the node into the graph.
    """
    is_view = False   # outputs share storage (and the version counter) with input 0

    @classmethod
    def apply(cls, *tensors, **params):
        ctx = cls.__new__(cls)
        record = False
        if _gm.enabled:
            for t in tensors:
                if t._rg:
                    record = True
                    break
        if record:
            ctx.needs_input_grad = tuple(t._rg for t in tensors)
        out = cls.forward(ctx, *[t._data for t in tensors], **params)
        Tensor = _TENSOR[0]
        if not record and type(out) is not tuple and not cls.is_view:
            return Tensor._wrap(out)   # the common no-grad case: one plain output, nothing to link
        if type(out) is tuple:  # several outputs: each one is a tensor of its own
            results = tuple(Tensor._wrap(o) for o in out)
            ctx._n_outputs = len(out)
        else:
            results = (Tensor._wrap(out),)
        if cls.is_view:
            src = tensors[0]
            base = src._base if src._base is not None else src
            vc = version_counter(src)
            for r in results:
                r._base = base
                r._vc = vc
                r._view_version = vc[0]
        if record:
            ctx.next_functions = tuple([edge_of(t) for t in tensors])
            # weak references to the outputs: graph views show intermediate values while they live
            ctx._out_refs = tuple([_wref(r) for r in results])
            ctx._out_meta = [(r._data.shape, r._data.dtype) for r in results]
            for i, r in enumerate(results):
                if r._data.dtype.kind in 'fc':
                    r._rg = True
                    r.grad_fn = ctx
                    r._output_nr = i
            saved = ctx.saved_tensors_raw
            if saved is not None:
                _record_versions(ctx, saved, tensors, results)
            if _anomaly[0]:
                from .anomaly_mode import record_trace
                record_trace(ctx)
        return results[0] if len(results) == 1 else results

    def name(self):
        return self._backward_name

    _backward_name = 'Backward'

    def __call__(self, *grads):
        """``grad_fn(grad)``: run this node's backward by hand on Tensors, as torch allows."""
        Tensor = _TENSOR[0]
        self._check_saved()
        arrays = [g._data if isinstance(g, Tensor) else g for g in grads]
        out = self.backward(self, *arrays)
        if type(out) is not tuple:
            return Tensor._wrap(out) if out is not None else None
        return tuple(Tensor._wrap(o) if o is not None else None for o in out)


def refresh_view(t):
    """Give a view a fresh node if its base was modified in place after the view was made.

    ``v = y[0]; y.mul_(3)``: ``v`` now holds y's new values, so its gradient must
    flow into y's new node (torch regenerates the view's grad_fn the same way).
    """
    vv = t.__dict__.get('_view_version')
    if vv is None:
        return
    base = t._base
    vc = t._vc
    if vc[0] == vv or not base._rg:
        return
    from ..ops.movement import view_positions, AsStrided
    pos = view_positions(base._data, t._data)
    t._view_version = vc[0]
    if pos is None:
        return
    node = AsStrided.__new__(AsStrided)
    node.needs_input_grad = (True,)
    node.next_functions = (edge_of(base),)
    node.pos, node.base_size, node.base_shape = pos, base._data.size, base._data.shape
    node._out_refs = (_wref(t),)
    node._out_meta = [(t._data.shape, t._data.dtype)]
    t.grad_fn, t._rg, t._output_nr = node, True, 0


def version_counter(t):
    """The version counter of ``t`` (a one-element list shared with its views), made on first use."""
    vc = t._vc
    if vc is None:
        base = t._base
        if base is not None:
            vc = base._vc
            if vc is None:
                vc = base._vc = [0]
        else:
            vc = [0]
        t._vc = vc
    return vc


def _record_versions(ctx, saved, tensors, results):
    vs = []
    for group in (tensors, results):
        for t in group:
            d = t._data
            for s in saved:
                if s is d:
                    vc = version_counter(t)
                    vs.append((vc, vc[0], d, _wref(t) if group is tensors else ctx))
                    break
    ctx._versions = vs


# filled by nbtorch._tensor once the Tensor class exists (avoids an import per op)
_TENSOR = [None]
# anomaly mode flag, toggled by nbtorch.autograd.anomaly_mode
_anomaly = [False]


class FunctionCtx:
    """Namespace handed to ``Function.forward``; torch users call it ctx."""


class Function(Node):
    """torch.autograd.Function: subclass it with static ``forward(ctx, ...)`` and ``backward(ctx, *grads)``.

    >>> class Square(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return 2 * x * grad
    >>> y = Square.apply(x)
    """
    materialize_grads = True

    @property
    def saved_tensors(self):
        self._check_saved()
        return self.saved_tensors_raw or ()

    def mark_dirty(self, *tensors):
        pass

    def mark_non_differentiable(self, *tensors):
        self._non_diff = {id(t) for t in tensors}

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    _forward_cls = None

    def name(self):
        return (self._forward_cls or type(self)).__name__ + 'Backward'

    @classmethod
    def _node_cls(cls):
        """``MyExpBackward``: the class of the graph node (torch makes one per Function subclass)."""
        node_cls = cls.__dict__.get('_backward_cls')
        if node_cls is None:
            node_cls = type(cls.__name__ + 'Backward', (cls,), {'_forward_cls': cls, '__module__': cls.__module__})
            cls._backward_cls = node_cls
        return node_cls

    @classmethod
    def apply(cls, *args, **kwargs):
        Tensor = _TENSOR[0]
        node_cls = cls._node_cls()
        ctx = node_cls.__new__(node_cls)
        tensors = [a for a in args if isinstance(a, Tensor)]
        record = _gm.enabled and any(t._rg for t in tensors)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        ctx._arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
        with _gm.no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        results = []
        for o in outs:
            if isinstance(o, Tensor):
                if any(o is t for t in tensors):  # returned an input as is: torch returns a view
                    o = o.view_as(o)
                results.append(o)
            else:
                results.append(o)
        if record:
            ctx.next_functions = tuple(edge_of(a) for a in args if isinstance(a, Tensor))
            ctx._n_outputs = len(results)
            nd = getattr(ctx, '_non_diff', ())
            for i, r in enumerate(results):
                if isinstance(r, Tensor) and id(r) not in nd and r._data.dtype.kind in 'fc':
                    r._rg = True
                    r.grad_fn = ctx
                    r._output_nr = i
            ctx._out_meta = [(r._data.shape, r._data.dtype) if isinstance(r, Tensor) else None for r in results]
            ctx._in_meta = [(a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None for a in args]
            ctx._out_refs = tuple(_wref(r) if isinstance(r, Tensor) else None for r in results)
            if _anomaly[0]:
                from .anomaly_mode import record_trace
                record_trace(ctx)
            saved = ctx.saved_tensors_raw
            if saved:
                vs = []
                for s in saved:
                    if isinstance(s, Tensor):
                        vc = version_counter(s)
                        vs.append((vc, vc[0], s._data, _wref(s)))
                ctx._versions = vs
        return results[0] if single else tuple(results)

    def _run_backward(self, grads):
        """Called by the engine with raw arrays; calls the user's Tensor-level backward."""
        Tensor = _TENSOR[0]
        wrapped = []
        for g, meta in zip(grads, self._out_meta):
            if g is None and self.materialize_grads and meta is not None:
                from .._backend import np
                g = np.zeros(meta[0], meta[1])
            wrapped.append(None if g is None else Tensor._wrap(g))
        with _gm.no_grad():
            res = type(self).backward(self, *wrapped)
        if not isinstance(res, tuple):
            res = (res,)
        n_args = len(self._arg_is_tensor)
        if len(res) != n_args:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {n_args}, got {len(res)})")
        out = []
        for i, (r, meta) in enumerate(zip(res, self._in_meta)):
            if meta is None:          # a non-tensor argument: no edge in the graph
                continue
            if not isinstance(r, Tensor):
                out.append(None)
                continue
            g = r._data
            if g.shape != meta[0]:
                g = _sum_to(g, meta[0])
                if g is None:
                    raise RuntimeError(f"Function {self.name()} returned an invalid gradient at index {i} - got "
                                       f"{list(r._data.shape)} but expected shape compatible with {list(meta[0])}")
            if g.dtype != meta[1] and meta[1].kind in 'fc':
                g = g.astype(meta[1])
            out.append(g)
        return tuple(out)


def _sum_to(g, shape):
    """Sum ``g`` down to ``shape`` when ``shape`` broadcasts to g's shape (torch's sum_to), else None."""
    lead = g.ndim - len(shape)
    if lead < 0:
        return None
    for s, gs in zip(shape, g.shape[lead:]):
        if s != gs and s != 1:
            return None
    axes = tuple(range(lead)) + tuple(lead + k for k, s in enumerate(shape) if s == 1 and g.shape[lead + k] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)

