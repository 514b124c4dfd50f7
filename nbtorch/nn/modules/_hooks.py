"""Full backward hooks of a Module (torch.utils.hooks.BackwardHook, in short).

The module's tensor inputs and outputs are passed through an identity
``BackwardHookFunction`` each.  When backward reaches the outputs' identity we
learn ``grad_output`` (and run the backward pre-hooks); when it reaches the
inputs' identity we learn ``grad_input`` and call
``hook(module, grad_input, grad_output)``.
"""
from ..._tensor import Tensor
from ...autograd.function import Function


class BackwardHookFunction(Function):
    """Identity on its tensor arguments; its backward hands the grads to ``callback``."""

    @staticmethod
    def forward(ctx, callback, *tensors):
        ctx.callback = callback
        outs = tuple(t.view_as(t) for t in tensors)
        ctx.mark_non_differentiable(*[o for o, t in zip(outs, tensors) if not t.requires_grad])
        ctx.rg = tuple(t.requires_grad for t in tensors)
        return outs

    @staticmethod
    def backward(ctx, *grads):
        grads = tuple(g if rg else None for g, rg in zip(grads, ctx.rg))
        return (None,) + tuple(ctx.callback(grads))


def _map_tensors(obj, fn):
    """Pass the tensors in ``obj`` (a tensor or a flat tuple/list) through ``fn`` together."""
    if isinstance(obj, Tensor):
        return fn((obj,))[0]
    if isinstance(obj, (tuple, list)):
        idx = [i for i, o in enumerate(obj) if isinstance(o, Tensor)]
        if not idx:
            return obj
        new = fn(tuple(obj[i] for i in idx))
        out = list(obj)
        for i, t in zip(idx, new):
            out[i] = t
        return type(obj)(out) if isinstance(obj, list) else tuple(out)
    return obj


class BackwardHookState:
    def __init__(self, module):
        self.module = module
        self.grad_output = None
        self.n_inputs = 0
        self.input_requires_grad = False

    def _wrap(self, tensors, callback):
        from ...autograd import grad_mode
        if not grad_mode.is_grad_enabled() or not any(t.requires_grad for t in tensors):
            return tensors
        out = BackwardHookFunction.apply(callback, *tensors)
        return out if isinstance(out, tuple) else (out,)

    def setup_input_hook(self, args):
        tensors = [a for a in args if isinstance(a, Tensor)]
        self.n_inputs = len(tensors)
        self.input_requires_grad = any(t.requires_grad for t in tensors)
        if not self.module._backward_hooks:
            return args
        return _map_tensors(args, lambda ts: self._wrap(ts, self._on_grad_input))

    def setup_output_hook(self, result):
        return _map_tensors(result, lambda ts: self._wrap(ts, self._on_grad_output))

    def _on_grad_output(self, grads):
        for hook in self.module._backward_pre_hooks.values():
            res = hook(self.module, grads)
            if res is not None:
                grads = tuple(res) if isinstance(res, (tuple, list)) else (res,)
        self.grad_output = grads
        if not self.input_requires_grad and self.module._backward_hooks:
            self._run_hooks((None,) * self.n_inputs)
        return grads

    def _on_grad_input(self, grads):
        return self._run_hooks(grads)

    def _run_hooks(self, grad_input):
        for hook in self.module._backward_hooks.values():
            res = hook(self.module, grad_input, self.grad_output)
            if res is not None:
                if len(res) != len(grad_input):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got "
                                       f"{len(res)}, but expected {len(grad_input)}")
                grad_input = tuple(res)
        return grad_input
