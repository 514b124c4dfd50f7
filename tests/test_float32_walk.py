"""Issue 2, acceptance 4: no float64 anywhere in a float32 computation.

Walks EVERY public Tensor method and every ``nbtorch.*`` function (found with ``dir``, so a newly added op is
covered automatically), calls it on float32 inputs with the first argument list it accepts, and checks that
no output, and no gradient flowing back, is float64.  A name that accepts none of the argument lists must be
listed in SKIP with a reason, so an op cannot silently escape the walk.
"""
import numpy as np
import pytest

import nbtorch

# names that are not float computations (or need arguments the walk cannot guess), with the reason
SKIP = {
    # conversions whose job is to change the dtype
    'double': 'converts to float64 on purpose', 'to': 'converts on purpose', 'type': 'converts on purpose',
    'cuda': 'needs a GPU', 'numpy': 'returns an ndarray', 'tolist': 'returns Python numbers', 'item': 'Python number',
    'new_tensor': 'dtype comes from the data', 'tensor': 'dtype comes from the data',
    'as_tensor': 'dtype comes from the data', 'asarray': 'dtype comes from the data',
    'from_numpy': 'dtype comes from the array', 'set_default_dtype': 'changes global state',
    'set_printoptions': 'changes global print state (and prints nothing to check)',
    'set_rng_state': 'state', 'manual_seed': 'state', 'seed': 'state', 'initial_seed': 'state', 'get_rng_state': 'state',
    'manual_seed_all': 'state', 'register_hook': 'hooks', 'register_post_accumulate_grad_hook': 'hooks',
    'backward': 'checked through the gradients', 'retain_grad': 'no output', 'requires_grad_': 'flag',
    'detach_': 'flag', 'data_ptr': 'an int', 'untyped_storage': 'storage', 'storage_offset': 'an int',
    'stride': 'ints', 'size': 'ints', 'dim': 'an int', 'numel': 'an int', 'element_size': 'an int',
    'is_contiguous': 'a bool', 'is_floating_point': 'a bool', 'is_complex': 'a bool', 'is_tensor': 'a bool',
    'is_nonzero': 'a bool', 'equal': 'a bool', 'allclose': 'a bool', 'get_default_dtype': 'a dtype',
    'result_type': 'a dtype', 'promote_types': 'a dtype', 'can_cast': 'a bool', 'is_grad_enabled': 'a bool',
    'set_grad_enabled': 'grad mode', 'no_grad': 'grad mode', 'enable_grad': 'grad mode', 'inference_mode': 'grad mode',
    'device': 'a class', 'dtype': 'a class', 'Size': 'a class', 'Tensor': 'a class', 'Generator': 'a class',
    'save': 'I/O', 'load': 'I/O', 'bernoulli_': 'random fill', 'random_': 'random integers',
    'conj': 'complex', 'H': 'complex', 'bincount': 'counts integers', 'randperm': 'integers',
    'randint': 'integers', 'randint_like': 'integers', 'set_default_device': 'changes global state',
    'get_default_device': 'a device', 'bitwise_and': 'integers and bools only', 'bitwise_or': 'integers and bools only',
    'bitwise_xor': 'integers and bools only', 'bitwise_not': 'integers and bools only', 'multinomial': 'integer samples', 'unique': 'checked below',
}
# ops whose arguments the generic candidates do not cover: called on x (3, 4) float32 like this
SPECIAL = {
    'bmm': lambda x: x.reshape(1, 3, 4).bmm(x.reshape(1, 4, 3)), 'dot': lambda x: x[0].dot(x[1]),
    'inner': lambda x: x[0].inner(x[1]), 'grad_fn': lambda x: (x * 2).grad_fn.name(),
    'index_put_': lambda x: x.detach().clone().index_put_((nbtorch.tensor([0, 1]),), nbtorch.tensor(1.5)),
    'masked_scatter': lambda x: x.masked_scatter(x > 0.5, x * 2),
    'new_full': lambda x: x.new_full((2,), 1.5), 'take_along_dim': lambda x: x.take_along_dim(x.argsort(1), 1),
    'unflatten': lambda x: x.unflatten(1, (2, 2)), 'full': lambda x: nbtorch.full((2,), 1.5),
    'full_like': lambda x: nbtorch.full_like(x, 1.5), 'range': lambda x: nbtorch.range(0, 3),
    'dstack': lambda x: nbtorch.dstack([x, x]),
}
FUNC_SPECIAL = {   # torch.fn(*args(x))
    'bmm': lambda x: (x.reshape(1, 3, 4), x.reshape(1, 4, 3)), 'dot': lambda x: (x[0], x[1]),
    'inner': lambda x: (x[0], x[1]), 'take_along_dim': lambda x: (x, x.argsort(1), 1),
    'unflatten': lambda x: (x, 1, (2, 2)),
    'det': lambda x: (x[:, :3],), 'inverse': lambda x: (x[:, :3],), 'logdet': lambda x: (x[:, :3],),
    'slogdet': lambda x: (x[:, :3],),
}
FLOAT_CREATORS = ['zeros', 'ones', 'empty', 'full', 'rand', 'randn', 'arange', 'linspace', 'logspace', 'eye',
                  'normal', 'zeros_like', 'ones_like', 'empty_like', 'full_like', 'rand_like', 'randn_like']


def _x(shape=(3, 4), rg=False, seed=0):
    a = np.random.default_rng(seed).uniform(0.1, 1.0, shape).astype(np.float32)
    return nbtorch.tensor(a, requires_grad=rg)


def _candidates():
    y = _x(seed=1)
    idx = nbtorch.tensor([[0, 1, 2, 0], [1, 0, 2, 1], [2, 2, 0, 1]])
    mask = _x(seed=2) > 0.5
    return [(), (y,), (1,), (0.5,), (-1,), (0, 1), (y, y), (y, 0.5), ((3, 4),), (12,), (1, 2), (mask,),
            (mask, 0.5), (1, idx), (1, idx, y), (1, nbtorch.tensor([0, 2])), (1, 0, 2), ([1, 2],), ((4, 3),),
            (2, 1), (1, 1, 2), (np.float64(1.5),), (0.1, 0.9), (y.t(),), (2, 0, 1), ((0, 1),), (nbtorch.ones(4),)]


def _names():
    methods = sorted(n for n in dir(nbtorch.Tensor) if not n.startswith('_') and n not in SKIP)
    # is_* are predicates (is_tensor, is_grad_enabled, is_anomaly_enabled, ...): they return bools
    funcs = sorted(n for n in dir(nbtorch) if not n.startswith(('_', 'is_')) and callable(getattr(nbtorch, n))
                   and not isinstance(getattr(nbtorch, n), type) and n not in SKIP)
    return methods, funcs


def _tensors(out):
    if isinstance(out, nbtorch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _tensors(o)]
    return []


def _call(fn_of_x):
    """Call with the first candidate argument list that works; return (outputs, x) or None."""
    for args in _candidates():
        for rg in (True, False):
            x = _x(rg=rg)
            try:
                out = fn_of_x(x, args)
            except Exception:  # noqa: BLE001  the walk tries argument lists until one fits
                continue
            return out, x
    return None


def _check(name, res):
    out, x = res
    for t in _tensors(out):
        assert t.dtype != nbtorch.float64, f"{name} gave a float64 output from float32 inputs"
        assert t._data.dtype != np.float64, f"{name}: float64 array inside a {t.dtype} tensor"
    floats = [t for t in _tensors(out) if t.requires_grad and t.dtype.is_floating_point]
    if floats and x.requires_grad:
        grads = nbtorch.autograd.grad([t.sum() for t in floats], [x], allow_unused=True)
        if grads[0] is not None:
            assert grads[0].dtype == nbtorch.float32, f"{name}: gradient is {grads[0].dtype}"
            assert grads[0]._data.dtype == np.float32, f"{name}: gradient array is {grads[0]._data.dtype}"


METHODS, FUNCS = _names()


@pytest.mark.parametrize('name', METHODS)
def test_every_tensor_method_keeps_float32(name):
    attr = getattr(nbtorch.Tensor, name)
    if name in SPECIAL:
        res = _call(lambda x, args: SPECIAL[name](x))
    elif isinstance(attr, property):
        res = _call(lambda x, args: getattr(x, name) if not args else (_ for _ in ()).throw(TypeError()))
    elif name.endswith('_'):   # in place: on a tensor that does not require grad
        res = _call(lambda x, args: getattr(x.detach().clone(), name)(*args))
    else:
        res = _call(lambda x, args: getattr(x, name)(*args))
    assert res is not None, f"Tensor.{name} accepted none of the argument lists: add it to SKIP with a reason"
    _check(f"Tensor.{name}", res)


@pytest.mark.parametrize('name', FUNCS)
def test_every_torch_function_keeps_float32(name):
    fn = getattr(nbtorch, name)
    if name in FUNC_SPECIAL:
        res = _call(lambda x, args: fn(*FUNC_SPECIAL[name](x)))
    elif name in SPECIAL:
        res = _call(lambda x, args: SPECIAL[name](x))
    elif name in FLOAT_CREATORS:
        res = _call(lambda x, args: fn(x) if name.endswith('_like') else fn(*(args or (3,))))
    elif name in ('cat', 'stack', 'hstack', 'vstack', 'dstack', 'column_stack', 'concat', 'concatenate',
                  'meshgrid', 'broadcast_tensors', 'block_diag', 'cartesian_prod'):
        res = _call(lambda x, args: fn([x, x.detach() * 2]))
    elif name == 'einsum':
        res = _call(lambda x, args: fn('ij,kj->ik', x, x))
    else:
        res = _call(lambda x, args: fn(x, *args))
    assert res is not None, f"nbtorch.{name} accepted none of the argument lists: add it to SKIP with a reason"
    _check(f"nbtorch.{name}", res)


NUMPY_SCALARS = [np.float64(1.5), np.float32(1.5), np.int64(2), np.float16(0.5), np.bool_(True)]


@pytest.mark.parametrize('s', NUMPY_SCALARS, ids=repr)
def test_numpy_scalars_do_not_promote(s):
    x = _x(rg=True)
    outs = [x + s, s + x, x - s, s - x, x * s, s * x, x / s, s / x, x ** s, s ** x, x % s, x // s,
            x.clamp(min=s), x.clamp(max=s), x.maximum(nbtorch.tensor(s)), nbtorch.where(x > 0.5, x, s),
            x.masked_fill(x > 0.5, s), x.add(x, alpha=s), x.lerp(x * 2, s), x.pow(s), x.div(s)]
    for i, o in enumerate(outs):
        assert o.dtype == nbtorch.float32 and o._data.dtype == np.float32, (i, o.dtype, o._data.dtype)


def test_creators_default_to_float32():
    for name in FLOAT_CREATORS:
        fn = getattr(nbtorch, name)
        args = {'full': ((3,), 1.5), 'arange': (0.0, 3.0), 'linspace': (0, 1, 3), 'logspace': (0, 1, 3),
                'normal': (0.0, 1.0, (3,))}.get(name, (3, 3))
        out = (fn(_x(), 1.5) if name == 'full_like' else fn(_x())) if name.endswith('_like') else fn(*args)
        assert out.dtype == nbtorch.float32, name
    assert nbtorch.tensor([1.0, 2.0]).dtype == nbtorch.float32
    import torch   # numpy float64 data stays float64 in torch.tensor (torch's rule), mixed lists do not
    for data in (np.float64(1.0), [np.float64(1.0)], [np.float32(1.0), 2.0], [1.0, np.float32(2)]):
        assert str(nbtorch.tensor(data).dtype) == str(torch.tensor(data).dtype), data


def test_nn_functional_keeps_float32():
    F = nbtorch.nn.functional
    x = _x((2, 3, 8, 8), rg=True)
    w = _x((4, 3, 3, 3), rg=True)
    outs = [F.conv2d(x, w, padding=1), F.max_pool2d(x, 2), F.avg_pool2d(x, 2), F.relu(x), F.gelu(x),
            F.softmax(x, 1), F.log_softmax(x, 1), F.dropout(x, 0.5), F.batch_norm(x, None, None, training=True),
            F.layer_norm(x, (8,)), F.mse_loss(x, x.detach() * 0.5), F.cross_entropy(x.mean((2, 3)), nbtorch.tensor([0, 2])),
            F.binary_cross_entropy_with_logits(x, x.detach()), F.linear(x, _x((5, 8)))]
    for i, o in enumerate(outs):
        assert o.dtype == nbtorch.float32 and o._data.dtype == np.float32, i
        g, = nbtorch.autograd.grad(o.sum(), [x])
        assert g._data.dtype == np.float32, i
