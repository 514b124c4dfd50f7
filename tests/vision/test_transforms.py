"""nbtorch.vision.transforms against torchvision's documented behaviour.

PIL paths are checked against Pillow itself and NumPy; tensor paths against torch
(``torch.nn.functional.interpolate``/``grid_sample``, which torchvision calls).
"""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from PIL import Image

import nbtorch
from nbtorch.vision import transforms as T
from nbtorch.vision.transforms import functional as F
from nbtorch.vision.transforms import InterpolationMode
from tests.helpers import to_np

RS = np.random.RandomState(0)
RGB = RS.randint(0, 256, (30, 40, 3)).astype(np.uint8)     # H=30, W=40
GRAY = RS.randint(0, 256, (30, 40)).astype(np.uint8)


def pil_rgb():
    return Image.fromarray(RGB)


def pil_gray():
    return Image.fromarray(GRAY)


def nb(a):
    return nbtorch.from_numpy(np.ascontiguousarray(a))


def th(a):
    return torch.from_numpy(np.ascontiguousarray(a))


# ----------------------------------------------------------------------------- conversion
def test_to_tensor_pil_rgb_and_gray():
    x = T.ToTensor()(pil_rgb())
    assert x.dtype == nbtorch.float32 and tuple(x.shape) == (3, 30, 40)
    np.testing.assert_array_equal(to_np(x), RGB.transpose(2, 0, 1).astype(np.float32) / np.float32(255))
    g = T.ToTensor()(pil_gray())
    assert tuple(g.shape) == (1, 30, 40)
    np.testing.assert_array_equal(to_np(g)[0], GRAY.astype(np.float32) / np.float32(255))


def test_to_tensor_other_modes():
    ints = RS.randint(-1000, 1000, (5, 6)).astype(np.int32)
    x = F.to_tensor(Image.fromarray(ints, mode='I'))          # 'I' stays int32, not scaled
    assert x.dtype == nbtorch.int32
    np.testing.assert_array_equal(to_np(x)[0], ints)
    fl = RS.rand(5, 6).astype(np.float32)
    x = F.to_tensor(Image.fromarray(fl, mode='F'))
    assert x.dtype == nbtorch.float32
    np.testing.assert_array_equal(to_np(x)[0], fl)
    bw = Image.fromarray(GRAY > 128)                          # mode '1' -> 0.0 / 1.0
    assert bw.mode == '1'
    np.testing.assert_array_equal(to_np(F.to_tensor(bw))[0], (GRAY > 128).astype(np.float32))
    rgba = Image.fromarray(RS.randint(0, 256, (4, 5, 4)).astype(np.uint8))
    assert tuple(F.to_tensor(rgba).shape) == (4, 4, 5)


def test_to_tensor_ndarray():
    x = F.to_tensor(RGB)
    np.testing.assert_array_equal(to_np(x), RGB.transpose(2, 0, 1) / np.float32(255))
    f64 = RS.rand(4, 5, 2)                                    # non-uint8 arrays keep their dtype, no scaling
    y = F.to_tensor(f64)
    assert y.dtype == nbtorch.float64
    np.testing.assert_array_equal(to_np(y), f64.transpose(2, 0, 1))
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        F.to_tensor([1, 2])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions"):
        F.to_tensor(np.zeros((1, 2, 3, 4), np.uint8))


def test_pil_to_tensor_keeps_uint8():
    x = T.PILToTensor()(pil_rgb())
    assert x.dtype == nbtorch.uint8 and tuple(x.shape) == (3, 30, 40)
    np.testing.assert_array_equal(to_np(x), RGB.transpose(2, 0, 1))


def test_to_pil_image_roundtrip_and_modes():
    img = T.ToPILImage()(T.ToTensor()(pil_rgb()))
    assert img.mode == 'RGB' and img.size == (40, 30)
    np.testing.assert_array_equal(np.asarray(img), RGB)
    # float tensors are multiplied by 255 and truncated
    f = nbtorch.tensor([[[0.0, 0.5, 0.999, 1.0]]])
    np.testing.assert_array_equal(np.asarray(F.to_pil_image(f)), [[0, 127, 254, 255]])
    assert F.to_pil_image(nbtorch.zeros(2, 3, 4, dtype=nbtorch.uint8)).mode == 'LA'
    assert F.to_pil_image(nbtorch.zeros(4, 3, 4, dtype=nbtorch.uint8)).mode == 'RGBA'
    assert F.to_pil_image(nbtorch.zeros(3, 4, dtype=nbtorch.uint8)).mode == 'L'
    assert F.to_pil_image(nbtorch.zeros(1, 3, 4), mode='F').mode == 'F'
    assert F.to_pil_image(np.zeros((3, 4), np.int32)).mode == 'I'
    assert F.to_pil_image(np.zeros((3, 4, 3), np.uint8), mode='HSV').mode == 'HSV'
    with pytest.raises(ValueError, match="pic should not have > 4 channels. Got 5 channels"):
        F.to_pil_image(nbtorch.zeros(5, 3, 4))
    with pytest.raises(ValueError, match="Only modes"):
        F.to_pil_image(nbtorch.zeros(3, 3, 4, dtype=nbtorch.uint8), mode='RGBA')
    with pytest.raises(TypeError, match="pic should be Tensor or ndarray"):
        F.to_pil_image([1])
    assert repr(T.ToPILImage()) == "ToPILImage()" and repr(T.ToPILImage('L')) == "ToPILImage(mode=L)"


# ----------------------------------------------------------------------------- normalize
@pytest.mark.parametrize("mean,std", [((0.5,), (0.5,)), ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
def test_normalize_matches_torch(mean, std):
    a = RS.rand(2, 3, 5, 6).astype(np.float32)
    out = T.Normalize(mean, std)(nb(a))
    tm, ts = torch.as_tensor(mean, dtype=torch.float32), torch.as_tensor(std, dtype=torch.float32)
    ref = th(a).clone().sub_(tm.view(-1, 1, 1)).div_(ts.view(-1, 1, 1))
    assert out.dtype == nbtorch.float32
    np.testing.assert_allclose(to_np(out), ref.numpy(), rtol=1e-6, atol=1e-7)


def test_normalize_inplace_grad_and_errors():
    x = nb(RS.rand(3, 4, 4).astype(np.float32))
    before = to_np(x).copy()
    y = T.Normalize((0.5,) * 3, (0.25,) * 3)(x)
    np.testing.assert_array_equal(to_np(x), before)           # not inplace: input unchanged
    z = T.Normalize((0.5,) * 3, (0.25,) * 3, inplace=True)(x)
    assert z is x
    np.testing.assert_allclose(to_np(x), to_np(y))
    w = nbtorch.rand(1, 4, 4, requires_grad=True)             # normalisation is differentiable
    F.normalize(w, (0.1,), (0.5,)).sum().backward()
    np.testing.assert_allclose(to_np(w.grad), np.full((1, 4, 4), 2.0, np.float32))
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got torch.uint8"):
        F.normalize(nbtorch.zeros(3, 2, 2, dtype=nbtorch.uint8), (0.5,), (0.5,))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(nbtorch.zeros(1, 2, 2), (0.5,), (0.0,))
    with pytest.raises(ValueError, match=r"Expected tensor to be a tensor image of size \(..., C, H, W\)"):
        F.normalize(nbtorch.zeros(2, 2), (0.5,), (0.5,))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.normalize(pil_rgb(), (0.5,), (0.5,))


# ----------------------------------------------------------------------------- resize
def test_resize_pil_shorter_side_and_tuple():
    out = T.Resize(15)(pil_rgb())                              # 40x30 -> shorter side 15 -> 20x15
    assert out.size == (20, 15)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(pil_rgb().resize((20, 15), Image.BILINEAR)))
    out = T.Resize((10, 7), interpolation=InterpolationMode.NEAREST)(pil_rgb())
    assert out.size == (7, 10)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(pil_rgb().resize((7, 10), Image.NEAREST)))
    out = T.Resize(12, interpolation=3)(pil_gray())            # Pillow int constant (BICUBIC), old API
    np.testing.assert_array_equal(np.asarray(out), np.asarray(pil_gray().resize((16, 12), Image.BICUBIC)))
    tall = Image.fromarray(GRAY.T.copy())                      # 30x40 (w x h): w is shorter
    assert T.Resize(15)(tall).size == (15, 20)
    assert T.Resize(40, max_size=45)(pil_rgb()).size == (45, 33)
    assert T.Resize(30)(pil_rgb()) .size == (40, 30)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest", "nearest-exact"])
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("size", [(13, 17), (47, 61), (30, 9)])
def test_resize_tensor_matches_torch_interpolate(mode, antialias, size):
    a = RS.rand(2, 3, 30, 40).astype(np.float32)
    out = F.resize(nb(a), list(size), interpolation=InterpolationMode(mode), antialias=antialias)
    kw = dict(align_corners=False, antialias=antialias) if mode in ("bilinear", "bicubic") else {}
    ref = TF.interpolate(th(a), size=size, mode=mode, **kw)
    assert out.dtype == nbtorch.float32 and tuple(out.shape) == tuple(ref.shape)
    np.testing.assert_allclose(to_np(out), ref.numpy(), rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest"])
def test_resize_uint8_tensor_rounds_like_torchvision(mode):
    a = RS.randint(0, 256, (3, 30, 40)).astype(np.uint8)
    out = T.Resize(12, interpolation=InterpolationMode(mode))(nb(a))
    kw = dict(align_corners=False, antialias=True) if mode != "nearest" else {}
    ref = TF.interpolate(th(a)[None].float(), size=(12, 16), mode=mode, **kw)[0]
    if mode == "bicubic":
        ref = ref.clamp(0, 255)
    ref = ref.round().to(torch.uint8)
    assert out.dtype == nbtorch.uint8
    d = np.abs(to_np(out).astype(int) - ref.numpy().astype(int))
    assert d.max() <= 1 and (d > 0).mean() < 0.01                # ties at .5 may round either way


def test_resize_tensor_is_differentiable():
    x = nbtorch.rand(1, 6, 8, requires_grad=True)
    F.resize(x, [3, 4]).sum().backward()
    xt = torch.tensor(to_np(x), requires_grad=True)
    TF.interpolate(xt[None], size=(3, 4), mode="bilinear", antialias=True).sum().backward()
    np.testing.assert_allclose(to_np(x.grad), xt.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_resize_errors_and_repr():
    with pytest.raises(TypeError, match="Size should be int or sequence"):
        T.Resize(2.5)
    with pytest.raises(ValueError, match="If size is a sequence, it should have 1 or 2 values"):
        T.Resize((1, 2, 3))
    with pytest.raises(TypeError, match="Argument interpolation should be a InterpolationMode"):
        F.resize(pil_rgb(), 10, interpolation="bilinear")
    with pytest.raises(ValueError, match="max_size = 10 must be strictly greater"):
        F.resize(pil_rgb(), 10, max_size=10)
    with pytest.raises(ValueError, match="box"):
        F.resize(nbtorch.rand(3, 8, 8), [4, 4], interpolation=InterpolationMode.BOX)
    assert repr(T.Resize(256)) == "Resize(size=256, interpolation=bilinear, max_size=None, antialias=True)"
    assert repr(T.Resize((32, 32), interpolation=InterpolationMode.NEAREST)) == \
        "Resize(size=(32, 32), interpolation=nearest, max_size=None, antialias=True)"


@pytest.mark.parametrize("case", range(12))
def test_resize_tensor_random_sizes_vs_torch(case):
    rs = np.random.RandomState(100 + case)
    h, w = rs.randint(1, 60, 2)
    oh, ow = rs.randint(1, 70, 2)
    mode = ["bilinear", "bicubic", "nearest", "nearest-exact"][case % 4]
    antialias = bool(case % 3)
    a = rs.randn(1, 2, h, w).astype(np.float32)
    out = F.resize(nb(a), [int(oh), int(ow)], interpolation=InterpolationMode(mode), antialias=antialias)
    kw = dict(align_corners=False, antialias=antialias) if mode in ("bilinear", "bicubic") else {}
    ref = TF.interpolate(th(a), size=(int(oh), int(ow)), mode=mode, **kw)
    np.testing.assert_allclose(to_np(out), ref.numpy(), rtol=1e-5, atol=1e-5, err_msg=f"{(h, w)}->{(oh, ow)} {mode}")


# ----------------------------------------------------------------------------- crops and pads
def test_center_crop_pil_and_tensor():
    out = T.CenterCrop(10)(pil_rgb())
    # top = round((30 - 10) / 2) = 10, left = round((40 - 10) / 2) = 15
    np.testing.assert_array_equal(np.asarray(out), RGB[10:20, 15:25])
    out = T.CenterCrop((7, 9))(nb(RGB.transpose(2, 0, 1)))
    top, left = int(round((30 - 7) / 2)), int(round((40 - 9) / 2))
    np.testing.assert_array_equal(to_np(out), RGB.transpose(2, 0, 1)[:, top:top + 7, left:left + 9])
    assert repr(T.CenterCrop(10)) == "CenterCrop(size=(10, 10))"


def test_center_crop_larger_than_image_pads_with_zeros():
    a = RS.randint(1, 256, (1, 3, 4)).astype(np.uint8)
    out = F.center_crop(nb(a), [6, 7])
    exp = np.zeros((1, 6, 7), np.uint8)
    exp[:, 1:4, 1:5] = a                                      # left = (7-4)//2 = 1, top = (6-3)//2 = 1
    np.testing.assert_array_equal(to_np(out), exp)
    pil = F.center_crop(Image.fromarray(a[0]), [6, 7])
    np.testing.assert_array_equal(np.asarray(pil), exp[0])


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("padding", [2, (1, 3), (1, 2, 3, 4)])
def test_pad_pil_and_tensor_match_numpy(mode, padding):
    if isinstance(padding, int):
        l = t = r = b = padding
    elif len(padding) == 2:
        l = r = padding[0]
        t = b = padding[1]
    else:
        l, t, r, b = padding
    np_mode = {"edge": "edge", "reflect": "reflect", "symmetric": "symmetric", "constant": "constant"}[mode]
    kw = {"constant_values": 7} if mode == "constant" else {}
    exp = np.pad(RGB, ((t, b), (l, r), (0, 0)), np_mode, **kw)
    np.testing.assert_array_equal(np.asarray(T.Pad(padding, fill=7, padding_mode=mode)(pil_rgb())), exp)
    out = T.Pad(padding, fill=7, padding_mode=mode)(nb(RGB.transpose(2, 0, 1)))
    np.testing.assert_array_equal(to_np(out), exp.transpose(2, 0, 1))


def test_random_crop_reproducible_and_a_real_crop():
    a = RGB.transpose(2, 0, 1)
    crop = T.RandomCrop(16, padding=4)
    nbtorch.manual_seed(3)
    first = [to_np(crop(nb(a))) for _ in range(5)]
    nbtorch.manual_seed(3)
    second = [to_np(crop(nb(a))) for _ in range(5)]
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    padded = np.pad(a, ((0, 0), (4, 4), (4, 4)))
    offsets = set()
    for x in first:
        assert x.shape == (3, 16, 16)
        hits = [(i, j) for i in range(38 - 16 + 1) for j in range(48 - 16 + 1)
                if np.array_equal(padded[:, i:i + 16, j:j + 16], x)]
        assert hits
        offsets.add(hits[0])
    assert len(offsets) > 1                                   # the offset is random
    assert repr(crop) == "RandomCrop(size=(16, 16), padding=4)"


def test_random_crop_pil_pad_if_needed_and_errors():
    nbtorch.manual_seed(0)
    out = T.RandomCrop((35, 45), pad_if_needed=True, fill=(1, 2, 3))(pil_rgb())
    assert out.size == (45, 35)
    arr = np.asarray(out)
    assert (arr.reshape(-1, 3) == [1, 2, 3]).all(1).sum() == 45 * 35 - 30 * 40
    with pytest.raises(ValueError, match=r"Required crop size \(35, 45\) is larger than input image size \(30, 40\)"):
        T.RandomCrop((35, 45))(pil_rgb())


def test_five_crop():
    crops = T.FiveCrop(10)(pil_rgb())
    assert isinstance(crops, tuple) and len(crops) == 5
    tl, tr, bl, br, c = (np.asarray(x) for x in crops)
    np.testing.assert_array_equal(tl, RGB[:10, :10])
    np.testing.assert_array_equal(tr, RGB[:10, 30:])
    np.testing.assert_array_equal(bl, RGB[20:, :10])
    np.testing.assert_array_equal(br, RGB[20:, 30:])
    np.testing.assert_array_equal(c, RGB[10:20, 15:25])
    tcrops = T.FiveCrop((4, 6))(nb(RGB.transpose(2, 0, 1)))
    np.testing.assert_array_equal(to_np(tcrops[3]), RGB.transpose(2, 0, 1)[:, 26:, 34:])
    with pytest.raises(ValueError, match="Requested crop size"):
        T.FiveCrop(31)(pil_rgb())
    assert repr(T.FiveCrop(10)) == "FiveCrop(size=(10, 10))"
    assert len(T.TenCrop(10)(pil_rgb())) == 10


# ----------------------------------------------------------------------------- flips
def test_flips_p1_p0_pil_and_tensor():
    np.testing.assert_array_equal(np.asarray(T.RandomHorizontalFlip(p=1.0)(pil_rgb())), RGB[:, ::-1])
    np.testing.assert_array_equal(np.asarray(T.RandomVerticalFlip(p=1.0)(pil_rgb())), RGB[::-1])
    np.testing.assert_array_equal(np.asarray(T.RandomHorizontalFlip(p=0.0)(pil_rgb())), RGB)
    t = nb(RGB.transpose(2, 0, 1))
    np.testing.assert_array_equal(to_np(T.RandomHorizontalFlip(1.0)(t)), RGB.transpose(2, 0, 1)[:, :, ::-1])
    np.testing.assert_array_equal(to_np(T.RandomVerticalFlip(1.0)(t)), RGB.transpose(2, 0, 1)[:, ::-1])
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"


def test_random_flip_follows_manual_seed():
    # torchvision flips when torch.rand(1) < p: the same draw from nbtorch's generator decides here
    flip = T.RandomHorizontalFlip(0.5)
    nbtorch.manual_seed(7)
    draws = [float(nbtorch.rand(1)) < 0.5 for _ in range(20)]
    nbtorch.manual_seed(7)
    got = [not np.array_equal(np.asarray(flip(pil_rgb())), RGB) for _ in range(20)]
    assert got == draws and 0 < sum(got) < 20


# ----------------------------------------------------------------------------- rotation
def _torch_rotate_reference(img, angle, mode, fill):
    """torchvision's tensor rotate, written with torch: inverse affine matrix, affine grid, grid_sample."""
    c, h, w = img.shape
    rot = math.radians(-angle)
    a, b, cc, d = math.cos(rot), -math.sin(rot), math.sin(rot), math.cos(rot)
    m = [d, -b, 0.0, -cc, a, 0.0]
    theta = torch.tensor(m, dtype=torch.float32).reshape(1, 2, 3)
    xs = torch.linspace(-w * 0.5 + 0.5, w * 0.5 + 0.5 - 1, steps=w)
    ys = torch.linspace(-h * 0.5 + 0.5, h * 0.5 + 0.5 - 1, steps=h).unsqueeze_(-1)
    base = torch.empty(1, h, w, 3)
    base[..., 0].copy_(xs)
    base[..., 1].copy_(ys)
    base[..., 2].fill_(1)
    grid = base.view(1, h * w, 3).bmm(theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h])).view(1, h, w, 2)
    x = torch.cat((img[None].float(), torch.ones(1, 1, h, w)), 1)
    out = TF.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)
    mask, out = out[:, -1:], out[:, :-1]
    fill_img = torch.tensor(fill, dtype=torch.float32).view(1, -1, 1, 1).expand_as(out)
    if mode == "nearest":
        out = torch.where(mask.expand_as(out) < 0.5, fill_img, out)
    else:
        out = out * mask + (1.0 - mask) * fill_img
    return out[0]


@pytest.mark.parametrize("angle", [90.0, 33.0, -17.5])
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_rotate_tensor_matches_torch_grid_sample(angle, mode):
    a = RS.rand(3, 11, 14).astype(np.float32)
    out = F.rotate(nb(a), angle, InterpolationMode(mode), fill=[0.25, 0.5, 0.75])
    ref = _torch_rotate_reference(th(a), angle, mode, [0.25, 0.5, 0.75])
    np.testing.assert_allclose(to_np(out), ref.numpy(), atol=1e-5)


def test_rotate_pil_uses_pillow_and_90_degrees_is_rot90():
    img = Image.fromarray(GRAY[:20, :20].copy())
    np.testing.assert_array_equal(np.asarray(F.rotate(img, 90)), np.rot90(GRAY[:20, :20]))
    np.testing.assert_array_equal(to_np(F.rotate(nb(GRAY[None, :20, :20]), 90))[0], np.rot90(GRAY[:20, :20]))
    np.testing.assert_array_equal(np.asarray(F.rotate(pil_rgb(), 30, fill=(9, 8, 7))),
                                  np.asarray(pil_rgb().rotate(30, Image.NEAREST, False, None, fillcolor=(9, 8, 7))))
    assert F.rotate(pil_rgb(), 45, expand=True).size == pil_rgb().rotate(45, expand=True).size
    assert tuple(F.rotate(nb(RGB.transpose(2, 0, 1)), 90, expand=True).shape) == (3, 40, 30)


def test_random_rotation_draws_angle_from_nbtorch_rng():
    rot = T.RandomRotation(40)
    nbtorch.manual_seed(11)
    angle = float(nbtorch.empty(1).uniform_(-40.0, 40.0).item())
    nbtorch.manual_seed(11)
    out = rot(pil_rgb())
    np.testing.assert_array_equal(np.asarray(out), np.asarray(pil_rgb().rotate(angle, Image.NEAREST, fillcolor=(0, 0, 0))))
    assert repr(rot) == "RandomRotation(degrees=[-40.0, 40.0], interpolation=nearest, expand=False, fill=0)"
    with pytest.raises(ValueError, match="If degrees is a single number, it must be positive."):
        T.RandomRotation(-3)
    with pytest.raises(ValueError, match="degrees should be a sequence of length 2."):
        T.RandomRotation([1, 2, 3])


# ----------------------------------------------------------------------------- grayscale, lambda, compose
def test_grayscale_pil_and_tensor():
    g = T.Grayscale()(pil_rgb())
    assert g.mode == 'L'
    np.testing.assert_array_equal(np.asarray(g), np.asarray(pil_rgb().convert('L')))
    g3 = T.Grayscale(3)(pil_rgb())
    assert g3.mode == 'RGB' and (np.asarray(g3) == np.asarray(g)[..., None]).all()
    for dt in (np.float32, np.uint8):
        a = RGB.transpose(2, 0, 1).astype(dt)
        out = T.Grayscale(num_output_channels=3)(nb(a))
        r, gg, b = th(a).unbind(-3)
        ref = (0.2989 * r + 0.587 * gg + 0.114 * b).to(th(a).dtype).unsqueeze(-3).expand(3, 30, 40)
        assert tuple(out.shape) == (3, 30, 40) and out.dtype == nbtorch.from_numpy(a).dtype
        np.testing.assert_allclose(to_np(out).astype(np.float64), ref.numpy().astype(np.float64), atol=1e-4)
    with pytest.raises(TypeError, match="Input image tensor permitted channel values are"):
        F.rgb_to_grayscale(nbtorch.zeros(2, 3, 3))
    with pytest.raises(ValueError, match="num_output_channels should be either 1 or 3"):
        T.Grayscale(2)(pil_rgb())
    assert repr(T.Grayscale()) == "Grayscale(num_output_channels=1)"


def test_lambda_and_compose_repr():
    lam = T.Lambda(lambda x: x * 2)
    assert to_np(lam(nbtorch.ones(1))).tolist() == [2.0]
    assert repr(lam) == "Lambda()"
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)
    c = T.Compose([T.ToTensor(), T.Normalize(mean=(0.5,), std=(0.5,))])
    assert repr(c) == "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)"
    out = c(pil_gray())
    np.testing.assert_allclose(to_np(out)[0], (GRAY / np.float32(255) - 0.5) / 0.5, atol=1e-6)


def test_typical_augmentation_pipeline():
    pipe = T.Compose([T.RandomResizedCrop(24), T.RandomHorizontalFlip(), T.RandomRotation(10),
                      T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    nbtorch.manual_seed(0)
    a = pipe(pil_rgb())
    nbtorch.manual_seed(0)
    b = pipe(pil_rgb())
    assert tuple(a.shape) == (3, 24, 24) and a.dtype == nbtorch.float32
    np.testing.assert_array_equal(to_np(a), to_np(b))
    assert repr(T.RandomResizedCrop(24)) == ("RandomResizedCrop(size=(24, 24), scale=(0.08, 1.0), "
                                             "ratio=(0.75, 1.3333), interpolation=bilinear, antialias=True)")


def test_convert_image_dtype():
    a = nbtorch.tensor([[[0, 128, 255]]], dtype=nbtorch.uint8)
    f = T.ConvertImageDtype(nbtorch.float32)(a)
    np.testing.assert_allclose(to_np(f), [[[0, 128 / 255, 1.0]]], rtol=1e-6)
    back = F.convert_image_dtype(f, nbtorch.uint8)
    np.testing.assert_array_equal(to_np(back), [[[0, 128, 255]]])


def test_v2_to_image_to_dtype():
    from nbtorch.vision.transforms import v2
    pipe = v2.Compose([v2.ToImage(), v2.ToDtype(nbtorch.float32, scale=True), v2.Normalize((0.5,), (0.5,))])
    out = pipe(pil_gray())
    np.testing.assert_allclose(to_np(out)[0], (GRAY / np.float32(255) - 0.5) / 0.5, atol=1e-6)
    img = v2.ToImage()(RGB)
    assert img.dtype == nbtorch.uint8 and tuple(img.shape) == (3, 30, 40)
    assert v2.ToDtype(nbtorch.float32)(img).max().item() == float(RGB.max())      # no scaling by default
    assert v2.RandomHorizontalFlip is T.RandomHorizontalFlip


def test_random_apply_choice_order_use_nbtorch_rng():
    add1, mul2 = T.Lambda(lambda x: x + 1), T.Lambda(lambda x: x * 2)
    ra = T.RandomApply([add1], p=0.5)
    nbtorch.manual_seed(1)
    expected = [1 if not (0.5 < float(nbtorch.rand(1))) else 0 for _ in range(12)]
    nbtorch.manual_seed(1)
    got = [ra(0) for _ in range(12)]
    assert got == expected and 0 < sum(got) < 12
    assert T.RandomApply([add1], p=1.0)(0) == 1 and T.RandomApply([add1], p=0.0)(0) == 0
    order = T.RandomOrder([add1, mul2])
    results = {order(1) for _ in range(30)}
    assert results == {3, 4}                                   # (1 + 1) * 2 or 1 * 2 + 1
    choice = T.RandomChoice([add1, mul2], p=[1, 0])
    assert all(choice(5) == 6 for _ in range(10))
    assert repr(T.RandomApply([T.ToTensor()], p=0.3)) == "RandomApply(\n    p=0.3\n    ToTensor()\n)"


def test_module_transforms_compose_with_nn_sequential():
    # torchvision's docs: transforms = torch.nn.Sequential(CenterCrop(10), Normalize(...)) on tensors
    import nbtorch.nn as nn
    seq = nn.Sequential(T.CenterCrop(10), T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)))
    x = nbtorch.from_numpy(RS.rand(2, 3, 30, 40).astype(np.float32))
    out = seq(x)
    exp = (to_np(x)[:, :, 10:20, 15:25] - np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]) \
        / np.array([0.229, 0.224, 0.225], np.float32)[:, None, None]
    np.testing.assert_allclose(to_np(out), exp, rtol=1e-6, atol=1e-6)
    assert isinstance(T.RandomCrop(3), nn.Module) and not isinstance(T.ToTensor(), nn.Module)
    assert repr(seq) == ("Sequential(\n  (0): CenterCrop(size=(10, 10))\n"
                         "  (1): Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))\n)")


# ----------------------------------------------------------------------------- colour
def test_color_adjust_pil_uses_image_enhance():
    from PIL import ImageEnhance
    for fn, enh in ((F.adjust_brightness, ImageEnhance.Brightness), (F.adjust_contrast, ImageEnhance.Contrast),
                    (F.adjust_saturation, ImageEnhance.Color)):
        np.testing.assert_array_equal(np.asarray(fn(pil_rgb(), 1.3)), np.asarray(enh(pil_rgb()).enhance(1.3)))
    h, s, v = (np.array(c) for c in pil_rgb().convert("HSV").split())
    shifted = Image.merge("HSV", [Image.fromarray(((h.astype(int) + 256 - 25) % 256).astype(np.uint8)),
                                  Image.fromarray(s), Image.fromarray(v)]).convert("RGB")
    np.testing.assert_array_equal(np.asarray(F.adjust_hue(pil_rgb(), -0.1)), np.asarray(shifted))  # int(-25.5) = -25
    assert F.adjust_hue(pil_gray(), 0.2) is not None
    with pytest.raises(ValueError, match=r"hue_factor \(0.7\) is not in \[-0.5, 0.5\]"):
        F.adjust_hue(pil_rgb(), 0.7)


def test_color_adjust_tensor_formulas():
    a = RS.rand(3, 6, 7).astype(np.float32)
    gray = (np.float32(0.2989) * a[0] + np.float32(0.587) * a[1] + np.float32(0.114) * a[2])
    np.testing.assert_allclose(to_np(F.adjust_brightness(nb(a), 1.5)), np.clip(1.5 * a, 0, 1), rtol=1e-6)
    np.testing.assert_allclose(to_np(F.adjust_contrast(nb(a), 0.3)), np.clip(0.3 * a + 0.7 * gray.mean(), 0, 1),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_np(F.adjust_saturation(nb(a), 1.7)), np.clip(1.7 * a - 0.7 * gray, 0, 1),
                               rtol=1e-5, atol=1e-6)
    u = RS.randint(0, 256, (3, 4, 4)).astype(np.uint8)
    out = F.adjust_brightness(nb(u), 1.3)
    assert out.dtype == nbtorch.uint8
    np.testing.assert_array_equal(to_np(out), np.clip(np.float32(1.3) * u.astype(np.float32), 0, 255).astype(np.uint8))


def test_adjust_hue_tensor_matches_colorsys():
    import colorsys
    a = RS.rand(3, 5, 6).astype(np.float32)
    out = to_np(F.adjust_hue(nb(a), 0.23))
    exp = np.empty_like(a)
    for i in range(5):
        for j in range(6):
            hh, ss, vv = colorsys.rgb_to_hsv(*a[:, i, j].astype(np.float64))
            exp[:, i, j] = colorsys.hsv_to_rgb((hh + 0.23) % 1.0, ss, vv)
    np.testing.assert_allclose(out, exp, atol=2e-6)
    g = nbtorch.rand(1, 3, 3)
    assert F.adjust_hue(g, 0.3) is g                          # one channel: nothing to rotate


def test_color_jitter():
    cj = T.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
    assert repr(cj) == ("ColorJitter(brightness=(0.6, 1.4), contrast=(0.6, 1.4), saturation=(0.6, 1.4), "
                        "hue=(-0.1, 0.1))")
    nbtorch.manual_seed(2)
    a = np.asarray(cj(pil_rgb()))
    nbtorch.manual_seed(2)
    b = np.asarray(cj(pil_rgb()))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, RGB)
    fixed = T.ColorJitter(brightness=(1.5, 1.5))
    np.testing.assert_allclose(to_np(fixed(nb(RGB.transpose(2, 0, 1) / np.float32(255)))),
                               np.clip(1.5 * RGB.transpose(2, 0, 1) / np.float32(255), 0, 1), rtol=1e-6)
    assert T.ColorJitter().brightness is None
    with pytest.raises(ValueError, match="If brightness is a single number, it must be non negative."):
        T.ColorJitter(brightness=-1)
    with pytest.raises(ValueError, match=r"hue values should be between \(-0.5, 0.5\)"):
        T.ColorJitter(hue=0.6)


def _torch_affine_reference(img, matrix, mode, fill):
    """torchvision's _gen_affine_grid + _apply_grid_transform, written with torch."""
    c, h, w = img.shape
    theta = torch.tensor(matrix, dtype=torch.float32).reshape(1, 2, 3)
    base = torch.empty(1, h, w, 3)
    base[..., 0].copy_(torch.linspace(-w * 0.5 + 0.5, w * 0.5 + 0.5 - 1, steps=w))
    base[..., 1].copy_(torch.linspace(-h * 0.5 + 0.5, h * 0.5 + 0.5 - 1, steps=h).unsqueeze_(-1))
    base[..., 2].fill_(1)
    grid = base.view(1, h * w, 3).bmm(theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h])).view(1, h, w, 2)
    x = torch.cat((img[None].float(), torch.ones(1, 1, h, w)), 1)
    out = TF.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)
    mask, out = out[:, -1:], out[:, :-1]
    fill_img = torch.tensor(fill, dtype=torch.float32).view(1, -1, 1, 1).expand_as(out)
    if mode == "nearest":
        return torch.where(mask.expand_as(out) < 0.5, fill_img, out)[0]
    return (out * mask + (1.0 - mask) * fill_img)[0]


def test_affine_translation_and_quarter_turn():
    a = (np.arange(30, dtype=np.uint8).reshape(5, 6) + 1)
    exp = np.zeros_like(a)
    exp[1:, 2:] = a[:-1, :-2]                                  # translate by (+2, +1) pixels
    np.testing.assert_array_equal(np.asarray(F.affine(Image.fromarray(a), 0, (2, 1), 1.0, 0)), exp)
    np.testing.assert_array_equal(to_np(F.affine(nb(a[None]), 0, [2, 1], 1.0, 0.0))[0], exp)
    sq = a[:5, :5].copy()                                      # affine's angle is clockwise
    np.testing.assert_array_equal(np.asarray(F.affine(Image.fromarray(sq), 90, (0, 0), 1.0, 0)), np.rot90(sq, -1))
    np.testing.assert_array_equal(to_np(F.affine(nb(sq[None]), 90, [0, 0], 1.0, 0))[0], np.rot90(sq, -1))


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_affine_tensor_matches_torch_grid_sample(mode):
    a = RS.rand(3, 12, 15).astype(np.float32)
    args = dict(angle=25.0, translate=[2, -1], scale=1.2, shear=[10.0, -5.0])
    out = F.affine(nb(a), **args, interpolation=InterpolationMode(mode), fill=[0.1, 0.2, 0.3])
    matrix = F._get_inverse_affine_matrix([0.0, 0.0], 25.0, [2.0, -1.0], 1.2, [10.0, -5.0])
    ref = _torch_affine_reference(th(a), matrix, mode, [0.1, 0.2, 0.3])
    np.testing.assert_allclose(to_np(out), ref.numpy(), atol=1e-5)


def test_random_affine():
    ra = T.RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5)
    assert repr(ra) == ("RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.1), scale=(0.9, 1.1), "
                        "shear=[-5.0, 5.0])")
    nbtorch.manual_seed(4)
    a = np.asarray(ra(pil_rgb()))
    nbtorch.manual_seed(4)
    angle, tr, sc, sh = T.RandomAffine.get_params([-10.0, 10.0], (0.1, 0.1), (0.9, 1.1), [-5.0, 5.0], [40, 30])
    np.testing.assert_array_equal(a, np.asarray(F.affine(pil_rgb(), angle, tr, sc, sh)))
    assert abs(tr[0]) <= 4 and abs(tr[1]) <= 3
    assert tuple(ra(nb(RGB.transpose(2, 0, 1))).shape) == (3, 30, 40)
    with pytest.raises(ValueError, match="translation values should be between 0 and 1"):
        T.RandomAffine(0, translate=(2, 0))


def _torch_gaussian_blur(img, ks, sigma):
    def k1(n, s):
        x = torch.linspace(-(n - 1) * 0.5, (n - 1) * 0.5, steps=n)
        pdf = torch.exp(-0.5 * (x / s).pow(2))
        return pdf / pdf.sum()
    kernel = torch.mm(k1(ks[1], sigma[1])[:, None], k1(ks[0], sigma[0])[None, :])
    kernel = kernel.expand(img.shape[-3], 1, ks[1], ks[0])
    x = TF.pad(img[None].float(), [ks[0] // 2, ks[0] // 2, ks[1] // 2, ks[1] // 2], mode="reflect")
    return TF.conv2d(x, kernel, groups=img.shape[-3])[0]


@pytest.mark.parametrize("ks,sigma", [((3, 3), (1.0, 1.0)), ((5, 3), (1.5, 0.6)), ((7, 7), (0.3, 2.0))])
def test_gaussian_blur_matches_torch_conv2d(ks, sigma):
    a = RS.rand(3, 11, 13).astype(np.float32)
    out = F.gaussian_blur(nb(a), list(ks), list(sigma))
    np.testing.assert_allclose(to_np(out), _torch_gaussian_blur(th(a), ks, sigma).numpy(), rtol=1e-5, atol=1e-6)
    u = RS.randint(0, 256, (3, 11, 13)).astype(np.uint8)
    ref = _torch_gaussian_blur(th(u), ks, sigma).round().to(torch.uint8).numpy()
    d = np.abs(to_np(F.gaussian_blur(nb(u), list(ks), list(sigma))).astype(int) - ref.astype(int))
    assert d.max() <= 1 and (d > 0).mean() < 0.01              # .5 ties may round either way
    pil = F.gaussian_blur(pil_rgb(), list(ks), list(sigma))
    assert pil.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(pil).transpose(2, 0, 1),
                                  to_np(F.gaussian_blur(nb(RGB.transpose(2, 0, 1)), list(ks), list(sigma))))
    with pytest.raises(ValueError, match="kernel_size should have odd and positive integers"):
        F.gaussian_blur(nb(a), [4, 3], [1.0, 1.0])
    assert repr(T.GaussianBlur(5)) == "GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 2.0))"


def test_random_erasing():
    x = nbtorch.from_numpy(RS.rand(3, 20, 24).astype(np.float32))
    nbtorch.manual_seed(3)
    y = T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3))(x)
    diff = to_np(y) != to_np(x)
    rows, cols = np.where(diff.any(0))
    box = (slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1))
    np.testing.assert_allclose(to_np(y)[:, box[0], box[1]],
                               np.broadcast_to(np.array([0.1, 0.2, 0.3], np.float32)[:, None, None],
                                               (3, rows.max() - rows.min() + 1, cols.max() - cols.min() + 1)))
    assert diff.any(0).sum() == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)   # one rectangle
    assert T.RandomErasing(p=0.0)(x) is x
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.erase(pil_rgb(), 0, 0, 1, 1, 0)
    with pytest.raises(ValueError, match="If value is str, it should be 'random'"):
        T.RandomErasing(value="noise")
    assert repr(T.RandomErasing()) == "RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)"
