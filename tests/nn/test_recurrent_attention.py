"""RNN/LSTM/GRU, MultiheadAttention and TransformerEncoder(Layer) against torch."""
import numpy as np
import pytest
import torch

import nbtorch
from tests.nn.nn_compare import check_module


def pair(name, *args, **kwargs):
    return getattr(torch.nn, name)(*args, **kwargs), getattr(nbtorch.nn, name)(*args, **kwargs)


@pytest.mark.parametrize('kind', ['RNN', 'LSTM', 'GRU'])
@pytest.mark.parametrize('cfg', [dict(), dict(num_layers=2), dict(bidirectional=True), dict(batch_first=True),
                                 dict(num_layers=2, bidirectional=True, batch_first=True), dict(bias=False)])
def test_recurrent_matches_torch(kind, cfg):
    th, nb = pair(kind, 3, 4, **cfg)
    shape = (2, 5, 3) if cfg.get('batch_first') else (5, 2, 3)
    check_module(th, nb, [shape], atol=1e-5, grad_atol=1e-4)


@pytest.mark.parametrize('kind', ['RNN', 'GRU', 'LSTM'])
def test_recurrent_with_initial_state_and_unbatched(kind):
    th, nb = pair(kind, 3, 4, num_layers=2, bidirectional=True)
    if kind == 'LSTM':
        call = lambda m, x, h, c: m(x, (h, c))
        check_module(th, nb, [(5, 2, 3), (4, 2, 4), (4, 2, 4)], call=call)
        check_module(th, nb, [(5, 3), (4, 4), (4, 4)], call=call)
    else:
        check_module(th, nb, [(5, 2, 3), (4, 2, 4)], call=lambda m, x, h: m(x, h))
        check_module(th, nb, [(5, 3)])


def test_rnn_relu_and_dropout_eval():
    th, nb = pair('RNN', 3, 4, 2, nonlinearity='relu', dropout=0.5)
    check_module(th, nb, [(5, 2, 3)], modes=(False,))


def test_recurrent_parameter_names_and_default_init():
    torch.manual_seed(0)
    nbtorch.manual_seed(0)
    th, nb = pair('LSTM', 3, 4, num_layers=2, bidirectional=True)
    assert [n for n, _ in nb.named_parameters()] == [n for n, _ in th.named_parameters()]
    for (k, a), (_, b) in zip(th.state_dict().items(), nb.state_dict().items()):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-6, err_msg=k)


@pytest.mark.parametrize('kind', ['RNNCell', 'LSTMCell', 'GRUCell'])
def test_cells(kind):
    th, nb = pair(kind, 3, 4)
    if kind == 'LSTMCell':
        check_module(th, nb, [(2, 3), (2, 4), (2, 4)], call=lambda m, x, h, c: m(x, (h, c)))
    else:
        check_module(th, nb, [(2, 3), (2, 4)])
    check_module(th, nb, [(2, 3)])


def test_recurrent_input_errors():
    for lib in (torch, nbtorch):
        with pytest.raises(RuntimeError, match='input.size\\(-1\\) must be equal to input_size. Expected 3, got 2'):
            lib.nn.GRU(3, 4)(lib.ones(5, 1, 2))


@pytest.mark.parametrize('cfg', [dict(), dict(batch_first=True), dict(bias=False), dict(kdim=5, vdim=6),
                                 dict(add_bias_kv=True), dict(add_zero_attn=True)])
def test_multihead_attention(cfg):
    th, nb = pair('MultiheadAttention', 8, 2, **cfg)
    kd, vd = cfg.get('kdim', 8), cfg.get('vdim', 8)
    if cfg.get('batch_first'):
        shapes = [(3, 4, 8), (3, 5, kd), (3, 5, vd)]
    else:
        shapes = [(4, 3, 8), (5, 3, kd), (5, 3, vd)]
    check_module(th, nb, shapes, atol=1e-5, grad_atol=1e-4)


def test_multihead_attention_masks_and_self_attention():
    th, nb = pair('MultiheadAttention', 8, 4)
    kpm = np.array([[False, False, True, False, True], [False, False, False, False, False]])
    attn_mask = np.triu(np.ones((5, 5), bool), 1)
    float_mask = np.random.default_rng(0).standard_normal((5, 5)).astype(np.float32)

    def call(mask_np, lib_kpm=True):
        def f(m, x):
            lib = torch if isinstance(m, torch.nn.Module) else nbtorch
            mask = lib.from_numpy(mask_np.copy()) if mask_np is not None else None
            k = lib.from_numpy(kpm.copy()) if lib_kpm else None
            return m(x, x, x, key_padding_mask=k, attn_mask=mask)
        return f
    check_module(th, nb, [(5, 2, 8)], call=call(None))
    check_module(th, nb, [(5, 2, 8)], call=call(attn_mask, False))
    check_module(th, nb, [(5, 2, 8)], call=call(float_mask, True))
    check_module(th, nb, [(5, 2, 8)], call=lambda m, x: m(x, x, x, need_weights=False))
    check_module(th, nb, [(5, 2, 8)], call=lambda m, x: m(x, x, x, average_attn_weights=False))
    check_module(th, nb, [(5, 8)], call=lambda m, x: m(x, x, x))  # unbatched


@pytest.mark.parametrize('cfg', [dict(), dict(norm_first=True), dict(batch_first=True, activation='gelu'),
                                 dict(activation=torch.nn.GELU())])
def test_transformer_encoder_layer(cfg):
    nb_cfg = dict(cfg)
    if isinstance(cfg.get('activation'), torch.nn.Module):
        nb_cfg['activation'] = nbtorch.nn.GELU()
    th = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, **cfg)
    nb = nbtorch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, **nb_cfg)
    shape = (3, 4, 8) if cfg.get('batch_first') else (4, 3, 8)
    check_module(th, nb, [shape], atol=1e-5, grad_atol=1e-4)


def test_transformer_encoder_stack():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        th = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2,
                                         norm=torch.nn.LayerNorm(8))
    nb = nbtorch.nn.TransformerEncoder(nbtorch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2,
                                       norm=nbtorch.nn.LayerNorm(8))
    kpm = np.array([[False, False, True, False], [False] * 4, [False, True, False, False]])

    def call(m, x):
        lib = torch if isinstance(m, torch.nn.Module) else nbtorch
        return m(x, src_key_padding_mask=lib.from_numpy(kpm.copy()))
    check_module(th, nb, [(4, 3, 8)], atol=1e-5, grad_atol=1e-4, modes=(True,))
    check_module(th, nb, [(4, 3, 8)], atol=1e-5, grad_atol=1e-4, call=call, modes=(True,))


@pytest.mark.parametrize('cfg', [dict(), dict(norm_first=True, batch_first=True)])
def test_transformer_decoder_layer_and_full_transformer(cfg):
    th = torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **cfg)
    nb = nbtorch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **cfg)
    bf = cfg.get('batch_first')
    shapes = [(3, 4, 8), (3, 5, 8)] if bf else [(4, 3, 8), (5, 3, 8)]
    mask = np.triu(np.full((4, 4), -np.inf, np.float32), 1)

    def call(m, tgt, mem):
        lib = torch if isinstance(m, torch.nn.Module) else nbtorch
        return m(tgt, mem, tgt_mask=lib.from_numpy(mask.copy()))
    check_module(th, nb, shapes, call=call, atol=1e-5, grad_atol=1e-4)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tt = torch.nn.Transformer(8, 2, 1, 2, 16, dropout=0.0, **cfg)
    nt = nbtorch.nn.Transformer(8, 2, 1, 2, 16, dropout=0.0, **cfg)
    src = [(3, 5, 8), (3, 4, 8)] if bf else [(5, 3, 8), (4, 3, 8)]

    def call2(m, s, t):
        lib = torch if isinstance(m, torch.nn.Module) else nbtorch
        return m(s, t, tgt_mask=type(m).generate_square_subsequent_mask(4))
    check_module(tt, nt, src, call=call2, atol=1e-4, grad_atol=1e-4)
    np.testing.assert_array_equal(
        nbtorch.nn.Transformer.generate_square_subsequent_mask(3).numpy(),
        torch.nn.Transformer.generate_square_subsequent_mask(3).numpy())


@pytest.mark.parametrize('kind', ['RNN', 'GRU', 'LSTM'])
@pytest.mark.parametrize('cfg', [dict(), dict(batch_first=True), dict(bidirectional=True), dict(num_layers=2)])
def test_recurrent_grad_fn_names(kind, cfg):
    names = []
    for lib in (torch, nbtorch):
        out, h = getattr(lib.nn, kind)(3, 4, **cfg)(lib.randn(5, 2, 3))
        h = h[0] if kind == 'LSTM' else h
        names.append((out.grad_fn.name(), h.grad_fn.name()))
    assert names[1] == names[0]
