"""nbtorch.autograd.Function (torch.autograd.Function): learners' own ops, compared with torch 2.13."""
import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_exception, to_np

LIBS = [torch, nbtorch]


def make_ops(L):
    """The same custom Functions, written once per library exactly as a torch tutorial writes them."""
    Function = L.autograd.Function

    class MyExp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y

    class ScaledMul(Function):
        """Tensor and non-tensor arguments; needs_input_grad tells which grads to compute."""
        @staticmethod
        def forward(ctx, a, b, scale=2.0):
            ctx.save_for_backward(a, b)
            ctx.scale = scale
            ctx.flags = ctx.needs_input_grad
            return a * b * scale

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            ga = grad * b * ctx.scale if ctx.needs_input_grad[0] else None
            gb = grad * a * ctx.scale if ctx.needs_input_grad[1] else None
            return ga, gb, None

    class SortWithIndex(Function):
        """Two outputs, one of them non-differentiable."""
        @staticmethod
        def forward(ctx, x):
            vals, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return vals, idx

        @staticmethod
        def backward(ctx, gvals, gidx):
            idx, = ctx.saved_tensors
            out = L.zeros_like(gvals)
            out.scatter_(0, idx, gvals)
            return out

    class Split2(Function):
        """Two differentiable outputs; materialized zero grads for the unused one."""
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            assert g1 is not None and g2 is not None
            return g1 * 2 + g2 * 3

    class NoMaterialize(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x.clone(), x.clone()

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.got_none = g2 is None
            return g1

    class ClampGrad(Function):
        """A straight-through estimator, as learners write for quantization."""
        @staticmethod
        def forward(ctx, x):
            return x.round()

        @staticmethod
        def backward(ctx, g):
            return g.clamp(-1, 1)

    return MyExp, ScaledMul, SortWithIndex, Split2, NoMaterialize, ClampGrad


def _both(fn):
    res = []
    for L in LIBS:
        res.append(fn(L, *make_ops(L)))
    return res


def _same(a, b):
    if isinstance(b, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(b, torch.Tensor):
        assert isinstance(a, nbtorch.Tensor) and tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-6, atol=1e-6)
    else:
        assert a == b, (a, b)


def check(fn):
    th, nb = _both(fn)
    _same(nb, th)


def test_exp_function():
    def run(L, MyExp, *_):
        x = L.tensor([0., 1., 2.], requires_grad=True)
        y = MyExp.apply(x)
        (y * L.tensor([1., 2., 3.])).sum().backward()
        return y, x.grad, y.requires_grad, y.is_leaf, type(y.grad_fn).__name__.startswith('MyExp')
    check(run)


def test_grad_fn_name_is_class_backward():
    for L in LIBS:
        MyExp = make_ops(L)[0]
        y = MyExp.apply(L.ones(2, requires_grad=True))
        assert y.grad_fn.name() == 'MyExpBackward'
        assert type(y.grad_fn).__name__ == 'MyExpBackward'


def test_non_tensor_args_and_needs_input_grad():
    def run(L, _, ScaledMul, *rest):
        a = L.tensor([1., 2.], requires_grad=True)
        b = L.tensor([3., 4.])
        y = ScaledMul.apply(a, b, 0.5)
        y.sum().backward()
        return (y, a.grad, b.grad is None, y.grad_fn.needs_input_grad, y.grad_fn.flags,
                [n is None for n, _ in y.grad_fn.next_functions])   # edges for tensor arguments only
    check(run)


def test_mark_non_differentiable():
    def run(L, _, __, SortWithIndex, *rest):
        x = L.tensor([3., 1., 2.], requires_grad=True)
        vals, idx = SortWithIndex.apply(x)
        (vals * L.tensor([1., 10., 100.])).sum().backward()
        return vals, idx, idx.requires_grad, vals.requires_grad, x.grad
    check(run)


def test_multiple_outputs_materialize_grads():
    def run(L, _, __, ___, Split2, NoMaterialize, ____):
        x = L.tensor([1., 2.], requires_grad=True)
        a, b = Split2.apply(x)
        a.sum().backward()              # b gets no grad: backward sees zeros
        g = x.grad.clone()
        z = L.tensor([1., 2.], requires_grad=True)
        p, q = NoMaterialize.apply(z)
        (p * 2).sum().backward()
        return g, z.grad, p.grad_fn.got_none, a.grad_fn is b.grad_fn, (a.output_nr, b.output_nr)
    check(run)


def test_straight_through():
    def run(L, *ops):
        ClampGrad = ops[-1]
        x = L.tensor([0.4, 2.6, -1.2], requires_grad=True)
        y = ClampGrad.apply(x)
        (y * L.tensor([5., -0.5, 1.])).sum().backward()
        return y, x.grad
    check(run)


def test_custom_function_in_a_larger_graph_and_no_grad():
    def run(L, MyExp, *_):
        w = L.tensor([[0.5, -1.], [2., 0.]], requires_grad=True)
        x = L.tensor([1., 2.])
        h = MyExp.apply(x @ w)
        loss = (h * h).mean()
        loss.backward()
        with L.no_grad():
            y = MyExp.apply(w)
        return loss, w.grad, y.requires_grad, y.grad_fn is None
    check(run)


def test_saved_tensors_freed_and_second_backward():
    def run(L, MyExp, *_):
        x = L.ones(2, requires_grad=True)
        y = MyExp.apply(x).sum()
        y.backward()
        y.backward()
    helper_test_exception(lambda: run(torch, *make_ops(torch)), lambda: run(nbtorch, *make_ops(nbtorch)),
                          RuntimeError, contains=['Trying to backward through the graph a second time'])


def test_saved_tensor_modified_inplace():
    def run(L, MyExp, *_):
        x = L.ones(2, requires_grad=True)
        y = MyExp.apply(x)
        y.add_(1)
        y.sum().backward()
    helper_test_exception(lambda: run(torch, *make_ops(torch)), lambda: run(nbtorch, *make_ops(nbtorch)),
                          RuntimeError, contains=['modified by an inplace operation'])


def test_wrong_number_of_grads():
    def make(L):
        class Bad(L.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x + y

            @staticmethod
            def backward(ctx, g):
                return g
        return Bad
    helper_test_exception(
        lambda: make(torch).apply(torch.ones(2, requires_grad=True), torch.ones(2)).sum().backward(),
        lambda: make(nbtorch).apply(nbtorch.ones(2, requires_grad=True), nbtorch.ones(2)).sum().backward(),
        RuntimeError, contains=['returned an incorrect number of gradients (expected 2, got 1)'])


def test_wrong_grad_shape():
    def make(L):
        class Bad(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.sum()

            @staticmethod
            def backward(ctx, g):
                return L.ones(5)
        return Bad
    helper_test_exception(
        lambda: make(torch).apply(torch.ones(2, 3, requires_grad=True)).backward(),
        lambda: make(nbtorch).apply(nbtorch.ones(2, 3, requires_grad=True)).backward(),
        RuntimeError, contains=['returned an invalid gradient at index 0', '[5]', '[2, 3]'])


def test_grad_broadcastable_shape_is_summed():
    """torch sums a gradient that is broadcastable to the input's shape; so do we."""
    def run(L):
        class Wide(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 1

            @staticmethod
            def backward(ctx, g):
                return g.expand(3, 2)
        x = L.ones(2, requires_grad=True)
        Wide.apply(x).sum().backward()
        return x.grad
    _same(run(nbtorch), run(torch))


def test_forward_returning_input_is_a_view():
    def run(L):
        class Ident(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2
        x = L.ones(2, requires_grad=True)
        y = Ident.apply(x)
        y.sum().backward()
        return y is x, x.grad
    _same(run(nbtorch), run(torch))


def test_missing_backward_error():
    def make(L):
        class NoBack(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2
        return NoBack
    helper_test_exception(lambda: make(torch).apply(torch.ones(2, requires_grad=True)).sum().backward(),
                          lambda: make(nbtorch).apply(nbtorch.ones(2, requires_grad=True)).sum().backward(),
                          NotImplementedError, contains=['You must implement either the backward or vjp method'])
