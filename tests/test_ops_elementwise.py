"""Elementwise ops vs torch: values, dtype, shape and gradients, with broadcast and non-contiguous inputs."""
import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_op, helper_test_exception, make_inputs, compare

BINARY = {
    'add': lambda x, y: x + y,
    'sub': lambda x, y: x - y,
    'mul': lambda x, y: x * y,
    'div': lambda x, y: x / y,
    'pow': lambda x, y: x.abs() ** y,
    'maximum': lambda x, y: x.maximum(y),
    'minimum': lambda x, y: x.minimum(y),
    'atan_like': lambda x, y: (x * y).tanh() + x.sigmoid() * y,
    'torch.add_alpha': lambda x, y: x.add(y, alpha=2.5),
    'torch.sub_alpha': lambda x, y: x.sub(y, alpha=-3),
    'torch.rsub': lambda x, y: (torch if isinstance(x, torch.Tensor) else nbtorch).rsub(x, y, alpha=2),
    'lerp': lambda x, y: x.lerp(y, 0.3),
    'lerp_tensor': lambda x, y: x.lerp(y, y.sigmoid()),
    'remainder': lambda x, y: x % (y.abs() + 0.5),
    'where': lambda x, y: (x > y).float() * x + x.where(x > 0, y),
    'addcmul': lambda x, y: x.addcmul(y, y, value=0.5),
    'addcdiv': lambda x, y: x.addcdiv(x, y.abs() + 1, value=-2),
    'clamp_tensor': lambda x, y: x.clamp(min=y, max=y + 1),
}
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,)), ((5,), ())]


@pytest.mark.parametrize('name', BINARY)
@pytest.mark.parametrize('shapes', SHAPES, ids=str)
def test_binary(name, shapes):
    helper_test_op(list(shapes), BINARY[name])


@pytest.mark.parametrize('name', BINARY)
def test_binary_non_contiguous(name):
    helper_test_op([(4, 3), (4, 3)], BINARY[name], non_contiguous=True)


SCALAR_FORMS = {
    'add': lambda x: x + 2, 'radd': lambda x: 2 + x, 'sub': lambda x: x - 1.5, 'rsub': lambda x: 1.5 - x,
    'mul': lambda x: x * 3, 'rmul': lambda x: -0.5 * x, 'div': lambda x: x / 4, 'rdiv': lambda x: 2 / x,
    'pow2': lambda x: x ** 2, 'pow3': lambda x: x ** 3, 'pow_half': lambda x: x.abs() ** 0.5,
    'pow_neg': lambda x: x ** -2, 'pow0': lambda x: x ** 0, 'rpow': lambda x: 2 ** x, 'rpow_f': lambda x: 1.5 ** x,
    'neg': lambda x: -x, 'pos': lambda x: +x, 'mod': lambda x: x % 0.7, 'rmod': lambda x: 3.0 % (x.abs() + 1),
    'floordiv': lambda x: x // 0.7, 'rfloordiv': lambda x: 3 // (x.abs() + 1),
    'div_floor': lambda x: x.div(0.7, rounding_mode='floor'), 'div_trunc': lambda x: x.div(0.7, rounding_mode='trunc'),
    'fmod': lambda x: x.fmod(0.7), 'torch.pow': lambda x: torch.pow(x, 2) if isinstance(x, torch.Tensor) else nbtorch.pow(x, 2),
}


@pytest.mark.parametrize('name', SCALAR_FORMS)
def test_scalar_forms(name):
    helper_test_op([(3, 4)], SCALAR_FORMS[name])


UNARY = {
    'abs': (lambda x: x.abs(), -2, 2), 'exp': (lambda x: x.exp(), -2, 2), 'log': (lambda x: x.log(), 0.1, 3),
    'log1p': (lambda x: x.log1p(), -0.5, 3), 'log2': (lambda x: x.log2(), 0.1, 3), 'log10': (lambda x: x.log10(), 0.1, 3),
    'expm1': (lambda x: x.expm1(), -2, 2), 'sqrt': (lambda x: x.sqrt(), 0.1, 3), 'rsqrt': (lambda x: x.rsqrt(), 0.1, 3),
    'square': (lambda x: x.square(), -2, 2), 'reciprocal': (lambda x: x.reciprocal(), 0.2, 3),
    'sin': (lambda x: x.sin(), -3, 3), 'cos': (lambda x: x.cos(), -3, 3), 'tan': (lambda x: x.tan(), -1, 1),
    'tanh': (lambda x: x.tanh(), -3, 3), 'sigmoid': (lambda x: x.sigmoid(), -5, 5), 'relu': (lambda x: x.relu(), -2, 2),
    'sign': (lambda x: x.sign(), -2, 2), 'sgn': (lambda x: x.sgn(), -2, 2), 'floor': (lambda x: x.floor(), -3, 3),
    'ceil': (lambda x: x.ceil(), -3, 3), 'trunc': (lambda x: x.trunc(), -3, 3), 'frac': (lambda x: x.frac(), -3, 3),
    'round': (lambda x: x.round(), -3, 3), 'round_dec': (lambda x: x.round(decimals=2), -3, 3),
    'clamp': (lambda x: x.clamp(-0.5, 0.7), -2, 2), 'clamp_min': (lambda x: x.clamp(min=0.1), -2, 2),
    'clamp_max': (lambda x: x.clamp(max=0.1), -2, 2), 'clip': (lambda x: x.clip(-1, 1), -2, 2),
    'clamp_min_fn': (lambda x: x.clamp_min(0.3), -2, 2), 'clamp_max_fn': (lambda x: x.clamp_max(0.3), -2, 2),
    'neg': (lambda x: x.neg(), -2, 2), 'abs_op': (lambda x: abs(x), -2, 2),
    'nan_to_num': (lambda x: x.log().nan_to_num(0.5), -2, 2),
}


@pytest.mark.parametrize('name', UNARY)
@pytest.mark.parametrize('shape', [(3, 4), (), (2, 0, 3)], ids=str)
def test_unary(name, shape):
    fn, lo, hi = UNARY[name]
    helper_test_op([shape], fn, low=lo, high=hi)


@pytest.mark.parametrize('name', UNARY)
def test_unary_non_contiguous(name):
    fn, lo, hi = UNARY[name]
    helper_test_op([(3, 5)], fn, low=lo, high=hi, non_contiguous=True)


@pytest.mark.parametrize('name', UNARY)
@pytest.mark.parametrize('dtype', ['float64', 'float16'])
def test_unary_dtypes(name, dtype):
    fn, lo, hi = UNARY[name]
    tol = dict(atol=1e-2, rtol=1e-2, grad_atol=5e-2, grad_rtol=5e-2) if dtype == 'float16' else {}
    helper_test_op([(3, 4)], fn, low=lo, high=hi, dtype=dtype, **tol)


INT_UNARY = ['abs', 'exp', 'log', 'sqrt', 'sin', 'tanh', 'sigmoid', 'relu', 'sign', 'floor', 'ceil', 'trunc',
             'neg', 'square', 'reciprocal', 'round', 'clamp', 'log1p', 'expm1', 'rsqrt']


@pytest.mark.parametrize('name', INT_UNARY)
@pytest.mark.parametrize('dtype', ['int64', 'int32', 'uint8', 'bool'])
def test_unary_int_and_bool(name, dtype):
    if dtype == 'bool' and name in ('neg',):
        helper_test_exception(lambda: -torch.ones(2, dtype=torch.bool),
                                     lambda: -nbtorch.ones(2, dtype=nbtorch.bool), RuntimeError, ['bool'])
        return
    fn = UNARY[name][0]
    th, nb = make_inputs([(3, 4)], dtype, 1, 5)
    try:
        want = fn(th[0])
    except Exception as e:
        helper_test_exception(lambda: fn(th[0]), lambda: fn(nb[0]), type(e))
        return
    compare(name, fn(nb[0]), want, 1e-6, 1e-5)


def test_clamp_int_with_float_bounds():
    helper_test_op([(3, 4)], lambda x: x.clamp(0.5, 3.5), dtype='int64', low=0, high=5)
    helper_test_op([(3, 4)], lambda x: x.clamp(1, 3), dtype='int32', low=0, high=5)


def test_clamp_gradient_at_bounds():
    # torch passes the gradient through where x == min or x == max
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0], np.float32)
    helper_test_op([x], lambda t: t.clamp(0.0, 1.0))
    helper_test_op([x], lambda t: t.clamp(min=0.0))


def test_relu_abs_sign_at_zero():
    x = np.array([-1.0, 0.0, 2.0], np.float32)
    for fn in (lambda t: t.relu(), lambda t: t.abs(), lambda t: t.sign(), lambda t: t.sqrt(),
               lambda t: t ** 2, lambda t: t ** 0.5, lambda t: t ** 0, lambda t: t.maximum(t * 0)):
        helper_test_op([x], fn)


def test_pow_tensor_edge_cases():
    x = np.array([0.0, 0.0, 2.0, 3.0], np.float32)
    y = np.array([0.0, 2.0, 0.0, -1.0], np.float32)
    helper_test_op([x, y], lambda a, b: a ** b)
    helper_test_op([x], lambda a: 0.0 ** a)


def test_maximum_ties_share_gradient():
    x = np.array([1.0, 2.0, 3.0], np.float32)
    helper_test_op([x, x.copy()], lambda a, b: a.maximum(b))
    helper_test_op([x, x.copy()], lambda a, b: a.minimum(b))


COMPARE = {'eq': lambda x, y: x == y, 'ne': lambda x, y: x != y, 'lt': lambda x, y: x < y, 'le': lambda x, y: x <= y,
           'gt': lambda x, y: x > y, 'ge': lambda x, y: x >= y, 'and': lambda x, y: (x > 0) & (y > 0),
           'or': lambda x, y: (x > 0) | (y > 0), 'xor': lambda x, y: (x > 0) ^ (y > 0),
           'invert': lambda x, y: ~(x > y), 'logical_and': lambda x, y: x.logical_and(y),
           'logical_or': lambda x, y: x.logical_or(y), 'logical_xor': lambda x, y: x.logical_xor(y),
           'logical_not': lambda x, y: x.logical_not(), 'isclose': lambda x, y: x.isclose(y),
           'eq_scalar': lambda x, y: x == 1, 'gt_float': lambda x, y: x > 0.5, 'rlt': lambda x, y: 1 < x,
           'isnan': lambda x, y: (x / y).isnan(), 'isinf': lambda x, y: (x / y).isinf(),
           'isfinite': lambda x, y: (x / y).isfinite(),
           'ge_fn': lambda x, y: x.ge(y), 'greater': lambda x, y: x.greater(y), 'not_equal': lambda x, y: x.not_equal(y)}


@pytest.mark.parametrize('name', COMPARE)
@pytest.mark.parametrize('dtype', ['float32', 'int64', 'int32', 'bool', 'uint8'])
def test_compare_and_logical(name, dtype):
    if dtype == 'bool' and name in ('isnan', 'isinf', 'isfinite'):
        return
    helper_test_op([(3, 4), (4,)], COMPARE[name], dtype=dtype, low=-1, high=1, forward_only=True)


INT_BINARY = {'add': lambda x, y: x + y, 'sub': lambda x, y: x - y, 'mul': lambda x, y: x * y,
              'div': lambda x, y: x / y, 'floordiv': lambda x, y: x // y, 'mod': lambda x, y: x % y,
              'div_floor': lambda x, y: x.div(y, rounding_mode='floor'),
              'div_trunc': lambda x, y: x.div(y, rounding_mode='trunc'), 'fmod': lambda x, y: x.fmod(y),
              'pow': lambda x, y: x ** y.abs(), 'and': lambda x, y: x & y, 'or': lambda x, y: x | y,
              'xor': lambda x, y: x ^ y, 'maximum': lambda x, y: x.maximum(y), 'minimum': lambda x, y: x.minimum(y),
              'add_float': lambda x, y: x + 0.5, 'mul_float': lambda x, y: x * 2.5, 'div_int': lambda x, y: x / 2,
              'rdiv': lambda x, y: 7 / y, 'floordiv_int': lambda x, y: x // 3,
              'rsub': lambda x, y: 10 - x, 'mod_neg_int': lambda x, y: x % -3 if x.dtype != x.new_ones(1, dtype=torch.uint8 if isinstance(x, torch.Tensor) else nbtorch.uint8).dtype else x % 3, 'pow_int': lambda x, y: x ** 2, 'pow_float': lambda x, y: x ** 0.5,
              'rpow': lambda x, y: 2 ** y.abs(), 'rpow_float': lambda x, y: 2.0 ** y}


@pytest.mark.parametrize('name', INT_BINARY)
@pytest.mark.parametrize('dtype', ['int64', 'int32', 'int16', 'int8', 'uint8'])
def test_int_binary(name, dtype):
    rng = np.random.default_rng(0)
    x = rng.integers(-9 if dtype != 'uint8' else 0, 10, (3, 4)).astype(dtype)
    y = rng.integers(1, 5, (4,)).astype(dtype)
    if dtype != 'uint8':
        y[::2] *= -1
    helper_test_op([x, y], INT_BINARY[name], forward_only=True)


@pytest.mark.parametrize('name', ['add', 'mul', 'and', 'or', 'xor', 'maximum', 'minimum', 'add_float', 'mul_float',
                                  'div', 'div_int'])
def test_bool_binary(name):
    rng = np.random.default_rng(0)
    helper_test_op([rng.random((3, 4)) > 0.5, rng.random(4) > 0.5], INT_BINARY[name], forward_only=True)


def test_add_alpha_rules():
    helper_test_op([(3,), (3,)], lambda x, y: x.add(y, alpha=3), dtype='int64', forward_only=True)
    helper_test_exception(lambda: torch.tensor([1, 2]).add(torch.tensor([1, 2]), alpha=2.5),
                          lambda: nbtorch.tensor([1, 2]).add(nbtorch.tensor([1, 2]), alpha=2.5),
                          RuntimeError, ['alpha must not be a floating point'])
    helper_test_exception(lambda: torch.ones(2).sub(torch.ones(2), alpha=True),
                          lambda: nbtorch.ones(2).sub(nbtorch.ones(2), alpha=True), RuntimeError, ['Boolean alpha'])


def test_bool_sub_raises():
    a = np.array([True, False])
    helper_test_exception(lambda: torch.tensor(a) - torch.tensor(a), lambda: nbtorch.tensor(a) - nbtorch.tensor(a),
                          RuntimeError, ['Subtraction', 'bool'])


def test_integer_division_by_zero_raises():
    helper_test_exception(lambda: torch.tensor([1, 2]) // 0, lambda: nbtorch.tensor([1, 2]) // 0,
                          RuntimeError, ['ZeroDivisionError'])


def test_broadcast_error_names_shapes():
    helper_test_exception(lambda: torch.ones(2, 3) + torch.ones(4), lambda: nbtorch.ones(2, 3) + nbtorch.ones(4),
                          RuntimeError, ['(3)', '(4)', 'dimension 1'])


def test_grad_fn_names():
    x = nbtorch.ones(3, requires_grad=True)
    tx = torch.ones(3, requires_grad=True)
    for fn in [lambda t: t + 1, lambda t: t * t, lambda t: t / 2, lambda t: 2 / t, lambda t: t - 1, lambda t: 1 - t,
               lambda t: t ** 2, lambda t: t ** t, lambda t: 2 ** t, lambda t: -t, lambda t: t.exp(),
               lambda t: t.log(), lambda t: t.sigmoid(), lambda t: t.relu(), lambda t: t.tanh(),
               lambda t: t.clamp(0, 1), lambda t: t.abs(), lambda t: t.sqrt(), lambda t: t.maximum(t)]:
        assert fn(x).grad_fn.name() == fn(tx).grad_fn.name()
