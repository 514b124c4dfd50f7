"""``nn.Parameter``: a Tensor that a Module registers as one of its learnable weights."""
import numpy as np

from .._tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and that ``Module.__setattr__`` registers.

    ``Parameter(data)`` shares ``data``'s storage, as torch's does.
    """

    def __new__(cls, data=None, requires_grad=True):
        p = Tensor.__new__(cls)
        if data is None:
            from .. import _dtype
            arr = np.empty((0,), _dtype.get_default_dtype().np)
        else:
            arr = data._data if isinstance(data, Tensor) else np.asarray(data)
        p._data = arr
        p.grad = None
        p.grad_fn = None
        p._rg = False
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__

    def __repr__(self):
        from .._tensor_str import _str
        return 'Parameter containing:\n' + _str(self)

    def __reduce_ex__(self, proto):
        from .._backend import to_host
        return (_rebuild_parameter, (to_host(self._data), self._rg))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = Parameter(Tensor._wrap(self._data.copy()), self._rg)
        if self.grad is not None:
            new.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new


def _rebuild_parameter(arr, requires_grad):
    return Parameter(Tensor._wrap(arr), requires_grad)


class Buffer(Tensor):
    """``nn.Buffer(tensor, persistent=True)``: marks a tensor to be registered as a buffer on assignment."""

    def __new__(cls, data=None, *, persistent=True):
        b = Tensor.__new__(cls)
        src = data if data is not None else Tensor([])
        b._data, b._rg, b.grad, b.grad_fn = src._data, src._rg, None, None
        b.persistent = persistent
        return b

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    """Placeholder class name (lazy modules are not implemented)."""


def is_lazy(param):
    return isinstance(param, UninitializedParameter)
