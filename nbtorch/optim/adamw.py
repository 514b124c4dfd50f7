"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter)."""
from .adam import Adam


class AdamW(Adam):
    r"""torch.optim.AdamW: Adam whose weight decay shrinks the weights directly,
    ``param = param * (1 - lr * weight_decay)``, instead of adding ``weight_decay * param`` to the
    gradient (so the decay is not rescaled by the adaptive denominator).  Default weight_decay=1e-2.
    The update itself is Adam's (see ``adam.py``).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
