"""Compare an nbtorch module with the same torch module (weights copied torch -> nbtorch).

check_module(th_mod, nb_mod, inputs) copies torch's state_dict (as NumPy) into the
nbtorch module, checks that the state_dict keys and shapes are identical, runs
both on the same inputs, and compares the outputs, the gradients of every float
input and every parameter (same random upstream gradient), the buffers after
the forward pass (running statistics) and the repr.
"""
import numpy as np
import torch

import nbtorch
from tests.helpers import compare, make_inputs, to_np, _flatten


def copy_weights(th_mod, nb_mod):
    sd = {k: v.detach().cpu().numpy().copy() for k, v in th_mod.state_dict().items()}
    res = nb_mod.load_state_dict(sd)
    assert list(res.missing_keys) == [] and list(res.unexpected_keys) == []


def check_state_dict_layout(th_mod, nb_mod):
    th_sd, nb_sd = th_mod.state_dict(), nb_mod.state_dict()
    assert list(nb_sd.keys()) == list(th_sd.keys()), f"keys {list(nb_sd)} != torch's {list(th_sd)}"
    for k in th_sd:
        assert tuple(nb_sd[k].shape) == tuple(th_sd[k].shape), f"{k}: {nb_sd[k].shape} != {th_sd[k].shape}"
        assert str(nb_sd[k].dtype).split('.')[-1] == str(th_sd[k].dtype).split('.')[-1], k
    assert [n for n, _ in nb_mod.named_parameters()] == [n for n, _ in th_mod.named_parameters()]


def check_module(th_mod, nb_mod, inputs, modes=(True, False), atol=1e-5, rtol=1e-4, grad_atol=1e-4,
                 grad_rtol=1e-3, seed=0, call=None, low=-2.0, high=2.0, check_repr=True):
    """``inputs``: shapes (random float inputs) or arrays; ``call(mod, *inputs)`` overrides ``mod(*inputs)``."""
    check_state_dict_layout(th_mod, nb_mod)
    copy_weights(th_mod, nb_mod)
    if check_repr:
        assert repr(nb_mod) == repr(th_mod), f"repr differs:\n{nb_mod!r}\n--- torch:\n{th_mod!r}"
    call = call or (lambda m, *xs: m(*xs))
    for training in modes:
        th_mod.train(training)
        nb_mod.train(training)
        ths, nbs = make_inputs(inputs, seed=seed, low=low, high=high)
        th_out = call(th_mod, *ths)
        nb_out = call(nb_mod, *nbs)
        th_flat, nb_flat = _flatten(th_out), _flatten(nb_out)
        assert len(th_flat) == len(nb_flat)
        for i, (n, t) in enumerate(zip(nb_flat, th_flat)):
            if t is None:
                assert n is None
                continue
            compare(f"[train={training}] output {i}", n, t, atol, rtol)
        for (name, tb), (_, nbuf) in zip(th_mod.named_buffers(), nb_mod.named_buffers()):
            compare(f"[train={training}] buffer {name}", nbuf, tb, atol, rtol)
        pairs = [(t, n) for t, n in zip(th_flat, nb_flat) if isinstance(t, torch.Tensor) and t.requires_grad]
        if not pairs:
            continue
        rng = np.random.default_rng(seed + 1)
        ups = [rng.standard_normal(t.shape).astype(str(t.dtype).split(".")[-1]) for t, _ in pairs]
        th_in = [t for t in ths if isinstance(t, torch.Tensor) and t.requires_grad] + list(th_mod.parameters())
        nb_in = [t for t in nbs if isinstance(t, nbtorch.Tensor) and t.requires_grad] + list(nb_mod.parameters())
        th_g = torch.autograd.grad([t for t, _ in pairs], th_in, [torch.from_numpy(u.copy()) for u in ups],
                                   allow_unused=True)
        nb_g = nbtorch.autograd.grad([n for _, n in pairs], nb_in, [nbtorch.from_numpy(u.copy()) for u in ups],
                                     allow_unused=True)
        names = [f"input {i}" for i in range(len(th_in) - len(list(th_mod.parameters())))] + \
            [n for n, _ in th_mod.named_parameters()]
        for name, n, t in zip(names, nb_g, th_g):
            if t is None:
                assert n is None or not np.any(to_np(n)), f"grad of {name}: torch has none"
                continue
            assert n is not None, f"[train={training}] grad of {name}: nbtorch gave None"
            compare(f"[train={training}] grad of {name}", n, t, grad_atol, grad_rtol)
    return th_mod, nb_mod
