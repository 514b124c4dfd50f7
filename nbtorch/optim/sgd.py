"""SGD: stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay."""
from .optimizer import Optimizer, check_non_negative


class SGD(Optimizer):
    r"""torch.optim.SGD.  For each parameter, with ``g`` the gradient after maximize/weight decay
    (see ``optimizer.grad_with_decay``)::

        if momentum != 0:
            b = g                                   (first step)
            b = momentum * b + (1 - dampening) * g  (later steps)
            g = g + momentum * b  if nesterov else  b
        param = param - lr * g
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        check_non_negative(lr=lr, momentum=momentum, weight_decay=weight_decay)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update(self, p, g, state, group):
        lr, momentum, dampening = float(group['lr']), float(group['momentum']), float(group['dampening'])
        if momentum != 0:
            buf = state.get('momentum_buffer')
            if buf is None:                              # b_1 = g
                buf = state['momentum_buffer'] = p._make_like(g.copy())
            else:                                        # b_t = momentum * b_{t-1} + (1 - dampening) * g
                b = buf._data
                b *= momentum
                b += g if dampening == 0 else (1 - dampening) * g   # (no temporary in the common case)
            g = g + momentum * buf._data if group['nesterov'] else buf._data
        p._data -= lr * g                                # param = param - lr * g
