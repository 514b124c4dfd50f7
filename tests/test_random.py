"""Seeded random numbers must be torch's CPU numbers (same generator, same transforms)."""
import numpy as np
import pytest
import torch

import nbtorch

SEEDS = [0, 1, 42, 2 ** 31 + 7, -3]
SHAPES = [(3,), (2, 3), (15,), (16,), (17,), (100,), (5, 7, 3), (1000,)]


def both(fn, seed=0):
    """Run fn(lib) after lib.manual_seed(seed) in torch and nbtorch; return both results as numpy."""
    torch.manual_seed(seed)
    a = fn(torch)
    nbtorch.manual_seed(seed)
    b = fn(nbtorch)
    return a, b


def assert_same(a, b, atol=0.0):
    assert str(a.dtype) == str(b.dtype)
    assert tuple(a.shape) == tuple(b.shape)
    an, bn = a.detach().numpy(), b.detach().numpy()
    if atol:
        np.testing.assert_allclose(bn, an, rtol=0, atol=atol)
    else:
        np.testing.assert_array_equal(bn, an)


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('shape', SHAPES)
def test_rand(seed, shape):
    assert_same(*both(lambda T: T.rand(*shape), seed))
    assert_same(*both(lambda T: T.rand(shape, dtype=T.float64), seed))


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('shape', SHAPES)
def test_randn(seed, shape):
    # float32 randn of >= 16 elements uses SIMD log/sin/cos in torch: equal up to one float32 ulp
    assert_same(*both(lambda T: T.randn(*shape), seed), atol=1e-6)
    assert_same(*both(lambda T: T.randn(shape, dtype=T.float64), seed), atol=1e-12)


def test_randn_consecutive_calls_share_cached_normal():
    # the scalar Box-Muller path caches its second sample in the generator between calls
    a, b = both(lambda T: T.cat([T.randn(3), T.randn(1), T.randn(2, 2).reshape(-1), T.randn(20), T.randn(5)]))
    assert_same(a, b, atol=1e-6)


@pytest.mark.parametrize('lo, hi', [(0, 1), (-2, 3), (0.1, 0.7), (-1 / 3, 1 / 3)])
@pytest.mark.parametrize('dtype', ['float32', 'float64', 'float16'])
def test_uniform_(lo, hi, dtype):
    assert_same(*both(lambda T: T.empty(500, dtype=getattr(T, dtype)).uniform_(lo, hi)))


@pytest.mark.parametrize('mean, std', [(0.0, 1.0), (2.0, 3.0), (-1.0, 0.01)])
@pytest.mark.parametrize('n', [5, 16, 40])
def test_normal_(mean, std, n):
    assert_same(*both(lambda T: T.empty(n).normal_(mean, std)), atol=1e-5 * max(1.0, std))
    assert_same(*both(lambda T: T.empty(n, dtype=T.float64).normal_(mean, std)), atol=1e-12)


def test_normal_signatures():
    assert_same(*both(lambda T: T.normal(2.0, 3.0, size=(2, 5))), atol=1e-5)
    assert_same(*both(lambda T: T.normal(2, 3, (40,))), atol=1e-5)
    mean = np.linspace(-2, 2, 20).astype(np.float32)
    std = np.linspace(0.1, 2, 20).astype(np.float32)
    assert_same(*both(lambda T: T.normal(T.tensor(mean), T.tensor(std))), atol=1e-5)
    assert_same(*both(lambda T: T.normal(T.tensor(mean), 0.5)), atol=1e-5)
    assert_same(*both(lambda T: T.normal(1.0, T.tensor(std))), atol=1e-5)
    assert_same(*both(lambda T: T.normal(T.tensor(mean[:5]))), atol=1e-5)


@pytest.mark.parametrize('seed', SEEDS)
def test_randint(seed):
    assert_same(*both(lambda T: T.randint(10, (3,)), seed))
    assert_same(*both(lambda T: T.randint(10, size=(4, 2)), seed))
    assert_same(*both(lambda T: T.randint(-5, 5, (2, 3)), seed))
    assert_same(*both(lambda T: T.randint(0, 2 ** 40, (6,)), seed))              # > 32-bit range: random64
    assert_same(*both(lambda T: T.randint(0, 7, (6,), dtype=T.int32), seed))
    assert_same(*both(lambda T: T.randint(0, 7, (6,), dtype=T.float32), seed))
    assert_same(*both(lambda T: T.randint_like(T.zeros(3, 2), 4), seed))


@pytest.mark.parametrize('dtype', ['int64', 'int32', 'int16', 'int8', 'uint8', 'bool', 'float32', 'float64',
                                   'float16'])
def test_random_(dtype):
    assert_same(*both(lambda T: T.empty(50, dtype=getattr(T, dtype)).random_()))
    if dtype != 'bool':
        assert_same(*both(lambda T: T.empty(50, dtype=getattr(T, dtype)).random_(3, 9)))
        assert_same(*both(lambda T: T.empty(50, dtype=getattr(T, dtype)).random_(5)))


@pytest.mark.parametrize('n', [0, 1, 2, 5, 10, 100, 1000, 5000, 70000])
@pytest.mark.parametrize('seed', [0, 3])
def test_randperm(n, seed):
    assert_same(*both(lambda T: T.randperm(n), seed))


def test_randperm_dtype():
    assert_same(*both(lambda T: T.randperm(6, dtype=T.float32)))


def test_bernoulli_scalar_p():
    # torch uses MKL's generator for bernoulli_(float) on Intel CPUs only; compare there by distribution
    import platform
    a, b = both(lambda T: T.empty(1000).bernoulli_(0.3))
    if 'Intel' in (platform.processor() or '') or _intel_cpu():
        assert abs(b.mean().item() - 0.3) < 0.05
    else:
        assert_same(a, b)


def _intel_cpu():
    try:
        with open('/proc/cpuinfo') as f:
            return 'GenuineIntel' in f.read(4096)
    except OSError:
        return False


def test_bernoulli_tensor_p():
    p = np.random.default_rng(0).random((20, 30)).astype(np.float32)
    assert_same(*both(lambda T: T.bernoulli(T.tensor(p))))
    assert_same(*both(lambda T: T.bernoulli(T.tensor(p, dtype=T.float64))))


def test_exponential_and_multinomial():
    p = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.0, 0.25, 0.25]], np.float32)
    assert_same(*both(lambda T: T.empty(30).exponential_(2.0)))
    assert_same(*both(lambda T: T.multinomial(T.tensor(p), 1)))
    assert_same(*both(lambda T: T.multinomial(T.tensor(p), 3)))
    assert_same(*both(lambda T: T.multinomial(T.tensor(p[0]), 10, replacement=True)))


def test_generator_argument_and_isolation():
    g_t = torch.Generator().manual_seed(123)
    g_n = nbtorch.Generator().manual_seed(123)
    assert_same(torch.rand(5, generator=g_t), nbtorch.rand(5, generator=g_n))
    assert_same(torch.randn(20, generator=g_t), nbtorch.randn(20, generator=g_n), atol=1e-6)
    assert_same(torch.randperm(7, generator=g_t), nbtorch.randperm(7, generator=g_n))
    assert_same(torch.randint(0, 9, (4,), generator=g_t), nbtorch.randint(0, 9, (4,), generator=g_n))
    # a private generator leaves the global one alone
    nbtorch.manual_seed(5)
    x = nbtorch.rand(3)
    nbtorch.manual_seed(5)
    nbtorch.rand(3, generator=nbtorch.Generator().manual_seed(9))
    assert np.array_equal(nbtorch.rand(3).numpy(), x.numpy())


def test_fresh_generator_default_seed():
    assert nbtorch.Generator().initial_seed() == torch.Generator().initial_seed()
    assert_same(torch.rand(4, generator=torch.Generator()), nbtorch.rand(4, generator=nbtorch.Generator()))


def test_rng_state_round_trip_and_torch_compatible():
    nbtorch.manual_seed(0)
    nbtorch.randn(3)                       # leaves a cached normal sample in the state
    state = nbtorch.get_rng_state()
    torch.manual_seed(0)
    torch.randn(3)
    t_state = torch.get_rng_state()
    assert state.dtype == nbtorch.uint8 and tuple(state.shape) == (5056,)
    assert np.array_equal(state.numpy(), t_state.numpy())          # byte-for-byte torch's state
    a = nbtorch.randn(5)
    nbtorch.set_rng_state(state)
    assert np.array_equal(nbtorch.randn(5).numpy(), a.numpy())
    # a state taken from torch continues torch's stream
    nbtorch.set_rng_state(nbtorch.from_numpy(torch.get_rng_state().numpy()))
    assert_same(torch.rand(4), nbtorch.rand(4))


def test_fork_rng_restores_state():
    nbtorch.manual_seed(1)
    with nbtorch.random.fork_rng():
        nbtorch.rand(10)
    a = nbtorch.rand(2)
    nbtorch.manual_seed(1)
    assert np.array_equal(a.numpy(), nbtorch.rand(2).numpy())


@pytest.mark.parametrize('seed', [0, 7, -1, 2 ** 32 + 5, 2 ** 64 - 1])
def test_initial_seed(seed):
    assert nbtorch.manual_seed(seed).initial_seed() == torch.manual_seed(seed).initial_seed()
    assert nbtorch.initial_seed() == torch.initial_seed()
    assert_same(torch.rand(3), nbtorch.rand(3))


def test_seed_is_random_and_recorded():
    s1 = nbtorch.seed()
    s2 = nbtorch.seed()
    assert s1 != s2 and nbtorch.initial_seed() == s2
    assert 0 <= s2 < 2 ** 64


def test_errors_match_torch():
    for fn in (lambda T: T.rand(2, dtype=T.int64), lambda T: T.randn(2, dtype=T.int64),
               lambda T: T.randint(5, 3, (2,)), lambda T: T.normal(0.0, -1.0, size=(2,)),
               lambda T: T.normal(0.0, 1.0), lambda T: T.randint(5),
               lambda T: T.bernoulli(T.tensor([1, 0]))):
        with pytest.raises(Exception) as et:
            fn(torch)
        with pytest.raises(et.type) as en:
            fn(nbtorch)
        assert str(en.value).split('\n')[0] == str(et.value).split('\n')[0]


def test_nn_style_init_matches_torch():
    # kaiming_uniform_-style bounds on a weight: what nn.Linear does at construction
    bound = 1 / np.sqrt(3)
    assert_same(*both(lambda T: T.empty(2, 3).uniform_(-bound, bound)))
    assert_same(*both(lambda T: T.empty(64, 32).uniform_(-bound, bound)))


@pytest.mark.parametrize('make', [
    lambda nn: nn.Linear(3, 2),
    lambda nn: nn.Linear(64, 10),
    lambda nn: nn.Conv2d(3, 4, 3),
    lambda nn: nn.Embedding(10, 4),
], ids=['linear-small', 'linear', 'conv2d', 'embedding'])
def test_seeded_layers_initialise_to_torchs_weights(make):
    nn = pytest.importorskip('nbtorch.nn')
    torch.manual_seed(0)
    ref = make(torch.nn)
    nbtorch.manual_seed(0)
    ours = make(nn)
    for (name, p_t), (name_n, p_n) in zip(ref.named_parameters(), ours.named_parameters()):
        assert name == name_n
        np.testing.assert_allclose(p_n.detach().numpy(), p_t.detach().numpy(), rtol=0, atol=1e-6)


def test_random_sampler_style_shuffle():
    # torch.utils.data.RandomSampler: a 64-bit seed from random_(), then randperm with a new Generator
    def shuffle(T):
        seed = int(T.empty((), dtype=T.int64).random_().item())
        return T.randperm(50, generator=T.Generator().manual_seed(seed))
    assert_same(*both(shuffle, 3))


def test_generator_prints_like_torch_and_pickles():
    import pickle
    pretty = pytest.importorskip('IPython.lib.pretty').pretty
    assert pretty(nbtorch.manual_seed(0)).split(' at ')[0] == pretty(torch.manual_seed(0)).split(' at ')[0]
    g = nbtorch.Generator().manual_seed(11)
    nbtorch.rand(3, generator=g)
    g2 = pickle.loads(pickle.dumps(g))
    assert np.array_equal(nbtorch.rand(4, generator=g2).numpy(), nbtorch.rand(4, generator=g).numpy())


def test_bernoulli_inplace_with_tensor_p():
    p = np.array([0.1, 0.9, 0.5, 0.5, 0.2, 0.7], np.float32)
    assert_same(*both(lambda T: T.empty(6).bernoulli_(T.tensor(p))))


@pytest.mark.skipif(_intel_cpu(), reason="torch draws bernoulli_(float) from MKL's generator on Intel CPUs")
def test_dropout_masks_match_torch():
    pytest.importorskip('nbtorch.nn')
    assert_same(*both(lambda T: T.nn.functional.dropout(T.ones(40), 0.5)))
    assert_same(*both(lambda T: T.nn.Dropout(0.3)(T.ones(4, 6))))
