import numpy as np
import pytest

import nbtorch as torch
from nbtorch.widgets import Playground
from nbtorch.widgets._base import unpack

nn = pytest.importorskip('nbtorch.nn')


def _setup(lr=0.5):
    torch.manual_seed(0)
    X = torch.randn(200, 2)
    y = ((X[:, 0] * X[:, 1]) > 0).long()
    net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    return X, y, net, opt


def test_ticks_train_and_redraw(record):
    X, y, net, opt = _setup()
    pg = Playground(net, (X, y), nn.CrossEntropyLoss(), opt)
    comm = record(pg)
    before = unpack(pg.boundary['cls']).copy()
    for _ in range(150):
        pg._on_front_msg(pg, {'type': 'tick'}, [])
    assert pg.step_count == 150
    assert [m for m, _ in comm.custom('tock')][-1] == {'type': 'tock', 'step': 150}
    assert pg.accuracy > 0.9                               # XOR-like data is learnt
    assert not np.array_equal(before, unpack(pg.boundary['cls']))
    assert pg.curves.history('loss')[0].tolist() == list(range(1, 151))
    assert pg.grads.steps == 150


def test_lr_slider_sets_optimizer_lr():
    X, y, net, opt = _setup(lr=0.1)
    pg = Playground(net, (X, y), nn.CrossEntropyLoss(), opt)
    assert pg.lr == 0.1
    pg.lr = 0.003
    assert opt.param_groups[0]['lr'] == 0.003


def test_binary_logit_model_and_errors():
    torch.manual_seed(0)
    X = torch.randn(50, 2)
    y = (X[:, 0] > 0).float().unsqueeze(1)
    net = nn.Linear(2, 1)
    pg = Playground(net, (X, y), nn.BCEWithLogitsLoss(), torch.optim.SGD(net.parameters(), lr=1.0))
    pg.train(50)
    assert pg.accuracy > 0.9 and set(np.unique(unpack(pg.boundary['cls']))) <= {0, 1}
    assert repr(pg).startswith('Playground(points=50, steps=50, loss=')
    with pytest.raises(ValueError, match='2-D inputs'):
        Playground(net, (torch.randn(5, 3), y[:5]), nn.BCEWithLogitsLoss(), torch.optim.SGD(net.parameters(), lr=1))
