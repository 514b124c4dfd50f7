import numpy as np
import pytest

import nbtorch as torch
from nbtorch.utils.tensorboard import SummaryWriter
from nbtorch.widgets.image_board import make_grid, png_bytes


def test_scalars_go_to_curves():
    w = SummaryWriter()
    for i in range(5):
        w.add_scalar('Loss/train', 1.0 / (i + 1), i)
        w.add_scalars('Acc', {'train': i / 5, 'val': i / 6}, i)
    w.add_scalar('lr', 0.1)
    w.add_scalar('lr', 0.05)
    w.flush()
    c = w.curves
    assert c.history('Loss/train')[1].tolist() == [1.0, 0.5, 1 / 3, 0.25, 0.2]
    assert {m['name']: m['group'] for m in c.meta} == {'Loss/train': 'Loss', 'Acc/train': 'Acc', 'Acc/val': 'Acc',
                                                         'lr': 'lr'}
    assert c.history('lr')[0].tolist() == [0, 1]
    assert repr(w) == ("SummaryWriter(scalars=['Loss/train', 'Acc/train', 'Acc/val', 'lr'], images=[], "
                       "histograms=[])")
    assert w.log_dir.startswith('runs/')


def test_images_grid_png_roundtrip():
    PIL = pytest.importorskip('PIL.Image')
    import io
    w = SummaryWriter()
    imgs = torch.rand(6, 1, 4, 5)
    w.add_images('digits', imgs, 3)
    w.flush()
    im = w.board.images[0]
    assert im['tag'] == 'digits' and im['step'] == 3 and im['n'] == 6
    pic = np.asarray(PIL.open(io.BytesIO(bytes(im['png']))))
    expect = make_grid(imgs.numpy())
    assert pic.shape == expect.shape == (2 * 6 + 2, 3 * 7 + 2)
    np.testing.assert_array_equal(pic, expect)
    # the first image sits at (2, 2) in the grid, scaled to 0..255
    np.testing.assert_array_equal(pic[2:6, 2:7], (np.clip(imgs.numpy()[0, 0], 0, 1) * 255 + 0.5).astype(np.uint8))


def test_rgb_png_and_formats():
    PIL = pytest.importorskip('PIL.Image')
    import io
    a = (np.arange(2 * 3 * 3) % 256).astype(np.uint8).reshape(2, 3, 3)
    pic = np.asarray(PIL.open(io.BytesIO(png_bytes(np.stack([a[0], a[1], a[0]], -1)))))
    assert pic.shape == (3, 3, 3)
    w = SummaryWriter()
    w.add_image('one', torch.rand(4, 4, 3), dataformats='HWC')
    w.add_images('nhwc', torch.rand(2, 4, 4, 3), dataformats='NHWC')
    w.flush()
    assert [i['tag'] for i in w.board.images] == ['one', 'nhwc']
    with pytest.raises(ValueError, match='4-D'):
        w.add_images('bad', torch.rand(4, 4))


def test_histograms_bounded():
    w = SummaryWriter()
    for s in range(20):
        w.add_histogram('weights', torch.randn(200) + s, s)
    w.flush()
    h = w.board.histograms[0]
    assert h['tag'] == 'weights' and h['steps'] == list(range(12, 20))
    assert h['counts']['shape'] == [8, 30] and h['edges']['shape'] == [8, 31]


def test_display_bundle_and_escaping():
    payload = '<img src=x onerror=window.__pwned=1>'
    w = SummaryWriter()
    w.add_scalar(payload, 1.0, 0)
    w.add_text(payload, payload)
    w.add_images(payload, torch.rand(1, 1, 2, 2))
    bundle = w._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert 'application/vnd.jupyter.widget-view+json' in data
    assert '<img src=x' not in data['text/html']
    assert data['text/html'].count('&lt;img src=x onerror=window.__pwned=1&gt;') >= 3


def test_context_manager_and_add_graph():
    nn = pytest.importorskip('nbtorch.nn')
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    with SummaryWriter() as w:
        w.add_graph(net, torch.randn(4, 2))
        w.add_scalar('x', 1.0)
    assert w._graph is not None and len(w._graph.graph['nodes']) > 3
