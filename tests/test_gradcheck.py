"""gradcheck passes for every differentiable op, and fails (in plain English) for a wrong gradient."""
import numpy as np
import pytest

import nbtorch
from nbtorch.autograd import gradcheck, GradcheckError


def inputs(*shapes, low=-2.0, high=2.0, seed=0, away_from_zero=False):
    rng = np.random.default_rng(seed)
    out = []
    for s in shapes:
        a = rng.uniform(low, high, s)
        if away_from_zero:
            a = np.where(np.abs(a) < 0.2, 0.5, a)
        out.append(nbtorch.tensor(a, dtype=nbtorch.float64, requires_grad=True))
    return tuple(out)


# name: (fn, shapes, options for inputs); points chosen away from kinks (relu at 0, abs at 0, max ties)
OPS = {
    'add': (lambda x, y: x + y, [(3, 4), (4,)], {}), 'sub': (lambda x, y: x - y, [(3, 4), (3, 1)], {}),
    'mul': (lambda x, y: x * y, [(3, 4), (4,)], {}), 'div': (lambda x, y: x / y, [(3, 4), (4,)], {'away_from_zero': True}),
    'pow_tensor': (lambda x, y: x.abs() ** y, [(3, 4), (4,)], {'away_from_zero': True}),
    'pow_scalar': (lambda x: x ** 3, [(3, 4)], {}), 'rpow': (lambda x: 2.5 ** x, [(3, 4)], {}),
    'neg': (lambda x: -x, [(3,)], {}), 'abs': (lambda x: x.abs(), [(3, 4)], {'away_from_zero': True}),
    'exp': (lambda x: x.exp(), [(3, 4)], {}), 'log': (lambda x: x.log(), [(3, 4)], {'low': 0.5}),
    'log1p': (lambda x: x.log1p(), [(3, 4)], {'low': 0.0}), 'log2': (lambda x: x.log2(), [(3,)], {'low': 0.5}),
    'expm1': (lambda x: x.expm1(), [(3,)], {}), 'sqrt': (lambda x: x.sqrt(), [(3, 4)], {'low': 0.5}),
    'rsqrt': (lambda x: x.rsqrt(), [(3, 4)], {'low': 0.5}), 'sin': (lambda x: x.sin(), [(3, 4)], {}),
    'cos': (lambda x: x.cos(), [(3, 4)], {}), 'tan': (lambda x: x.tan(), [(3,)], {'low': -1, 'high': 1}),
    'tanh': (lambda x: x.tanh(), [(3, 4)], {}), 'sigmoid': (lambda x: x.sigmoid(), [(3, 4)], {}),
    'relu': (lambda x: x.relu(), [(3, 4)], {'away_from_zero': True}),
    'clamp': (lambda x: x.clamp(-0.5, 0.5), [(3, 4)], {'seed': 1}), 'square': (lambda x: x.square(), [(3,)], {}),
    'reciprocal': (lambda x: x.reciprocal(), [(3,)], {'low': 0.5}),
    'lerp': (lambda x, y: x.lerp(y, 0.3), [(3,), (3,)], {}), 'addcmul': (lambda x, y: x.addcmul(y, y), [(3,), (3,)], {}),
    'addcdiv': (lambda x, y: x.addcdiv(x, y), [(3,), (3,)], {'away_from_zero': True}),
    'maximum': (lambda x, y: x.maximum(y), [(3, 4), (3, 4)], {}), 'minimum': (lambda x, y: x.minimum(y), [(3, 4), (4,)], {}),
    'where': (lambda x, y: nbtorch.where(x > 0, x, y), [(3, 4), (3, 4)], {'away_from_zero': True}),
    'remainder': (lambda x: x % 0.7, [(3,)], {'seed': 2}), 'fmod': (lambda x, y: x.fmod(y + 3), [(3,), (3,)], {'seed': 2}),
    'sum': (lambda x: x.sum(1), [(3, 4)], {}), 'mean': (lambda x: x.mean((0, 1), keepdim=True), [(3, 4)], {}),
    'prod': (lambda x: x.prod(1), [(3, 4)], {}), 'prod_all': (lambda x: x.prod(), [(2, 3)], {}),
    'var': (lambda x: x.var(0), [(3, 4)], {}), 'std': (lambda x: x.std(), [(3, 4)], {}),
    'norm': (lambda x: x.norm(), [(3, 4)], {}), 'norm1': (lambda x: x.norm(p=1, dim=1), [(3, 4)], {'away_from_zero': True}),
    'norm3': (lambda x: x.norm(p=3, dim=0), [(3, 4)], {}), 'logsumexp': (lambda x: x.logsumexp(1), [(3, 4)], {}),
    'max': (lambda x: x.max(), [(3, 4)], {}), 'max_dim': (lambda x: x.max(1).values, [(3, 4)], {}),
    'min_dim': (lambda x: x.min(0)[0], [(3, 4)], {}), 'amax': (lambda x: x.amax(1), [(3, 4)], {}),
    'cumsum': (lambda x: x.cumsum(1), [(3, 4)], {}), 'cumprod': (lambda x: x.cumprod(1), [(3, 4)], {}),
    'softmax': (lambda x: x.softmax(1), [(3, 4)], {}), 'log_softmax': (lambda x: x.log_softmax(0), [(3, 4)], {}),
    'matmul': (lambda x, y: x @ y, [(3, 4), (4, 2)], {}), 'bmm': (lambda x, y: x.bmm(y), [(2, 3, 4), (2, 4, 2)], {}),
    'matmul_broadcast': (lambda x, y: x @ y, [(2, 1, 3, 4), (5, 4, 2)], {}),
    'mv': (lambda x, y: x.mv(y), [(3, 4), (4,)], {}), 'dot': (lambda x, y: x.dot(y), [(4,), (4,)], {}),
    'outer': (lambda x, y: x.outer(y), [(3,), (4,)], {}),
    'einsum': (lambda x, y: nbtorch.einsum('bij,jk->bk', x, y), [(2, 3, 4), (4, 2)], {}),
    'einsum_diag': (lambda x: nbtorch.einsum('ii->i', x), [(3, 3)], {}),
    'einsum_trace': (lambda x, y: nbtorch.einsum('ij,ji', x, y), [(3, 4), (4, 3)], {}),
    'transpose_mul': (lambda x, y: x.t() * y, [(4, 3), (3, 4)], {}),
    'nan_to_num': (lambda x: x.nan_to_num(), [(3,)], {}),
}


@pytest.mark.parametrize('name', OPS)
def test_gradcheck_passes(name):
    fn, shapes, opts = OPS[name]
    assert gradcheck(fn, inputs(*shapes, **opts))


def test_gradcheck_float32_inputs_are_checked_in_float64():
    x = nbtorch.randn(3, 4, requires_grad=True)
    assert gradcheck(lambda t: (t * t).sigmoid(), (x,))


def test_gradcheck_multiple_outputs_and_non_tensor_args():
    x, = inputs((3, 4))
    assert gradcheck(lambda t, k: (t * k, t.exp()), (x, 2.0))


class WrongSquare(nbtorch.autograd.Function):
    """x**2 whose backward forgets the factor 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x


class RightSquare(WrongSquare):
    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return 2 * grad * x


def test_gradcheck_fails_for_a_wrong_function():
    x = nbtorch.tensor([1.0, -2.0, 3.0], dtype=nbtorch.float64, requires_grad=True)
    assert gradcheck(RightSquare.apply, (x,))
    assert gradcheck(WrongSquare.apply, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError) as e:
        gradcheck(WrongSquare.apply, (x,))
    msg = str(e.value)
    # names the input, the worst element and both numbers: d(x^2)/dx at x=3 is 6, the wrong backward says 3
    assert 'input 0' in msg and 'output0[(2,)]' in msg and 'input0[(2,)]' in msg
    assert 'numerical 6' in msg and 'analytical 3' in msg
    assert isinstance(e.value, RuntimeError)


def test_gradcheck_names_the_wrong_input():
    class WrongSecond(nbtorch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * b        # the second should be g * a

    a, b = inputs((3,), (3,))
    with pytest.raises(GradcheckError, match='input 1'):
        gradcheck(WrongSecond.apply, (a, b))


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match='requires_grad'):
        gradcheck(lambda t: t * 2, (nbtorch.ones(3, dtype=nbtorch.float64),))
