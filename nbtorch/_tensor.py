"""The Tensor: a NumPy (or CuPy) array plus what autograd needs to know about it.

A tensor holds
* ``_data``    -- the array (views of a tensor are views of its array),
* ``_rg``      -- whether it requires grad,
* ``grad_fn``  -- the graph node that produced it (None for leaves),
* ``grad``     -- the accumulated gradient (leaves, or after retain_grad()).

Every method that computes something calls a primitive from ``nbtorch/ops``;
this file only checks arguments, applies torch's type promotion and picks the
primitive.  Rarely used fields (version counter, hooks, ...) live as class
defaults so that creating a tensor stays cheap.
"""
import builtins
import numbers

import numpy as np

from . import _backend, _dtype
from ._device import device as _device_cls, CPU
from ._size import Size
from .autograd import grad_mode as _gm
from .autograd import function as _fn
from .ops import elementwise as E, reduce as R, movement as M, linalg as L
from .ops._util import canonical_dim, canonical_dims
from . import return_types

_new = object.__new__
_ndarray = np.ndarray
_generic = np.generic

# torch's "legacy" type names used in error messages (Float, Long, ...)
_LEGACY = {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'int64': 'Long', 'int32': 'Int',
           'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool',
           'complex64': 'ComplexFloat', 'complex128': 'ComplexDouble'}


def _legacy(np_dtype):
    return _LEGACY[np.dtype(np_dtype).name]


def _shape_arg(shape):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(torch.Size([2, 3]))."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


_counter = _fn.version_counter


class _AllDims:
    """The default of ``max(dim=...)``/``min(dim=...)``: no dim given (an explicit None is an error in torch)."""
    def __repr__(self):
        return '<all dims>'


_ALL_DIMS = _AllDims()


class Tensor:
    __slots__ = ('_data', '_rg', '_grad', 'grad_fn', '__dict__', '__weakref__')
    # rarely set: class defaults, stored per instance only when changed
    _output_nr = 0
    _vc = None          # version counter, a one-element list shared by views
    _base = None        # the tensor this one is a view of
    _accumulator = None
    _retain = False
    _hooks = None
    _post_acc_hooks = None
    __array_priority__ = 1000   # numpy scalars defer to our reflected operators

    # ------------------------------------------------------------------ creation
    def __new__(cls, *args, **kwargs):
        return _new(cls)

    def __init__(self, *args, dtype=None, device=None):
        """``torch.Tensor(data)`` / ``torch.Tensor(2, 3)``: float32 by default, as torch's legacy constructor."""
        if len(args) == 1 and not isinstance(args[0], numbers.Integral):
            from ._creation import tensor as _tensor
            src = _tensor(args[0], dtype=dtype or _dtype.get_default_dtype(), device=device)
            data = src._data
        else:
            data = np.zeros(_shape_arg(args) if args else (0,), (dtype or _dtype.get_default_dtype()).np)
        self._data = data
        self._rg = False
        self._grad = None
        self.grad_fn = None

    @staticmethod
    def _wrap(arr):
        """A new tensor around ``arr`` without copying (internal)."""
        t = _new(Tensor)
        if type(arr) is not _ndarray and isinstance(arr, _generic):
            arr = np.asarray(arr)
        t._data = arr
        t._rg = False
        t._grad = None
        t.grad_fn = None
        return t

    def _make_like(self, arr):
        return Tensor._wrap(arr)

    # ------------------------------------------------------------------ attributes
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[canonical_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    @property
    def dtype(self):
        return _dtype.from_numpy(self._data.dtype)

    @property
    def device(self):
        if type(self._data) is _ndarray:
            return CPU
        return _device_cls('cuda', _backend.device_index(self._data))

    @property
    def is_cuda(self):
        return type(self._data) is not _ndarray

    @property
    def is_cpu(self):
        return type(self._data) is _ndarray

    @property
    def is_floating_point_(self):
        return self._data.dtype.kind == 'f'

    def is_floating_point(self):
        return self._data.dtype.kind == 'f'

    def is_complex(self):
        return self._data.dtype.kind == 'c'

    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind not in 'fc':
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._rg = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def _version(self):
        return 0 if self._vc is None else self._vc[0]

    def _bump_version(self):
        _counter(self)[0] += 1

    @property
    def data(self):
        """The same storage, detached from the graph (torch's ``.data``; prefer ``detach()``)."""
        t = Tensor._wrap(self._data)
        t._base = self._base
        return t

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    @property
    def retains_grad(self):
        return self._retain

    @property
    def T(self):
        return self.permute(*range(self._data.ndim - 1, -1, -1))

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. "
                               f"Got {self._data.ndim}-D tensor.")
        return self.transpose(-2, -1)

    @property
    def H(self):
        return self.T.conj()

    def conj(self):
        return self

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(-1)[0].item() if self.is_cpu else _backend.to_host(self._data).item()

    def tolist(self):
        return _backend.to_host(self._data).tolist()

    def is_contiguous(self, memory_format=None):
        return bool(self._data.flags.c_contiguous)

    def stride(self, dim=None):
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        if self._data.size <= 1 or 0 in self._data.shape:
            # NumPy gives 0 or odd strides here; torch reports the contiguous ones
            st, acc = [], 1
            for s in reversed(self._data.shape):
                st.append(acc)
                acc *= max(s, 1)
            st = tuple(reversed(st))
        return st if dim is None else st[canonical_dim(dim, self._data.ndim)]

    def storage_offset(self):
        if self._base is None:
            return 0
        b = self._base._data
        return (self._data.__array_interface__['data'][0] - b.__array_interface__['data'][0]) // self._data.itemsize

    def data_ptr(self):
        return self._data.__array_interface__['data'][0] if self.is_cpu else self._data.data.ptr

    def untyped_storage(self):
        return self._base._data if self._base is not None else self._data

    def element_size(self):
        return self._data.itemsize

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data)

    def __float__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in 'iub' or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __array__(self, dtype=None, copy=None):
        if self._rg:
            # numpy's conversion goes through .numpy() in torch too
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        arr = _backend.to_host(self._data)
        return arr if dtype is None else arr.astype(dtype)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import _str
        return _str(self, tensor_contents=tensor_contents)

    def __reduce_ex__(self, proto):
        from .serialization import _rebuild_tensor_for_pickle
        return (_rebuild_tensor_for_pickle, (_backend.to_host(self._data), self._rg))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                               "module, this may be because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = type(self).__new__(type(self))
        new._data = self._data.copy()
        new._rg = self._rg
        new.grad = None if self.grad is None else self.grad.__deepcopy__(memo)
        new.grad_fn = None
        if hasattr(self, '__dict__'):
            for k, v in self.__dict__.items():
                if k not in ('_vc', '_base', '_accumulator', '_hooks'):
                    setattr(new, k, v)
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------------ autograd
    @property
    def grad(self):
        """The gradient accumulated by ``backward()`` (leaves, and non-leaves after ``retain_grad()``)."""
        if self.grad_fn is not None and not self._retain:
            import warnings
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
                "Tensor by mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if type(value._data) is not type(self._data):
                raise RuntimeError("assigned grad has data located on a different device")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import backward as _backward
        _backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)

    def retain_grad(self):
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retain:
            return
        self._retain = True
        from .autograd.engine import register_retain
        register_retain(self)

    def register_hook(self, hook):
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = []
            if self.grad_fn is not None:     # (again, if retain_grad came first) so the node keeps the list
                from .autograd.engine import register_retain
                register_retain(self)
        self._hooks.append(hook)
        return _fn._RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        self._post_acc_hooks.append(hook)
        return _fn._RemovableHandle(self._post_acc_hooks, hook)

    def detach(self):
        t = Tensor._wrap(self._data)
        t._base = self._base if self._base is not None else self
        t._vc = _counter(self)
        return t

    def detach_(self):
        if self._base is not None and self._base._rg:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. ")
        self.grad_fn = None
        self._rg = False
        return self

    # ------------------------------------------------------------------ conversion
    def numpy(self, *, force=False):
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if type(self._data) is not _ndarray:
            if not force:
                raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                                "tensor to host memory first.")
            return _backend.to_host(self._data)
        return self._data

    def to(self, *args, **kwargs):
        """to(dtype) / to(device) / to(device, dtype) / to(other), plus non_blocking and copy."""
        dtype = kwargs.pop('dtype', None)
        dev = kwargs.pop('device', None)
        copy = kwargs.pop('copy', False)
        kwargs.pop('non_blocking', None)
        kwargs.pop('memory_format', None)
        if kwargs:
            raise TypeError(f"to() received an invalid combination of arguments - got unexpected {list(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype, dev = a.dtype, a.device
            elif isinstance(a, _dtype.dtype):
                dtype = a
            elif isinstance(a, (str, _device_cls, int)) and not isinstance(a, bool):
                dev = a
            elif a is None:
                continue
            else:
                dtype = _dtype.as_dtype(a)
        out = self
        if dev is not None:
            out = out._to_device(_device_cls(dev))
        if dtype is not None and _dtype.as_dtype(dtype).np != out._data.dtype:
            out = E.ToCopy.apply(out, dtype=_dtype.as_dtype(dtype).np)
        if copy and out is self:
            out = E.ToCopy.apply(self, dtype=self._data.dtype)
        return out

    def _to_device(self, dev):
        if dev.type == 'cuda':
            if self.is_cuda and (dev.index is None or dev.index == _backend.device_index(self._data)):
                return self
            return _DeviceCopy.apply(self, target=('cuda', dev.index))
        if self.is_cpu:
            return self
        return _DeviceCopy.apply(self, target=('cpu', None))

    def cpu(self, memory_format=None):
        return self._to_device(CPU)

    def cuda(self, device=None, non_blocking=False):
        return self._to_device(_device_cls('cuda', device if isinstance(device, int) else None)
                               if not isinstance(device, (str, _device_cls)) else _device_cls(device))

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            prefix = 'torch.cuda.' if self.is_cuda else 'torch.'
            return prefix + _legacy(self._data.dtype) + 'Tensor'
        if isinstance(dtype, str):
            name = dtype.split('.')[-1].replace('Tensor', '')
            inv = {v: k for k, v in _LEGACY.items()}
            dtype = _dtype.as_dtype(inv[name])
        elif isinstance(getattr(dtype, '_dtype', None), _dtype.dtype):   # t.type(torch.IntTensor)
            dtype = dtype._dtype
        return self.to(dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool_)

    def type_as(self, other):
        return self.to(other.dtype)

    def clone(self, memory_format=None):
        return E.Clone.apply(self)

    def contiguous(self, memory_format=None):
        return self if self._data.flags.c_contiguous else E.Clone.apply(self)

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other):
        return _binary(E.Add, self, other)

    def __radd__(self, other):
        # as torch, ``2 + t`` is ``t.add(2)``: t stays the first input of the node
        return _binary(E.Add, self, other, reflected=isinstance(other, Tensor))

    def __sub__(self, other):
        if self._data.dtype == np.bool_ or type(other) is bool or getattr(other, 'dtype', None) is _dtype.bool_:
            _check_sub(self, other)
        return _binary(E.Sub, self, other)

    def __rsub__(self, other):
        if self._data.dtype == np.bool_ or type(other) is bool:
            _check_sub(self, other)
        if isinstance(other, numbers.Number):     # as torch: a one-input RsubBackward1 node
            dt = _dtype.result_type(self, other)
            a = self if self._data.dtype == dt.np else self.to(dt)
            return E.RSubScalar.apply(a, other=_scalar_of(dt.np, other))
        out = _binary(E.Sub, self, other, reflected=True)
        if out.grad_fn is not None:
            out.grad_fn._backward_name = 'RsubBackward1'
        return out

    def __mul__(self, other):
        return _binary(E.Mul, self, other)

    def __rmul__(self, other):
        # as torch, ``2 * t`` is ``t.mul(2)``: t stays the first input of the node
        return _binary(E.Mul, self, other, reflected=isinstance(other, Tensor))

    def __truediv__(self, other):
        return _binary(E.Div, self, other, floating=True)

    def __rtruediv__(self, other):
        if isinstance(other, numbers.Number) and not isinstance(other, bool):
            return self.reciprocal() * other          # torch computes number / t as t.reciprocal() * number
        out = _binary(E.Div, self, other, reflected=True, floating=True)
        if out.grad_fn is not None and not isinstance(other, Tensor):
            out.grad_fn._backward_name = 'MulBackward0'   # torch computes scalar / t as t.reciprocal() * scalar
        return out

    def __floordiv__(self, other):
        return _nondiff(np.floor_divide, self, other)

    def __rfloordiv__(self, other):
        return _nondiff(np.floor_divide, self, other, reflected=True)

    def __mod__(self, other):
        return _binary(E.Remainder, self, other)

    def __rmod__(self, other):
        return _binary(E.Remainder, self, other, reflected=True)

    def __pow__(self, exponent):
        return pow(self, exponent)

    def __rpow__(self, base):
        if isinstance(base, Tensor):
            return pow(base, self)
        dt = _dtype.result_type(self, base)       # 2 ** int_tensor stays int, 2.0 ** int_tensor is float32
        src = self if dt.np == self._data.dtype else self.to(dt)
        return E.RPowScalar.apply(src, base=_scalar_of(dt.np, base))

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(_as_tensor_like(other, self), self)

    def __neg__(self):
        if self._data.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are "
                               "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return E.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return E.Abs.apply(self)

    def __invert__(self):
        if self._data.dtype.kind in 'fc':
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return Tensor._wrap(~self._data)

    def __and__(self, other):
        return _nondiff(np.bitwise_and, self, other)

    __rand__ = __and__

    def __or__(self, other):
        return _nondiff(np.bitwise_or, self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return _nondiff(np.bitwise_xor, self, other)

    __rxor__ = __xor__

    # comparisons give bool tensors and are not differentiable
    def __eq__(self, other):
        return _compare(np.equal, self, other)

    def __ne__(self, other):
        return _compare(np.not_equal, self, other)

    def __lt__(self, other):
        return _compare(np.less, self, other)

    def __le__(self, other):
        return _compare(np.less_equal, self, other)

    def __gt__(self, other):
        return _compare(np.greater, self, other)

    def __ge__(self, other):
        return _compare(np.greater_equal, self, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__
    greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne

    def equal(self, other):
        return self.shape == other.shape and bool((self._data == other._data).all())

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return bool(np.allclose(self._data, _raw(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return Tensor._wrap(np.isclose(self._data, _raw(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def add(self, other, *, alpha=1):
        """``self + alpha * other``."""
        if alpha != 1 or type(alpha) is bool:
            _check_alpha(self, other, alpha)
            other = other * alpha
        return self + other

    def sub(self, other, *, alpha=1):
        """``self - alpha * other``."""
        if alpha != 1 or type(alpha) is bool:
            _check_alpha(self, other, alpha)
            other = other * alpha
        return self - other

    subtract = sub

    def rsub(self, other, *, alpha=1):
        return other - self * alpha

    def mul(self, other):
        return self * other

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        if rounding_mode is None:
            return self / other
        if rounding_mode in ('floor', 'trunc'):
            if _dtype.result_type(self, other)._rank < 2:  # integers: exact integer division
                if rounding_mode == 'floor':
                    return self // other
                return _nondiff(_trunc_divide, self, other)
            return _binary(E.RoundedDiv, self, other, mode=rounding_mode)
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")

    divide = true_divide = div

    def floor_divide(self, other):
        return self // other

    def remainder(self, other):
        return self % other

    def fmod(self, other):
        if _dtype.result_type(self, other)._rank < 2:
            return _nondiff(np.fmod, self, other)
        out = _binary(E.Fmod, self, other)
        if out.grad_fn is not None and not isinstance(other, Tensor):
            out.grad_fn._backward_name = 'FmodBackward0'
        return out

    def pow(self, exponent):
        return pow(self, exponent)

    def neg(self):
        return -self

    negative = neg

    def abs(self):
        _no_bool(self, 'abs_cpu')
        return E.Abs.apply(self)

    absolute = abs

    def exp(self):
        return E.Exp.apply(_floating(self))

    def log(self):
        return E.Log.apply(_floating(self))

    def log1p(self):
        return E.Log1P.apply(_floating(self))

    def log2(self):
        return self.log() / float(np.log(2.0))

    def log10(self):
        return self.log() / float(np.log(10.0))

    def expm1(self):
        return E.Expm1.apply(_floating(self))

    def sqrt(self):
        return E.Sqrt.apply(_floating(self))

    def rsqrt(self):
        return E.Rsqrt.apply(_floating(self))

    def square(self):
        return pow(self, 2)

    def reciprocal(self):
        return E.Reciprocal.apply(_floating(self))

    def sin(self):
        return E.Sin.apply(_floating(self))

    def cos(self):
        return E.Cos.apply(_floating(self))

    def tan(self):
        return E.Tan.apply(_floating(self))

    def asin(self):
        return E.Asin.apply(_floating(self))

    def acos(self):
        return E.Acos.apply(_floating(self))

    def atan(self):
        return E.Atan.apply(_floating(self))

    def sinh(self):
        return E.Sinh.apply(_floating(self))

    def cosh(self):
        return E.Cosh.apply(_floating(self))

    def asinh(self):
        return E.Asinh.apply(_floating(self))

    def acosh(self):
        return E.Acosh.apply(_floating(self))

    def atanh(self):
        return E.Atanh.apply(_floating(self))

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def sin_(self):
        return self._inplace(self.sin())

    def cos_(self):
        return self._inplace(self.cos())

    def asin_(self):
        return self._inplace(self.asin())

    def acos_(self):
        return self._inplace(self.acos())

    def atan_(self):
        return self._inplace(self.atan())

    def erf(self):
        return E.Erf.apply(_floating(self))

    def erfc(self):
        return E.Erfc.apply(_floating(self))

    def atan2(self, other):
        return _binary(E.Atan2, self, other, floating=True)

    arctan2 = atan2

    def logaddexp(self, other):
        """log(exp(a) + exp(b)), computed as max + log1p(exp(-|a - b|)) so that it never overflows."""
        m = maximum(self, other)
        return _renamed(m + (-(self - other).abs()).exp().log1p(), 'LogaddexpBackward0')

    def deg2rad(self):
        return _renamed(self * (np.pi / 180), 'Deg2RadBackward0')

    def rad2deg(self):
        return _renamed(self * (180 / np.pi), 'Rad2DegBackward0')

    def bitwise_and(self, other):
        return self & other

    def bitwise_or(self, other):
        return self | other

    def bitwise_xor(self, other):
        return self ^ other

    def bitwise_not(self):
        return ~self

    def tanh(self):
        return E.Tanh.apply(_floating(self))

    def sigmoid(self):
        return E.Sigmoid.apply(_floating(self))

    def relu(self):
        if self._data.dtype == np.bool_:
            raise RuntimeError("Boolean inputs not supported for relu")
        return E.Relu.apply(self)

    def sign(self):
        if self._data.dtype == np.bool_:
            return self.clone()
        return E.Sign.apply(self)

    sgn = sign

    def floor(self):
        _no_bool(self, 'floor_vml_cpu')
        return E.Floor.apply(self) if self._data.dtype.kind == 'f' else self.clone()

    def ceil(self):
        _no_bool(self, 'ceil_vml_cpu')
        return E.Ceil.apply(self) if self._data.dtype.kind == 'f' else self.clone()

    def trunc(self):
        _no_bool(self, 'trunc_vml_cpu')
        return E.Trunc.apply(self) if self._data.dtype.kind == 'f' else self.clone()

    fix = trunc

    def frac(self):
        return self - self.trunc()

    def round(self, *, decimals=0):
        _no_bool(self, 'round_vml_cpu')
        return E.Round.apply(self, decimals=decimals)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            out = self
            if min is not None:
                out = maximum(out, min)
            if max is not None:
                out = minimum(out, max)
            return out
        src = self
        if self._data.dtype.kind != 'f':   # bool.clamp(0, 1) is int64, int.clamp(0.5) float32 (torch's promotion)
            dt = _dtype.result_type(self, *[v for v in (min, max) if v is not None])
            if dt is _dtype.bool_:
                kernel = 'clamp_scalar_cpu' if min is not None and max is not None else \
                    'clamp_min_scalar_cpu' if min is not None else 'clamp_max_scalar_cpu'
                raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
            if dt.np != self._data.dtype:
                src = self.to(dt)
        return E.Clamp.apply(src, min=min, max=max)

    clip = clamp

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    def maximum(self, other):
        return maximum(self, other)

    def minimum(self, other):
        return minimum(self, other)

    def lerp(self, end, weight):
        return self + weight * (end - self)

    def logical_not(self):
        return Tensor._wrap(np.logical_not(self._data))

    def logical_and(self, other):
        return Tensor._wrap(np.logical_and(self._data, _raw(other)))

    def logical_or(self, other):
        return Tensor._wrap(np.logical_or(self._data, _raw(other)))

    def logical_xor(self, other):
        return Tensor._wrap(np.logical_xor(self._data, _raw(other)))

    def isnan(self):
        return Tensor._wrap(np.isnan(self._data))

    def isinf(self):
        return Tensor._wrap(np.isinf(self._data))

    def isfinite(self):
        return Tensor._wrap(np.isfinite(self._data))

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        if self._data.dtype.kind not in 'fc':
            return self.clone()
        return E.NanToNum.apply(self, nan=nan, posinf=posinf, neginf=neginf)

    # ------------------------------------------------------------------ in place
    def _inplace(self, result):
        """Write ``result`` (computed out of place from ``self``) into self's storage."""
        recording = result.grad_fn is not None
        if _gm.enabled and (recording or self._rg):
            if self._rg and self.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            base = self._base
            if base is not None and (base._rg or recording):
                if base._rg and base.grad_fn is None:
                    raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                                       "in-place operation.")
                return _inplace_view(self, base, result)
        rd, sd = result._data, self._data
        if rd.dtype != sd.dtype and not _can_cast(rd.dtype, sd.dtype):
            raise RuntimeError(f"result type {_legacy(rd.dtype)} can't be cast to the desired output type "
                               f"{_legacy(sd.dtype)}")
        if rd.shape != sd.shape:
            try:
                np.broadcast_shapes(rd.shape, sd.shape) == sd.shape or (_ for _ in ()).throw(ValueError)
            except ValueError:
                raise RuntimeError(f"output with shape {list(sd.shape)} doesn't match the broadcast shape "
                                   f"{list(np.broadcast_shapes(rd.shape, sd.shape))}") from None
        if recording:
            node = result.grad_fn
            saved = node.saved_tensors_raw
            if saved is not None:  # the node must keep self's old values, not see them overwritten
                node.saved_tensors_raw = tuple(s.copy() if s is sd else s for s in saved)
                if node._versions:
                    node._versions = [v for v in node._versions if v[2] is not sd]
        sd[...] = rd
        _counter(self)[0] += 1
        if recording:
            self.grad_fn = result.grad_fn
            self._rg = True
            self._output_nr = result._output_nr
        return self

    def add_(self, other, *, alpha=1):
        return self._inplace(self.add(other, alpha=alpha))

    def sub_(self, other, *, alpha=1):
        return self._inplace(self.sub(other, alpha=alpha))

    subtract_ = sub_

    def mul_(self, other):
        return self._inplace(self * other)

    multiply_ = mul_

    def div_(self, other, *, rounding_mode=None):
        return self._inplace(self.div(other, rounding_mode=rounding_mode))

    divide_ = true_divide_ = div_

    def pow_(self, exponent):
        return self._inplace(self ** exponent)

    def neg_(self):
        return self._inplace(-self)

    def abs_(self):
        return self._inplace(self.abs())

    def exp_(self):
        return self._inplace(self.exp())

    def log_(self):
        return self._inplace(self.log())

    def sqrt_(self):
        return self._inplace(self.sqrt())

    def sigmoid_(self):
        return self._inplace(self.sigmoid())

    def tanh_(self):
        return self._inplace(self.tanh())

    def relu_(self):
        return self._inplace(self.relu())

    def floor_(self):
        return self._inplace(self.floor())

    def ceil_(self):
        return self._inplace(self.ceil())

    def round_(self, *, decimals=0):
        return self._inplace(self.round(decimals=decimals))

    def clamp_(self, min=None, max=None):
        return self._inplace(self.clamp(min, max))

    clip_ = clamp_

    def clamp_min_(self, min):
        return self._inplace(self.clamp(min=min))

    def clamp_max_(self, max):
        return self._inplace(self.clamp(max=max))

    def remainder_(self, other):
        return self._inplace(self % other)

    def lerp_(self, end, weight):
        return self._inplace(_renamed(self.lerp(end, weight), 'LerpBackward0'))

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return self._inplace(_renamed(self + value * tensor1 * tensor2, 'AddcmulBackward0'))

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return self._inplace(_renamed(self + value * tensor1 / tensor2, 'AddcdivBackward0'))

    def addcmul(self, tensor1, tensor2, *, value=1):
        return self + value * tensor1 * tensor2

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return self + value * tensor1 / tensor2

    def masked_fill_(self, mask, value):
        return self._inplace(self.masked_fill(mask, value))

    def zero_(self):
        """Set every element to 0 (in place)."""
        if _gm.enabled and self._rg:
            return self._inplace(M.Fill.apply(self, scalar=0, name='ZeroBackward0'))
        return self.fill_(0)

    def fill_(self, value):
        """Set every element to ``value`` (in place); a 0-d tensor ``value`` may require grad."""
        if isinstance(value, Tensor):
            if value._data.ndim:
                raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                                   f"{value._data.ndim} dimensions.")
            if _gm.enabled and (value._rg or self._rg):
                return self._inplace(M.Fill.apply(self, value, name='FillBackward3'))
            value = value.item()
        if _gm.enabled and self._rg:
            return self._inplace(M.Fill.apply(self, scalar=value))
        if self._data.dtype.kind in 'iub' and isinstance(value, float) and not np.isfinite(value):
            raise RuntimeError(f"value cannot be converted to type {_dtype.from_numpy(self._data.dtype).name.replace('int64', 'int64_t')} without overflow")
        self._data[...] = value
        _counter(self)[0] += 1
        return self

    def copy_(self, src, non_blocking=False):
        """Copy ``src`` (broadcast, cast to self's dtype) into self; the gradient flows back to ``src``."""
        src = src if isinstance(src, Tensor) else Tensor._wrap(np.asarray(src))
        if src.is_cuda != self.is_cuda:
            src = src.to(self.device)
        if _gm.enabled and (self._rg or src._rg):
            try:
                np.broadcast_shapes(src._data.shape, self._data.shape) == self._data.shape or \
                    (_ for _ in ()).throw(ValueError)
            except ValueError:
                raise RuntimeError(f"The size of tensor a ({self._data.shape[-1] if self._data.ndim else 1}) must "
                                   f"match the size of tensor b ({src._data.shape[-1]}) at non-singleton dimension "
                                   f"{self._data.ndim - 1}") from None
            return self._inplace(M.Copy.apply(self, src))
        np.copyto(self._data, src._data.astype(self._data.dtype, copy=False)) if self.is_cpu else \
            self._data.__setitem__(Ellipsis, src._data)
        _counter(self)[0] += 1
        return self

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __ifloordiv__(self, other):
        return self._inplace(self // other)

    def __imod__(self, other):
        return self.remainder_(other)

    def __ipow__(self, other):
        return self.pow_(other)

    def __iand__(self, other):
        return self._inplace(self & other)

    def __ior__(self, other):
        return self._inplace(self | other)

    # ------------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        d = self._data
        axes = _opt_axes(dim, self)
        np_dt = _dtype.as_dtype(dtype).np if dtype is not None else (np.int64 if d.dtype.kind in 'biu' else None)
        src = self
        if np_dt is not None and src._data.dtype != np_dt and src._data.dtype.kind in 'fc':
            src = src.to(np_dt)
            np_dt = None
        return R.Sum.apply(src, axes=axes, keepdim=keepdim, dtype=np_dt)

    def nansum(self, dim=None, keepdim=False):
        return self.where(~self.isnan(), 0).sum(dim, keepdim)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        if dtype is not None:
            return self.to(dtype).mean(dim, keepdim)
        if self._data.dtype.kind not in 'fc':
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {_legacy(self._data.dtype)}")
        axes = _opt_axes(dim, self)
        return R.Mean.apply(self, axes=axes, keepdim=keepdim)

    def nanmean(self, dim=None, keepdim=False):
        mask = ~self.isnan()
        return self.where(mask, 0).sum(dim, keepdim) / mask.sum(dim, keepdim)

    def prod(self, dim=_ALL_DIMS, keepdim=False, *, dtype=None):
        if dim is not _ALL_DIMS:             # torch: prod() or prod(int dim); prod(None) is a TypeError
            dim = _int_dim('prod', dim)
        src = self if dtype is None else self.to(dtype)
        if src._data.dtype.kind in 'biu':
            src = src.long()
        axis = None if dim is _ALL_DIMS else canonical_dim(dim, max(self._data.ndim, 1))
        if not self._data.ndim:
            axis = None
        return R.Prod.apply(src, axis=axis, keepdim=keepdim)

    def _minmax(self, fn_all, fn_dim, elementwise, name, dim=None, keepdim=False):
        if isinstance(dim, Tensor):
            return elementwise(self, dim)
        if dim is None:                      # x.max(None): torch refuses; x.max() reduces everything
            raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not NoneType")
        if dim is _ALL_DIMS:
            if self._data.size == 0:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                                   f"Specify the reduction dim with the 'dim' argument.")
            return fn_all.apply(self)
        dim = canonical_dim(dim, self._data.ndim)
        if self._data.ndim == 0:
            return getattr(return_types, name)((self.clone(), Tensor._wrap(np.array(0))))
        vals, idx = fn_dim.apply(self, dim=dim, keepdim=keepdim)
        return getattr(return_types, name)((vals, idx))

    def max(self, dim=_ALL_DIMS, keepdim=False):
        return self._minmax(R.Max, R.Max, maximum, 'max', dim, keepdim)

    def min(self, dim=_ALL_DIMS, keepdim=False):
        return self._minmax(R.Min, R.Min, minimum, 'min', dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        axes = _opt_axes(dim, self)
        return R.AMax.apply(self, axes=axes, keepdim=keepdim)

    def amin(self, dim=(), keepdim=False):
        axes = _opt_axes(dim, self)
        return R.AMin.apply(self, axes=axes, keepdim=keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _arg_reduce(np.argmax, self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _arg_reduce(np.argmin, self, dim, keepdim)

    def _var(self, dim, unbiased, keepdim, correction, take_sqrt):
        if self._data.dtype.kind not in 'fc':
            name = 'std' if take_sqrt else 'var'
            raise RuntimeError(f"{name}(): input dtype should be either floating point or complex dtypes. "
                               f"Got {_legacy(self._data.dtype)} instead.")
        if isinstance(dim, bool):       # x.std(False): the old ``unbiased`` positional
            unbiased, dim = dim, None
        if correction is None:
            correction = 1 if unbiased in (None, True) else 0
        axes = _opt_axes(dim, self)
        return R.Var.apply(self, axes=axes, correction=correction, keepdim=keepdim, take_sqrt=take_sqrt)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return self._var(dim, unbiased, keepdim, correction, False)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return self._var(dim, unbiased, keepdim, correction, True)

    def norm(self, p='fro', dim=None, keepdim=False, dtype=None):
        src = self if dtype is None else self.to(dtype)
        if src._data.dtype.kind not in 'fc':
            raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                               f"Got {_legacy(src._data.dtype)}")
        if p == 'fro' and isinstance(dim, (tuple, list)) and len(dim) > 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
        if p is None or p == 'fro':
            p = 2.0
        elif p == 'inf':
            p = float('inf')
        elif p == 'nuc':
            raise NotImplementedError("nbtorch: the nuclear norm (p='nuc') is not implemented")
        return R.Norm.apply(src, p=float(p), axes=_opt_axes(dim, self), keepdim=keepdim)

    def logsumexp(self, dim, keepdim=False):
        if dim is None:
            raise TypeError("logsumexp(): argument 'dim' (position 1) must be tuple of ints, not NoneType")
        axes = canonical_dims(dim, max(self._data.ndim, 1))     # validates dim, also for a 0-d tensor
        if not self._data.ndim:
            axes = None
        return R.LogSumExp.apply(_floating(self), axes=axes, keepdim=keepdim)

    def all(self, dim=None, keepdim=False):
        out = self._data.all(axis=_opt_axes(dim, self), keepdims=keepdim)
        # torch keeps uint8 for uint8 inputs (a legacy rule); everything else gives bool
        return Tensor._wrap(_backend.get_array_module(self._data).asarray(out, self._data.dtype if self._data.dtype == np.uint8 else np.bool_))

    def any(self, dim=None, keepdim=False):
        out = self._data.any(axis=_opt_axes(dim, self), keepdims=keepdim)
        return Tensor._wrap(_backend.get_array_module(self._data).asarray(out, self._data.dtype if self._data.dtype == np.uint8 else np.bool_))

    def count_nonzero(self, dim=None):
        return Tensor._wrap(np.asarray(np.count_nonzero(self._data, axis=_opt_axes(dim, self)), np.int64))

    def softmax(self, dim, dtype=None):
        return _softmax(R.Softmax, self, dim, dtype, 'softmax')

    def log_softmax(self, dim, dtype=None):
        return _softmax(R.LogSoftmax, self, dim, dtype, 'log_softmax')

    def cumsum(self, dim, *, dtype=None):
        d = canonical_dim(_int_dim('cumsum', dim), max(self._data.ndim, 1))   # validates, also for 0-d
        np_dt = _dtype.as_dtype(dtype).np if dtype is not None else (np.int64 if self._data.dtype.kind in 'biu' else None)
        if not self._data.ndim:
            return self.clone() if np_dt is None or np_dt == self._data.dtype else self.to(_dtype.from_numpy(np_dt))
        return R.CumSum.apply(self, dim=d, dtype=np_dt)

    def cumprod(self, dim, *, dtype=None):
        canonical_dim(_int_dim('cumprod', dim), max(self._data.ndim, 1))
        src = self.to(dtype) if dtype is not None else (self.long() if self._data.dtype.kind in 'biu' else self)
        return R.CumProd.apply(src, dim=canonical_dim(dim, self._data.ndim)) if self._data.ndim else src.clone()

    # ------------------------------------------------------------------ linear algebra
    def matmul(self, other):
        return matmul(self, other)

    def mm(self, mat2):
        if self._data.ndim != 2:
            raise RuntimeError(f"self must be a matrix")
        if mat2._data.ndim != 2:
            raise RuntimeError(f"mat2 must be a matrix")
        return matmul(self, mat2)

    def bmm(self, mat2):
        if self._data.ndim != 3:
            raise RuntimeError(f"batch1 must be a 3D tensor")
        if mat2._data.ndim != 3:
            raise RuntimeError(f"batch2 must be a 3D tensor")
        out = matmul(self, mat2)
        if out.grad_fn is not None:
            out.grad_fn._backward_name = 'BmmBackward0'
        return out

    def mv(self, vec):
        if self._data.ndim != 2 or vec._data.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {self._data.ndim}, {vec._data.ndim}")
        return matmul(self, vec)

    def dot(self, other):
        if self._data.ndim != 1 or other._data.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self._data.ndim}D and {other._data.ndim}D tensors")
        return matmul(self, other)

    inner = dot

    def outer(self, vec2):
        return self.unsqueeze(1) * vec2.unsqueeze(0)

    ger = outer

    # ------------------------------------------------------------------ shape
    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
            return Tensor._wrap(self._data.view(shape[0].np))
        shape = _infer_shape(_shape_arg(shape), self._data.size)
        if shape == self._data.shape:
            return M.View.apply(self, shape=shape)
        return M.View.apply(self, shape=shape)

    def view_as(self, other):
        return self.view(other.shape)

    def reshape(self, *shape):
        shape = _infer_shape(_shape_arg(shape), self._data.size)
        if self._data.flags.c_contiguous or _view_possible(self._data, shape):
            return M.View.apply(self, shape=shape)
        return M.Reshape.apply(self, shape=shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        nd = self._data.ndim
        if nd == 0:
            return self.reshape(1)
        s, e = canonical_dim(start_dim, nd), canonical_dim(end_dim, nd)
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e:
            return self
        shp = self._data.shape
        return self.reshape(shp[:s] + (int(np.prod(shp[s:e + 1])),) + shp[e + 1:])

    def unflatten(self, dim, sizes):
        nd = self._data.ndim
        d = canonical_dim(dim, nd)
        shp = self._data.shape
        sizes = list(sizes)
        if -1 in sizes:
            known = int(np.prod([s for s in sizes if s != -1]))
            sizes[sizes.index(-1)] = shp[d] // known
        if int(np.prod(sizes)) != shp[d]:
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                               f"{dim} ({shp[d]}) in the input tensor")
        return self.view(shp[:d] + tuple(sizes) + shp[d + 1:])

    def squeeze(self, dim=None):
        shp = self._data.shape
        if dim is None:
            new = tuple(s for s in shp if s != 1)
            return M.Squeeze.apply(self, shape=new)
        dims = canonical_dims(dim, self._data.ndim)
        new = tuple(s for i, s in enumerate(shp) if not (i in dims and s == 1))
        return M.Squeeze.apply(self, shape=new,
                               name='SqueezeBackward2' if isinstance(dim, (tuple, list)) else 'SqueezeBackward1')

    def _view_inplace(self, out, name):
        """unsqueeze_/squeeze_/t_/transpose_: self takes ``out``'s shape (a view of the same storage)
        and, when recording, its history, under torch's in-place node name."""
        if _gm.enabled and self._rg and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        self._data = out._data
        if out.grad_fn is not None:
            out.grad_fn._backward_name = name
            self.grad_fn, self._output_nr = out.grad_fn, out._output_nr
        return self

    def unsqueeze_(self, dim):
        return self._view_inplace(self.unsqueeze(dim), 'UnsqueezeBackward1')

    def squeeze_(self, dim=None):
        return self._view_inplace(self.squeeze(dim), 'SqueezeBackward3' if dim is None else 'SqueezeBackward4')

    def t_(self):
        return self._view_inplace(self.t(), 'TBackward1')

    def transpose_(self, dim0, dim1):
        return self._view_inplace(self.transpose(dim0, dim1), 'TransposeBackward1')

    def unsqueeze(self, dim):
        nd = self._data.ndim + 1
        d = canonical_dim(dim, nd)
        shp = self._data.shape
        return M.Squeeze.apply(self, shape=shp[:d] + (1,) + shp[d:], name='UnsqueezeBackward0')

    def permute(self, *dims):
        dims = _shape_arg(dims)
        nd = self._data.ndim
        if len(dims) != nd:
            raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match "
                               f"the length of the desired ordering of dimensions i.e. input.dim() = {nd} is not "
                               f"equal to len(dims) = {len(dims)}")
        dims = tuple(canonical_dim(d, nd) for d in dims)
        if len(set(dims)) != nd:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return M.Permute.apply(self, dims=dims)

    def transpose(self, dim0, dim1):
        nd = self._data.ndim
        if nd == 0:
            return self.view(())
        d0, d1 = canonical_dim(dim0, nd), canonical_dim(dim1, nd)
        perm = list(range(nd))
        perm[d0], perm[d1] = perm[d1], perm[d0]
        return M.Permute.apply(self, dims=tuple(perm), name='TransposeBackward0')

    swapaxes = swapdims = transpose

    def t(self):
        nd = self._data.ndim
        if nd > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
        return M.Permute.apply(self, dims=tuple(range(nd))[::-1], name='TBackward0')

    def moveaxis(self, source, destination):
        nd = self._data.ndim
        order = [d for d in range(nd) if d != canonical_dim(source, nd)]
        order.insert(canonical_dim(destination, nd), canonical_dim(source, nd))
        return self.permute(*order)

    movedim = moveaxis

    def expand(self, *sizes):
        sizes = _shape_arg(sizes)
        shp = self._data.shape
        if len(sizes) < len(shp):
            raise RuntimeError(f"expand(torch.FloatTensor{{{list(shp)}}}, size={list(sizes)}): the number of sizes "
                               f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
                               f"the tensor ({len(shp)})")
        lead = len(sizes) - len(shp)
        target = []
        for i, s in enumerate(sizes):
            if i < lead:
                target.append(s)
                continue
            cur = shp[i - lead]
            if s == -1:
                s = cur
            elif cur != 1 and s != cur:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                                   f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                                   f"{list(shp)}")
            target.append(s)
        return M.Expand.apply(self, shape=tuple(target))

    def expand_as(self, other):
        return self.expand(other.shape)

    def broadcast_to(self, shape):
        return self.expand(shape)

    def repeat(self, *repeats):
        repeats = _shape_arg(repeats)
        if len(repeats) < self._data.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                               "of tensor")
        return M.Repeat.apply(self, repeats=repeats)

    def tile(self, *dims):
        dims = _shape_arg(dims)
        dims = (1,) * (self._data.ndim - len(dims)) + tuple(dims)
        return self.repeat(*dims)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        """Repeat each element ``repeats`` times along ``dim`` (of the flattened tensor when dim is None)."""
        src = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else canonical_dim(dim, self._data.ndim)
        if isinstance(repeats, Tensor) and repeats._data.size == 1:
            repeats = int(repeats.item())
        if isinstance(repeats, Tensor):
            reps = repeats._data
            if reps.ndim != 1 or reps.shape[0] != src._data.shape[d]:
                raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) "
                                   f"= {reps.shape[0] if reps.ndim else 1} and input.size({d}) = {src._data.shape[d]}")
            if (reps < 0).any():
                raise RuntimeError("repeats can not be negative")
            return M.RepeatInterleave.apply(src, repeats=reps, dim=d)
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        # as torch: unsqueeze, expand, copy, view -> ViewBackward0
        shp = src._data.shape
        big = src.unsqueeze(d + 1).expand(shp[:d + 1] + (repeats,) + shp[d + 1:]).clone()
        return big.view(shp[:d] + (shp[d] * repeats,) + shp[d + 1:])

    def flip(self, *dims):
        dims = _shape_arg(dims)
        return M.Flip.apply(self, dims=tuple(canonical_dim(d, self._data.ndim) for d in dims))

    def fliplr(self):
        return self.flip(1)

    def flipud(self):
        return self.flip(0)

    def roll(self, shifts, dims=None):
        """Shift elements along ``dims`` (of the flattened tensor when dims is None), wrapping around."""
        if isinstance(shifts, (list, tuple)):
            shifts = tuple(int(s) for s in shifts)
        if dims is None:
            if isinstance(shifts, tuple) and len(shifts) != 1:
                raise RuntimeError(f"`shifts` required to be of size 1 when `dims` is None, but got {len(shifts)}")
            return M.Roll.apply(self, shifts=shifts, dims=None)
        if isinstance(dims, (list, tuple)):
            dims = tuple(canonical_dim(d, self._data.ndim) for d in dims)
            if not isinstance(shifts, tuple) or len(shifts) != len(dims):
                raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts) if isinstance(shifts, tuple) else 1}, dims:{len(dims)}")
        else:
            dims = canonical_dim(dims, self._data.ndim)
        return M.Roll.apply(self, shifts=shifts, dims=dims)

    def narrow(self, dim, start, length):
        d = canonical_dim(dim, self._data.ndim)
        start = int(start)
        if start < 0:
            start += self._data.shape[d]
        if start + length > self._data.shape[d]:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                               f"({self._data.shape[d]}).")
        idx = (slice(None),) * d + (slice(start, start + length),)
        return M.IndexView.apply(self, idx=idx, basic=True, name='SliceBackward0')

    def select(self, dim, index):
        d = canonical_dim(dim, self._data.ndim)
        return self[(slice(None),) * d + (int(index),)]

    def chunk(self, chunks, dim=0):
        d = canonical_dim(dim, self._data.ndim)
        size = self._data.shape[d]
        step = -(-size // chunks) if chunks > 0 else 0
        if chunks <= 0:
            raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
        return self.split(max(step, 1), d) if size else tuple(self.split(1, d))

    def split(self, split_size_or_sections, dim=0):
        d = canonical_dim(dim, self._data.ndim)
        size = self._data.shape[d]
        if isinstance(split_size_or_sections, int):
            step = split_size_or_sections
            sizes = [min(step, size - i) for i in range(0, size, step)] if step else [size]
        else:
            sizes = list(split_size_or_sections)
            if builtins.sum(sizes) != size:
                raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                                   f"size at dimension {d}), but got split_sizes={sizes}")
        name = 'SplitBackward0' if isinstance(split_size_or_sections, int) else 'SplitWithSizesBackward0'
        out = M.Split.apply(self, sizes=tuple(sizes), dim=d, name=name)
        return out if type(out) is tuple else (out,)

    def tensor_split(self, indices_or_sections, dim=0):
        d = canonical_dim(dim, self._data.ndim)
        parts = np.array_split(np.arange(self._data.shape[d]), indices_or_sections)
        return tuple(self.narrow(d, int(p[0]) if len(p) else 0, len(p)) for p in parts)

    def unbind(self, dim=0):
        d = canonical_dim(dim, self._data.ndim)
        n = self._data.shape[d]
        if n == 0:
            return ()
        out = M.Split.apply(self, sizes=(1,) * n, dim=d, name='UnbindBackward0', squeeze=True)
        return out if type(out) is tuple else (out,)

    def unfold(self, dimension, size, step):
        """Windows of ``size`` elements, ``step`` apart, along ``dimension``; they form a new last dim (a view)."""
        nd = self._data.ndim
        d = canonical_dim(dimension, max(nd, 1)) if nd else 0
        length = self._data.shape[d] if nd else 1
        if size > length:
            raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
        if step <= 0:
            raise RuntimeError(f"step is {step} but must be > 0")
        if size < 0:
            raise RuntimeError(f"size is {size} but must be >= 0")
        return M.Unfold.apply(self, dim=d, size=int(size), step=int(step))

    # ------------------------------------------------------------------ indexing
    def __getitem__(self, idx):
        idx, basic = _convert_index(idx, self)
        if not basic and _ints_beside_arrays(idx):   # torch applies the ints first (see _split_ints)
            first, then = _split_ints(idx)
            return self[first][then]
        try:
            if basic:
                return M.IndexView.apply(self, idx=idx, basic=True, name=_basic_index_name(idx, self._data.shape))
            return M.Index.apply(self, idx=idx, basic=False)
        except IndexError as e:
            raise IndexError(_index_error_message(str(e), idx, self)) from None

    def __setitem__(self, idx, value):
        idx, basic = _convert_index(idx, self)
        if not basic and _ints_beside_arrays(idx):   # torch applies the ints first (see _split_ints)
            first, then = _split_ints(idx)
            if not (_gm.enabled and (self._rg or isinstance(value, Tensor) and value._rg)):
                view = Tensor._wrap(self._data[first])   # a NumPy view: writing it writes self
                view[then] = value
                _counter(self)[0] += 1
                return
            if self._rg and self.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            self[first][then] = value                  # in place on a view: autograd rebases self's history
            return
        v_rg = isinstance(value, Tensor) and value._rg
        if _gm.enabled and (self._rg or v_rg):
            if self._rg and self.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            v = value if isinstance(value, Tensor) else Tensor._wrap(np.asarray(value, self._data.dtype))
            if v._data.dtype != self._data.dtype:
                v = v.to(self.dtype)
            res = M.IndexPut.apply(self, v, idx=idx,
                                   name='torch::autograd::CopySlices' if basic else 'IndexPutBackward0')
            return self._inplace(res)
        if isinstance(value, Tensor):
            if value.is_cuda != self.is_cuda:
                raise RuntimeError("Expected all tensors to be on the same device, but found at least two "
                                   f"devices, {self.device} and {value.device}!")
            value = value._data
        try:
            self._data[idx] = value
        except IndexError as e:
            raise IndexError(str(e).replace('axis', 'dimension')) from None
        except ValueError as e:
            raise RuntimeError(str(e)) from None
        _counter(self)[0] += 1

    def index_select(self, dim, index):
        d = canonical_dim(dim, self._data.ndim)
        if index._data.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        if index._data.dtype.kind not in 'iu':
            raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index")
        n = self._data.shape[d] if self._data.ndim else 1
        bad = index._data[(index._data < 0) | (index._data >= n)] if index._data.size else index._data[:0]
        if bad.size:
            # torch's CPU kernel for dim 1 of a 2-D tensor raises RuntimeError, every other case IndexError
            exc = RuntimeError if self._data.ndim == 2 and d == 1 else IndexError
            raise exc(f"index out of range in self: index_select() got index {int(bad.reshape(-1)[0])}, "
                      f"but dimension {d} has size {n}")
        out = self[(slice(None),) * d + (index._data.reshape(-1),)]
        if out.grad_fn is not None:
            out.grad_fn._backward_name = 'IndexSelectBackward0'
        return out

    def masked_select(self, mask):
        mask = mask if isinstance(mask, Tensor) else Tensor._wrap(np.asarray(mask))
        if mask._data.dtype != np.bool_:
            raise RuntimeError(f"masked_select: expected BoolTensor for mask")
        shape = np.broadcast_shapes(self._data.shape, mask._data.shape)
        src = self.expand(shape) if self._data.shape != shape else self
        out = src[mask.expand(shape) if mask._data.shape != shape else mask]
        if out.grad_fn is not None:
            out.grad_fn._backward_name = 'MaskedSelectBackward0'
        return out

    def masked_fill(self, mask, value):
        m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
        if m.dtype != np.bool_:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{_dtype.from_numpy(m.dtype).name}")
        name = None
        if isinstance(value, Tensor):
            if value._data.ndim:
                raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                                   f"{value._data.ndim} dimension(s).")
            if value._rg:
                out = where(mask, value.to(self.dtype), self)
                out.grad_fn._backward_name = 'MaskedFillBackward1'
                return out
            value = value.item()
            name = 'MaskedFillBackward1'
        try:
            m = _backend.get_array_module(m).broadcast_to(m, self._data.shape)
        except ValueError:
            err = _broadcast_error(m, self._data)
            if err is None:
                raise
            raise err from None
        return M.MaskedFill.apply(self, mask=m, value=value, name=name)

    def masked_scatter(self, mask, source):
        out = self._data.copy()
        out[mask._data] = source._data.reshape(-1)[:int(mask._data.sum())]
        return Tensor._wrap(out)

    def gather(self, dim, index):
        """out[i][j] = self[index[i][j]][j] (dim 0) / self[i][index[i][j]] (dim 1); grad: scatter-add back."""
        d = canonical_dim(dim, self._data.ndim)
        if index._data.dtype not in (np.int64, np.int32):
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        _check_index_tensor(self, index._data, d, 'index', 'gather')
        return M.Gather.apply(self, index=index._data, dim=d)

    def take_along_dim(self, indices, dim=None):
        if dim is None:
            return self.reshape(-1).gather(0, indices.reshape(-1))
        return self.gather(dim, indices)

    def _scatter(self, dim, index, src, add, name):
        d = canonical_dim(dim, self._data.ndim)
        if index._data.dtype != np.int64:
            raise RuntimeError(f"{name}(): Expected dtype int64 for index")
        node_name = None
        idx = index._data
        if idx.ndim == 0 and self._data.ndim == 1:   # torch treats a 0-d index as a 1-element one here
            idx = idx.reshape(1)
        if not isinstance(src, Tensor):
            src = Tensor._wrap(np.full(idx.shape, src, self._data.dtype))
            node_name = None if add else 'ScatterBackward1' 
        if src._data.dtype != self._data.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        _check_index_tensor(self, idx, d, 'index', name)
        return M.Scatter.apply(self, src, index=idx, dim=d, add=add, name=node_name)

    def scatter(self, dim, index, src=None, value=None, *, reduce=None):
        src = value if src is None else src
        if reduce == 'add':
            return self.scatter_add(dim, index, src)
        return self._scatter(dim, index, src, False, 'scatter')

    def scatter_add(self, dim, index, src):
        return self._scatter(dim, index, src, True, 'scatter_add')

    def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
        return self._inplace(self.scatter(dim, index, src, value, reduce=reduce))

    def scatter_add_(self, dim, index, src):
        return self._inplace(self.scatter_add(dim, index, src))

    def index_add(self, dim, index, source, *, alpha=1):
        d = canonical_dim(dim, self._data.ndim)
        idx = (slice(None),) * d + (index._data,)
        res = M.IndexPut.apply(self, source * alpha if alpha != 1 else source, idx=idx, accumulate=True,
                               name='IndexAddBackward0')
        return res

    def index_add_(self, dim, index, source, *, alpha=1):
        return self._inplace(self.index_add(dim, index, source, alpha=alpha))

    def index_fill_(self, dim, index, value):
        d = canonical_dim(dim, self._data.ndim)
        self[(slice(None),) * d + (index._data,)] = value
        return self

    def index_put_(self, indices, values, accumulate=False):
        idx = tuple(i._data if isinstance(i, Tensor) else i for i in indices)
        if accumulate:
            return self._inplace(M.IndexPut.apply(self, values, idx=idx, accumulate=True))
        self[idx] = values
        return self

    def where(self, condition, other):
        return where(condition, self, other)

    def nonzero(self, *, as_tuple=False):
        """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one tensor per dim with as_tuple."""
        if self._data.ndim == 0:
            xp = _backend.get_array_module(self._data)
            n = int(bool(self._data))
            if as_tuple:
                return (Tensor._wrap(xp.zeros(n, np.int64)),)
            return Tensor._wrap(xp.zeros((n, 0), np.int64))
        xp = _backend.get_array_module(self._data)
        nz = xp.nonzero(self._data)
        if as_tuple:
            return tuple(Tensor._wrap(a.astype(np.int64)) for a in nz)
        return Tensor._wrap(xp.stack(nz, axis=1).astype(np.int64))

    def argwhere(self):
        return self.nonzero()

    def topk(self, k, dim=-1, largest=True, sorted=True):
        d = canonical_dim(dim, self._data.ndim)
        if k > (self._data.shape[d] if self._data.ndim else 1):
            raise RuntimeError("selected index k out of range")
        key = -self._data if largest else self._data
        idx = np.argsort(key, axis=d, kind='stable')
        idx = np.take(idx, np.arange(k), axis=d).astype(np.int64)
        vals = self.gather(d, Tensor._wrap(idx))
        if vals.grad_fn is not None:
            vals.grad_fn._backward_name = 'TopkBackward0'
        return return_types.topk((vals, Tensor._wrap(idx)))

    def sort(self, dim=-1, descending=False, stable=False):
        d = canonical_dim(dim, self._data.ndim)
        key = self._data
        if descending:
            idx = np.flip(np.argsort(np.flip(key, d), axis=d, kind='stable'), d)
            idx = self._data.shape[d] - 1 - idx if self._data.ndim else idx
            # stable descending: equal keys keep their original order
            idx = np.argsort(-key if key.dtype.kind != 'b' else ~key, axis=d, kind='stable')
        else:
            idx = np.argsort(key, axis=d, kind='stable')
        idx = idx.astype(np.int64)
        vals = self.gather(d, Tensor._wrap(idx)) if self._data.ndim else self.clone()
        if vals.grad_fn is not None:
            vals.grad_fn._backward_name = 'SortBackward0'
        return return_types.sort((vals, Tensor._wrap(idx)))

    def argsort(self, dim=-1, descending=False, stable=False):
        return self.sort(dim, descending, stable).indices

    def msort(self):
        return self.sort(0).values

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        res = np.unique(self._data, return_inverse=return_inverse, return_counts=return_counts, axis=dim)
        if not (return_inverse or return_counts):
            return Tensor._wrap(res)
        out = [Tensor._wrap(res[0])]
        if return_inverse:
            out.append(Tensor._wrap(res[1].reshape(self._data.shape if dim is None else -1).astype(np.int64)))
        if return_counts:
            out.append(Tensor._wrap(res[-1].astype(np.int64)))
        return tuple(out)

    def bincount(self, weights=None, minlength=0):
        w = None if weights is None else weights._data
        res = np.bincount(self._data, w, minlength)
        return Tensor._wrap(res if w is not None else res.astype(np.int64))

    def diag(self, diagonal=0):
        if self._data.ndim == 1:
            return Tensor._wrap(np.diag(self._data, diagonal))
        return Tensor._wrap(np.diagonal(self._data, diagonal).copy())

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal (``offset`` above/below the main one) of the ``dim1``/``dim2`` planes, as a view."""
        nd = self._data.ndim
        d1, d2 = canonical_dim(dim1, nd), canonical_dim(dim2, nd)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return M.Diagonal.apply(self, offset=int(offset), dim1=d1, dim2=d2)

    def trace(self):
        return self.diagonal().sum() if not self._rg else (self * Tensor._wrap(np.eye(*self._data.shape, dtype=self._data.dtype))).sum()

    def tril(self, diagonal=0):
        # masked_fill, not a multiply: -inf * 0 would give nan (Transformer's causal masks hold -inf)
        return self.masked_fill(Tensor._wrap(~np.tri(*self._data.shape[-2:], k=diagonal, dtype=bool)), 0)

    def triu(self, diagonal=0):
        return self.masked_fill(Tensor._wrap(np.tri(*self._data.shape[-2:], k=diagonal - 1, dtype=bool)), 0)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from ._creation import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import zeros
        return zeros(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import ones
        return ones(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from ._creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def uniform_(self, a=0.0, b=1.0, generator=None):
        from . import random
        return self._fill_random(random.uniform_array(self._data.shape, a, b, self._data.dtype, generator))

    def normal_(self, mean=0.0, std=1.0, generator=None):
        from . import random
        return self._fill_random(random.normal_array(self._data.shape, mean, std, self._data.dtype, generator))

    def random_(self, from_=0, to=None, generator=None):
        from . import random
        return self._fill_random(random.random_array(self._data.shape, from_, to, self._data.dtype, generator))

    def bernoulli_(self, p=0.5, generator=None):
        from . import random
        return self._fill_random(random.bernoulli_array(self._data.shape, p, self._data.dtype, generator))

    def exponential_(self, lambd=1.0, generator=None):
        from . import random
        u = random.uniform_array(self._data.shape, 0.0, 1.0, np.float64, generator)
        return self._fill_random(-np.log1p(-u) / lambd)

    def _fill_random(self, arr):
        if _gm.enabled and self._rg and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        if self.is_cuda:
            arr = _backend.to_cuda(arr)
        self._data[...] = arr
        _counter(self)[0] += 1
        return self


# ---------------------------------------------------------------------- helpers
def _raw(x):
    return x._data if isinstance(x, Tensor) else x


def _index_error_message(msg, idx, t):
    """NumPy's IndexError text in torch's words."""
    if msg.startswith('too many indices'):
        return f"too many indices for tensor of dimension {t._data.ndim}"
    if msg.startswith('boolean index did not match'):
        items = idx if type(idx) is tuple else (idx,)
        dim = 0
        for i in items:
            if hasattr(i, 'dtype') and i.dtype == np.bool_:
                for k, s in enumerate(i.shape):
                    if dim + k < t._data.ndim and s != t._data.shape[dim + k]:
                        return (f"The shape of the mask {list(i.shape)} at index {k} does not match the shape of "
                                f"the indexed tensor {list(t._data.shape)} at index {dim + k}")
                dim += i.ndim
            elif i is not None:
                dim += 1
    return msg.replace('axis', 'dimension')


def _renamed(t, name):
    """Give the node of a composite's result torch's name for the fused op (addcmul_, lerp_, ...)."""
    if t.grad_fn is not None:
        t.grad_fn._backward_name = name
    return t


def _check_index_tensor(t, index, dim, what, op):
    """torch's checks for gather/scatter index tensors: same rank, sizes, values in range."""
    nd = t._data.ndim
    if index.ndim != nd and not (index.ndim <= 1 and nd <= 1):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {'input' if op == 'gather' else 'self'} tensor")
    for k in range(min(index.ndim, nd)):
        if k != dim and index.shape[k] > t._data.shape[k]:
            raise RuntimeError(f"Size does not match at dimension {k} expected index {list(index.shape)} to be "
                               f"no larger than self {list(t._data.shape)} apart from dimension {dim}")
    if index.size:
        n = t._data.shape[dim] if nd else 1
        bad = index[(index < 0) | (index >= n)]
        if bad.size:
            raise RuntimeError(f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {dim} with size {n}")


def _inplace_view(view, base, result):
    """An in-place op on ``view`` (a view of ``base``) while recording: torch's CopySlices.

    The values are written through the view into the shared storage; ``base``
    gets a ``CopySlices`` node (old base outside the region, ``result`` inside)
    and the view an ``AsStridedBackward0`` node that reads its region of the new base.
    """
    rd, vd, bd = result._data, view._data, base._data
    if rd.dtype != vd.dtype and not _can_cast(rd.dtype, vd.dtype):
        raise RuntimeError(f"result type {_legacy(rd.dtype)} can't be cast to the desired output type "
                           f"{_legacy(vd.dtype)}")
    pos = M.view_positions(bd, vd)
    if pos is None or (pos.size and len(np.unique(_backend.to_host(pos))) != pos.size):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")
    if result.grad_fn is not None:   # the op's node must keep the view's old values
        node = result.grad_fn
        saved = node.saved_tensors_raw
        if saved is not None:
            node.saved_tensors_raw = tuple(s.copy() if s is vd else s for s in saved)
            if node._versions:
                node._versions = [v for v in node._versions if v[2] is not vd]
    edge_base = _fn.edge_of(base)
    vd[...] = rd
    _counter(view)[0] += 1
    cs = M.CopySlices.__new__(M.CopySlices)
    cs.needs_input_grad = (base._rg, result._rg)
    cs.next_functions = (edge_base, _fn.edge_of(result))
    cs.pos, cs.src_shape = pos, rd.shape
    cs._out_refs = (_fn._wref(base),)
    base.grad_fn, base._rg, base._output_nr = cs, True, 0
    st = M.AsStrided.__new__(M.AsStrided)
    st.needs_input_grad = (True,)
    st.next_functions = ((cs, 0),)
    st.pos, st.base_size, st.base_shape = pos, bd.size, bd.shape
    st._out_refs = (_fn._wref(view),)
    view.grad_fn, view._rg, view._output_nr = st, True, 0
    view._view_version = _counter(view)[0]
    if _fn._anomaly[0]:
        from .autograd.anomaly_mode import record_trace
        record_trace(cs)
        record_trace(st)
    return view


def _can_cast(src, dst):
    """torch's rule for in-place results: no float->int, no int->bool, widths may shrink."""
    order = {'b': 0, 'u': 1, 'i': 1, 'f': 2, 'c': 3}
    return order[src.kind] <= order[dst.kind]


def _result_np(a, b):
    return _dtype.result_type(a, b).np


def _floating(t):
    """Ops like exp/sqrt on integer tensors compute in the default float dtype, as torch does."""
    if t._data.dtype.kind in 'fc':
        return t
    return t.to(_dtype.get_default_dtype())


def _device_mismatch(a, b):
    raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                       f"{b.device if b.is_cuda else a.device} and {a.device if b.is_cuda else b.device}!")




def _no_bool(t, kernel):
    if t._data.dtype == np.bool_:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def _trunc_divide(a, b):
    """Integer division rounded toward zero (C's ``/``), for ``div(rounding_mode='trunc')`` on ints."""
    xp = _backend.get_array_module(a)
    q = xp.floor_divide(a, b)
    return q + ((q < 0) & (q * b != a))


_DIVISIONS = {np.floor_divide: 'div_floor_cpu', np.remainder: 'remainder_cpu', np.fmod: 'fmod_cpu',
              _trunc_divide: 'div_trunc_cpu'}   # the kernel names in torch's "not implemented for 'Bool'"


def _check_sub(a, b):
    """torch refuses ``-`` when either side is a bool tensor or a Python bool."""
    a_bool = a._data.dtype == np.bool_
    b_bool = b._data.dtype == np.bool_ if isinstance(b, Tensor) else isinstance(b, bool)
    if a_bool and b_bool and isinstance(b, Tensor):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _check_alpha(a, b, alpha):
    """torch's rules for add/sub's ``alpha``: no float alpha for integer results, bool only for bool."""
    dt = _dtype.result_type(a, b)
    if isinstance(alpha, bool) and dt is not _dtype.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and dt._rank < 2:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def _scalar_of(dt, b):
    """A Python number as a NumPy scalar of dtype ``dt``; out-of-range ints wrap around as in torch."""
    try:
        return dt.type(b)
    except OverflowError:
        return np.array(b).astype(dt)[()]


def _int_dim(op, dim):
    """torch's TypeError for a ``dim`` that must be an int (cumsum(None), softmax('x'), ...)."""
    if isinstance(dim, (int, np.integer)):
        return int(dim)
    raise TypeError(f"{op}(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")


def _broadcast_error(a, b):
    """torch's message for shapes that do not broadcast (names both sizes and the dim)."""
    sa, sb = tuple(a.shape), tuple(b.shape)
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                                f"at non-singleton dimension {i}")
    return None


def _binary(fn, a, b, reflected=False, floating=False, **params):
    """Promote ``a`` (a Tensor) and ``b`` (a Tensor or scalar) by torch's rules, then apply ``fn``."""
    ad = a._data
    if isinstance(b, Tensor):
        bd = b._data
        if type(ad) is not type(bd) and (ad.ndim and bd.ndim):
            _device_mismatch(a, b)
        if ad.dtype != bd.dtype or (floating and ad.dtype.kind not in 'fc'):
            dt = _dtype.result_type(a, b)
            if floating and dt._rank < 2:
                dt = _dtype.get_default_dtype()
            if ad.dtype != dt.np:
                a = a.to(dt)
            if bd.dtype != dt.np:
                b = b.to(dt)
    else:
        k = ad.dtype.kind
        tb = type(b)
        if k == 'f' and (tb is float or tb is int):
            b = Tensor._wrap(ad.dtype.type(b))
        else:
            if isinstance(b, (list, tuple, np.ndarray)):
                return _binary(fn, a, _as_tensor_like(b, a), reflected, floating)
            if not isinstance(b, (numbers.Number, np.generic)):
                return NotImplemented
            dt = _dtype.result_type(a, b)
            if floating and dt._rank < 2:
                dt = _dtype.get_default_dtype()
            if ad.dtype != dt.np:
                a = a.to(dt)
            b = Tensor._wrap(_scalar_of(dt.np, b))
    if reflected:
        a, b = b, a
    try:
        return fn.apply(a, b, **params)
    except ValueError:
        err = _broadcast_error(a, b)
        if err is None:
            raise
        raise err from None


def _as_tensor_like(x, like):
    from ._creation import tensor
    return tensor(x, device=like.device)


_BITWISE = {np.bitwise_and: 'bitwise_and_cpu', np.bitwise_or: 'bitwise_or_cpu', np.bitwise_xor: 'bitwise_xor_cpu',
            np.left_shift: 'lshift_cpu', np.right_shift: 'rshift_cpu'}


def _nondiff(ufunc, a, b, reflected=False):
    """A binary op without a gradient (``//``, bitwise ops, integer fmod), on torch-promoted operands."""
    dt = _dtype.result_type(a, b).np
    if dt.kind in 'fc' and ufunc in _BITWISE:
        raise NotImplementedError(f'"{_BITWISE[ufunc]}" not implemented for \'{_legacy(dt)}\'')
    ad = a._data.astype(dt, copy=False)
    bd = b._data.astype(dt, copy=False) if isinstance(b, Tensor) else _scalar_of(dt, b)
    if reflected:
        ad, bd = bd, ad
    xp = _backend.get_array_module(ad)
    if dt.kind in 'iub' and ufunc in _DIVISIONS:
        if dt == np.bool_:
            raise NotImplementedError(f'"{_DIVISIONS[ufunc]}" not implemented for \'Bool\'')
        if not xp.all(bd):
            raise RuntimeError("ZeroDivisionError")
    try:
        return Tensor._wrap(getattr(xp, ufunc.__name__, ufunc)(ad, bd))
    except ValueError:
        err = _broadcast_error(ad, bd)
        if err is None:
            raise
        raise err from None


def _compare(ufunc, a, b):
    if isinstance(b, Tensor):
        bd = b._data
        if type(bd) is not type(a._data) and bd.ndim and a._data.ndim:
            _device_mismatch(a, b)
    elif isinstance(b, (numbers.Number, np.generic)):
        bd = b
    elif b is None or isinstance(b, str):
        return NotImplemented if ufunc not in (np.equal, np.not_equal) else ufunc is np.not_equal
    else:
        bd = np.asarray(b)
    xp = _backend.get_array_module(a._data)
    try:
        return Tensor._wrap(getattr(xp, ufunc.__name__)(a._data, bd))
    except ValueError:
        err = _broadcast_error(a._data, bd)
        if err is None:
            raise
        raise err from None


def _opt_axes(dim, t):
    """The numpy axes a reduction over ``dim`` uses: None (everything) for None, () or a 0-dim tensor."""
    if dim is None:
        return None
    axes = canonical_dims(dim, t._data.ndim)   # validates, raising torch's IndexError
    return axes if axes and t._data.ndim else None


def _softmax(op, t, dim, dtype, name):
    """softmax/log_softmax along ``dim``; integer inputs need ``dtype=`` as in torch."""
    src = t.to(dtype) if dtype is not None else t
    d = canonical_dim(dim, t._data.ndim)
    if src._data.dtype.kind not in 'fc':
        kernel = '_lastdim_kernel_impl' if d == t._data.ndim - 1 else '_kernel_impl'
        raise NotImplementedError(f'"{name}{kernel}" not implemented for \'{_legacy(src._data.dtype)}\'')
    if not t._data.ndim:
        src = src.reshape(1)
        return op.apply(src, dim=0).reshape(())
    return op.apply(src, dim=d)


def _arg_reduce(fn, t, dim, keepdim):
    if dim is not None:
        dim = _int_dim(fn.__name__, dim)
    if t._data.dtype == np.bool_:
        raise RuntimeError(f"{fn.__name__}(): does not support bool input")
    xp = _backend.get_array_module(t._data)
    if dim is None:
        res = getattr(xp, fn.__name__)(t._data)
        if keepdim:
            res = xp.asarray(res).reshape((1,) * t._data.ndim)
        return Tensor._wrap(xp.asarray(res, np.int64))
    d = canonical_dim(dim, t._data.ndim)
    res = getattr(xp, fn.__name__)(t._data, axis=d, keepdims=keepdim) if t._data.ndim else xp.asarray(0)
    return Tensor._wrap(res.astype(np.int64))


def _infer_shape(shape, numel):
    if -1 in shape:
        if shape.count(-1) > 1:
            raise RuntimeError("only one dimension can be inferred")
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(str(s) for s in shape)}]' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    else:
        n = 1
        for s in shape:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            n *= s
        if n != numel:
            raise RuntimeError(f"shape '[{', '.join(str(s) for s in shape)}]' is invalid for input of size {numel}")
    return shape


def _view_possible(arr, shape):
    v = arr.view()
    try:
        v.shape = shape
        return True
    except AttributeError:
        return False


def _convert_index(idx, t):
    """Tensors inside an index become arrays; returns (index, is_basic)."""
    if type(idx) is int or type(idx) is slice:
        return idx, True
    if idx is None or idx is Ellipsis:
        return idx, True
    if isinstance(idx, Tensor):
        i = _index_array(idx, t)
        return i, isinstance(i, int)
    if isinstance(idx, list) and len(idx) < 32 and builtins.any(
            isinstance(i, (list, tuple, slice, Tensor)) or i is None or i is Ellipsis for i in idx):
        idx = tuple(idx)    # torch (like old NumPy) reads x[[[0, 1], [1, 0]]] as x[[0, 1], [1, 0]]
    if type(idx) is tuple:
        out, basic = [], True
        for i in idx:
            if isinstance(i, Tensor):
                i = _index_array(i, t)
                if isinstance(i, int):
                    out.append(i)
                    continue
                basic = False
            elif not (type(i) is int or type(i) is slice or i is None or i is Ellipsis):
                if isinstance(i, (bool, np.bool_)) or not isinstance(i, (numbers.Integral,)):
                    basic = False
                else:
                    i = int(i)
            out.append(i)
        return tuple(out), basic
    if isinstance(idx, (numbers.Integral,)) and not isinstance(idx, (bool, np.bool_)):
        return int(idx), True
    if isinstance(idx, list):
        idx = np.asarray([_raw(i) for i in idx]) if builtins.any(isinstance(i, Tensor) for i in idx) else np.asarray(idx)
        if idx.dtype.kind == 'f':
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return idx, False


def _ints_beside_arrays(idx):
    return type(idx) is tuple and builtins.any(type(i) is int for i in idx)


def _split_ints(idx):
    """Split an index mixing ints and arrays into a basic index, then an advanced one.

    torch selects with the ints first, so in ``x[0, :, [1, 2]]`` only the list is advanced and its
    dimension stays in place; NumPy counts the int as advanced too, and moves the result to the front.
    ``x[first][then]`` with ints (and slices, None) in ``first`` and arrays in ``then`` is torch's order.
    """
    first, then = [], []
    for i in idx:
        if type(i) is int:
            first.append(i)
        elif type(i) is slice or i is None:
            first.append(i)
            then.append(slice(None))
        elif i is Ellipsis:
            first.append(i)
            then.append(i)
        else:                                   # an integer array or a boolean mask: kept for step two
            a = np.asarray(i) if isinstance(i, list) else i
            first.extend([slice(None)] * (a.ndim if a.dtype == np.bool_ else 1))
            then.append(i)
    return tuple(first), tuple(then)


def _index_array(i, t):
    a = i._data
    if a.dtype.kind == 'f':
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if a.ndim == 0 and a.dtype.kind in 'iu':
        return int(a)
    if a.dtype == np.uint8:
        a = a.astype(bool)
    return a


def pow(input, exponent):
    """torch.pow: tensor ** scalar (PowBackward0), tensor ** tensor (PowBackward1)."""
    if isinstance(exponent, Tensor):
        if not isinstance(input, Tensor):
            return exponent.__rpow__(input)
        return _binary(E.Pow, input, exponent)
    if input._data.dtype.kind in 'iub':   # int ** 0.5 is float32, bool ** 2 is int64 (torch's promotion)
        dt = _dtype.result_type(input, exponent)
        if dt.np != input._data.dtype:
            input = input.to(dt)
    if input._data.dtype.kind in 'iu' and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if isinstance(exponent, np.generic):
        exponent = exponent.item()
    return E.PowScalar.apply(input, exponent=exponent)


def matmul(a, b):
    if not isinstance(b, Tensor):
        raise TypeError(f"matmul(): argument 'other' (position 2) must be Tensor, not {type(b).__name__}")
    ad, bd = a._data, b._data
    if ad.ndim == 0 or bd.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {ad.ndim}D and {bd.ndim}D")
    if ad.dtype != bd.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_C_TYPE_NAMES.get(ad.dtype.name, ad.dtype.name)} != "
                           f"{_C_TYPE_NAMES.get(bd.dtype.name, bd.dtype.name)}")
    if type(ad) is not type(bd):
        _device_mismatch(a, b)
    k_a = ad.shape[-1]
    k_b = bd.shape[0] if bd.ndim == 1 else bd.shape[-2]
    if k_a != k_b:
        if ad.ndim == 1 and bd.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{ad.shape[0]}] and src [{bd.shape[0]}] "
                               f"to have the same number of elements, but got {ad.shape[0]} and {bd.shape[0]} "
                               f"elements respectively")
        if ad.ndim <= 2 and bd.ndim <= 2:
            s1 = f"{ad.shape[0]}x{ad.shape[1]}" if ad.ndim == 2 else f"1x{ad.shape[0]}"
            s2 = f"{bd.shape[0]}x{bd.shape[1]}" if bd.ndim == 2 else f"{bd.shape[0]}x1"
            if ad.ndim == 2 and bd.ndim == 1:
                raise RuntimeError(f"size mismatch, got input ({ad.shape[0]}), mat ({ad.shape[0]}x{ad.shape[1]}), "
                                   f"vec ({bd.shape[0]})")
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({s1} and {s2})")
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{ad.shape[0] if ad.ndim == 3 else 1}, {k_a}] but got: "
                           f"[{bd.shape[0] if bd.ndim == 3 else 1}, {k_b}].")
    if ad.ndim > 2 and bd.ndim > 2 and ad.shape[:-2] != bd.shape[:-2]:   # batch dims must broadcast
        err = _broadcast_error(np.broadcast_to(False, ad.shape[:-2]), np.broadcast_to(False, bd.shape[:-2]))
        if err is not None:
            raise err
    return L.Matmul.apply(a, b)


def maximum(a, b):
    if not isinstance(b, Tensor):
        raise TypeError(f"maximum(): argument 'other' (position 2) must be Tensor, not {type(b).__name__}")
    return _binary(E.Maximum, a, b)


def minimum(a, b):
    if not isinstance(b, Tensor):
        raise TypeError(f"minimum(): argument 'other' (position 2) must be Tensor, not {type(b).__name__}")
    return _binary(E.Minimum, a, b)


def where(condition, input=None, other=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_dtype.from_numpy(cond.dtype).name.capitalize()}")
    if not isinstance(input, Tensor):
        if not isinstance(other, Tensor):
            dt = _dtype.result_type(input, other)
            return Tensor._wrap(np.where(cond, input, other).astype(dt.np))
        input, other = other, input
        swapped = True
    else:
        swapped = False
    # promote exactly like a binary op, then pick
    dummy = _binary(_Pick, input, other)
    a, b = dummy
    if swapped:
        a, b = b, a
    try:
        return E.Where.apply(a, b, cond=cond)
    except ValueError:   # shapes that do not broadcast: torch's message with the sizes and the dim
        err = _broadcast_error(a._data, b._data) or _broadcast_error(cond, a._data) or _broadcast_error(cond, b._data)
        if err is None:
            raise
        raise err from None


class _Pick:
    """A stand-in 'op' for ``_binary`` that just returns the promoted operands."""
    @staticmethod
    def apply(a, b):
        return a, b


class _DeviceCopy(_fn.ArrayFunction):
    """``.to('cuda')`` / ``.cpu()``: the gradient goes back to the source device."""
    _backward_name = 'ToCopyBackward0'

    @staticmethod
    def forward(ctx, a, target=None):
        kind, index = target
        ctx.back = ('cpu', None) if _backend.get_array_module(a) is np else ('cuda', _backend.device_index(a))
        return _backend.to_cuda(a, index) if kind == 'cuda' else _backend.to_host(a)

    @staticmethod
    def backward(ctx, g):
        kind, index = ctx.back
        return _backend.to_cuda(g, index) if kind == 'cuda' else _backend.to_host(g)


def _roll(t, shifts, dims):
    if dims is None:
        return _roll(t.reshape(-1), shifts, 0).view(t.shape)
    if isinstance(shifts, int):
        shifts, dims = (shifts,), (dims,)
    out = t
    for s, d in zip(shifts, dims):
        n = out.shape[d]
        s %= n
        if s:
            out = cat([out.narrow(d, n - s, s), out.narrow(d, 0, n - s)], d)
    return out


def cat(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    tensors = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)] or tensors[:1]
    nd = tensors[0]._data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = canonical_dim(dim, nd)
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        s = t._data.shape
        if len(s) != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and {len(s)}")
        for k in range(nd):
            if k != d and s[k] != ref[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {ref[k]} "
                                   f"but got size {s[k]} for tensor number {i} in the list.")
    tensors = _promote_all(tensors)
    res = M.Cat.apply(*tensors, dim=d)
    return _write_out(res, out)


def stack(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    d = canonical_dim(dim, len(ref) + 1)
    tensors = _promote_all(tensors)
    return _write_out(M.Stack.apply(*tensors, dim=d), out)


def _promote_all(tensors):
    dt = tensors[0]._data.dtype
    if builtins.all(t._data.dtype == dt for t in tensors):
        return tensors
    res = _dtype.result_type(*tensors)
    return [t.to(res) for t in tensors]


# the C++ type names torch's kernels print in some dtype errors
_C_TYPE_NAMES = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'int64': 'long int',
                 'int32': 'int', 'int16': 'short int', 'int8': 'signed char', 'uint8': 'unsigned char', 'bool': 'bool'}


def _renamed(out, name):
    """Give a composite's last node torch's name for the whole op (logaddexp is one node in torch)."""
    if out.grad_fn is not None:
        out.grad_fn._backward_name = name
    return out


def _basic_index_name(idx, shape):
    """torch's grad_fn name for ``t[idx]`` with basic indices: torch applies them left to right (an int
    selects, a slice narrows, None unsqueezes; a slice covering the whole dim is skipped) and the
    result's node is the last one applied; when every index is a no-op the result is an alias."""
    idx = idx if type(idx) is tuple else (idx,)
    n_ell = len(shape) - builtins.sum(1 for i in idx if i is not None and i is not Ellipsis)
    name, dim = 'AliasBackward0', 0
    for i in idx:
        if i is Ellipsis:
            dim += n_ell
        elif i is None:
            name = 'UnsqueezeBackward0'
        elif isinstance(i, slice):
            start = 0 if i.start is None else i.start          # torch compares the start as written,
            stop = shape[dim] if i.stop is None else builtins.min(i.stop, shape[dim])   # the stop clamped
            if (start, stop, i.step or 1) != (0, shape[dim], 1):
                name = 'SliceBackward0'
            dim += 1
        else:
            name, dim = 'SelectBackward0', dim + 1
    return name


def _write_out(res, out):
    if out is None:
        return res
    if out._data.shape != res._data.shape:
        out._data = np.empty_like(res._data, dtype=out._data.dtype)
    out._data[...] = res._data
    _counter(out)[0] += 1
    return out


# tell the autograd machinery which class to wrap arrays in
_fn._TENSOR[0] = Tensor
