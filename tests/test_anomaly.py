"""Anomaly mode: the node whose backward made NaN/Inf is named, with the user line that created it."""
import warnings

import numpy as np
import pytest
import torch

import nbtorch
from helpers import helper_test_exception

pytestmark = pytest.mark.filterwarnings('ignore::RuntimeWarning', 'ignore:Anomaly Detection',
                                        'ignore:Error detected in')


def log_of_zero(L):
    x = L.tensor([1., 0., 2.], requires_grad=True)
    with L.autograd.detect_anomaly():
        y = x.log() * 0            # THE LINE
        y.sum().backward()


def test_names_node_and_forward_line():
    th, nb = helper_test_exception(lambda: log_of_zero(torch), lambda: log_of_zero(nbtorch), RuntimeError,
                                   contains=["Function 'LogBackward0' returned nan values in its 0th output."])
    msg = str(nb)
    assert 'Traceback of forward call that caused the error' in msg
    assert 'test_anomaly.py' in msg and 'y = x.log() * 0            # THE LINE' in msg
    assert 'nbtorch/' not in msg.split('Traceback of forward call')[1]   # only the user's frames


def test_sqrt_of_negative_and_grads_untouched():
    def run(L):
        x = L.tensor([-1., 4.], requires_grad=True)
        with L.autograd.detect_anomaly():
            x.sqrt().sum().backward()
    helper_test_exception(lambda: run(torch), lambda: run(nbtorch), RuntimeError,
                          contains=["Function 'SqrtBackward0' returned nan values in its 0th output."])


def test_set_detect_anomaly_and_flags():
    for L in (torch, nbtorch):
        assert not L.is_anomaly_enabled()
        L.autograd.set_detect_anomaly(True)
        try:
            assert L.is_anomaly_enabled() and L.is_anomaly_check_nan_enabled()
        finally:
            L.autograd.set_detect_anomaly(False)
        assert not L.is_anomaly_enabled()
        with L.autograd.set_detect_anomaly(True, check_nan=False):
            assert L.is_anomaly_enabled() and not L.is_anomaly_check_nan_enabled()
        assert not L.is_anomaly_enabled() and L.is_anomaly_check_nan_enabled()


def test_set_detect_anomaly_global():
    nbtorch.autograd.set_detect_anomaly(True)
    try:
        x = nbtorch.tensor([0.], requires_grad=True)
        y = (x / x).sum()
        with pytest.raises(RuntimeError, match="Function 'DivBackward0' returned nan values in its 1th output"):
            y.backward()
    finally:
        nbtorch.autograd.set_detect_anomaly(False)


def test_inf_is_reported_too():
    x = nbtorch.tensor([0., 1.], requires_grad=True)
    with nbtorch.autograd.detect_anomaly():
        y = x.sqrt().sum()
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned inf values in its 0th output"):
            y.backward()


def test_check_nan_false_does_not_raise():
    for L in (torch, nbtorch):
        x = L.tensor([1., 0.], requires_grad=True)
        with L.autograd.detect_anomaly(check_nan=False):
            (x.log() * 0).sum().backward()
        assert np.isnan(x.grad.numpy()).any()


def test_off_by_default_nan_passes_silently():
    for L in (torch, nbtorch):
        x = L.tensor([1., 0.], requires_grad=True)
        (x.log() * 0).sum().backward()
        assert np.isnan(x.grad.numpy()).any()


def test_custom_function_checked():
    class Bad(nbtorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float('nan')
    x = nbtorch.ones(2, requires_grad=True)
    with nbtorch.autograd.detect_anomaly():
        y = Bad.apply(x)      # custom op line
        with pytest.raises(RuntimeError, match="Function 'BadBackward' returned nan values") as e:
            y.sum().backward()
    assert 'y = Bad.apply(x)      # custom op line' in str(e.value)


def test_detect_anomaly_as_decorator_and_warning():
    @nbtorch.autograd.detect_anomaly()
    def step():
        assert nbtorch.is_anomaly_enabled()
    with pytest.warns(UserWarning, match='Anomaly Detection has been enabled'):
        nbtorch.autograd.detect_anomaly()
    step()
    assert not nbtorch.is_anomaly_enabled()


def test_no_trace_recorded_when_off():
    x = nbtorch.ones(2, requires_grad=True)
    y = x * 2
    assert y.grad_fn._anomaly_trace is None
