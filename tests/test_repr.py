"""repr/str of tensors must be character-for-character torch's."""
import numpy as np
import pytest
import torch

import nbtorch


@pytest.fixture(autouse=True)
def default_print_options():
    """Start every test from torch's defaults (other tests may change global print state)."""
    for lib in (torch, nbtorch):
        lib.set_printoptions(profile='default', sci_mode=None)
        lib.set_default_dtype(lib.float32)
    yield


def _pair(arr):
    return torch.from_numpy(arr.copy()), nbtorch.from_numpy(arr.copy())


def _random_arrays():
    rng = np.random.default_rng(1234)
    out = []
    for i in range(40):
        ndim = rng.integers(0, 4)
        shape = tuple(int(s) for s in rng.integers(1, 7, ndim))
        dt = rng.choice(['float32', 'float64', 'float16', 'int64', 'int32', 'int8', 'uint8', 'bool'])
        scale = 10.0 ** rng.integers(-6, 10)
        if dt.startswith('float'):
            with np.errstate(over='ignore'):       # float16 overflows to inf: printed as torch does
                a = np.asarray(rng.standard_normal(shape) * scale).astype(dt)
        elif dt == 'bool':
            a = np.asarray(rng.random(shape) < 0.5)
        else:
            info = np.iinfo(dt)
            a = np.asarray(rng.integers(max(info.min, -10 ** 6), min(info.max, 10 ** 6), shape)).astype(dt)
        out.append(pytest.param(a, id=f'rand{i}-{dt}{list(shape)}'))
    return out


SPECIAL = {
    'ints-as-floats': np.array([1.0, 2.0, 3.0], np.float32),
    'mixed': np.array([1.5, -2.25, 1e-5], np.float32),
    'scalar': np.array(3.5, np.float32),
    'scalar-int-valued': np.array(-2.0, np.float32),
    'scalar-int': np.array(7),
    'scalar-bool': np.array(True),
    'nan-inf': np.array([np.nan, np.inf, -np.inf, 1.0], np.float32),
    'only-nan': np.array([np.nan, np.nan], np.float32),
    'neg-zero': np.array([-0.0, 0.0], np.float32),
    'neg-zero-frac': np.array([-0.0, 0.5], np.float32),
    'sci-ratio': np.array([1e4, 1.0], np.float32),
    'sci-big': np.array([1e10, 2e10], np.float32),
    'sci-small': np.array([1e-8, 3e-9], np.float32),
    'sci-nan': np.array([1e-8, np.nan, -np.inf], np.float32),
    'big-int-valued': np.array([123456789.0], np.float64),
    'long-1d': np.arange(2000, dtype=np.int64),
    'long-float': np.linspace(-1, 1, 1500).astype(np.float32),
    'wrap-1d': np.linspace(-3, 3, 37).astype(np.float32),
    'wrap-ints': np.arange(-50, 50, dtype=np.int64) * 1234,
    'matrix-50x50': np.random.default_rng(0).standard_normal((50, 50)).astype(np.float32),
    '3d-summarised': np.random.default_rng(1).standard_normal((20, 60, 3)).astype(np.float32),
    '4d': np.random.default_rng(2).standard_normal((2, 3, 2, 2)).astype(np.float32),
    'empty-0x3': np.zeros((0, 3), np.float32),
    'empty-1d-long': np.zeros((0,), np.int64),
    'empty-1d-float': np.zeros((0,), np.float32),
    'empty-int32': np.zeros((2, 0, 3), np.int32),
    'bools': np.array([[True, False], [False, True]]),
    'uint8': np.random.default_rng(3).integers(0, 255, (40, 30)).astype(np.uint8),
    'complex': np.array([1 + 2j, -3.5 - 0.5j, 0 - 0j], np.complex64),
    'float16': np.random.default_rng(4).standard_normal(30).astype(np.float16),
    'float64': np.random.default_rng(5).standard_normal(100),
}


@pytest.mark.parametrize('arr', [pytest.param(v, id=k) for k, v in SPECIAL.items()] + _random_arrays())
def test_repr_and_str_match_torch(arr):
    t, n = _pair(arr)
    assert repr(n) == repr(t)
    assert str(n) == str(t)


def test_requires_grad_and_grad_fn():
    a = torch.tensor([[1.5, 2.0], [3.0, 4.25]], requires_grad=True)
    b = nbtorch.tensor([[1.5, 2.0], [3.0, 4.25]], requires_grad=True)
    assert repr(b) == repr(a)
    assert repr(b * 2) == repr(a * 2)                  # grad_fn=<MulBackward0>
    assert repr((b * 2).sum()) == repr((a * 2).sum())  # grad_fn=<SumBackward0>
    assert repr(b + 1) == repr(a + 1)
    assert repr(b.detach()) == repr(a.detach())


def test_suffix_wraps_to_next_line():
    arr = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float64)
    t = torch.from_numpy(arr).requires_grad_()
    n = nbtorch.from_numpy(arr.copy()).requires_grad_()
    assert repr(n * 3) == repr(t * 3)


@pytest.mark.parametrize('dt', ['float32', 'float64'])
def test_default_dtype_float64_changes_suffix(dt):
    arr = np.array([1.25, 2.5], dt)
    torch.set_default_dtype(torch.float64)
    nbtorch.set_default_dtype(nbtorch.float64)
    try:
        t, n = _pair(arr)
        assert repr(n) == repr(t)
        assert repr(nbtorch.zeros(0, dtype=getattr(nbtorch, dt))) == repr(torch.zeros(0, dtype=getattr(torch, dt)))
    finally:
        torch.set_default_dtype(torch.float32)
        nbtorch.set_default_dtype(nbtorch.float32)


PRINT_OPTIONS = [
    dict(precision=2),
    dict(precision=8),
    dict(threshold=5),
    dict(edgeitems=1, threshold=10),
    dict(edgeitems=0, threshold=10),
    dict(linewidth=40),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile='short'),
    dict(profile='full'),
]


@pytest.mark.parametrize('opts', PRINT_OPTIONS, ids=lambda o: ','.join(f'{k}={v}' for k, v in o.items()))
@pytest.mark.parametrize('arr', [
    np.arange(12, dtype=np.int64),
    np.linspace(-2, 2, 30).astype(np.float32).reshape(5, 6),
    np.array([1e-6, 1.0, 1234.5], np.float32),
    np.arange(3000, dtype=np.float32).reshape(30, 100) / 7,
], ids=['ints', 'matrix', 'sci', 'big'])
def test_set_printoptions(opts, arr):
    torch.set_printoptions(**opts)
    nbtorch.set_printoptions(**opts)
    try:
        t, n = _pair(arr)
        assert repr(n) == repr(t)
    finally:
        torch.set_printoptions(profile='default')
        nbtorch.set_printoptions(profile='default')


def test_tensor_contents_hook():
    n = nbtorch.tensor([1.0, 2.0], requires_grad=True)
    assert nbtorch.Tensor.__repr__(n, tensor_contents='[...]') == 'tensor([...], requires_grad=True)'


def test_printoptions_context_manager_restores():
    from nbtorch._tensor_str import printoptions, get_printoptions
    before = get_printoptions()
    with printoptions(precision=1):
        assert repr(nbtorch.tensor([1.25, 2.0])) == 'tensor([1.2, 2.0])'
    assert get_printoptions() == before


def test_format_and_print_of_0dim():
    t, n = _pair(np.array(2.5, np.float32))
    assert f'{n:.3f}' == f'{t:.3f}'
    assert str(n) == str(t) == 'tensor(2.5000)'
