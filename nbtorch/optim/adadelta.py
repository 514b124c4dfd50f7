"""Adadelta: step sizes from running averages of squared gradients and squared updates (Zeiler)."""
from .optimizer import Optimizer, check_non_negative, _step_tensor, _zeros_like, advance_step, ema_square_
from ..ops._util import xp_of


class Adadelta(Optimizer):
    r"""torch.optim.Adadelta.  For each parameter, with ``g`` the gradient after maximize/weight decay
    (see ``optimizer.grad_with_decay``)::

        v = rho * v + (1 - rho) * g**2                       running average of g**2
        delta = sqrt(u + eps) / sqrt(v + eps) * g            u: running average of delta**2
        u = rho * u + (1 - rho) * delta**2
        param = param - lr * delta
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_non_negative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_non_negative(eps=eps, weight_decay=weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        return {'step': _step_tensor(), 'square_avg': _zeros_like(p),
                'acc_delta': _zeros_like(p)}

    def _update(self, p, g, state, group):
        lr, rho, eps = float(group['lr']), float(group['rho']), float(group['eps'])
        sqrt = xp_of(g).sqrt
        advance_step(state)
        v, u = state['square_avg']._data, state['acc_delta']._data
        ema_square_(v, g, rho)                           # v = rho * v + (1 - rho) * g**2
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        ema_square_(u, delta, rho)                       # u = rho * u + (1 - rho) * delta**2
        p._data -= lr * delta
