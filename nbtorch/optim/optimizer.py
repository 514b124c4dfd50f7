"""``Optimizer``: the base class every optimizer in ``nbtorch.optim`` derives from.

An optimizer holds
* ``param_groups`` -- a list of dicts, each with ``'params'`` (a list of tensors) and that group's
  hyper-parameters (``lr``, ``weight_decay``, ...; missing ones are filled from ``defaults``);
* ``state``        -- a dict keyed by parameter, holding per-parameter buffers (momentum, averages, step).

A subclass only writes ``_init_state(p, group)`` (the buffers it needs) and ``_update(p, g, state,
group)`` (its update rule on raw arrays).  ``step()`` walks the parameters that have a gradient and calls
it, so the formula in each optimizer file reads like the pseudo-code in torch's documentation.
"""
from collections import OrderedDict, defaultdict
from copy import deepcopy
import warnings

import numpy as np

from .._tensor import Tensor
from ..autograd import grad_mode as _gm
from ..ops._util import xp_of


class _RequiredParameter:
    """Marks a hyper-parameter that has no default (torch's ``optim.optimizer.required``)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj):
    if isinstance(obj, Tensor):
        return 'nbtorch.' + {'float32': 'FloatTensor', 'float64': 'DoubleTensor', 'int64': 'LongTensor'}.get(
            str(obj.dtype).split('.')[-1], 'Tensor')
    t = type(obj)
    return t.__qualname__ if t.__module__ == 'builtins' else f"{t.__module__}.{t.__qualname__}"


def _module_hint(obj):
    return " (did you pass the model instead of model.parameters()?)" if hasattr(obj, 'parameters') else ""


def _step_tensor():
    """The per-parameter step counter: a 0-d float32 tensor, as torch stores it."""
    return Tensor._wrap(np.zeros((), np.float32))   # on the CPU even for CUDA params (torch's default)


def advance_step(state):
    """Increment the per-parameter step counter; return the new step t (1 on the first update)."""
    state['step']._data += 1
    return float(state['step']._data)


def ema_(avg, x, decay):
    """avg = decay * avg + (1 - decay) * x, in place: an exponential moving average (torch's lerp_)."""
    avg += (1 - decay) * (x - avg)


def ema_square_(avg, g, decay):
    """avg = decay * avg + (1 - decay) * g**2, in place: a moving average of squares (torch's addcmul_)."""
    avg *= decay
    avg += (1 - decay) * (g * g)


def _zeros_like(p):
    """A zero buffer shaped like parameter ``p`` (same dtype and device)."""
    return Tensor._wrap(xp_of(p._data).zeros_like(p._data))


def grad_with_decay(p, group):
    """The gradient an update rule uses, as in torch's pseudo-code:

        g = -grad if maximize else grad
        if weight_decay != 0:  g = g + weight_decay * param      (L2 penalty, "coupled" decay)

    Returns a raw array of the parameter's dtype; ``p.grad`` itself is never modified.
    (Hyper-parameters are turned into Python floats, so a NumPy float64 never promotes float32.)
    """
    g = p.grad._data
    if group.get('maximize', False):
        g = -g
    wd = float(group.get('weight_decay', 0))
    if wd != 0 and not group.get('decoupled_weight_decay', False):   # AdamW decays the weights itself
        g = g + wd * p._data
    return g


_LABELS = {'lr': 'learning rate', 'eps': 'epsilon value'}


def check_non_negative(**hyper):
    """torch's argument checks, shared by all optimizers: ``ValueError("Invalid learning rate: -0.1")``."""
    for name, value in hyper.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {_LABELS.get(name, name + ' value')}: {value}")


class Optimizer:
    """Base class for all optimizers.

    Args:
        params: an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter groups).
        defaults: the default value of each hyper-parameter, used when a group doesn't set it.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or "
                            "dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        try:
            param_groups = list(params)
        except TypeError as e:
            raise TypeError(f"{e}: the optimizer needs an iterable of Tensors or dicts" + _module_hint(params)) from None
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{'params': param_groups}]
        for param_group in param_groups:
            self.add_param_group(dict(param_group))

    def __getstate__(self):
        return {'defaults': self.defaults, 'state': self.state, 'param_groups': self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        format_string = self.__class__.__name__ + ' ('
        for i, group in enumerate(self.param_groups):
            format_string += '\n'
            format_string += f'Parameter Group {i}\n'
            for key in sorted(group.keys()):
                if key != 'params':
                    format_string += f'    {key}: {group[key]}\n'
        format_string += ')'
        return format_string

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        """Add a group of parameters (e.g. layers unfrozen while fine-tuning) with its own options."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group['params']
        if isinstance(params, Tensor):
            param_group['params'] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the "
                            "ordering of tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group['params'] = list(params)

        tensors, names = [], []
        for param in param_group['params']:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group['params'] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group['param_names'] = names

        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param)
                                + _module_hint(param))
            if not self.defaults.get('differentiable', None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)

        ids = [id(p) for p in tensors]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group['params'])
            if ('param_names' in param_group) != ('param_names' in group):
                txt = 'with names' if 'param_names' in param_group else 'without names'
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters: to ``None`` (default) or to zeros."""
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs before every ``step``; it may return new ``(args, kwargs)``."""
        return self._add_hook('_optimizer_step_pre_hooks', hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs after every ``step``."""
        return self._add_hook('_optimizer_step_post_hooks', hook)

    def _add_hook(self, attr, hook):
        from ..nn.modules.module import RemovableHandle
        hooks = self.__dict__.setdefault(attr, OrderedDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def step(self, *args, **kwargs):
        """Perform one optimization step: ``step(closure=None)``.

        ``closure`` (optional) re-evaluates the model and returns the loss; it runs with grad enabled.
        Parameters whose ``.grad`` is None are skipped.  The update works on the raw arrays, so it
        builds no graph, and each parameter's version counter is bumped as an in-place op would.
        """
        for hook in list(self.__dict__.get('_optimizer_step_pre_hooks', {}).values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, new_kwargs), but got "
                                       f"{result}.")
        out = self._step(*args, **kwargs)
        for hook in list(self.__dict__.get('_optimizer_step_post_hooks', {}).values()):
            hook(self, args, kwargs)
        return out

    def _step(self, closure=None):
        loss = None
        if closure is not None:
            prev = _gm.enabled
            _gm.enabled = True
            try:
                loss = closure()
            finally:
                _gm.enabled = prev
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is None:
                    continue
                # a new dict is filled and stored only when complete, so an interrupt (Ctrl-C) between
                # two parameters never leaves half-initialised state behind
                state = self.state[p] if p in self.state else self._init_state(p, group)
                self._update(p, grad_with_decay(p, group), state, group)
                p._bump_version()
                if state and p not in self.state:
                    self.state[p] = state
        return loss

    def _init_state(self, p, group):
        """The new per-parameter state (a dict of buffers) before the first update."""
        return {}

    def _update(self, p, g, state, group):
        raise NotImplementedError

    # ------------------------------------------------------------------ (de)serialisation
    def state_dict(self):
        """torch's format: ``{'state': {0: {...}, 1: {...}}, 'param_groups': [{..., 'params': [0, 1]}]}``.

        Parameters are replaced by their index in the order they appear across the groups; the
        buffers are the optimizer's own tensors (not copies), as in torch.
        """
        index = {}
        start = 0

        def pack_group(group):
            nonlocal start
            for i, p in enumerate(group['params'], start):
                index.setdefault(id(p), i)
            packed = {k: v for k, v in group.items() if k != 'params'}
            packed['params'] = [index[id(p)] for p in group['params']]
            start += len(packed['params'])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {index[id(k)]: v for k, v in self.state.items()}
        return {'state': packed_state, 'param_groups': param_groups}

    def load_state_dict(self, state_dict):
        """Load a state dict produced by ``state_dict()`` here or by real torch's optimizer."""
        state_dict = _copy_state_dict(state_dict)
        groups = self.param_groups
        saved_groups = deepcopy(state_dict['param_groups'])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        param_lens = (len(g['params']) for g in groups)
        saved_lens = (len(g['params']) for g in saved_groups)
        if any(p_len != s_len for p_len, s_len in zip(param_lens, saved_lens)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")

        id_map = {}
        for g, sg in zip(groups, saved_groups):
            for old_id, p in zip(sg['params'], g['params']):
                id_map[old_id] = p

        state = defaultdict(dict)
        for k, v in state_dict['state'].items():
            if k in id_map:
                param = id_map[k]
                state[param] = {key: _cast_state(param, value, key) for key, value in v.items()}
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group['params'] = group['params']
            if 'param_names' in group and 'param_names' not in new_group:
                new_group['param_names'] = group['param_names']
            return new_group

        self.state = state
        self.param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]


def _copy_state_dict(sd):
    """A copy whose tensors are new arrays, so the loaded optimizer never shares buffers with the source."""
    if isinstance(sd, Tensor):
        return Tensor._wrap(sd._data.copy())
    if isinstance(sd, dict):
        return {k: _copy_state_dict(v) for k, v in sd.items()}
    if isinstance(sd, list):
        return [_copy_state_dict(v) for v in sd]
    if isinstance(sd, tuple):
        return tuple(_copy_state_dict(v) for v in sd)
    return sd


def _cast_state(param, value, key):
    """torch's rule: buffers take the parameter's float dtype and device; 'step' keeps its own dtype."""
    if isinstance(value, Tensor):
        if key == 'step':
            return value
        if param.is_floating_point() and value.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k) for k, v in value.items()}
    return value
