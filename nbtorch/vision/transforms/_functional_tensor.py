"""The tensor half of ``transforms.functional``: images are tensors of shape ``(..., C, H, W)``.

Crops and flips are tensor indexing (views, gradients flow). Resize is two
matrix products with precomputed interpolation weights, ``Wh @ img @ Ww.T``,
with the same weights as ``torch.nn.functional.interpolate`` (antialiased
bilinear/bicubic use Pillow's filters, as torch does), so it is
differentiable too. Padding and rotation work on the raw arrays.
"""
import math

import numpy as np

from ..._tensor import Tensor
from ...ops._util import xp_of
from ... import _dtype


def _is_tensor_a_torch_image(x):
    return x.ndim >= 2


def _assert_image_tensor(img):
    if not _is_tensor_a_torch_image(img):
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img):
    _assert_image_tensor(img)
    channels = 1 if img.ndim == 2 else img.shape[-3]
    height, width = img.shape[-2:]
    return [channels, height, width]


def get_image_size(img):
    _assert_image_tensor(img)
    return [img.shape[-1], img.shape[-2]]


def get_image_num_channels(img):
    _assert_image_tensor(img)
    if img.ndim == 2:
        return 1
    if img.ndim > 2:
        return img.shape[-3]
    raise TypeError(f"Input ndim should be 2 or more. Got {img.ndim}")


def _assert_channels(img, permitted):
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


def hflip(img):
    _assert_image_tensor(img)
    return img.flip(-1)


def vflip(img):
    _assert_image_tensor(img)
    return img.flip(-2)


def crop(img, top, left, height, width):
    """``img[..., top:top+height, left:left+width]``, zero-padded where the box leaves the image."""
    _assert_image_tensor(img)
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                        max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _parse_pad_padding(padding):
    """int / [p] / [lr, tb] / [l, t, r, b]  ->  [left, right, top, bottom]."""
    if isinstance(padding, int):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[0], padding[1], padding[1]]
    return [padding[0], padding[2], padding[1], padding[3]]


def pad(img, padding, fill=0, padding_mode='constant'):
    _assert_image_tensor(img)
    if fill is None:
        fill = 0
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ('constant', 'edge', 'reflect', 'symmetric'):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, right, top, bottom = _parse_pad_padding(padding)
    a = img._data
    xp = xp_of(a)
    h, w = a.shape[-2:]
    # negative padding crops, as torch.nn.functional.pad does
    a = a[..., max(-top, 0):h - max(-bottom, 0), max(-left, 0):w - max(-right, 0)]
    widths = [(0, 0)] * (a.ndim - 2) + [(max(top, 0), max(bottom, 0)), (max(left, 0), max(right, 0))]
    if padding_mode == 'constant':
        out = xp.pad(a, widths, mode='constant', constant_values=np.array(fill).astype(a.dtype).item())
    else:
        out = xp.pad(a, widths, mode=padding_mode)
    return Tensor._wrap(out)


# ----------------------------------------------------------------------------- resize
def _triangle(x):
    return np.maximum(0.0, 1.0 - np.abs(x))


def _cubic(a):
    def f(x):
        x = np.abs(x)
        return np.where(x < 1.0, ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0,
                        np.where(x < 2.0, (((x - 5.0) * x + 8.0) * x - 4.0) * a, 0.0))
    return f


def _filter_weights(in_size, out_size, filt, support, antialias):
    """Pillow's (and torch's antialias) resampling weights: row i holds the weights of output pixel i.

    Output pixel i is centred at ``(i + 0.5) * scale`` in input coordinates. When
    shrinking with ``antialias`` the filter is stretched by ``scale`` so every
    input pixel contributes; each row is normalised to sum to 1.
    """
    scale = in_size / out_size
    fs = max(scale, 1.0) if antialias else 1.0
    sup = support * fs
    W = np.zeros((out_size, in_size))
    for i in range(out_size):
        center = (i + 0.5) * scale
        lo = max(int(center - sup + 0.5), 0)
        hi = min(int(center + sup + 0.5), in_size)
        w = filt((np.arange(lo, hi) - center + 0.5) / fs)
        total = w.sum()
        W[i, lo:hi] = w / total if total != 0 else w
    return W


def _bicubic_weights(in_size, out_size, a=-0.75):
    """torch's bicubic without antialias: 4 taps around ``src = (i + 0.5) * scale - 0.5``, clamped at the border."""
    scale = np.float32(in_size / out_size)
    W = np.zeros((out_size, in_size))
    cubic = _cubic(a)
    for i in range(out_size):
        src = float(scale * np.float32(i + 0.5) - np.float32(0.5))
        x0 = math.floor(src)
        t = src - x0
        for k, d in enumerate((t + 1.0, t, 1.0 - t, 2.0 - t)):
            W[i, min(max(x0 - 1 + k, 0), in_size - 1)] += cubic(d)
    return W


def _nearest_weights(in_size, out_size, exact):
    """One-hot rows: output i copies input ``floor(i * scale)`` (``floor((i + 0.5) * scale)`` for nearest-exact)."""
    scale = np.float32(in_size / out_size)
    pos = np.arange(out_size, dtype=np.float32) + (np.float32(0.5) if exact else np.float32(0))
    idx = np.minimum(np.floor(pos * scale).astype(np.int64), in_size - 1)
    W = np.zeros((out_size, in_size))
    W[np.arange(out_size), idx] = 1.0
    return W


def _resize_weights(in_size, out_size, interpolation, antialias):
    if interpolation == 'nearest':
        return _nearest_weights(in_size, out_size, exact=False)
    if interpolation == 'nearest-exact':
        return _nearest_weights(in_size, out_size, exact=True)
    if interpolation == 'bilinear':
        return _filter_weights(in_size, out_size, _triangle, 1.0, antialias)
    if interpolation == 'bicubic':
        if antialias:
            return _filter_weights(in_size, out_size, _cubic(-0.5), 2.0, True)
        return _bicubic_weights(in_size, out_size)
    raise ValueError(f"Tensor images support only nearest, nearest-exact, bilinear and bicubic interpolation, "
                     f"got '{interpolation}'. help: convert to a PIL image for box, hamming and lanczos.")


def resize(img, size, interpolation='bilinear', antialias=True):
    """Resize the last two dims to ``size = [h, w]``: ``Wh @ img @ Ww.T``."""
    _assert_image_tensor(img)
    if antialias is None:
        antialias = False
    if antialias and interpolation not in ('bilinear', 'bicubic'):
        antialias = False
    out_dtype = img.dtype
    need_cast = not img.is_floating_point()
    x = img.to(_dtype.float32) if need_cast else img
    xp = xp_of(x._data)
    h, w = x.shape[-2:]
    Wh = _resize_weights(h, size[0], interpolation, antialias).astype(x._data.dtype)
    Ww = _resize_weights(w, size[1], interpolation, antialias).astype(x._data.dtype)
    out = Tensor._wrap(xp.asarray(Wh)) @ x @ Tensor._wrap(xp.asarray(Ww.T))
    if need_cast:
        if interpolation == 'bicubic' and out_dtype == _dtype.uint8:
            out = out.clamp(0, 255)
        out = out.round().to(out_dtype)
    return out


# ----------------------------------------------------------------------------- rotate
def _compute_affine_output_size(matrix, w, h):
    """Size of the box that holds the whole rotated image (``expand=True``)."""
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], dtype=np.float32)
    theta = np.array(matrix, dtype=np.float32).reshape(2, 3)
    new_pts = pts @ theta.T
    tol = 1e-4
    cmax = np.ceil(np.trunc(new_pts.max(0) / tol) * tol)
    cmin = np.floor(np.trunc(new_pts.min(0) / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def rotate(img, matrix, interpolation='nearest', expand=False, fill=None):
    """Sample ``img`` at ``matrix @ (x, y, 1)`` for every output pixel (torch's affine_grid + grid_sample).

    Pixels that fall outside the input get ``fill`` (0 by default).
    """
    _assert_image_tensor(img)
    if interpolation not in ('nearest', 'bilinear'):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")
    a = img._data
    xp = xp_of(a)
    ft = a.dtype if a.dtype.kind == 'f' else np.dtype(np.float32)
    h, w = a.shape[-2:]
    ow, oh = _compute_affine_output_size(matrix, w, h) if expand else (w, h)
    theta = np.array(matrix, dtype=ft).reshape(2, 3)
    xs = np.arange(ow, dtype=ft) - ft.type(ow * 0.5) + ft.type(0.5)
    ys = np.arange(oh, dtype=ft) - ft.type(oh * 0.5) + ft.type(0.5)
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((), ft)), -1)   # (oh, ow, 3)
    grid = base @ (theta.T / np.array([0.5 * w, 0.5 * h], dtype=ft))                        # normalised [-1, 1]
    ix = ((grid[..., 0] + 1) * w - 1) / 2                                                 # pixel coordinates
    iy = ((grid[..., 1] + 1) * h - 1) / 2

    x = a.astype(ft).reshape((-1,) + a.shape[-3:]) if a.ndim > 2 else a.astype(ft)[None, None]
    mask = np.zeros((oh, ow), ft)
    out = xp.zeros(x.shape[:2] + (oh, ow), ft)
    if interpolation == 'nearest':
        corners = [(np.rint(ix).astype(np.int64), np.rint(iy).astype(np.int64), np.ones((), ft))]
    else:
        x0, y0 = np.floor(ix), np.floor(iy)
        tx, ty = ix - x0, iy - y0
        x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
        corners = [(x0, y0, (1 - tx) * (1 - ty)), (x0 + 1, y0, tx * (1 - ty)),
                   (x0, y0 + 1, (1 - tx) * ty), (x0 + 1, y0 + 1, tx * ty)]
    for cx, cy, cw in corners:
        inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
        cw = np.where(inside, cw, 0).astype(ft)
        mask += cw
        out += x[:, :, xp.asarray(np.clip(cy, 0, h - 1)), xp.asarray(np.clip(cx, 0, w - 1))] * xp.asarray(cw)
    if fill is not None:
        fill_list = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = xp.asarray(np.array(fill_list, ft).reshape(1, -1, 1, 1))
        if interpolation == 'nearest':
            out = xp.where(xp.asarray(mask < 0.5), fill_img, out)
        else:
            m = xp.asarray(mask)
            out = out * m + (1.0 - m) * fill_img
    out = out.reshape(a.shape[:-2] + (oh, ow))
    if a.dtype.kind != 'f':
        out = xp.round(out)                      # round before casting back to an integer dtype
    return Tensor._wrap(out.astype(a.dtype))


def affine(img, matrix, interpolation='nearest', fill=None):
    """Like ``rotate`` with a general inverse affine ``matrix``; the output keeps the input size."""
    return rotate(img, matrix, interpolation=interpolation, expand=False, fill=fill)


def rgb_to_grayscale(img, num_output_channels=1):
    """L = 0.2989 R + 0.587 G + 0.114 B, computed in float and cast back to the image's dtype."""
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if img.shape[-3] == 3:
        r, g, b = img.unbind(dim=-3)
        l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype)
        l_img = l_img.unsqueeze(dim=-3)
    else:
        l_img = img.clone()
    if num_output_channels == 3:
        return l_img.expand(img.shape)
    return l_img


# ----------------------------------------------------------------------------- colour
def _max_value(dtype):
    return 1.0 if dtype.is_floating_point else float(np.iinfo(dtype.np).max)


def _blend(img1, img2, ratio):
    """``ratio * img1 + (1 - ratio) * img2``, clamped to the dtype's range."""
    ratio = float(ratio)
    bound = _max_value(img1.dtype)
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def adjust_brightness(img, brightness_factor):
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    return _blend(img, img.new_zeros(img.shape), brightness_factor)


def adjust_contrast(img, contrast_factor):
    """Blend with the mean gray level of the image."""
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [3, 1])
    c = get_dimensions(img)[0]
    dtype = img.dtype if img.is_floating_point() else _dtype.float32
    gray = rgb_to_grayscale(img) if c == 3 else img
    mean = gray.to(dtype).mean(dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor):
    """Blend with the grayscale image."""
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def _rgb2hsv(a, xp):
    r, g, b = a[..., 0, :, :], a[..., 1, :, :], a[..., 2, :, :]
    maxc, minc = a.max(axis=-3), a.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    s = cr / xp.where(eqc, 1, maxc)
    cr_div = xp.where(eqc, 1, cr)
    rc, gc, bc = (maxc - r) / cr_div, (maxc - g) / cr_div, (maxc - b) / cr_div
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = xp.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return h, s, maxc


def _hsv2rgb(h, s, v, xp):
    i = xp.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    p = xp.clip(v * (1.0 - s), 0.0, 1.0)
    q = xp.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = xp.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    r = xp.choose(i, [v, q, p, p, t, v])
    g = xp.choose(i, [t, v, v, q, p, p])
    b = xp.choose(i, [p, p, t, v, v, q])
    return xp.stack((r, g, b), axis=-3)


def adjust_hue(img, hue_factor):
    """Rotate the hue (in HSV, hue in [0, 1)) by ``hue_factor``."""
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    from .functional import convert_image_dtype
    orig_dtype = img.dtype
    a = convert_image_dtype(img, _dtype.float32)._data
    xp = xp_of(a)
    h, s, v = _rgb2hsv(a, xp)
    h = ((h + np.float32(hue_factor)) % 1.0).astype(np.float32)
    out = Tensor._wrap(_hsv2rgb(h, s, v, xp).astype(np.float32))
    return convert_image_dtype(out, orig_dtype)


# ----------------------------------------------------------------------------- blur
def _gaussian_kernel1d(kernel_size, sigma):
    ksize_half = (kernel_size - 1) * 0.5
    x = np.linspace(-ksize_half, ksize_half, kernel_size)
    pdf = np.exp(-0.5 * (x / sigma) ** 2)
    return pdf / pdf.sum()


def gaussian_blur(img, kernel_size, sigma):
    """Reflect-pad, then convolve each channel with a (separable) Gaussian kernel."""
    _assert_image_tensor(img)
    a = img._data
    xp = xp_of(a)
    ft = a.dtype if a.dtype.kind == 'f' else np.dtype(np.float32)
    kx = xp.asarray(_gaussian_kernel1d(kernel_size[0], sigma[0]).astype(ft))
    ky = xp.asarray(_gaussian_kernel1d(kernel_size[1], sigma[1]).astype(ft))
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    x = xp.pad(a.astype(ft), [(0, 0)] * (a.ndim - 2) + [(py, py), (px, px)], mode='reflect')
    h, w = a.shape[-2:]
    rows = sum(ky[k] * x[..., k:k + h, :] for k in range(kernel_size[1]))
    out = sum(kx[k] * rows[..., :, k:k + w] for k in range(kernel_size[0]))
    if a.dtype.kind != 'f':
        out = xp.round(out)
    return Tensor._wrap(out.astype(a.dtype))
