"""Elementwise primitives: each is forward on arrays plus its derivative.

The binary ops get inputs of one dtype (``nbtorch._tensor`` promotes them
first, by torch's rules) and may broadcast; their backward sums the gradient
back to each input's shape with ``unbroadcast``.
"""
import numpy as np

from ..autograd.function import ArrayFunction
from ._util import unbroadcast, xp_of


def _quiet(f):
    """Run ``f`` with NumPy's floating-point warnings off: torch gives inf and nan silently
    (log(0) = -inf, 1/0 = inf, sqrt(-1) = nan), NumPy would print a RuntimeWarning."""
    def quiet(*args, **kwargs):
        with np.errstate(all='ignore'):
            return f(*args, **kwargs)
    quiet.__name__, quiet.__doc__ = f.__name__, f.__doc__
    return quiet


class Add(ArrayFunction):
    _backward_name = 'AddBackward0'

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return a + b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        return unbroadcast(g, sa), unbroadcast(g, sb)


class Sub(ArrayFunction):
    _backward_name = 'SubBackward0'

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return a - b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        return unbroadcast(g, sa), unbroadcast(-g, sb)


class Mul(ArrayFunction):
    _backward_name = 'MulBackward0'

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors_raw
        need_a, need_b = ctx.needs_input_grad
        return (unbroadcast(g * b, a.shape) if need_a else None,
                unbroadcast(g * a, b.shape) if need_b else None)


class Div(ArrayFunction):
    _backward_name = 'DivBackward0'

    @staticmethod
    @_quiet
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors_raw
        need_a, need_b = ctx.needs_input_grad
        ga = unbroadcast(g / b, a.shape) if need_a else None
        gb = unbroadcast(-g * a / (b * b), b.shape) if need_b else None
        return ga, gb


class Neg(ArrayFunction):
    _backward_name = 'NegBackward0'

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(ArrayFunction):
    """``a ** b`` for two tensors (``PowBackward1``) or a tensor and a scalar exponent (``PowBackward0``)."""
    _backward_name = 'PowBackward1'

    @staticmethod
    @_quiet
    def forward(ctx, a, b):
        if a.dtype == np.bool_:
            raise NotImplementedError('"pow" not implemented for \'Bool\'')
        out = a ** b
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors_raw
        xp = xp_of(a)
        need_a, need_b = ctx.needs_input_grad
        ga = gb = None
        if need_a:
            ga = unbroadcast(g * b * xp.where(b == 0, xp.ones_like(a), a) ** (b - 1) * (b != 0), a.shape)
        if need_b:
            with np.errstate(divide='ignore', invalid='ignore'):   # as torch: log(0) = -inf, log(<0) = nan
                gb = g * out * xp.log(a)
            gb = unbroadcast(xp.where((a == 0) & (b >= 0), xp.zeros_like(gb), gb), b.shape)
        return ga, gb


class PowScalar(ArrayFunction):
    _backward_name = 'PowBackward0'

    @staticmethod
    @_quiet
    def forward(ctx, a, exponent):
        ctx.save_for_backward(a)
        ctx.exponent = exponent
        return (a ** exponent).astype(a.dtype, copy=False)   # numpy makes bool ** bool int8

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors_raw
        e = ctx.exponent
        if e == 0:
            return g * 0
        return g * (e * a ** (e - 1)).astype(a.dtype, copy=False)


class RPowScalar(ArrayFunction):
    """``scalar ** tensor``."""
    _backward_name = 'PowBackward2'

    @staticmethod
    @_quiet
    def forward(ctx, a, base):
        out = base ** a
        ctx.save_for_backward(out)
        ctx.base = base
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors_raw
        return g * out * out.dtype.type(np.log(ctx.base)) if ctx.base > 0 else g * 0


def _unary(name, fwd, bwd, save='input'):
    """Build a unary primitive from its forward and derivative.

    ``bwd(g, x, y)`` gets the incoming gradient, the input and the output.
    """
    def forward(ctx, a):
        out = fwd(a)
        ctx.save_for_backward(a, out) if save == 'both' else \
            ctx.save_for_backward(out) if save == 'output' else ctx.save_for_backward(a)
        return out

    def backward(ctx, g):
        saved = ctx.saved_tensors_raw
        if save == 'both':
            x, y = saved
        elif save == 'output':
            x, y = None, saved[0]
        else:
            x, y = saved[0], None
        return bwd(g, x, y)

    return type(name, (ArrayFunction,), {
        '_backward_name': name + 'Backward0',
        'forward': staticmethod(forward), 'backward': staticmethod(backward),
        '__doc__': f'{name}: elementwise, see the lambdas in nbtorch/ops/elementwise.py.'})


def _xp(a):
    return xp_of(a)


Exp = _unary('Exp', _quiet(lambda a: _xp(a).exp(a)), lambda g, x, y: g * y, save='output')
Log = _unary('Log', _quiet(lambda a: _xp(a).log(a)), lambda g, x, y: g / x)
Log1P = _unary('Log1P', _quiet(lambda a: _xp(a).log1p(a)), lambda g, x, y: g / (1 + x))
Sqrt = _unary('Sqrt', _quiet(lambda a: _xp(a).sqrt(a)), lambda g, x, y: g / (2 * y), save='output')
Rsqrt = _unary('Rsqrt', _quiet(lambda a: 1 / _xp(a).sqrt(a)), lambda g, x, y: -0.5 * g * y * y * y, save='output')
Sin = _unary('Sin', lambda a: _xp(a).sin(a), lambda g, x, y: g * _xp(x).cos(x))
Cos = _unary('Cos', lambda a: _xp(a).cos(a), lambda g, x, y: -g * _xp(x).sin(x))
Tanh = _unary('Tanh', lambda a: _xp(a).tanh(a), lambda g, x, y: g * (1 - y * y), save='output')
Abs = _unary('Abs', lambda a: _xp(a).abs(a), lambda g, x, y: g * _xp(x).sign(x))
Sign = _unary('Sign', lambda a: _xp(a).sign(a), lambda g, x, y: g * 0)
Floor = _unary('Floor', lambda a: _xp(a).floor(a), lambda g, x, y: g * 0)
Ceil = _unary('Ceil', lambda a: _xp(a).ceil(a), lambda g, x, y: g * 0)
Trunc = _unary('Trunc', lambda a: _xp(a).trunc(a), lambda g, x, y: g * 0)
Reciprocal = _unary('Reciprocal', _quiet(lambda a: 1 / a), lambda g, x, y: -g * y * y, save='output')


def _sigmoid(a):
    xp = _xp(a)
    # split by sign so that exp never overflows
    e = xp.exp(-xp.abs(a))
    return xp.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


Sigmoid = _unary('Sigmoid', _sigmoid, lambda g, x, y: g * y * (1 - y), save='output')


class Relu(ArrayFunction):
    _backward_name = 'ReluBackward0'

    @staticmethod
    def forward(ctx, a):
        # keeps the dtype and NaN; with 0 first, relu(-0.) stays -0. and relu(-1.) is +0., as in torch
        out = _xp(a).maximum(a.dtype.type(0), a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors_raw
        return g * (out > 0)


class Round(ArrayFunction):
    _backward_name = 'RoundBackward0'

    @staticmethod
    def forward(ctx, a, decimals=0):
        return _xp(a).round(a, decimals)

    @staticmethod
    def backward(ctx, g):
        return g * 0


class Clamp(ArrayFunction):
    _backward_name = 'ClampBackward1'

    @staticmethod
    def forward(ctx, a, min=None, max=None):
        xp = _xp(a)
        out = a
        if min is not None:
            out = xp.maximum(out, min)
        if max is not None:
            out = xp.minimum(out, max)
        if out is a:
            out = a.copy()
        ctx.save_for_backward(a)
        ctx.bounds = (min, max)
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors_raw
        lo, hi = ctx.bounds
        mask = True
        if lo is not None:
            mask = a >= lo
        if hi is not None:
            mask = mask & (a <= hi)
        return g * mask


class Maximum(ArrayFunction):
    _backward_name = 'MaximumBackward0'
    _pick = staticmethod(lambda xp, a, b: xp.maximum(a, b))

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return cls._pick(_xp(a), a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors_raw
        xp = _xp(a)
        wa = (cls._pick(xp, a, b) == a).astype(g.dtype)
        wb = (cls._pick(xp, a, b) == b).astype(g.dtype)
        split = wa + wb          # ties share the gradient, as torch does
        return unbroadcast(g * wa / split, a.shape), unbroadcast(g * wb / split, b.shape)


class Minimum(Maximum):
    _backward_name = 'MinimumBackward0'
    _pick = staticmethod(lambda xp, a, b: xp.minimum(a, b))


class Where(ArrayFunction):
    """``where(cond, a, b)``; ``cond`` is a bool array passed as a parameter."""
    _backward_name = 'WhereBackward0'

    @staticmethod
    def forward(ctx, a, b, cond=None):
        ctx.cond = cond
        ctx.shapes = (a.shape, b.shape)
        return _xp(a).where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond = ctx.cond
        sa, sb = ctx.shapes
        return unbroadcast(g * cond, sa), unbroadcast(g * ~cond, sb)


class Remainder(ArrayFunction):
    _backward_name = 'RemainderBackward0'

    @staticmethod
    def forward(ctx, a, b):
        xp = _xp(a)
        if a.dtype.kind in 'iub':
            if a.dtype == np.bool_:
                raise NotImplementedError('"remainder_cpu" not implemented for \'Bool\'')
            if not xp.all(b):
                raise RuntimeError("ZeroDivisionError")
        ctx.save_for_backward(a, b)
        return xp.remainder(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors_raw
        xp = _xp(a)
        return unbroadcast(g, a.shape), unbroadcast(-g * xp.floor(a / b), b.shape)


class Fmod(ArrayFunction):
    """``fmod(a, b)``: remainder with the sign of ``a`` (C's fmod). d/da = 1, d/db = -trunc(a / b)."""
    _backward_name = 'FmodBackward1'

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _xp(a).fmod(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors_raw
        xp = _xp(a)
        gb = unbroadcast(-g * xp.trunc(a / b), b.shape) if ctx.needs_input_grad[1] else None
        return unbroadcast(g, a.shape), gb


class RoundedDiv(ArrayFunction):
    """``div(a, b, rounding_mode='floor' | 'trunc')`` on floats: a step function, so its gradient is zero."""
    _backward_name = 'DivBackward2'

    @staticmethod
    def forward(ctx, a, b, mode='floor'):
        ctx.shapes = (a.shape, b.shape)
        xp = _xp(a)
        return xp.floor_divide(a, b) if mode == 'floor' else xp.trunc(a / b)

    @staticmethod
    def backward(ctx, g):
        xp = _xp(g)
        sa, sb = ctx.shapes
        return xp.zeros(sa, g.dtype), xp.zeros(sb, g.dtype)


class NanToNum(ArrayFunction):
    """Replace nan/inf by finite numbers; the gradient flows only where the input was finite."""
    _backward_name = 'NanToNumBackward0'

    @staticmethod
    def forward(ctx, a, nan=0.0, posinf=None, neginf=None):
        xp = _xp(a)
        ctx.save_for_backward(a)
        return xp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors_raw
        return g * _xp(a).isfinite(a)


class ToCopy(ArrayFunction):
    """A dtype cast (``.to(dtype)``, ``.float()``); the gradient is cast back."""
    _backward_name = 'ToCopyBackward0'

    @staticmethod
    def forward(ctx, a, dtype=None):
        ctx.src = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.src) if ctx.src.kind in 'fc' else None


class Clone(ArrayFunction):
    _backward_name = 'CloneBackward0'

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


# inverse and hyperbolic trigonometry; d/dx asin x = 1/sqrt(1 - x^2), d/dx sinh x = cosh x, ...
Asin = _unary('Asin', _quiet(lambda a: _xp(a).arcsin(a)), _quiet(lambda g, x, y: g / _xp(x).sqrt(1 - x * x)))
Acos = _unary('Acos', _quiet(lambda a: _xp(a).arccos(a)), _quiet(lambda g, x, y: -g / _xp(x).sqrt(1 - x * x)))
Atan = _unary('Atan', lambda a: _xp(a).arctan(a), lambda g, x, y: g / (1 + x * x))
Sinh = _unary('Sinh', _quiet(lambda a: _xp(a).sinh(a)), lambda g, x, y: g * _xp(x).cosh(x))
Cosh = _unary('Cosh', _quiet(lambda a: _xp(a).cosh(a)), lambda g, x, y: g * _xp(x).sinh(x))
Asinh = _unary('Asinh', lambda a: _xp(a).arcsinh(a), lambda g, x, y: g / _xp(x).sqrt(x * x + 1))
Acosh = _unary('Acosh', _quiet(lambda a: _xp(a).arccosh(a)), _quiet(lambda g, x, y: g / _xp(x).sqrt(x * x - 1)))
Atanh = _unary('Atanh', _quiet(lambda a: _xp(a).arctanh(a)), _quiet(lambda g, x, y: g / (1 - x * x)))


class RSubScalar(ArrayFunction):
    """``number - t`` (torch's rsub with a number): the tensor is the node's only input; gradient -g."""
    _backward_name = 'RsubBackward1'

    @staticmethod
    def forward(ctx, a, other=0):
        return other - a

    @staticmethod
    def backward(ctx, g):
        return -g


def _erf(a):
    from ..nn._ops import _erf as erf        # SciPy's erf when present, else a 1.5e-7-accurate approximation
    return erf(a).astype(a.dtype, copy=False)


# erf x = 2/sqrt(pi) * integral_0^x exp(-t^2) dt; its derivative is 2/sqrt(pi) * exp(-x^2)
Erf = _unary('Erf', _erf, lambda g, x, y: g * (x.dtype.type(1.1283791670955126) * _xp(x).exp(-x * x)))
Erfc = _unary('Erfc', lambda a: 1 - _erf(a), lambda g, x, y: -g * (x.dtype.type(1.1283791670955126) * _xp(x).exp(-x * x)))


class Atan2(ArrayFunction):
    """atan2(a, b): the angle of the point (b, a); d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2)."""
    _backward_name = 'Atan2Backward0'

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp_of(a).arctan2(a, b)

    @staticmethod
    @_quiet
    def backward(ctx, g):
        a, b = ctx.saved_tensors_raw
        r2 = a * a + b * b
        return unbroadcast(g * b / r2, a.shape), unbroadcast(-g * a / r2, b.shape)
Tan = _unary('Tan', _quiet(lambda a: _xp(a).tan(a)), lambda g, x, y: g * (1 + y * y), save='output')
Expm1 = _unary('Expm1', _quiet(lambda a: _xp(a).expm1(a)), lambda g, x, y: g * (y + 1), save='output')
