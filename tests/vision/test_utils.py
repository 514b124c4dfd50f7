"""make_grid / save_image: torchvision's layout, checked with an independent NumPy tiling."""
import numpy as np
import pytest
from PIL import Image

import nbtorch
from nbtorch.vision import utils as vutils
from tests.helpers import to_np

RS = np.random.RandomState(0)


def numpy_grid(batch, nrow, padding, pad_value):
    """Tile (B, C, H, W) row by row: cell k at row k // ncols, column k % ncols, `padding` pixels apart."""
    b, c, h, w = batch.shape
    ncols = min(nrow, b)
    nrows = -(-b // ncols)
    out = np.full((c, nrows * (h + padding) + padding, ncols * (w + padding) + padding), pad_value, batch.dtype)
    for k in range(b):
        r, col = divmod(k, ncols)
        y, x = padding + r * (h + padding), padding + col * (w + padding)
        out[:, y:y + h, x:x + w] = batch[k]
    return out


@pytest.mark.parametrize("n,nrow,padding", [(10, 4, 2), (3, 8, 0), (8, 8, 1), (7, 3, 3)])
def test_make_grid_layout(n, nrow, padding):
    a = RS.rand(n, 3, 4, 5).astype(np.float32)
    g = vutils.make_grid(nbtorch.from_numpy(a), nrow=nrow, padding=padding, pad_value=0.5)
    assert g.dtype == nbtorch.float32
    np.testing.assert_array_equal(to_np(g), numpy_grid(a, nrow, padding, np.float32(0.5)))


def test_make_grid_gray_list_and_single():
    a = RS.rand(5, 1, 4, 4).astype(np.float32)
    g = vutils.make_grid(nbtorch.from_numpy(a), nrow=2)        # 1 channel -> repeated to 3
    assert tuple(g.shape) == (3, 3 * 6 + 2, 2 * 6 + 2)
    np.testing.assert_array_equal(to_np(g), numpy_grid(np.repeat(a, 3, 1), 2, 2, 0.0))
    lst = [nbtorch.from_numpy(x) for x in RS.rand(3, 3, 2, 2).astype(np.float32)]
    assert tuple(vutils.make_grid(lst).shape) == (3, 6, 14)
    single = nbtorch.from_numpy(a[0])
    out = vutils.make_grid(single)                             # a single image comes back unpadded
    assert tuple(out.shape) == (3, 4, 4)
    u8 = nbtorch.from_numpy(RS.randint(0, 256, (2, 3, 2, 2)).astype(np.uint8))
    assert vutils.make_grid(u8, pad_value=255).dtype == nbtorch.uint8
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        vutils.make_grid(np.zeros((2, 3, 4, 4)))


def test_make_grid_normalize():
    a = (RS.rand(4, 3, 3, 3) * 10 - 5).astype(np.float32)
    a[1] += 20
    g = vutils.make_grid(nbtorch.from_numpy(a), nrow=4, padding=0, normalize=True)
    exp = (a - a.min()) / (a.max() - a.min())
    np.testing.assert_allclose(to_np(g), numpy_grid(exp, 4, 0, 0.0), rtol=1e-5, atol=1e-6)
    g = vutils.make_grid(nbtorch.from_numpy(a), nrow=4, padding=0, normalize=True, scale_each=True)
    each = np.stack([(x - x.min()) / (x.max() - x.min()) for x in a])
    np.testing.assert_allclose(to_np(g), numpy_grid(each, 4, 0, 0.0), rtol=1e-5, atol=1e-6)
    g = vutils.make_grid(nbtorch.from_numpy(a), nrow=4, padding=0, normalize=True, value_range=(-1, 1))
    np.testing.assert_allclose(to_np(g), numpy_grid((np.clip(a, -1, 1) + 1) / 2, 4, 0, 0.0), rtol=1e-6)
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        vutils.make_grid(nbtorch.from_numpy(a), normalize=True, value_range=[0, 1])
    src = nbtorch.from_numpy(a.copy())
    vutils.make_grid(src, normalize=True)
    np.testing.assert_array_equal(to_np(src), a)               # input untouched


def test_save_image(tmp_path):
    a = RS.rand(6, 3, 5, 5).astype(np.float32)
    path = tmp_path / "grid.png"
    vutils.save_image(nbtorch.from_numpy(a), str(path), nrow=3, padding=1)
    img = np.asarray(Image.open(path))
    grid = numpy_grid(a, 3, 1, np.float32(0))
    exp = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(img, exp)
    vutils.save_image(nbtorch.from_numpy(a[:1, :1]), str(tmp_path / "one.png"))
    assert Image.open(tmp_path / "one.png").size == (5, 5)
