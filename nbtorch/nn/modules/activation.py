"""Activation layers: each stores its hyper-parameters and calls its nn.functional form."""
import math

from ..._creation import empty
from ..parameter import Parameter
from .. import functional as F, init
from .module import Module
from .linear import NonDynamicallyQuantizableLinear


class _Activation(Module):
    """A layer ``y = _fn(x, **hyper-parameters)``.

    ``_params`` lists the constructor's (name, default) pairs in torch's order;
    the repr shows them as torch does: ``name=value`` pairs (or ``_repr`` when
    set), then ``inplace=True`` only when it is on.
    """
    _fn = None
    _params = ()
    _repr = None

    def __init__(self, *args, **kwargs):
        super().__init__()
        names = [n for n, _ in self._params]
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}.__init__() takes from 1 to {len(names) + 1} positional "
                            f"arguments but {len(args) + 1} were given")
        values = dict(self._params)
        values.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in values:
                raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument '{k}'")
            values[k] = v
        for k, v in values.items():
            setattr(self, k, v)

    def forward(self, input):
        return type(self)._fn(input, **{n: getattr(self, n) for n, _ in self._params})

    def extra_repr(self):
        if self._repr is not None:
            s = self._repr.format(**self.__dict__)
        else:
            s = ', '.join(f"{n}={getattr(self, n)!r}" if isinstance(getattr(self, n), str) else
                          f"{n}={getattr(self, n)}" for n, _ in self._params if n != 'inplace')
        if getattr(self, 'inplace', False):
            s = s + ', inplace=True' if s else 'inplace=True'
        return s


def _activation_layer(name, fn, params=(), doc='', repr_format=None):
    return type(name, (_Activation,), {'_fn': staticmethod(fn), '_params': params, '_repr': repr_format,
                                       '__doc__': doc, '__module__': __name__})


_INPLACE = (('inplace', False),)
ReLU = _activation_layer('ReLU', F.relu, _INPLACE, 'max(0, x).')
ReLU6 = _activation_layer('ReLU6', F.relu6, _INPLACE, 'min(max(0, x), 6).')
SiLU = _activation_layer('SiLU', F.silu, _INPLACE, 'x * sigmoid(x).')
Mish = _activation_layer('Mish', F.mish, _INPLACE, 'x * tanh(softplus(x)).')
Hardswish = _activation_layer('Hardswish', F.hardswish, _INPLACE, 'x * relu6(x + 3) / 6.')
Hardsigmoid = _activation_layer('Hardsigmoid', F.hardsigmoid, _INPLACE, 'relu6(x + 3) / 6.')
SELU = _activation_layer('SELU', F.selu, _INPLACE, 'scale * elu(x, alpha) with fixed alpha and scale.')
LeakyReLU = _activation_layer('LeakyReLU', F.leaky_relu, (('negative_slope', 0.01), ('inplace', False)),
                              'x if x > 0 else negative_slope * x.')
ELU = _activation_layer('ELU', F.elu, (('alpha', 1.0), ('inplace', False)), 'x if x > 0 else alpha * (exp(x) - 1).')
CELU = _activation_layer('CELU', F.celu, (('alpha', 1.0), ('inplace', False)),
                         'max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).')
Hardtanh = _activation_layer('Hardtanh', F.hardtanh, (('min_val', -1.0), ('max_val', 1.0), ('inplace', False)),
                             'clamp(x, min_val, max_val).')
Threshold = _activation_layer('Threshold', F.threshold, (('threshold', 0.0), ('value', 0.0), ('inplace', False)),
                              'x if x > threshold else value.')
GELU = _activation_layer('GELU', F.gelu, (('approximate', 'none'),), 'x * Phi(x) (approximate="tanh": tanh formula).')
Softplus = _activation_layer('Softplus', F.softplus, (('beta', 1.0), ('threshold', 20.0)),
                             'log(1 + exp(beta x)) / beta (linear above threshold).')
Hardshrink = _activation_layer('Hardshrink', F.hardshrink, (('lambd', 0.5),), 'x if |x| > lambd else 0.',
                               '{lambd}')
Softshrink = _activation_layer('Softshrink', F.softshrink, (('lambd', 0.5),), 'x -+ lambd outside [-lambd, lambd].',
                               '{lambd}')
GLU = _activation_layer('GLU', F.glu, (('dim', -1),), 'a * sigmoid(b) for the two halves of x along dim.')
Sigmoid = _activation_layer('Sigmoid', F.sigmoid, (), '1 / (1 + exp(-x)).')
Tanh = _activation_layer('Tanh', F.tanh, (), 'tanh(x).')
LogSigmoid = _activation_layer('LogSigmoid', F.logsigmoid, (), 'log(sigmoid(x)).')
Softsign = _activation_layer('Softsign', F.softsign, (), 'x / (1 + |x|).')
Tanhshrink = _activation_layer('Tanhshrink', F.tanhshrink, (), 'x - tanh(x).')
Softmax = _activation_layer('Softmax', F.softmax, (('dim', None),), 'exp(x_i) / sum_j exp(x_j) along dim.')
LogSoftmax = _activation_layer('LogSoftmax', F.log_softmax, (('dim', None),), 'log(softmax(x)) along dim, stably.')
Softmin = _activation_layer('Softmin', F.softmin, (('dim', None),), 'softmax(-x) along dim.')


class Softmax2d(Module):
    """Softmax over the channels (dim -3) of (N, C, H, W) or (C, H, W) inputs."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3)


class PReLU(Module):
    """LeakyReLU with a learnable slope per channel (init 0.25)."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class MultiheadAttention(Module):
    """Attention with num_heads heads: softmax(Q K^T / sqrt(head_dim)) V, with torch's parameter names.

    in_proj_weight (3E, E) holds W_q, W_k, W_v stacked (or q/k/v_proj_weight when kdim/vdim differ);
    out_proj is a Linear(E, E).
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        assert self.head_dim * num_heads == self.embed_dim, "embed_dim must be divisible by num_heads"
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **kw))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **kw))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **kw))
            self.register_parameter('in_proj_weight', None)
        else:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **kw))
            self.register_parameter('q_proj_weight', None)
            self.register_parameter('k_proj_weight', None)
            self.register_parameter('v_proj_weight', None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **kw))
        else:
            self.register_parameter('in_proj_bias', None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **kw))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        is_batched = query.dim() == 3
        if self.batch_first and is_batched:
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = query.transpose(1, 0), key.transpose(1, 0)
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        common = dict(training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
                      attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal)
        if not self._qkv_same_embed_dim:
            out, weights = F.multi_head_attention_forward(
                query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
                self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight,
                self.out_proj.bias, use_separate_proj_weight=True, q_proj_weight=self.q_proj_weight,
                k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight, **common)
        else:
            out, weights = F.multi_head_attention_forward(
                query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
                self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight,
                self.out_proj.bias, **common)
        if self.batch_first and is_batched:
            return out.transpose(1, 0), weights
        return out, weights
