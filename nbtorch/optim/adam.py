"""Adam: adaptive moment estimation (Kingma & Ba), with AMSGrad and optional decoupled weight decay."""
import math

from .optimizer import Optimizer, check_non_negative, _step_tensor, _zeros_like, advance_step, ema_, ema_square_
from ..ops._util import xp_of


class Adam(Optimizer):
    r"""torch.optim.Adam.  For each parameter, at step ``t``, with ``g`` the gradient after
    maximize/weight decay (see ``optimizer.grad_with_decay``)::

        if decoupled_weight_decay:  param = param * (1 - lr * weight_decay)       (AdamW)
        m = beta1 * m + (1 - beta1) * g                 first moment
        v = beta2 * v + (1 - beta2) * g**2              second moment
        v_max = max(v_max, v) if amsgrad                AMSGrad uses the largest v seen so far
        m_hat = m / (1 - beta1**t)                      bias corrections
        v_hat = v / (1 - beta2**t)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_non_negative(lr=lr, eps=eps)
        for i in (0, 1):
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
        check_non_negative(weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = {'step': _step_tensor(), 'exp_avg': _zeros_like(p),
                 'exp_avg_sq': _zeros_like(p)}
        if group['amsgrad']:
            state['max_exp_avg_sq'] = _zeros_like(p)
        return state

    def _update(self, p, g, state, group):
        lr, eps, wd = float(group['lr']), float(group['eps']), float(group['weight_decay'])
        beta1, beta2 = (float(b) for b in group['betas'])
        xp = xp_of(g)
        t = advance_step(state)
        if group['decoupled_weight_decay'] and wd != 0:
            p._data *= 1 - lr * wd                      # decay the weights, not the gradient
        m, v = state['exp_avg']._data, state['exp_avg_sq']._data
        ema_(m, g, beta1)                               # m = beta1 * m + (1 - beta1) * g
        ema_square_(v, g, beta2)                        # v = beta2 * v + (1 - beta2) * g**2
        if group['amsgrad']:
            v_max = state['max_exp_avg_sq']._data
            xp.maximum(v_max, v, out=v_max)
            v = v_max
        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        denom = xp.sqrt(v) / math.sqrt(bias_correction2) + eps
        p._data -= (lr / bias_correction1) * (m / denom)
