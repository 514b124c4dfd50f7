"""nbtorch.save / nbtorch.load: round trips, interchange with real torch.save/torch.load, safetensors."""
import collections
import io
import pickle

import numpy as np
import pytest
import torch

import nbtorch
from helpers import to_np


def nb_state():
    rs = np.random.RandomState(0)
    sd = collections.OrderedDict()
    sd['w'] = nbtorch.tensor(rs.randn(3, 4).astype(np.float32))
    sd['b'] = nbtorch.arange(5)
    sd['h'] = nbtorch.tensor(rs.randn(2).astype(np.float16))
    sd['d'] = nbtorch.tensor(rs.randn(2, 2))                       # float64
    sd['i32'] = nbtorch.tensor(np.arange(3, dtype=np.int32))
    sd['u8'] = nbtorch.tensor(np.arange(3, dtype=np.uint8))
    sd['mask'] = nbtorch.tensor([True, False])
    sd['scalar'] = nbtorch.tensor(3.5)
    sd['empty'] = nbtorch.zeros(0, 3)
    sd['view'] = nbtorch.arange(12.0).reshape(3, 4)[:, 1]          # non-contiguous
    return sd


def same_value(a, b):
    """An nbtorch and a torch (or two nbtorch) objects hold the same data."""
    if isinstance(a, (nbtorch.Tensor, torch.Tensor)):
        assert isinstance(b, (nbtorch.Tensor, torch.Tensor))
        assert str(a.dtype).split('.')[-1] == str(b.dtype).split('.')[-1]
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(to_np(a), to_np(b))
        assert a.requires_grad == b.requires_grad
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            same_value(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            same_value(x, y)
    else:
        assert a == b and type(a) is type(b)


def nested():
    sd = nb_state()
    return {'model': sd, 'epoch': 7, 'lr': 0.01, 'name': 'net', 'flag': True, 'nothing': None,
            'history': [0.5, 0.25, (1, 2)], 'raw': b'\x00\xff', 'grad': nbtorch.ones(2, requires_grad=True)}


def test_round_trip_file_and_buffer(tmp_path):
    obj = nested()
    nbtorch.save(obj, tmp_path / 'ckpt.pt')
    same_value(nbtorch.load(tmp_path / 'ckpt.pt'), obj)
    buf = io.BytesIO()
    nbtorch.save(obj, buf)
    buf.seek(0)
    back = nbtorch.load(buf)
    same_value(back, obj)
    assert isinstance(back['model'], collections.OrderedDict)


def test_loaded_tensors_are_writable_and_independent(tmp_path):
    t = nbtorch.arange(4.0)
    nbtorch.save(t, tmp_path / 't.pt')
    u = nbtorch.load(tmp_path / 't.pt')
    u += 1
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0] and u.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_shared_tensors_stay_shared(tmp_path):
    w = nbtorch.ones(3)
    nbtorch.save({'a': w, 'b': w}, tmp_path / 's.pt')
    back = nbtorch.load(tmp_path / 's.pt')
    assert back['a'] is back['b']
    tback = torch.load(tmp_path / 's.pt', weights_only=True)
    assert tback['a'] is tback['b']


def test_real_torch_reads_nbtorch_files(tmp_path):
    obj = nested()
    nbtorch.save(obj, tmp_path / 'nb.pt')
    th = torch.load(tmp_path / 'nb.pt', weights_only=True)
    same_value(obj, th)
    assert type(th['model']) is collections.OrderedDict


def test_nbtorch_reads_real_torch_files(tmp_path):
    g = torch.Generator().manual_seed(0)
    obj = {'w': torch.randn(3, 4, generator=g), 'view': torch.arange(10.0)[2:9:3], 'b': torch.arange(3),
           'h': torch.ones(2, dtype=torch.float16), 'mask': torch.tensor([True]), 'x': [1, 2.5, 'a', None],
           't': (torch.zeros(2, 2).t(), 3), 'scalar': torch.tensor(2.0, dtype=torch.float64),
           'rg': torch.ones(2, requires_grad=True), 'bytes': b'ab'}
    torch.save(obj, tmp_path / 'th.pt')
    same_value(nbtorch.load(tmp_path / 'th.pt'), obj)
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    same_value(nbtorch.load(buf), obj)


def test_real_torch_module_state_dict_and_metadata(tmp_path):
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    torch.save(net.state_dict(), tmp_path / 'net.pt')
    sd = nbtorch.load(tmp_path / 'net.pt')
    assert list(sd) == list(net.state_dict())
    assert sd._metadata == net.state_dict()._metadata
    same_value(sd, net.state_dict())
    # and back: what we load, we save again, and torch loads it into the module
    nbtorch.save(sd, tmp_path / 'again.pt')
    net2 = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    net2.load_state_dict(torch.load(tmp_path / 'again.pt', weights_only=True))
    same_value(net2.state_dict(), net.state_dict())


def test_parameters_round_trip(tmp_path):
    p = torch.nn.Parameter(torch.ones(2, 2))
    torch.save({'p': p}, tmp_path / 'p.pt')
    back = nbtorch.load(tmp_path / 'p.pt')['p']
    assert type(back).__name__ == 'Parameter' and back.requires_grad
    nbtorch.save({'p': back}, tmp_path / 'p2.pt')
    assert isinstance(torch.load(tmp_path / 'p2.pt', weights_only=True)['p'], torch.nn.Parameter)


def test_optimizer_state_round_trip_with_torch(tmp_path):
    tp = [torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.zeros(2))]
    topt = torch.optim.Adam(tp, lr=0.1)
    (tp[0].sum() + (tp[1] ** 2).sum()).backward()
    topt.step()
    torch.save(topt.state_dict(), tmp_path / 'opt.pt')
    sd = nbtorch.load(tmp_path / 'opt.pt')
    params = [nbtorch.ones(3, requires_grad=True), nbtorch.zeros(2, requires_grad=True)]
    opt = nbtorch.optim.Adam(params, lr=0.1)
    opt.load_state_dict(sd)
    assert opt.state_dict()['param_groups'] == topt.state_dict()['param_groups']
    nbtorch.save(opt.state_dict(), tmp_path / 'opt2.pt')
    topt.load_state_dict(torch.load(tmp_path / 'opt2.pt', weights_only=True))
    same_value(opt.state_dict()['state'], topt.state_dict()['state'])


def test_map_location(tmp_path):
    nbtorch.save({'w': nbtorch.ones(2)}, tmp_path / 'm.pt')
    for loc in (None, 'cpu', nbtorch.device('cpu'), {'cpu': 'cpu'}):
        assert nbtorch.load(tmp_path / 'm.pt', map_location=loc)['w'].device.type == 'cpu'


@pytest.mark.skipif(nbtorch.cuda.is_available(), reason="checks the error raised on a machine without CUDA")
def test_cuda_checkpoint_without_cuda_names_map_location(tmp_path):
    raw = io.BytesIO()
    nbtorch.save(nbtorch.ones(2), raw)
    import zipfile
    raw.seek(0)
    with zipfile.ZipFile(raw) as zf:
        recs = {n: zf.read(n) for n in zf.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as zf:
        for n, data in recs.items():
            zf.writestr(n, data.replace(b'X\x03\x00\x00\x00cpu', b'X\x06\x00\x00\x00cuda:0')
                        if n.endswith('data.pkl') else data)
    out.seek(0)
    with pytest.raises(RuntimeError, match="map_location"):
        nbtorch.load(out)
    out.seek(0)
    assert nbtorch.load(out, map_location='cpu').tolist() == [1.0, 1.0]


def test_plain_pickle_of_plain_data_is_read(tmp_path):
    (tmp_path / 'plain.pkl').write_bytes(pickle.dumps({'a': [1, 2.0, 'x', None, (True,)]}))
    assert nbtorch.load(tmp_path / 'plain.pkl') == {'a': [1, 2.0, 'x', None, (True,)]}


def test_legacy_torch_format_is_refused_clearly(tmp_path):
    torch.save({'w': torch.ones(2)}, tmp_path / 'old.pt', _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy format"):
        nbtorch.load(tmp_path / 'old.pt')


# ---------------------------------------------------------------- safetensors
def test_safetensors_round_trip(tmp_path):
    sd = {k: v for k, v in nb_state().items() if k != 'view'}
    sd['view'] = nb_state()['view']
    nbtorch.serialization.save_file(sd, tmp_path / 'a.safetensors', metadata={'format': 'pt'})
    back = nbtorch.serialization.load_file(tmp_path / 'a.safetensors')
    for k in sd:
        same_value(back[k], sd[k])
    nbtorch.save(sd, str(tmp_path / 'b.safetensors'))
    back = nbtorch.load(str(tmp_path / 'b.safetensors'))
    for k in sd:
        same_value(back[k], sd[k])


def test_safetensors_rejects_non_tensor_dicts(tmp_path):
    with pytest.raises(TypeError, match="flat dict"):
        nbtorch.save({'a': {'nested': nbtorch.ones(1)}}, str(tmp_path / 'x.safetensors'))


def _copy_torch_weights_into_nb(net, nb_net):
    with torch.no_grad(), nbtorch.no_grad():
        for (k, v), (k2, v2) in zip(net.state_dict().items(), nb_net.state_dict().items()):
            assert k == k2
            v2.copy_(nbtorch.tensor(v.numpy()))


@pytest.mark.parametrize('fmt', ['safetensors', 'pt'])
def test_nbtorch_model_weights_load_into_real_torch_model(tmp_path, fmt):
    nn = pytest.importorskip('nbtorch.nn')
    nbtorch.manual_seed(0)
    nb_net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    path = str(tmp_path / f'w.{fmt}')
    nbtorch.save(nb_net.state_dict(), path)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    if fmt == 'safetensors':
        from safetensors.torch import load_file
        net.load_state_dict(load_file(path))
    else:
        net.load_state_dict(torch.load(path, weights_only=True))
    x = np.random.RandomState(1).randn(5, 4).astype(np.float32)
    np.testing.assert_allclose(net(torch.tensor(x)).detach().numpy(), to_np(nb_net(nbtorch.tensor(x))),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize('fmt', ['safetensors', 'pt'])
def test_real_torch_model_weights_load_into_nbtorch_model(tmp_path, fmt):
    nn = pytest.importorskip('nbtorch.nn')
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    path = str(tmp_path / f'w.{fmt}')
    if fmt == 'safetensors':
        from safetensors.torch import save_file
        save_file(net.state_dict(), path)
    else:
        torch.save(net.state_dict(), path)
    nb_net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    nb_net.load_state_dict(nbtorch.load(path))
    x = np.random.RandomState(1).randn(5, 4).astype(np.float32)
    np.testing.assert_allclose(net(torch.tensor(x)).detach().numpy(), to_np(nb_net(nbtorch.tensor(x))),
                               rtol=1e-6, atol=1e-6)


def test_pickle_and_copy_of_tensors_still_work():
    import copy
    t = nbtorch.arange(3.0).requires_grad_()
    u = pickle.loads(pickle.dumps(t))
    assert u.tolist() == [0.0, 1.0, 2.0] and u.requires_grad
    assert copy.deepcopy(t).tolist() == [0.0, 1.0, 2.0]


def test_sizes_dtypes_and_devices_interchange_with_torch(tmp_path):
    torch.save({'s': torch.Size([2, 3]), 'd': torch.float16, 'l': torch.long, 'dev': torch.device('cpu')},
               tmp_path / 't.pt')
    back = nbtorch.load(tmp_path / 't.pt')
    assert back == {'s': nbtorch.Size([2, 3]), 'd': nbtorch.float16, 'l': nbtorch.int64,
                    'dev': nbtorch.device('cpu')}
    assert type(back['s']) is nbtorch.Size
    nbtorch.save(back, tmp_path / 'n.pt')
    th = torch.load(tmp_path / 'n.pt', weights_only=True)
    assert th == {'s': torch.Size([2, 3]), 'd': torch.float16, 'l': torch.long, 'dev': torch.device('cpu')}
    assert type(th['s']) is torch.Size


def test_whole_module_pickles_are_refused_with_a_hint(tmp_path):
    """torch.save(model) pickles the class; like torch.load(weights_only=True), load refuses and says why."""
    torch.save(torch.nn.Linear(2, 2), tmp_path / 'model.pt')
    with pytest.raises(pickle.UnpicklingError, match="(?s)torch.nn.modules.linear.Linear.*state_dict"):
        nbtorch.load(tmp_path / 'model.pt')
