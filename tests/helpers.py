"""Oracle helpers: run the same op in torch and nbtorch and compare (tinygrad's helper_test_op style).

    helper_test_op([(3, 4), (4,)], lambda x, y: x * y)

builds identical random inputs (numpy, fixed seed) in both libraries, runs the lambda on torch tensors
and on nbtorch tensors, and compares forward values, dtype, shape and the gradient of every input,
obtained from ``torch.autograd.grad`` and ``nbtorch.autograd.grad`` with the same random upstream gradient.
"""
import numpy as np
import pytest
import torch

import nbtorch

FLOAT_DTYPES = ('float16', 'float32', 'float64')


def to_np(x):
    """A torch tensor, nbtorch tensor, number or (nested) tuple of them as numpy."""
    if isinstance(x, torch.Tensor):
        if x._is_zerotensor():  # torch's lazy all-zero gradients
            return np.zeros(x.shape, str(x.dtype).replace('torch.', ''))
        return x.detach().cpu().numpy()
    if isinstance(x, nbtorch.Tensor):
        d = x.detach()._data
        return d.get() if hasattr(d, 'get') else np.asarray(d)
    if isinstance(x, (tuple, list)):
        return type(x)(to_np(v) for v in x)
    return np.asarray(x)


def dtype_name(x):
    """'float32' for a torch or nbtorch dtype/tensor."""
    d = x.dtype if hasattr(x, 'dtype') else x
    return str(d).replace('torch.', '').replace('nbtorch.', '')


def _flatten(out):
    """Tensor outputs of an op, in order (named tuples and lists are walked)."""
    if isinstance(out, (torch.Tensor, nbtorch.Tensor)):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flatten(o)]
    return [out]


def compare(name, nb, th, atol, rtol):
    """Assert an nbtorch result equals a torch result: type, dtype, shape and values."""
    if isinstance(th, torch.Tensor):
        assert isinstance(nb, nbtorch.Tensor), f"{name}: torch gave a Tensor, nbtorch gave {type(nb).__name__}"
        assert dtype_name(nb) == dtype_name(th), f"{name}: dtype {dtype_name(nb)} != torch's {dtype_name(th)}"
        assert tuple(nb.shape) == tuple(th.shape), f"{name}: shape {tuple(nb.shape)} != torch's {tuple(th.shape)}"
        a, b = to_np(nb), to_np(th)
        if a.dtype.kind in 'biu':
            np.testing.assert_array_equal(a, b, err_msg=f"{name}: values differ")
        else:
            np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), atol=atol, rtol=rtol,
                                       equal_nan=True, err_msg=f"{name}: values differ")
    else:
        assert not isinstance(nb, nbtorch.Tensor), f"{name}: torch gave {type(th).__name__}, nbtorch a Tensor"
        if isinstance(th, float):
            assert np.isclose(nb, th, atol=atol, rtol=rtol, equal_nan=True), f"{name}: {nb} != {th}"
        else:
            assert nb == th, f"{name}: {nb!r} != torch's {th!r}"


def make_inputs(shapes_or_inputs, dtype='float32', low=-2.0, high=2.0, seed=0, requires_grad=True,
                non_contiguous=False):
    """Identical inputs for both libraries: (torch_list, nbtorch_list).

    Each entry of ``shapes_or_inputs`` is a shape tuple (random values in [low, high)), a numpy array or
    a plain python value (passed through unchanged). ``non_contiguous=True`` builds every tensor with
    >= 2 dims as the transpose of a contiguous one, so the op sees a non-contiguous input.
    """
    rng = np.random.default_rng(seed)
    ths, nbs = [], []
    for s in shapes_or_inputs:
        if isinstance(s, tuple) and all(isinstance(v, int) for v in s):
            npdt = np.dtype(dtype)
            if npdt.kind == 'f':
                arr = rng.uniform(low, high, size=s).astype(npdt)
            elif npdt.kind == 'b':
                arr = rng.integers(0, 2, size=s).astype(bool)
            else:
                arr = rng.integers(int(low), int(high) + 1, size=s).astype(npdt)
        elif isinstance(s, np.ndarray):
            arr = s
        else:
            ths.append(s)
            nbs.append(s)
            continue
        rg = requires_grad and arr.dtype.kind == 'f'
        if non_contiguous and arr.ndim >= 2:
            base = np.ascontiguousarray(np.swapaxes(arr, -1, -2))
            th = torch.from_numpy(base.copy()).transpose(-1, -2)
            nb = nbtorch.from_numpy(base.copy()).transpose(-1, -2)
            if rg:  # make them leaves that are still non-contiguous
                th = th.detach().requires_grad_(True)
                nb = nb.detach().requires_grad_(True)
        else:
            th = torch.from_numpy(arr.copy()).requires_grad_(rg)
            nb = nbtorch.from_numpy(arr.copy()).requires_grad_(rg)
        ths.append(th)
        nbs.append(nb)
    return ths, nbs


def helper_test_op(shapes_or_inputs, torch_fn, nb_fn=None, atol=1e-6, rtol=1e-5, grad_atol=1e-5,
                   grad_rtol=1e-4, forward_only=False, dtype='float32', low=-2.0, high=2.0, seed=0,
                   non_contiguous=False):
    """Run ``torch_fn`` on torch tensors and ``nb_fn`` (default: the same function) on nbtorch tensors.

    Compares every output (type, dtype, shape, values) and, unless ``forward_only``, the gradient of every
    float input w.r.t. the float outputs, using the same random upstream gradient in both libraries.
    Returns (torch_outputs, nbtorch_outputs).
    """
    nb_fn = torch_fn if nb_fn is None else nb_fn
    dtype = dtype_name(dtype)
    want_grad = not forward_only and np.dtype(dtype).kind == 'f'
    ths, nbs = make_inputs(shapes_or_inputs, dtype, low, high, seed, want_grad, non_contiguous)
    th_out = torch_fn(*ths)
    nb_out = nb_fn(*nbs)
    th_flat, nb_flat = _flatten(th_out), _flatten(nb_out)
    assert len(th_flat) == len(nb_flat), f"torch gave {len(th_flat)} outputs, nbtorch {len(nb_flat)}"
    if isinstance(th_out, tuple) and hasattr(th_out, '_fields') or type(th_out).__module__ == 'torch.return_types':
        assert type(nb_out).__name__ == type(th_out).__name__, \
            f"output type {type(nb_out).__name__} != torch's {type(th_out).__name__}"
    for i, (n, t) in enumerate(zip(nb_flat, th_flat)):
        compare(f"output {i}", n, t, atol, rtol)
    if not want_grad:
        return th_out, nb_out

    # gradients of the float outputs that require grad, with a common random upstream gradient
    rng = np.random.default_rng(seed + 1)
    pairs = [(t, n) for t, n in zip(th_flat, nb_flat)
             if isinstance(t, torch.Tensor) and t.requires_grad and t.dtype.is_floating_point]
    th_in = [t for t in ths if isinstance(t, torch.Tensor) and t.requires_grad]
    nb_in = [n for n in nbs if isinstance(n, nbtorch.Tensor) and n.requires_grad]
    if not pairs or not th_in:
        return th_out, nb_out
    ups = [rng.standard_normal(t.shape).astype(np.dtype(dtype_name(t))) for t, _ in pairs]
    try:
        th_g = torch.autograd.grad([t for t, _ in pairs], th_in, [torch.from_numpy(u.copy()) for u in ups],
                                   allow_unused=True)
    except RuntimeError as e:  # torch has no derivative for this op: nothing to compare against
        if 'not implemented' in str(e):
            return th_out, nb_out
        raise
    for t, n in pairs:
        assert n.requires_grad, "torch's output requires grad, nbtorch's does not"
    nb_g = nbtorch.autograd.grad([n for _, n in pairs], nb_in, [nbtorch.from_numpy(u.copy()) for u in ups],
                                 allow_unused=True)
    for i, (n, t) in enumerate(zip(nb_g, th_g)):
        if t is None:
            assert n is None or not np.any(to_np(n)), f"grad of input {i}: torch has none, nbtorch {n}"
            continue
        assert n is not None, f"grad of input {i}: nbtorch gave None, torch did not"
        compare(f"grad of input {i}", n, t, grad_atol, grad_rtol)
    return th_out, nb_out


def helper_test_exception(torch_fn, nb_fn, exc_type=Exception, contains=()):
    """Both libraries raise the same exception type; our message contains every string in ``contains``."""
    with pytest.raises(Exception) as th_exc:
        torch_fn()
    with pytest.raises(Exception) as nb_exc:
        nb_fn()
    th_t, nb_t = type(th_exc.value), type(nb_exc.value)
    assert issubclass(th_t, exc_type), f"torch raised {th_t.__name__}: {th_exc.value}"
    # nbtorch raises torch's type (torch-only subclasses such as torch.linalg.LinAlgError: their builtin base)
    want = th_t if th_t.__module__ == 'builtins' else next(c for c in th_t.__mro__ if c.__module__ == 'builtins')
    assert issubclass(nb_t, want), \
        f"nbtorch raised {nb_t.__name__} ({nb_exc.value}), torch raised {th_t.__name__} ({th_exc.value})"
    msg = str(nb_exc.value)
    for fact in contains:
        assert str(fact) in msg, f"nbtorch's message {msg!r} lacks {fact!r} (torch: {th_exc.value})"
    return th_exc.value, nb_exc.value
