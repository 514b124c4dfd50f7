"""gradcheck: compare autograd's gradients with central finite differences, in float64.

For every input that requires grad and every element ``x[j]`` of it, the numerical derivative is

    (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)

and the analytical one comes from ``autograd.grad`` with a one-hot output gradient.  The two Jacobians
must agree within ``atol + rtol * |numerical|``.  Inputs are copied to float64 first, so that the
finite differences are not swamped by float32 rounding.
"""
import numpy as np

from .grad_mode import no_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _as_tuple(x):
    from .._tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _float_outputs(out):
    from .._tensor import Tensor
    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and o.dtype.is_floating_point]


def _to_numpy(arr):
    return arr.get() if hasattr(arr, 'get') else np.asarray(arr)


def _numerical_jacobian(fn, inputs, x, eps, n_out_elems):
    """Columns d(out)/d(x[j]) by central differences: shape (x.numel(), total output elements)."""
    flat = x._data.reshape(-1)          # x is a contiguous float64 copy, so this is a view
    jac = np.zeros((flat.size, n_out_elems))
    for j in range(flat.size):
        orig = flat[j].item()
        flat[j] = orig + eps
        with no_grad():
            plus = np.concatenate([_to_numpy(o._data).reshape(-1) for o in _float_outputs(fn(*inputs))])
        flat[j] = orig - eps
        with no_grad():
            minus = np.concatenate([_to_numpy(o._data).reshape(-1) for o in _float_outputs(fn(*inputs))])
        flat[j] = orig
        jac[j] = (plus - minus) / (2 * eps)
    return jac


def _analytical_jacobian(outputs, diff_inputs):
    """Rows of d(out)/d(input) from autograd, one backward pass per output element."""
    from .. import autograd
    from .._tensor import Tensor
    n_out = [o.numel() for o in outputs]
    jacs = [np.zeros((x.numel(), sum(n_out))) for x in diff_inputs]
    col = 0
    for k, out in enumerate(outputs):
        for e in range(n_out[k]):
            if not out.requires_grad:
                col += 1
                continue
            onehot = np.zeros(out.numel(), out._data.dtype)
            onehot[e] = 1
            grad_out = Tensor._wrap(onehot.reshape(out.shape)).to(out.device)
            grads = autograd.grad(out, diff_inputs, grad_out, retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jacs[i][:, col] = _to_numpy(g._data).reshape(-1)
            col += 1
    return jacs


def _describe(index, shape):
    return str(tuple(int(i) for i in np.unravel_index(index, shape))) if shape else '()'


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **unused):
    """Check ``func``'s gradients against finite differences, as ``torch.autograd.gradcheck`` does.

    Returns True when every input's analytical Jacobian matches the numerical one; otherwise raises a
    ``GradcheckError`` naming the input, the output and the worst element (or returns False when
    ``raise_exception=False``).  torch-only options (``fast_mode``, ``check_forward_ad``, ...) are ignored.
    """
    from .. import float64
    from .._tensor import Tensor
    inputs = _as_tuple(inputs)
    # float64 copies of the inputs that require grad: the ones we differentiate
    work = []
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad:
            if not x.dtype.is_floating_point:
                raise ValueError("gradcheck expects inputs that require grad to be floating point tensors")
            x = x.detach().to(float64).clone().requires_grad_(True)
        work.append(x)
    diff = [x for x in work if isinstance(x, Tensor) and x.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the "
                         "them have requires_grad=True.")
    outputs = _float_outputs(func(*work))
    if not outputs:
        raise ValueError("gradcheck expects the function to return at least one floating point tensor")
    shapes = [o.shape for o in outputs]
    starts = np.cumsum([0] + [o.numel() for o in outputs])
    analytical = _analytical_jacobian(outputs, diff)
    for i, (x, ana) in enumerate(zip(diff, analytical)):
        num = _numerical_jacobian(func, work, x, eps, int(starts[-1]))
        err = np.abs(ana - num) - (atol + rtol * np.abs(num))
        if err.size and (err > 0).any():
            j, c = np.unravel_index(int(np.argmax(err)), err.shape)
            k = int(np.searchsorted(starts, c, side='right') - 1)
            where_in = _describe(j, tuple(x.shape))
            where_out = _describe(c - starts[k], tuple(shapes[k]))
            index = next(n for n, w in enumerate(work) if w is x)
            msg = (f"Jacobian mismatch for output {k} with respect to input {index}: autograd's gradient "
                   f"(analytical) disagrees with finite differences (numerical).\n"
                   f"The worst element is d output{k}[{where_out}] / d input{index}[{where_in}]: "
                   f"numerical {num[j, c]:.6g}, analytical {ana[j, c]:.6g} "
                   f"(difference {abs(ana[j, c] - num[j, c]):.3g}, allowed {atol + rtol * abs(num[j, c]):.3g}).\n"
                   f"Numerical Jacobian (rows: input elements, columns: output elements):\n{num}\n"
                   f"Analytical Jacobian:\n{ana}")
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True
