"""In-place ops, out=, the version counter, CopySlices, and conversions, vs torch 2.13."""
import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_op, helper_test_exception, to_np


def L(x):
    return torch if isinstance(x, torch.Tensor) else nbtorch


INPLACE = [
    ('add_', lambda y, o: y.add_(o)),
    ('add_alpha', lambda y, o: y.add_(o, alpha=2)),
    ('add_scalar', lambda y, o: y.add_(1.5)),
    ('sub_', lambda y, o: y.sub_(o)),
    ('mul_', lambda y, o: y.mul_(o)),
    ('mul_scalar', lambda y, o: y.mul_(3)),
    ('div_', lambda y, o: y.div_(o + 3)),
    ('pow_', lambda y, o: y.pow_(2)),
    ('clamp_', lambda y, o: y.clamp_(-0.5, 0.5)),
    ('clamp_min_', lambda y, o: y.clamp_(min=0)),
    ('zero_', lambda y, o: y.zero_()),
    ('fill_', lambda y, o: y.fill_(2.5)),
    ('copy_', lambda y, o: y.copy_(o)),
    ('copy_bcast', lambda y, o: y.copy_(o[0])),
    ('neg_', lambda y, o: y.neg_()),
    ('exp_', lambda y, o: y.exp_()),
    ('sigmoid_', lambda y, o: y.sigmoid_()),
    ('tanh_', lambda y, o: y.tanh_()),
    ('relu_', lambda y, o: y.relu_()),
    ('abs_', lambda y, o: y.abs_()),
    ('masked_fill_', lambda y, o: y.masked_fill_(o > 0, 0.0)),
    ('iadd', lambda y, o: y.__iadd__(o)),
    ('isub', lambda y, o: y.__isub__(o)),
    ('imul', lambda y, o: y.__imul__(o)),
    ('itruediv', lambda y, o: y.__itruediv__(o + 3)),
    ('addcmul_', lambda y, o: y.addcmul_(o, o, value=0.5)),
    ('lerp_', lambda y, o: y.lerp_(o, 0.25)),
]


@pytest.mark.parametrize('name,fn', INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_on_non_leaf(name, fn):
    def run(x, o):
        y = x * 1
        r = fn(y, o)
        assert r is y
        return y
    th, nb = helper_test_op([(3, 4), (3, 4)], run)
    assert nb.grad_fn.name() == th.grad_fn.name()
    assert nb._version == th._version


@pytest.mark.parametrize('name,fn', INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_through_view_of_non_leaf(name, fn):
    """``y[:, 1:3].op_(...)``: torch's CopySlices; grads flow to x and to the other operand."""
    def run(x, o):
        y = x * 2
        v = y[:, 1:3]
        fn(v, o[:, :2])
        return y * 1.5, v
    th, nb = helper_test_op([(3, 4), (3, 4)], run)
    assert nb[0].grad_fn.next_functions[0][0].name() == 'torch::autograd::CopySlices'


@pytest.mark.parametrize('name,fn', INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_no_grad_and_versions(name, fn):
    outs = []
    for lib in (torch, nbtorch):
        rng = np.random.default_rng(0)
        y = lib.tensor(rng.uniform(-2, 2, (3, 4)).astype(np.float32))
        o = lib.tensor(rng.uniform(-2, 2, (3, 4)).astype(np.float32))
        v = y.view(12)
        d = y.detach()
        fn(y, o)
        outs.append((to_np(y), to_np(v), y._version, v._version, d._version))
    np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-6, atol=1e-6)
    assert outs[1][2:] == outs[0][2:]


def test_inplace_int_tensors_and_cast_rules():
    for lib in (torch, nbtorch):
        x = lib.tensor([1, 2, 3])
        x.add_(2)
        x.mul_(lib.tensor([2, 2, 2], dtype=lib.int32))
        assert x.dtype == lib.int64 and x.tolist() == [6, 8, 10]
    helper_test_exception(lambda: torch.tensor([1, 2]).add_(1.5), lambda: nbtorch.tensor([1, 2]).add_(1.5),
                          RuntimeError, contains=["result type Float can't be cast to the desired output type Long"])
    helper_test_exception(lambda: torch.ones(2).add_(torch.ones(2, 2)),
                          lambda: nbtorch.ones(2).add_(nbtorch.ones(2, 2)), RuntimeError,
                          contains=["output with shape [2] doesn't match the broadcast shape [2, 2]"])


def test_inplace_leaf_requires_grad_error():
    for op in (lambda t: t.add_(1), lambda t: t.zero_(), lambda t: t.mul_(2), lambda t: t.__iadd__(1),
               lambda t: t.copy_(t.detach() * 2), lambda t: t.fill_(1.0), lambda t: t.clamp_(0, 1),
               lambda t: t.__setitem__(0, 1.0), lambda t: t.uniform_()):
        helper_test_exception(lambda: op(torch.ones(3, requires_grad=True)),
                              lambda: op(nbtorch.ones(3, requires_grad=True)), RuntimeError,
                              contains=['a leaf Variable that requires grad is being used in an in-place operation.'])
    helper_test_exception(lambda: torch.ones(3, requires_grad=True)[:2].add_(1),
                          lambda: nbtorch.ones(3, requires_grad=True)[:2].add_(1), RuntimeError,
                          contains=['a view of a leaf Variable that requires grad is being used in an in-place '
                                    'operation.'])


def test_inplace_leaf_ok_under_no_grad():
    for lib in (torch, nbtorch):
        w = lib.ones(3, requires_grad=True)
        with lib.no_grad():
            w.sub_(0.5 * lib.ones(3))
            w[0] = 7.0
        assert w.requires_grad and w.is_leaf and w.grad_fn is None
        assert w.tolist() == [7.0, 0.5, 0.5]


@pytest.mark.parametrize('make,mod', [
    (lambda L, x: x.exp(), lambda y: y.add_(1)),
    (lambda L, x: x.sigmoid(), lambda y: y.mul_(2)),
    (lambda L, x: x.tanh(), lambda y: y.zero_()),
    (lambda L, x: (x * 1) * (x * 1), None),
    (lambda L, x: x.pow(2), None),
])
def test_modified_saved_tensor_error(make, mod):
    """In-place change of a tensor saved for backward: torch's error at backward, with the versions."""
    def run(L):
        x = L.ones(2, 3, requires_grad=True)
        if mod is None:
            a = x * 1
            y = a * a
            a.add_(1)
        else:
            y = make(L, x)
            mod(y)
        y.sum().backward()
    th, nb = helper_test_exception(lambda: run(torch), lambda: run(nbtorch), RuntimeError)
    msg = str(nb)
    assert 'modified by an inplace operation' in msg
    assert '[torch.FloatTensor [2, 3]]' in msg and 'is at version 1; expected version 0 instead' in msg
    assert str(th).split('Hint')[0] == msg.split('Hint')[0]


def test_version_counter_shared_by_views_and_detach():
    for lib in (torch, nbtorch):
        x = lib.zeros(4)
        v, d = x[1:], x.detach()
        assert x._version == 0
        v.add_(1)
        d.mul_(2)
        x[0] = 5
        assert (x._version, v._version, d._version) == (3, 3, 3)
        assert x.tolist() == [5.0, 2.0, 2.0, 2.0]


def test_out_argument():
    for lib in (torch, nbtorch):
        a, b = lib.tensor([1., 2.]), lib.tensor([3., 4.])
        out = lib.empty(2)
        r = lib.add(a, b, out=out)
        assert r is out and out.tolist() == [4.0, 6.0] and out._version == 1
        out2 = lib.empty(4)
        lib.cat([a, b], out=out2)
        assert out2.tolist() == [1.0, 2.0, 3.0, 4.0]
        lib.mul(a, 2, out=a)
        assert a.tolist() == [2.0, 4.0]


# ---------------------------------------------------------------------------- conversions
CONV = [
    ('float', lambda x: x.double().float()),
    ('double', lambda x: x.double()),
    ('half', lambda x: x.half()),
    ('long', lambda x: x.long()),
    ('int', lambda x: x.int()),
    ('bool', lambda x: x.bool()),
    ('to_dtype', lambda x: x.to(L(x).float64)),
    ('to_dtype_kw', lambda x: x.to(dtype=L(x).float16)),
    ('to_other', lambda x: x.to(L(x).tensor([1], dtype=L(x).int32))),
    ('to_device', lambda x: x.to('cpu') * 1),
    ('to_device_dtype', lambda x: x.to('cpu', L(x).float64)),
    ('to_copy', lambda x: x.to(L(x).float32, copy=True)),
    ('type_as', lambda x: x.type_as(L(x).tensor([1.0], dtype=L(x).float64))),
    ('cpu', lambda x: x.cpu() * 1),
    ('clone', lambda x: x.clone()),
    ('type_str', lambda x: x.type('torch.DoubleTensor')),
]


@pytest.mark.parametrize('name,fn', CONV, ids=[c[0] for c in CONV])
def test_conversions(name, fn):
    th, nb = helper_test_op([(3, 4)], fn, low=-3, high=3)
    assert (nb.grad_fn.name() if nb.grad_fn else None) == (th.grad_fn.name() if th.grad_fn else None)


def test_to_same_returns_self_and_copy():
    for lib in (torch, nbtorch):
        x = lib.ones(2)
        assert x.to(lib.float32) is x and x.to('cpu') is x and x.float() is x and x.cpu() is x
        c = x.to(lib.float32, copy=True)
        assert c is not x and c.data_ptr() != x.data_ptr()


def test_type_names():
    for lib in (torch, nbtorch):
        assert lib.ones(1).type() == 'torch.FloatTensor'
        assert lib.ones(1, dtype=lib.int64).type() == 'torch.LongTensor'


def test_numpy_shares_memory_and_errors():
    for lib in (torch, nbtorch):
        x = lib.zeros(3)
        a = x.numpy()
        a[0] = 5
        assert x[0].item() == 5
        x.add_(1)
        assert a[1] == 1
        t = lib.from_numpy(a)
        t[2] = 9
        assert a[2] == 9
    helper_test_exception(lambda: torch.ones(2, requires_grad=True).numpy(),
                          lambda: nbtorch.ones(2, requires_grad=True).numpy(), RuntimeError,
                          contains=["Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                                    "instead."])
    assert nbtorch.ones(2, requires_grad=True).numpy(force=True).tolist() == [1.0, 1.0]


def test_detach_shares_storage_and_version():
    for lib in (torch, nbtorch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        d = y.detach()
        assert not d.requires_grad and d.grad_fn is None and d.is_leaf
        d[0] = 10
        assert y[0].item() == 10
        assert y._version == d._version == 1
        z = x.detach_() if False else x.detach()
        assert z.data_ptr() == x.data_ptr()


def test_detach_inplace_and_requires_grad_():
    for lib in (torch, nbtorch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        y.detach_()
        assert y.grad_fn is None and not y.requires_grad and y.is_leaf
        z = lib.ones(2).requires_grad_()
        assert z.requires_grad and z.is_leaf
        z.requires_grad_(False)
        assert not z.requires_grad
    helper_test_exception(lambda: (torch.ones(2, requires_grad=True) * 2).requires_grad_(False),
                          lambda: (nbtorch.ones(2, requires_grad=True) * 2).requires_grad_(False), RuntimeError,
                          contains=['you can only change requires_grad flags of leaf variables.'])
    helper_test_exception(lambda: torch.ones(2, dtype=torch.int64).requires_grad_(),
                          lambda: nbtorch.ones(2, dtype=nbtorch.int64).requires_grad_(), RuntimeError,
                          contains=['only Tensors of floating point dtype can require gradients'])


def test_item_and_tolist():
    for lib in (torch, nbtorch):
        assert lib.tensor([[2.5]]).item() == 2.5 and type(lib.tensor([[2.5]]).item()) is float
        assert type(lib.tensor(3).item()) is int and type(lib.tensor(True).item()) is bool
        assert lib.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
        assert lib.tensor(1.5).tolist() == 1.5
        assert lib.arange(4.).view(2, 2).t().tolist() == [[0.0, 2.0], [1.0, 3.0]]
    helper_test_exception(lambda: torch.ones(3).item(), lambda: nbtorch.ones(3).item(), RuntimeError,
                          contains=['a Tensor with 3 elements cannot be converted to Scalar'])


def test_views_made_before_an_inplace_change_see_it_in_backward():
    """``v = y[0:2]; y.mul_(3)``: v's gradient flows through the new y, as torch regenerates v's grad_fn."""
    outs = []
    for lib in (torch, nbtorch):
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        y = x * 2
        v, w = y[0:2], y[1:]
        y.mul_(3)
        (v * lib.tensor([1., 10.])).sum().backward(retain_graph=True)
        g1 = x.grad.clone()
        w.sum().backward()
        x2 = lib.tensor([1., 2., 3.], requires_grad=True)
        z = x2 * 2
        a, b = z[:2], z[1:]
        a.mul_(5)                  # through one view; the other view sees it
        b.sum().backward()
        outs.append([g1.numpy(), x.grad.numpy(), x2.grad.numpy(), v.grad_fn.name()])
    for a, b in zip(outs[1], outs[0]):
        np.testing.assert_array_equal(a, b)
