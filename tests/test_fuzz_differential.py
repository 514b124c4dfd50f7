"""Issue 7, fuzzing: Hypothesis-driven differential tests, nbtorch vs torch.

Covers broadcasting (also shapes that do NOT broadcast: same error type), reductions (dim / keepdim,
negative dims, tuples of dims, integer and bool inputs), indexing (ints incl. negative, slices with
steps, None, Ellipsis, integer arrays, boolean masks; reading, gradients and ``__setitem__``) and dtype
promotion over every pair of dtypes, tensor/0-dim/Python-scalar operands.

Each case is a plain JSON-able spec (``check_*`` functions below take it), so every failure that fuzzing
found is stored in tests/fuzz_corpus/*.json and replayed by ``test_corpus_replays``: the corpus documents
what was found and fixed, and keeps it fixed.
"""
import json
import pathlib

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import nbtorch
from helpers import compare, to_np

CORPUS = pathlib.Path(__file__).parent / 'fuzz_corpus'
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64']


def _lib_dtype(L, name):
    return getattr(L, name)


def _base_array(shape, dtype, seed=0):
    """Distinct, exactly representable values (so argmax ties and rounding cannot differ)."""
    n = int(np.prod(shape)) if shape else 1
    rng = np.random.default_rng(seed)
    if dtype == 'bool':
        return np.asarray((rng.integers(0, 2, n) > 0).reshape(shape))
    if dtype.startswith('float'):
        vals = rng.permutation(n).astype(np.float64) - n // 2
        return np.asarray((vals / 4).astype(dtype).reshape(shape))
    lo = 0 if dtype == 'uint8' else -n // 2
    return np.asarray((rng.permutation(n) + lo).astype(dtype).reshape(shape))


def _both(arr, requires_grad=False):
    arr = np.asarray(arr)
    rg = requires_grad and arr.dtype.kind == 'f'
    return (torch.from_numpy(arr.copy()).requires_grad_(rg), nbtorch.from_numpy(arr.copy()).requires_grad_(rg))


def _run_both(fn_t, fn_n):
    """(torch result or exception, nbtorch result or exception); the types must agree."""
    out = []
    for f in (fn_t, fn_n):
        try:
            out.append((f(), None))
        except Exception as e:         # noqa: BLE001 - the exception IS the result here
            out.append((None, e))
    (rt, et), (rn, en) = out
    if et is not None:
        assert en is not None, f"torch raised {type(et).__name__}({et}); nbtorch returned {rn!r}"
        want = type(et) if type(et).__module__ == 'builtins' else next(
            c for c in type(et).__mro__ if c.__module__ == 'builtins')
        assert isinstance(en, want), f"torch raised {type(et).__name__}({et}); nbtorch {type(en).__name__}({en})"
        return None, None
    assert en is None, f"nbtorch raised {type(en).__name__}({en}); torch returned a result"
    return rt, rn


# ---------------------------------------------------------------- broadcasting
BIN_OPS = {'add': lambda a, b: a + b, 'mul': lambda a, b: a * b, 'sub': lambda a, b: a - b,
           'div': lambda a, b: a / b, 'lt': lambda a, b: a < b, 'eq': lambda a, b: a == b,
           'maximum': lambda a, b: a.maximum(b), 'where': lambda a, b: a.where(a > 0, b),
           'pow': lambda a, b: a.abs() ** b, 'hypot_like': lambda a, b: (a * a + b * b).sqrt()}


def check_broadcast(spec):
    """spec: {'op', 'shape_a', 'shape_b'}: values, dtype, shape, grads, or the same error."""
    op = spec['op']
    a_np = _base_array(tuple(spec['shape_a']), 'float32', 1)
    b_np = _base_array(tuple(spec['shape_b']), 'float32', 2) + np.float32(0.125)
    (ta, na), (tb, nb) = _both(a_np, True), _both(b_np, True)
    fn = BIN_OPS[op]
    rt, rn = _run_both(lambda: fn(ta, tb), lambda: fn(na, nb))
    if rt is None:
        return
    compare(op, rn, rt, 1e-5, 1e-5)
    if rt.requires_grad:
        g = np.asarray(np.random.default_rng(3).standard_normal(rt.shape).astype(np.float32))
        gt = torch.autograd.grad(rt, [ta, tb], torch.from_numpy(g.copy()), allow_unused=True)
        gn = nbtorch.autograd.grad(rn, [na, nb], nbtorch.from_numpy(g.copy()), allow_unused=True)
        for i, (x, y) in enumerate(zip(gn, gt)):
            if y is None:
                assert x is None or not np.any(to_np(x))
            else:
                compare(f"{op} grad {i}", x, y, 1e-4, 1e-4)


shapes_any = st.lists(st.integers(1, 4), min_size=0, max_size=4).map(tuple)


@st.composite
def maybe_broadcastable(draw):
    """Two shapes that broadcast most of the time, and sometimes not (a side changed to another size)."""
    from hypothesis.extra import numpy as hnp
    (sa, sb), _ = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    if sb and draw(st.integers(0, 4)) == 0:
        i = draw(st.integers(0, len(sb) - 1))
        sb = sb[:i] + (draw(st.integers(2, 5)),) + sb[i + 1:]
    return list(sa), list(sb)


@FUZZ
@given(maybe_broadcastable(), st.sampled_from(sorted(BIN_OPS)))
def test_fuzz_broadcasting(shapes, op):
    check_broadcast({'op': op, 'shape_a': shapes[0], 'shape_b': shapes[1]})


# ---------------------------------------------------------------- reductions
REDUCTIONS = {
    'sum': lambda x, d, k: x.sum(d, keepdim=k), 'mean': lambda x, d, k: x.mean(d, keepdim=k),
    'prod': lambda x, d, k: x.prod(d, keepdim=k), 'amax': lambda x, d, k: x.amax(d, keepdim=k),
    'amin': lambda x, d, k: x.amin(d, keepdim=k), 'max': lambda x, d, k: x.max(d, keepdim=k),
    'min': lambda x, d, k: x.min(d, keepdim=k), 'argmax': lambda x, d, k: x.argmax(d, keepdim=k),
    'argmin': lambda x, d, k: x.argmin(d, keepdim=k), 'std': lambda x, d, k: x.std(d, keepdim=k),
    'var': lambda x, d, k: x.var(d, keepdim=k), 'logsumexp': lambda x, d, k: x.logsumexp(d, keepdim=k),
    'all': lambda x, d, k: x.all(d, keepdim=k), 'any': lambda x, d, k: x.any(d, keepdim=k),
    'cumsum': lambda x, d, k: x.cumsum(d), 'softmax': lambda x, d, k: x.softmax(d),
    'norm': lambda x, d, k: x.norm(dim=d, keepdim=k), 'count_nonzero': lambda x, d, k: x.count_nonzero(d),
    'nansum': lambda x, d, k: x.nansum(d, keepdim=k),
}


def _dim_arg(d):
    return tuple(d) if isinstance(d, list) else d


def check_reduction(spec):
    """spec: {'op', 'shape', 'dtype', 'dim' (int, list or null), 'keepdim'}."""
    x_np = _base_array(tuple(spec['shape']), spec['dtype'], 4)
    tx, nx = _both(x_np, requires_grad=True)
    fn, d, k = REDUCTIONS[spec['op']], _dim_arg(spec['dim']), spec['keepdim']
    rt, rn = _run_both(lambda: fn(tx, d, k), lambda: fn(nx, d, k))
    if rt is None:
        return
    outs_t = list(rt) if isinstance(rt, tuple) else [rt]
    outs_n = list(rn) if isinstance(rn, tuple) else [rn]
    assert len(outs_t) == len(outs_n)
    for i, (a, b) in enumerate(zip(outs_n, outs_t)):
        compare(f"{spec['op']} output {i}", a, b, 1e-5, 1e-4)
    first_t, first_n = outs_t[0], outs_n[0]
    if first_t.requires_grad and first_t.numel():
        g = np.asarray(np.random.default_rng(5).standard_normal(first_t.shape).astype(x_np.dtype))
        (gt,) = torch.autograd.grad(first_t, [tx], torch.from_numpy(g.copy()))
        (gn,) = nbtorch.autograd.grad(first_n, [nx], nbtorch.from_numpy(g.copy()))
        compare(f"{spec['op']} grad", gn, gt, 1e-4, 1e-3)


@st.composite
def reduction_specs(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=0, max_size=4))
    nd = len(shape)
    op = draw(st.sampled_from(sorted(REDUCTIONS)))
    dtype = draw(st.sampled_from(['float32', 'float32', 'float64', 'int64', 'int32', 'bool', 'uint8']))
    kind = draw(st.integers(0, 3))
    if kind == 0 or nd == 0:
        dim = draw(st.sampled_from([0, -1, 1])) if nd == 0 and kind else None
        if op in ('max', 'min', 'cumsum', 'softmax', 'argmax', 'argmin') and dim is None and nd:
            dim = draw(st.integers(-nd, nd - 1))
    elif kind == 1:
        dim = draw(st.integers(-nd, nd - 1))
    elif kind == 2:
        dim = sorted(draw(st.sets(st.integers(-nd, nd - 1), min_size=1, max_size=nd)))
    else:
        dim = draw(st.integers(-nd - 2, nd + 1))          # sometimes out of range: same IndexError
    return {'op': op, 'shape': shape, 'dtype': dtype, 'dim': dim, 'keepdim': draw(st.booleans())}


@FUZZ
@given(reduction_specs())
def test_fuzz_reductions(spec):
    check_reduction(spec)


# ---------------------------------------------------------------- indexing
def _decode_index(items, L):
    out = []
    for it in items:
        (k, v), = it.items()
        if k == 'int':
            out.append(v)
        elif k == 'slice':
            out.append(slice(*v))
        elif k == 'none':
            out.append(None)
        elif k == 'ellipsis':
            out.append(Ellipsis)
        elif k == 'array':
            out.append(L.tensor(v, dtype=L.int64))
        elif k == 'list':
            out.append(list(v))
        elif k == 'mask':
            out.append(L.tensor(v, dtype=L.bool))
        elif k == 'tensor_int':
            out.append(L.tensor(v))
    return tuple(out)


def check_index(spec):
    """spec: {'shape', 'index': [items], 'set': null | 'scalar' | 'tensor'}: x[idx], its gradient, and
    x[idx] = value, all against torch (or the same exception)."""
    x_np = _base_array(tuple(spec['shape']), spec.get('dtype', 'float32'), 6)
    it, ix = _decode_index(spec['index'], torch), _decode_index(spec['index'], nbtorch)
    if spec.get('set') is None:
        tx, nx = _both(x_np, requires_grad=True)
        rt, rn = _run_both(lambda: tx[it], lambda: nx[ix])
        if rt is None:
            return
        compare('getitem', rn, rt, 0, 0)
        if rt.requires_grad and rt.numel():
            g = np.asarray(np.arange(rt.numel(), dtype=np.float32).reshape(rt.shape) + 1)
            (gt,) = torch.autograd.grad(rt, [tx], torch.from_numpy(g.copy()))
            (gn,) = nbtorch.autograd.grad(rn, [nx], nbtorch.from_numpy(g.copy()))
            compare('getitem grad', gn, gt, 0, 0)
        return
    tx, nx = _both(x_np)
    try:
        target_shape = tuple(tx[it].shape)
    except Exception:       # noqa: BLE001
        target_shape = ()
    if spec['set'] == 'scalar':
        vt = vn = -7.5
    else:                                      # 'tensor' or 'grad'
        vshape = target_shape[-1:]                 # a row that broadcasts over the indexed result
        v = np.asarray(np.arange(int(np.prod(vshape)), dtype=np.float32).reshape(vshape) - 100)
        vt, vn = torch.from_numpy(v.copy()), nbtorch.from_numpy(v.copy())

    grad = spec['set'] == 'grad'               # a non-leaf target and a value that require grad
    if grad:
        lt, ln = _both(x_np, requires_grad=True)
        tx, nx = lt * 1, ln * 1
        vt, vn = vt.requires_grad_(), vn.requires_grad_()

    def set_t():
        tx[it] = vt
        return tx

    def set_n():
        nx[ix] = vn
        return nx
    rt, rn = _run_both(set_t, set_n)
    if rt is not None:
        compare('setitem', rn, rt, 0, 0)
        if grad:
            g = np.asarray(np.arange(rt.numel(), dtype=np.float32).reshape(rt.shape) + 1)
            gt = torch.autograd.grad(rt, [lt, vt], torch.from_numpy(g.copy()))
            gn = nbtorch.autograd.grad(rn, [ln, vn], nbtorch.from_numpy(g.copy()))
            for i, (a, b) in enumerate(zip(gn, gt)):
                compare(f'setitem grad {i}', a, b, 1e-6, 1e-6)


@st.composite
def index_specs(draw):
    shape = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
    items, dim, used_ellipsis, used_adv = [], 0, False, 0
    n_items = draw(st.integers(1, len(shape) + 1))
    for _ in range(n_items):
        size = shape[dim] if dim < len(shape) else 1
        kinds = ['int', 'slice', 'slice', 'none', 'array', 'mask']
        if not used_ellipsis:
            kinds.append('ellipsis')
        kind = draw(st.sampled_from(kinds))
        if dim >= len(shape) and kind not in ('none', 'ellipsis'):
            kind = 'none'
        if kind == 'int':
            items.append({'int': draw(st.integers(-size - 1, size))})     # out of range now and then
            dim += 1
        elif kind == 'slice':
            bound = st.one_of(st.none(), st.integers(-size - 2, size + 2))
            items.append({'slice': [draw(bound), draw(bound), draw(st.one_of(st.none(), st.integers(1, 3)))]})
            dim += 1
        elif kind == 'none':
            items.append({'none': True})
        elif kind == 'ellipsis':
            items.append({'ellipsis': True})
            used_ellipsis = True
            dim = max(dim, len(shape) - (n_items - len(items)))
        elif kind == 'array':
            vals = draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=4))
            items.append({'array': vals} if draw(st.booleans()) else {'list': vals})
            used_adv += 1
            dim += 1
        else:
            if dim == 0 and len(shape) > 1 and draw(st.booleans()):
                mshape = shape[:2]
                mask = draw(st.lists(st.booleans(), min_size=mshape[0] * mshape[1],
                                     max_size=mshape[0] * mshape[1]))
                items.append({'mask': np.array(mask).reshape(mshape).tolist()})
                dim += 2
            else:
                items.append({'mask': draw(st.lists(st.booleans(), min_size=size, max_size=size))})
                dim += 1
            used_adv += 1
    return {'shape': shape, 'index': items, 'set': draw(st.sampled_from([None, None, 'scalar', 'tensor', 'grad']))}


@FUZZ
@given(index_specs())
def test_fuzz_indexing(spec):
    check_index(spec)


# ---------------------------------------------------------------- dtype promotion: every pair
PROMO_OPS = {'add': lambda a, b: a + b, 'mul': lambda a, b: a * b, 'sub': lambda a, b: a - b,
             'div': lambda a, b: a / b, 'floordiv': lambda a, b: a // b, 'lt': lambda a, b: a < b,
             'maximum': lambda a, b: a.maximum(b) if not isinstance(b, (int, float)) else a.clamp(min=b),
             'where': lambda a, b: a.where(a == a, b), 'pow': lambda a, b: a ** b,
             'add_': lambda a, b: a.clone().add_(b), 'mul_': lambda a, b: a.clone().mul_(b),
             'div_': lambda a, b: a.clone().div_(b), 'and': lambda a, b: a & b,
             'remainder': lambda a, b: a % b}
FORMS = ['tensor-tensor', 'tensor-0d', '0d-tensor', '0d-0d', 'tensor-int', 'tensor-float', 'tensor-bool']


def _operand(L, dtype, zero_dim, seed):
    arr = _base_array((3,), dtype, seed)
    if dtype not in ('bool', 'uint8'):
        arr = np.abs(arr).astype(dtype) + np.array(1).astype(dtype)   # no 0 divisors, no negative powers
    elif dtype == 'uint8':
        arr = arr + np.uint8(1)
    t = L.from_numpy(arr[:1].reshape(()) if zero_dim else arr)
    return t


def check_promotion(spec):
    """spec: {'op', 'da', 'db', 'form'}: result dtype and values equal torch's (or the same error)."""
    fn, form = PROMO_OPS[spec['op']], spec['form']
    scalars = {'tensor-int': 2, 'tensor-float': 2.5, 'tensor-bool': True}

    def make(L):
        a = _operand(L, spec['da'], form.startswith('0d'), 1)
        if form in scalars:
            b = scalars[form]
        else:
            b = _operand(L, spec['db'], form.endswith('0d'), 2)
        return a, b
    rt, rn = _run_both(lambda: fn(*make(torch)), lambda: fn(*make(nbtorch)))
    if rt is not None:
        compare(f"{spec}", rn, rt, 1e-3, 1e-3)


@pytest.mark.parametrize('op', sorted(PROMO_OPS))
def test_promotion_every_dtype_pair(op):
    """Exhaustive, not sampled: 9 x 9 dtype pairs x 4 tensor forms, and 9 dtypes x 3 Python scalars."""
    failures = []
    for da in DTYPES:
        for form in FORMS:
            for db in (DTYPES if form in FORMS[:4] else [None]):
                spec = {'op': op, 'da': da, 'db': db, 'form': form}
                try:
                    check_promotion(spec)
                except AssertionError as e:
                    failures.append(f"{spec}: {str(e).splitlines()[0]}")
    assert not failures, f"{len(failures)} promotion mismatches:\n" + "\n".join(failures[:20])


# ---------------------------------------------------------------- the corpus
CHECKS = {'broadcast': check_broadcast, 'reduction': check_reduction, 'index': check_index,
          'promotion': check_promotion}


def _corpus():
    cases = []
    for f in sorted(CORPUS.glob('*.json')):
        for i, case in enumerate(json.loads(f.read_text())['cases']):
            cases.append(pytest.param(case, id=f"{f.stem}-{i}-{case.get('id', '')}"))
    return cases


def test_corpus_is_not_empty():
    assert len(_corpus()) >= 5


@pytest.mark.parametrize('case', _corpus())
def test_corpus_replays(case):
    """Every failure fuzzing found (and we fixed) still passes."""
    assert case['kind'] in CHECKS and case.get('found') and case.get('fix'), "document each corpus entry"
    CHECKS[case['kind']](case['spec'])
