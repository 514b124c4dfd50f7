"""RMSprop: divide the gradient by a running root-mean-square of recent gradients (Hinton)."""
from .optimizer import Optimizer, check_non_negative, _step_tensor, _zeros_like, advance_step, ema_, ema_square_
from ..ops._util import xp_of


class RMSprop(Optimizer):
    r"""torch.optim.RMSprop.  For each parameter, with ``g`` the gradient after maximize/weight decay
    (see ``optimizer.grad_with_decay``)::

        v = alpha * v + (1 - alpha) * g**2
        if centered:  g_avg = alpha * g_avg + (1 - alpha) * g ;  avg = sqrt(v - g_avg**2) + eps
        else:         avg = sqrt(v) + eps
        if momentum > 0:  b = momentum * b + g / avg ;  param = param - lr * b
        else:             param = param - lr * g / avg
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_non_negative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = {'step': _step_tensor(), 'square_avg': _zeros_like(p)}
        if group['momentum'] > 0:
            state['momentum_buffer'] = _zeros_like(p)
        if group['centered']:
            state['grad_avg'] = _zeros_like(p)
        return state

    def _update(self, p, g, state, group):
        lr, alpha, eps, momentum = (float(group[k]) for k in ('lr', 'alpha', 'eps', 'momentum'))
        sqrt = xp_of(g).sqrt
        advance_step(state)
        v = state['square_avg']._data
        ema_square_(v, g, alpha)                         # v = alpha * v + (1 - alpha) * g**2
        if group['centered']:
            g_avg = state['grad_avg']._data
            ema_(g_avg, g, alpha)                        # g_avg = alpha * g_avg + (1 - alpha) * g
            avg = sqrt(v - g_avg * g_avg) + eps
        else:
            avg = sqrt(v) + eps
        if momentum > 0:
            b = state['momentum_buffer']._data
            b *= momentum                                # b = momentum * b + g / avg
            b += g / avg
            p._data -= lr * b
        else:
            p._data -= lr * (g / avg)
