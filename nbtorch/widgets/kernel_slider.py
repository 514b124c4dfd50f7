"""KernelSlider: watch a convolution or pooling window slide over YOUR input.

>>> x = torch.arange(25.).reshape(1, 1, 5, 5)
>>> k = torch.ones(1, 1, 3, 3)
>>> KernelSlider(x, k, stride=2, padding=1)        # output values come from F.conv2d itself
>>> KernelSlider.from_module(nn.MaxPool2d(2, ceil_mode=True), x)

Every output value shown is computed by the real nbtorch op; ``window(oc, oy, ox)``
gives the arithmetic of one output element (the products, their sum, the bias),
and the tests check it equals the op's output element for many configurations.
"""
import math

import numpy as np
import traitlets

from . import _assets
from ._base import View, pack, to_numpy, _esc

OPS = ('conv2d', 'conv1d', 'max_pool2d', 'avg_pool2d')


def _pair(v, n=2):
    if isinstance(v, (tuple, list)):
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _op(name):
    import nbtorch.nn.functional as F
    fn = getattr(F, name, None)
    if fn is None:                                   # functional not wired yet: the op itself
        from nbtorch.ops import conv, pool
        fn = getattr(conv, name, None) or getattr(pool, name)
    return fn


def _tensor(x):
    import nbtorch
    if isinstance(x, nbtorch.Tensor):
        return x.detach()
    return nbtorch.tensor(to_numpy(x))


class KernelSlider(View):
    """A window sliding over the (padded) input; the arithmetic of the current output element."""
    _esm = _assets.esm('kernel_slider')
    _css = _assets.css('kernel_slider')

    config = traitlets.Dict({}).tag(sync=True)
    input = traitlets.Dict({}).tag(sync=True)       # padded input of sample 0: (C_in, Hp, Wp)
    weight = traitlets.Dict({}).tag(sync=True)      # (C_out, C_in/groups, kH, kW) or {} for pooling
    bias = traitlets.Dict({}).tag(sync=True)        # (C_out,) or {}
    output = traitlets.Dict({}).tag(sync=True)      # the op's output for sample 0: (C_out, OH, OW)
    position = traitlets.Int(0).tag(sync=True)      # flat index oy * OW + ox
    out_channel = traitlets.Int(0).tag(sync=True)
    in_channel = traitlets.Int(0).tag(sync=True)    # which input channel of the group the grid shows

    def __init__(self, input, weight=None, *, op='conv2d', stride=None, padding=0, dilation=1, groups=1,
                 ceil_mode=False, bias=None, kernel_size=None, count_include_pad=True, divisor_override=None,
                 **kw):
        super().__init__(**kw)
        if op not in OPS:
            raise ValueError(f"KernelSlider: op must be one of {OPS}, got {op!r}")
        pool = op.endswith('pool2d')
        if not pool and weight is None:
            raise ValueError(f"KernelSlider: op={op!r} needs a weight tensor")
        if pool and kernel_size is None:
            if weight is None:
                raise ValueError(f"KernelSlider: {op} needs kernel_size= (or a weight whose last dims give it)")
            kernel_size = tuple(to_numpy(weight).shape[-2:])
        x = _tensor(input)
        w = _tensor(weight) if weight is not None and not pool else None
        b = _tensor(bias) if bias is not None and not pool else None
        # -- the real op computes every output value --------------------------------------------
        if op == 'conv2d' or op == 'conv1d':
            out = _op(op)(x, w, b, stride=1 if stride is None else stride, padding=padding, dilation=dilation,
                          groups=groups)
        elif op == 'max_pool2d':
            out = _op(op)(x, kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
        else:
            out = _op(op)(x, kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                          count_include_pad=count_include_pad, divisor_override=divisor_override)
        xa, oa = to_numpy(x), to_numpy(out)
        # -- geometry as 2-D (conv1d is a 1 x L image) ----------------------------------------
        if op == 'conv1d':
            xa, oa = xa[..., None, :], oa[..., None, :]
            wa = to_numpy(w)[..., None, :]
            st, dl = (1, _pair(1 if stride is None else stride, 1)[0]), (1, _pair(dilation, 1)[0])
            pad = padding if isinstance(padding, str) else (0, _pair(padding, 1)[0])
            k = (1, wa.shape[-1])
        else:
            wa = to_numpy(w) if w is not None else None
            k = tuple(wa.shape[-2:]) if wa is not None else _pair(kernel_size)
            st = _pair(1 if stride is None and not pool else (k if stride is None else stride))
            dl = _pair(dilation) if op != 'avg_pool2d' else (1, 1)
            pad = padding
        if xa.ndim == 3:                                # unbatched input
            xa, oa = xa[None], oa[None]
        xa, oa = xa[0], oa[0]                           # the view shows sample 0
        if isinstance(pad, str):                        # 'valid' / 'same' (torch puts the extra pad at the end)
            lo = [0, 0] if pad == 'valid' else [d * (kk - 1) // 2 for d, kk in zip(dl, k)]
            hi = [0, 0] if pad == 'valid' else [d * (kk - 1) - l for d, kk, l in zip(dl, k, lo)]
        else:
            lo = list(_pair(pad)) if op != 'conv1d' else list(pad)
            hi = list(lo)
        C, H, W = xa.shape
        padded = np.zeros((C, H + lo[0] + hi[0], W + lo[1] + hi[1]), np.float64)
        padded[:, lo[0]:lo[0] + H, lo[1]:lo[1] + W] = xa
        self._x, self._w, self._out = padded, (None if wa is None else wa.astype(np.float64)), oa.astype(np.float64)
        self._b = None if b is None else to_numpy(b).astype(np.float64)
        self._k, self._st, self._dl, self._lo, self._hi, self._HW = k, st, dl, lo, hi, (H, W)
        self._op, self._groups, self._cip, self._div = op, int(groups), bool(count_include_pad), divisor_override
        self._ceil = bool(ceil_mode)
        C_out, OH, OW = oa.shape
        self.config = {
            'op': op, 'kernel': list(k), 'stride': list(st), 'dilation': list(dl), 'pad_lo': lo, 'pad_hi': hi,
            'groups': int(groups), 'ceil_mode': bool(ceil_mode), 'count_include_pad': bool(count_include_pad),
            'divisor_override': divisor_override, 'in_shape': [C, H, W], 'out_shape': [C_out, OH, OW],
            'formula': self.formula(), 'dtype': str(x.dtype).replace('torch.', ''),
        }
        self.input = pack(padded)
        self.output = pack(self._out)
        self.weight = pack(self._w) if self._w is not None else {}
        self.bias = pack(self._b) if self._b is not None else {}

    @classmethod
    def from_module(cls, layer, x, **kw):
        """A KernelSlider for a Conv1d/Conv2d/MaxPool2d/AvgPool2d layer applied to ``x``."""
        name = type(layer).__name__
        if name in ('Conv2d', 'Conv1d'):
            if getattr(layer, 'padding_mode', 'zeros') != 'zeros':
                raise ValueError(f"KernelSlider shows zero padding only, got padding_mode={layer.padding_mode!r}")
            return cls(x, layer.weight, op=name.lower(), stride=layer.stride, padding=layer.padding,
                       dilation=layer.dilation, groups=layer.groups, bias=layer.bias, **kw)
        if name == 'MaxPool2d':
            return cls(x, op='max_pool2d', kernel_size=layer.kernel_size, stride=layer.stride,
                       padding=layer.padding, dilation=layer.dilation, ceil_mode=layer.ceil_mode, **kw)
        if name == 'AvgPool2d':
            return cls(x, op='avg_pool2d', kernel_size=layer.kernel_size, stride=layer.stride,
                       padding=layer.padding, ceil_mode=layer.ceil_mode,
                       count_include_pad=layer.count_include_pad, divisor_override=layer.divisor_override, **kw)
        raise TypeError(f"KernelSlider.from_module: expected Conv1d, Conv2d, MaxPool2d or AvgPool2d, got {name}")

    # ------------------------------------------------------------------ the arithmetic
    def formula(self):
        """The output-size formula of each spatial dim, with the actual numbers."""
        out = []
        for i, dim in ((0, 'H'), (1, 'W')):
            if self._op == 'conv1d' and i == 0:
                continue
            n, k, s, d, p = self._HW[i], self._k[i], self._st[i], self._dl[i], self._lo[i] + self._hi[i]
            num = n + p - d * (k - 1) - 1
            ceil = self._ceil
            size = self._out.shape[1 + i]
            br = ('⌈', '⌉') if ceil else ('⌊', '⌋')
            pads = f"2·{self._lo[i]}" if self._lo[i] == self._hi[i] else f"{self._lo[i]}+{self._hi[i]}"
            out.append(f"{dim}_out = {br[0]}({n} + {pads} − {d}·({k}−1) − 1) / {s}{br[1]} + 1 = "
                       f"{br[0]}{num}/{s}{br[1]} + 1 = {size}")
        return out

    def window(self, oc, oy, ox):
        """The terms of output element (oc, oy, ox): padded-input coordinates, values, products, result."""
        kh, kw = self._k
        sh, sw = self._st
        dh, dw = self._dl
        Hp, Wp = self._x.shape[1:]
        cells = [(oy * sh + i * dh, ox * sw + j * dw, i, j) for i in range(kh) for j in range(kw)]
        inside = [(y, x, i, j) for y, x, i, j in cells if y < Hp and x < Wp]   # ceil_mode may overhang
        if self._op in ('conv2d', 'conv1d'):
            cpg = self._x.shape[0] // self._groups
            g = oc // (self._out.shape[0] // self._groups)
            terms = []
            for c in range(cpg):
                ic = g * cpg + c
                for y, x, i, j in inside:
                    xv, wv = self._x[ic, y, x], self._w[oc, c, i, j]
                    terms.append({'ic': ic, 'y': y, 'x': x, 'i': i, 'j': j, 'x_val': xv, 'w_val': wv,
                                  'product': xv * wv})
            total = float(sum(t['product'] for t in terms))
            bias = float(self._b[oc]) if self._b is not None else 0.0
            return {'terms': terms, 'sum': total, 'bias': bias, 'result': total + bias,
                    'output': float(self._out[oc, oy, ox])}
        lo, H, W = self._lo, self._HW[0], self._HW[1]
        real = [(y, x) for y, x, _, _ in inside if lo[0] <= y < lo[0] + H and lo[1] <= x < lo[1] + W]
        vals = [float(self._x[oc, y, x]) for y, x in real]
        if self._op == 'max_pool2d':
            return {'cells': real, 'values': vals, 'result': max(vals) if vals else -math.inf,
                    'output': float(self._out[oc, oy, ox])}
        # avg_pool2d: torch divides by the window clipped to the padded input (count_include_pad),
        # or by the real elements only, or by divisor_override
        y0, x0 = oy * sh, ox * sw
        ph = min(y0 + kh, H + lo[0] + lo[0]) - y0
        pw = min(x0 + kw, W + lo[1] + lo[1]) - x0
        if self._div:
            div = self._div
        elif self._cip:
            div = ph * pw
        else:
            div = len(real)
        total = float(sum(vals))
        return {'cells': real, 'values': vals, 'sum': total, 'divisor': div, 'result': total / div,
                'output': float(self._out[oc, oy, ox])}

    @property
    def output_shape(self):
        return tuple(self._out.shape)

    def __repr__(self):
        c = self.config
        return (f"KernelSlider(op={c['op']!r}, input={tuple(c['in_shape'])}, kernel={tuple(c['kernel'])}, "
                f"stride={tuple(c['stride'])}, padding={tuple(c['pad_lo'])}, dilation={tuple(c['dilation'])}, "
                f"groups={c['groups']}, output={tuple(c['out_shape'])})")

    def _repr_html_(self):
        """Static fallback: the formula and the output grid of channel 0."""
        rows = ''.join('<tr>' + ''.join(f'<td>{v:.4g}</td>' for v in r) + '</tr>' for r in self._out[0][:32, :32])
        f = '<br>'.join(_esc(s) for s in self.config['formula'])
        return (f'<div class="nbtorch-static"><div>{_esc(repr(self))}</div><div>{f}</div>'
                f'<table style="font-family:monospace;font-size:11px">{rows}</table></div>')
