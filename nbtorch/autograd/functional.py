"""``torch.autograd.functional``: Jacobians and vector-Jacobian products of a function.

``jacobian(f, x)`` runs ``f`` once and then one backward pass per output element (each with a one-hot
``grad_outputs``), so row i of the Jacobian is the gradient of output i. nbtorch does not build graphs of
the backward pass, so ``create_graph=True`` (and with it ``hessian``/``hvp``) is not available.
"""


def _is_tensor(x):
    from .._tensor import Tensor   # imported late: nbtorch._tensor imports nbtorch.autograd
    return isinstance(x, Tensor)


def _tuple(x):
    return (x,) if _is_tensor(x) else tuple(x)


def _prepare(inputs):
    return tuple(t.detach().requires_grad_(True) for t in _tuple(inputs))


def _no_create_graph(create_graph, name):
    if create_graph:
        raise NotImplementedError(f"autograd.functional.{name}(create_graph=True) needs gradients of the backward "
                                  f"pass, which nbtorch does not record")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the outputs and the vector-Jacobian product, as torch returns them."""
    _no_create_graph(create_graph, 'vjp')
    from . import grad
    from .._creation import zeros_like
    xs = _prepare(inputs)
    out = func(*xs)
    outs = _tuple(out)
    vs = None if v is None else _tuple(v)
    gs = grad(outs, xs, grad_outputs=vs, allow_unused=True)
    gs = tuple(zeros_like(x) if g is None else g for x, g in zip(xs, gs))
    single = _is_tensor(inputs)
    out_d = out.detach() if _is_tensor(out) else tuple(o.detach() for o in out)
    return out_d, (gs[0] if single else gs)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy='reverse-mode'):
    """The Jacobian of ``func`` at ``inputs``: shape ``output.shape + input.shape`` (tuples of them for
    several inputs or outputs, as in torch)."""
    _no_create_graph(create_graph, 'jacobian')
    from . import grad
    from .._creation import zeros_like
    from .._tensor import stack
    xs = _prepare(inputs)
    out = func(*xs)
    outs = _tuple(out)
    jac = []                                    # jac[i][j]: d outs[i] / d xs[j]
    for o in outs:
        rows = [[] for _ in xs]
        flat = o.reshape(-1)
        for k in range(flat.numel()):
            onehot = zeros_like(flat)
            onehot[k] = 1
            gs = grad((o,), xs, grad_outputs=(onehot.view(o.shape),), retain_graph=True, allow_unused=True) \
                if o.requires_grad else (None,) * len(xs)
            for j, (x, g) in enumerate(zip(xs, gs)):
                rows[j].append(zeros_like(x) if g is None else g)
        jac.append(tuple(stack(r).view(o.shape + x.shape) if r else zeros_like(x).view(o.shape + x.shape)
                         for r, x in zip(rows, xs)))
    single_in, single_out = _is_tensor(inputs), _is_tensor(out)
    if single_in and single_out:
        return jac[0][0]
    if single_in:
        return tuple(j[0] for j in jac)
    if single_out:
        return jac[0]
    return tuple(jac)
