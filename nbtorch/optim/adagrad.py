"""Adagrad: per-coordinate learning rates from the sum of squared gradients (Duchi et al.)."""
from .optimizer import Optimizer, check_non_negative, _step_tensor, advance_step
from ..ops._util import xp_of


class Adagrad(Optimizer):
    r"""torch.optim.Adagrad.  For each parameter, at step ``t``, with ``g`` the gradient after
    maximize/weight decay (see ``optimizer.grad_with_decay``)::

        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g**2                                (s starts at initial_accumulator_value)
        param = param - clr * g / (sqrt(s) + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_non_negative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                           initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # torch creates the state eagerly, so state_dict() lists it before the first step
        for group in self.param_groups:
            for p in group['params']:
                self.state[p] = self._init_state(p, group)

    def _init_state(self, p, group):
        s = xp_of(p._data).full_like(p._data, float(group['initial_accumulator_value']))
        return {'step': _step_tensor(), 'sum': p._make_like(s)}

    def _update(self, p, g, state, group):
        lr, eps, lr_decay = float(group['lr']), float(group['eps']), float(group['lr_decay'])
        t = advance_step(state)
        clr = lr / (1 + (t - 1) * lr_decay)
        s = state['sum']._data
        s += g * g                                       # s = s + g**2
        p._data -= clr * (g / (xp_of(s).sqrt(s) + eps))  # param = param - clr * g / (sqrt(s) + eps)
