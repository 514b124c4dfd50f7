"""Creation functions against torch: values, dtype, shape, and errors."""
import warnings

import numpy as np
import pytest
import torch

import nbtorch


def check(fn, prefix=None):
    """fn(lib) in both libraries: same exception type and message, or same dtype/shape/values.

    Our message may add facts after torch's; ``prefix`` compares only the start (where the
    supported-dtype lists of the two libraries differ).
    """
    try:
        a = fn(torch)
    except Exception as e:
        with pytest.raises(type(e)) as info:
            fn(nbtorch)
        ours, theirs = str(info.value).split('\n')[0], str(e).split('\n')[0]
        if prefix is not None:
            assert theirs.startswith(prefix) and ours.startswith(prefix)
        else:
            assert ours.startswith(theirs)
        return
    b = fn(nbtorch)
    assert isinstance(b, nbtorch.Tensor)
    assert str(b.dtype) == str(a.dtype)
    assert tuple(b.shape) == tuple(a.shape)
    assert b.requires_grad == a.requires_grad
    np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())


TENSOR_CASES = {
    'float-list': lambda T: T.tensor([1.5, 2.0]),
    'int-list': lambda T: T.tensor([[1, 2], [3, 4]]),
    'bool-list': lambda T: T.tensor([True, False]),
    'mixed-int-float': lambda T: T.tensor([1, 2.5]),
    'mixed-bool-int': lambda T: T.tensor([True, 2]),
    'scalar-float': lambda T: T.tensor(3.5),
    'scalar-int': lambda T: T.tensor(3),
    'scalar-bool': lambda T: T.tensor(True),
    'complex': lambda T: T.tensor([1 + 2j, 3.0]),
    'tuple': lambda T: T.tensor(((1, 2), (3, 4))),
    'range': lambda T: T.tensor(range(4)),
    'empty': lambda T: T.tensor([]),
    'empty-nested': lambda T: T.tensor([[], []]),
    'np-float64-scalar': lambda T: T.tensor(np.float64(1.5)),
    'np-int32-scalar': lambda T: T.tensor(np.int32(3)),
    'list-np-float64': lambda T: T.tensor([np.float64(1.5), 2.0]),
    'list-np-float32': lambda T: T.tensor([np.float32(1.5), 2.0]),
    'list-np-int32': lambda T: T.tensor([np.int32(1), 2]),
    'list-np-float16': lambda T: T.tensor([np.float16(1), 1]),
    'np-float64-array': lambda T: T.tensor(np.arange(6.0).reshape(2, 3)),
    'np-int32-array': lambda T: T.tensor(np.arange(6, dtype=np.int32)),
    'np-bool-array': lambda T: T.tensor(np.array([True, False])),
    'list-0d-tensors': lambda T: T.tensor([T.tensor(1.), T.tensor(2.)]),
    'list-0d-int32-tensors': lambda T: T.tensor([T.tensor(1, dtype=T.int32), T.tensor(2, dtype=T.int32)]),
    'list-1elem-tensor': lambda T: T.tensor([T.tensor([1.5])]),
    'dtype-given': lambda T: T.tensor([1, 2], dtype=T.float64),
    'dtype-float-to-int': lambda T: T.tensor([1.7, -2.7], dtype=T.int32),
    'requires-grad': lambda T: T.tensor([1.0, 2.0], requires_grad=True),
    # errors
    'ragged': lambda T: T.tensor([[1, 2], [3]]),
    'not-a-sequence': lambda T: T.tensor([[1, 2], 3]),
    'str': lambda T: T.tensor('abc'),
    'None': lambda T: T.tensor(None),
    'list-None': lambda T: T.tensor([None]),
    'overflow': lambda T: T.tensor([2 ** 63]),
    'list-multi-elem-tensors': lambda T: T.tensor([T.tensor([1., 2.]), T.tensor([3., 4.])]),
    'int-requires-grad': lambda T: T.tensor([1, 2], requires_grad=True),
}


def test_unsupported_numpy_dtype():
    check(lambda T: T.tensor(np.array([1, 2], np.longdouble)), prefix="can't convert np.ndarray of type")
    check(lambda T: T.from_numpy(np.array([1, 2], np.longdouble)), prefix="can't convert np.ndarray of type")


@pytest.mark.parametrize('fn', list(TENSOR_CASES.values()), ids=list(TENSOR_CASES))
def test_tensor(fn):
    check(fn)


def test_tensor_of_tensor_warns_and_copies():
    src = nbtorch.tensor([1.0, 2.0])
    with pytest.warns(UserWarning, match='To copy construct from a tensor'):
        t = nbtorch.tensor(src)
    t[0] = 5.0
    assert src[0].item() == 1.0


def test_default_dtype_float64():
    torch.set_default_dtype(torch.float64)
    nbtorch.set_default_dtype(nbtorch.float64)
    try:
        for fn in (lambda T: T.tensor([1.5]), lambda T: T.tensor([1, 2]), lambda T: T.zeros(2),
                   lambda T: T.arange(0.0, 1.0, 0.25), lambda T: T.full((2,), 1.5), lambda T: T.linspace(0, 1, 5),
                   lambda T: T.tensor([1j]), lambda T: T.eye(2), lambda T: T.Tensor([1, 2]),
                   lambda T: T.tensor(3.5)):
            check(fn)
        assert nbtorch.get_default_dtype() is nbtorch.float64
        assert nbtorch.rand(2).dtype is nbtorch.float64
    finally:
        torch.set_default_dtype(torch.float32)
        nbtorch.set_default_dtype(nbtorch.float32)
    check(lambda T: T.set_default_dtype(T.int64))


def test_from_numpy_shares_memory_both_ways():
    a = np.zeros(3, np.float32)
    t = nbtorch.from_numpy(a)
    a[0] = 1.0
    t[1] = 2.0
    assert t.tolist() == [1.0, 2.0, 0.0]
    assert a.tolist() == [1.0, 2.0, 0.0]
    assert t.numpy() is a or np.shares_memory(t.numpy(), a)


@pytest.mark.parametrize('fn', [
    lambda T: T.from_numpy(np.arange(4)[::-1]),
    lambda T: T.from_numpy([1, 2]),
    lambda T: T.from_numpy(np.arange(6, dtype=np.int16).reshape(2, 3)),
])
def test_from_numpy(fn):
    check(fn)


def test_as_tensor_shares_or_copies():
    a = np.arange(3.0)
    t = nbtorch.as_tensor(a)
    a[0] = 7.0
    assert t[0].item() == 7.0                      # shared
    c = nbtorch.as_tensor(a, dtype=nbtorch.float32)
    a[1] = 9.0
    assert c[1].item() == 1.0                      # a dtype change copies
    x = nbtorch.tensor([1.0])
    assert nbtorch.as_tensor(x) is x
    check(lambda T: T.as_tensor([1, 2, 3]))


FILL_CASES = {
    'zeros-varargs': lambda T: T.zeros(2, 3),
    'zeros-tuple': lambda T: T.zeros((2, 3)),
    'zeros-list': lambda T: T.zeros([2, 3]),
    'zeros-size': lambda T: T.zeros(T.Size([2, 3])),
    'zeros-scalar-shape': lambda T: T.zeros(()),
    'ones-int': lambda T: T.ones(2, dtype=T.int32),
    'ones-bool': lambda T: T.ones(3, dtype=T.bool),
    'empty-shape': lambda T: T.empty(2, 3).zero_(),
    'ones-requires-grad': lambda T: T.ones(2, requires_grad=True),
    'full-float': lambda T: T.full((2, 3), 1.5),
    'full-int': lambda T: T.full([2], 7),
    'full-bool': lambda T: T.full((2,), True),
    'full-dtype': lambda T: T.full((2,), 7, dtype=T.float64),
    'eye': lambda T: T.eye(3),
    'eye-rect': lambda T: T.eye(2, 4),
    'eye-int': lambda T: T.eye(3, dtype=T.int64),
    'zeros_like': lambda T: T.zeros_like(T.tensor([[1, 2]])),
    'zeros_like-dtype': lambda T: T.zeros_like(T.tensor([1, 2]), dtype=T.float64),
    'ones_like': lambda T: T.ones_like(T.tensor([1.5, 2.0])),
    'full_like': lambda T: T.full_like(T.tensor([1, 2]), 2.7),
    'full_like-float': lambda T: T.full_like(T.tensor([1.0, 2.0]), 2.7),
    'empty_like-shape': lambda T: T.empty_like(T.zeros(2, 3, dtype=T.int16)).zero_(),
    'new_ones': lambda T: T.tensor([1.0], dtype=T.float64).new_ones(2, 3),
    'new_ones-tuple': lambda T: T.tensor([1, 2]).new_ones((2,)),
    'new_zeros': lambda T: T.tensor([1, 2], dtype=T.int32).new_zeros(3),
    'new_full': lambda T: T.tensor([1, 2]).new_full((2,), 3.5),
    'new_tensor': lambda T: T.tensor([1, 2]).new_tensor([1.5]),
    'new_tensor-float': lambda T: T.tensor([1.0]).new_tensor([1, 2]),
    'legacy-Tensor-size': lambda T: T.Tensor(2, 3).zero_(),
    'legacy-Tensor-list': lambda T: T.Tensor([1, 2]),
    # errors
    'zeros-negative': lambda T: T.zeros(-1),
    'ones-negative': lambda T: T.ones(2, -1),
    'zeros-float-size': lambda T: T.zeros(2.5),
    'full-int-size': lambda T: T.full(3, 1.0),
    'eye-negative': lambda T: T.eye(-1),
    'zeros-int-requires-grad': lambda T: T.zeros(2, dtype=T.int64, requires_grad=True),
}


@pytest.mark.parametrize('fn', list(FILL_CASES.values()), ids=list(FILL_CASES))
def test_filled(fn):
    check(fn)


RANGE_CASES = {
    'arange-int': lambda T: T.arange(5),
    'arange-start-end': lambda T: T.arange(2, 9),
    'arange-step': lambda T: T.arange(1, 10, 3),
    'arange-neg-step': lambda T: T.arange(10, 0, -3),
    'arange-float-step': lambda T: T.arange(0, 1, 0.1),
    'arange-float-len': lambda T: T.arange(1, 2.5, 0.5),
    'arange-neg-float': lambda T: T.arange(5, 0, -1.5),
    'arange-odd': lambda T: T.arange(-3.3, 7.7, 0.37),
    'arange-long-float': lambda T: T.arange(0.1, 100.3, 0.7),
    'arange-many': lambda T: T.arange(0, 100, 0.3),
    'arange-float64': lambda T: T.arange(0.1, 100.3, 0.7, dtype=T.float64),
    'arange-float16': lambda T: T.arange(0, 5, 0.25, dtype=T.float16),
    'arange-dtype-float': lambda T: T.arange(5, dtype=T.float32),
    'arange-np-int': lambda T: T.arange(np.int64(3)),
    'arange-tensor': lambda T: T.arange(T.tensor(3)),
    'arange-zero-step': lambda T: T.arange(0, 5, 0),
    'arange-bad-sign': lambda T: T.arange(0, 5, -1),
    'linspace': lambda T: T.linspace(0, 1, 5),
    'linspace-100': lambda T: T.linspace(0, 1, 100),
    'linspace-odd': lambda T: T.linspace(-3.3, 7.7, 33),
    'linspace-1001': lambda T: T.linspace(0.1, 0.7, 1001),
    'linspace-down': lambda T: T.linspace(5, -2, 17),
    'linspace-float64': lambda T: T.linspace(0.1, 0.7, 1001, dtype=T.float64),
    'linspace-float16': lambda T: T.linspace(-7, 13, 40, dtype=T.float16),
    'linspace-int': lambda T: T.linspace(0, 10, 5, dtype=T.int64),
    'linspace-int-odd': lambda T: T.linspace(-3.3, 7.7, 33, dtype=T.int32),
    'linspace-1': lambda T: T.linspace(0, 10, 1),
    'linspace-0': lambda T: T.linspace(0, 10, 0),
    'linspace-negative': lambda T: T.linspace(0, 10, -1),
    'logspace-exact': lambda T: T.logspace(0, 3, 4, base=2),
    'logspace-float64-small': lambda T: T.logspace(0, 2, 3, dtype=T.float64),
}


@pytest.mark.parametrize('fn', list(RANGE_CASES.values()), ids=list(RANGE_CASES))
def test_ranges(fn):
    check(fn)


@pytest.mark.parametrize('args', [(0, 1, 100), (-7, 13, 40), (0.1, 0.7, 1001), (-2, 2, 9)])
def test_logspace_close(args):
    # torch's pow rounding can differ from ours in the last float32 bit
    a, b = torch.logspace(*args), nbtorch.logspace(*args)
    assert b.dtype is nbtorch.float32 and tuple(b.shape) == tuple(a.shape)
    np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=2e-7)


RANDOM_SIGNATURE_CASES = {
    'randint-high-size': lambda T: T.randint(10, (3,)).shape,
    'randint-size-kw': lambda T: T.randint(10, size=(3, 2)).shape,
    'randint-low-high-size': lambda T: T.randint(3, 10, (2,)).shape,
    'randint-dtype': lambda T: T.randint(3, 10, (2,), dtype=T.int32).dtype,
    'rand-like': lambda T: T.rand_like(T.zeros(2, 3, dtype=T.float64)).dtype,
    'randn-like': lambda T: T.randn_like(T.zeros(2, 3)).shape,
    'randperm-dtype': lambda T: T.randperm(4, dtype=T.float32).dtype,
}


@pytest.mark.parametrize('fn', list(RANDOM_SIGNATURE_CASES.values()), ids=list(RANDOM_SIGNATURE_CASES))
def test_random_signatures(fn):
    assert str(fn(nbtorch)) == str(fn(torch))


@pytest.mark.parametrize('fn', [
    lambda T: T.randint(5, 3, (2,)),
    lambda T: T.randint(5),
    lambda T: T.randint(0, 5, 3),
    lambda T: T.rand(2, dtype=T.int64),
    lambda T: T.randn(2, dtype=T.int64),
    lambda T: T.rand_like(T.tensor([1, 2])),
    lambda T: T.normal(0.0, 1.0),
    lambda T: T.normal(0.0, -1.0, size=(2,)),
    lambda T: T.ones(2, -1),
])
def test_random_errors(fn):
    check(fn)


def test_requires_grad_factories():
    for fn in (lambda T: T.zeros(2, requires_grad=True), lambda T: T.rand(2, requires_grad=True),
               lambda T: T.full((2,), 1.0, requires_grad=True), lambda T: T.arange(3.0, requires_grad=True)):
        t = fn(nbtorch)
        assert t.requires_grad and t.is_leaf and t.grad_fn is None
    (nbtorch.ones(2, requires_grad=True) * 2).sum().backward()


def test_tensor_construction_does_not_warn_for_plain_data():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        nbtorch.tensor([[1.0, 2.0]])
        nbtorch.tensor(np.ones(3))


@pytest.mark.parametrize('fn', [
    lambda T: T.Size([2, 3]),
    lambda T: T.Size([]),
    lambda T: T.Size([2, 3]) + (4,),
    lambda T: (4,) + T.Size([2, 3]),
    lambda T: T.Size([2, 3]) * 2,
    lambda T: T.Size([2, 3])[1:],
    lambda T: T.Size([2, 3])[0],
    lambda T: T.Size([2, 3]).numel(),
    lambda T: T.Size([2, 3]) == (2, 3),
    lambda T: T.Size([2.5]),
    lambda T: T.Size([T.tensor(3)]),
    lambda T: T.zeros(2, 3).shape,
    lambda T: T.zeros(2, 3).size(),
    lambda T: T.zeros(2, 3).shape[1:],
], ids=lambda f: '')
def test_size(fn):
    try:
        a = fn(torch)
    except Exception as e:
        with pytest.raises(type(e), match=str(e).replace('(', r'\(').replace(')', r'\)')):
            fn(nbtorch)
        return
    b = fn(nbtorch)
    assert repr(b) == repr(a) and type(b).__name__ == type(a).__name__


@pytest.mark.parametrize('fn', [lambda T: T.zeros(size=(2, 3)), lambda T: T.ones(size=[4]),
                                lambda T: T.rand(size=(2,)).shape, lambda T: T.randn(size=(3, 1)).shape])
def test_size_keyword(fn):
    a, b = fn(torch), fn(nbtorch)
    assert repr(b) == repr(a)
