"""torch.autograd: backward, grad, Function, gradcheck, graph data and anomaly mode."""
import numpy as np

from . import grad_mode
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from .function import Function, FunctionCtx, Node, AccumulateGrad
from .engine import run_backward
from .gradcheck import gradcheck, GradcheckError
from .anomaly_mode import detect_anomaly, set_detect_anomaly, is_anomaly_enabled, is_anomaly_check_nan_enabled
from . import graph, anomaly_mode, functional


def Variable(data, requires_grad=False, volatile=False):
    """Old tutorials' ``Variable(t, requires_grad=True)``: since torch 0.4 it just returns a Tensor."""
    return data.detach().requires_grad_(requires_grad) if requires_grad else data


def _make_grads(outputs, grad_outputs):
    from .._tensor import Tensor
    grads = []
    for out, g in zip(outputs, grad_outputs):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind not in 'fc':
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{out.dtype}")
            xp = np if type(out._data) is np.ndarray else __import__('nbtorch._backend', fromlist=['x']).get_array_module(out._data)
            grads.append(xp.ones(out._data.shape, out._data.dtype))
        else:
            if not isinstance(g, Tensor):
                g = Tensor._wrap(np.asarray(g, out._data.dtype))
            if g._data.shape != out._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and output[0] "
                                   f"has a shape of {out.shape}.")
            grads.append(g._data)
    return grads


def _as_tuple(x):
    from .._tensor import Tensor
    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _check_differentiable(outputs):
    for out in outputs:
        if not out._rg:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad``."""
    if create_graph:
        raise NotImplementedError("nbtorch does not build graphs of the backward pass (create_graph=True); "
                                  "higher-order gradients are not supported.")
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) or (None,) * len(tensors)
    _check_differentiable(tensors)
    grads = _make_grads(tensors, grad_tensors)
    if inputs is not None:
        inputs = _as_tuple(inputs)
        got = run_backward(tensors, grads, retain_graph=bool(retain_graph), inputs=inputs, accumulate=False)
        from .._tensor import Tensor
        for t, g in zip(inputs, got):
            if g is None:
                continue
            t.grad = Tensor._wrap(g.copy()) if t.grad is None else Tensor._wrap(t.grad._data + g)
        return
    run_backward(tensors, grads, retain_graph=bool(retain_graph))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching ``.grad``."""
    from .._tensor import Tensor
    if create_graph:
        raise NotImplementedError("nbtorch does not build graphs of the backward pass (create_graph=True); "
                                  "higher-order gradients are not supported.")
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) or (None,) * len(outputs)
    _check_differentiable(outputs)
    for t in inputs:
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _make_grads(outputs, grad_outputs)
    got = run_backward(outputs, grads, retain_graph=bool(retain_graph), inputs=inputs, accumulate=False)
    result = []
    for i, (t, g) in enumerate(zip(inputs, got)):
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   f"graph. Set allow_unused=True if this is the desired behavior.")
        result.append(None if g is None else Tensor._wrap(g.copy()))
    return tuple(result)
