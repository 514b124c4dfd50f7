"""RNN, LSTM and GRU (and their single-step cells), sharing one time loop.

Parameter names and their order are torch's: weight_ih_l{k}[_reverse],
weight_hh_l{k}[_reverse], bias_ih_l{k}[_reverse], bias_hh_l{k}[_reverse].
All are drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in that order.
The input projection of a whole sequence is one GEMM; only the recurrent part
loops over time.
"""
import math

from ... import _dtype
from ..._creation import empty, zeros
from ..._tensor import Tensor, stack, cat
from ..parameter import Parameter
from .. import functional as F, init
from .module import Module


# one time step of each kind of cell: (x_proj, h_proj, state) -> new state, where
# x_proj = x W_ih^T + b_ih and h_proj = h W_hh^T + b_hh (gates stacked along the last dim)
def _rnn_tanh_step(xp, hp, state):
    return ((xp + hp).tanh(),)


def _rnn_relu_step(xp, hp, state):
    return ((xp + hp).relu(),)


def _lstm_step(xp, hp, state):
    """i, f, g, o gates; c' = f c + i g; h' = o tanh(c')."""
    i, f, g, o = (xp + hp).chunk(4, -1)
    c = f.sigmoid() * state[1] + i.sigmoid() * g.tanh()
    return (o.sigmoid() * c.tanh(), c)


def _gru_step(xp, hp, state):
    """r, z, n gates; n = tanh(x_n + r * h_n); h' = (1 - z) n + z h."""
    xr, xz, xn = xp.chunk(3, -1)
    hr, hz, hn = hp.chunk(3, -1)
    r = (xr + hr).sigmoid()
    z = (xz + hz).sigmoid()
    n = (xn + r * hn).tanh()
    return ((1 - z) * n + z * state[0],)


_STEPS = {'RNN_TANH': (_rnn_tanh_step, 1), 'RNN_RELU': (_rnn_relu_step, 1), 'LSTM': (_lstm_step, 4),
          'GRU': (_gru_step, 3)}


def _run_direction(step, x_proj, state, w_hh, b_hh, reverse):
    """Loop one direction of one layer over time; x_proj is (L, N, gates*H). Returns outputs and final state."""
    outs = []
    steps = range(x_proj.shape[0] - 1, -1, -1) if reverse else range(x_proj.shape[0])
    for t in steps:
        state = step(x_proj[t], F.linear(state[0], w_hh, b_hh), state)
        outs.append(state[0])
    if reverse:
        outs.reverse()
    return stack(outs), state


def _name_node(t, name):
    """Show ``name`` as t.grad_fn's name (torch's fused kernels name their nodes differently)."""
    if t.grad_fn is not None:
        t.grad_fn._backward_name = name


class RNNBase(Module):
    """Shared by RNN, LSTM and GRU: parameters, init, shape checks and the layer/direction loop."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if proj_size:
            raise NotImplementedError("proj_size is not supported by nbtorch's LSTM")
        if not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        gate_size = _STEPS[mode][1] * hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else hidden_size * num_directions
                suffix = '_reverse' if direction == 1 else ''
                names = [f'weight_ih_l{layer}{suffix}', f'weight_hh_l{layer}{suffix}']
                shapes = [(gate_size, layer_input_size), (gate_size, hidden_size)]
                if bias:
                    names += [f'bias_ih_l{layer}{suffix}', f'bias_hh_l{layer}{suffix}']
                    shapes += [(gate_size,), (gate_size,)]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self):
        s = '{input_size}, {hidden_size}'
        if self.num_layers != 1:
            s += ', num_layers={num_layers}'
        if self.bias is not True:
            s += ', bias={bias}'
        if self.batch_first is not False:
            s += ', batch_first={batch_first}'
        if self.dropout != 0:
            s += ', dropout={dropout}'
        if self.bidirectional is not False:
            s += ', bidirectional={bidirectional}'
        return s.format(**self.__dict__)

    def _weights(self, layer, direction):
        names = self._all_weights[layer * (2 if self.bidirectional else 1) + direction]
        ws = [getattr(self, n) for n in names]
        return ws if self.bias else ws + [None, None]

    def forward(self, input, hx=None):
        """input (L, N, H_in) (or (N, L, H_in) with batch_first, or (L, H_in) unbatched).

        Returns output (L, N, D*H) and h_n (D*num_layers, N, H) -- for LSTM (h_n, c_n).
        """
        step, _ = _STEPS[self.mode]
        is_lstm = self.mode == 'LSTM'
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D instead")
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")
        D = 2 if self.bidirectional else 1
        N = input.shape[1]
        state_shape = (self.num_layers * D, N, self.hidden_size)
        if hx is None:
            h0 = zeros(state_shape, dtype=input.dtype, device=input.device)
            hx = (h0, h0) if is_lstm else h0
        elif not batched:
            hx = tuple(h.unsqueeze(1) for h in hx) if is_lstm else hx.unsqueeze(1)
        hs = hx if is_lstm else (hx,)
        for h in hs:
            if tuple(h.shape) != state_shape:
                raise RuntimeError(f"Expected hidden size {state_shape}, got {list(h.shape)}")
        layer_input = input
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for direction in range(D):
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, direction)
                idx = layer * D + direction
                state = tuple(h[idx] for h in hs)
                x_proj = F.linear(layer_input, w_ih, b_ih)
                out, state = _run_direction(step, x_proj, state, w_hh, b_hh, reverse=direction == 1)
                outs.append(out)
                finals.append(state)
            layer_input = outs[0] if D == 1 else cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        output = layer_input
        if is_lstm and D == 1:
            _name_node(output, 'MkldnnRnnLayerBackward0')   # the node torch's CPU LSTM shows
        h_n = tuple(stack([s[k] for s in finals]) for k in range(len(hs)))
        if not batched:
            output = output.squeeze(1)
            h_n = tuple(h.squeeze(1) for h in h_n)
        elif self.batch_first:
            output = output.transpose(0, 1)
            _name_node(output, 'TransposeBackward0' if is_lstm else 'TransposeBackward1')
        return output, (h_n if is_lstm else h_n[0])


class RNN(RNNBase):
    """h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (nonlinearity='relu' uses relu)."""

    def __init__(self, *args, **kwargs):
        nonlinearity = kwargs.pop('nonlinearity', 'tanh')
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity not in ('tanh', 'relu'):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__('RNN_TANH' if nonlinearity == 'tanh' else 'RNN_RELU', *args, **kwargs)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o; returns output, (h_n, c_n)."""

    def __init__(self, *args, **kwargs):
        super().__init__('LSTM', *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit: gates r, z, n."""

    def __init__(self, *args, **kwargs):
        super().__init__('GRU', *args, **kwargs)


class _CellBase(Module):
    """One time step: RNNCell / LSTMCell / GRUCell (weight_ih, weight_hh, bias_ih, bias_hh)."""
    _mode = 'RNN_TANH'

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None, mode=None):
        super().__init__()
        if mode is not None:
            self._mode = mode
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gate_size = _STEPS[self._mode][1] * hidden_size
        kw = dict(device=device, dtype=dtype)
        self.weight_ih = Parameter(empty((gate_size, input_size), **kw))
        self.weight_hh = Parameter(empty((gate_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(empty(gate_size, **kw))
            self.bias_hh = Parameter(empty(gate_size, **kw))
        else:
            self.register_parameter('bias_ih', None)
            self.register_parameter('bias_hh', None)
        RNNBase.reset_parameters(self)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        return s

    def forward(self, input, hx=None):
        step, _ = _STEPS[self._mode]
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        is_lstm = self._mode == 'LSTM'
        if hx is None:
            h0 = zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
            hx = (h0, h0) if is_lstm else h0
        elif not batched:
            hx = tuple(h.unsqueeze(0) for h in hx) if is_lstm else hx.unsqueeze(0)
        state = hx if is_lstm else (hx,)
        new = step(F.linear(input, self.weight_ih, self.bias_ih), F.linear(state[0], self.weight_hh,
                                                                             self.bias_hh), state)
        if not batched:
            new = tuple(s.squeeze(0) for s in new)
        return new if is_lstm else new[0]


class RNNCell(_CellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None):
        if nonlinearity not in ('tanh', 'relu'):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, device, dtype,
                         mode='RNN_TANH' if nonlinearity == 'tanh' else 'RNN_RELU')
        self.nonlinearity = nonlinearity

    def extra_repr(self):
        s = super().extra_repr()
        return s if self.nonlinearity == 'tanh' else s + f", nonlinearity={self.nonlinearity}"


class LSTMCell(_CellBase):
    _mode = 'LSTM'


class GRUCell(_CellBase):
    _mode = 'GRU'
