"""The PIL half of ``transforms.functional``: each function is a thin call into Pillow.

Pillow does the pixel work (resampling, rotation, padding), exactly as
torchvision does, so PIL results are identical to torchvision's.
"""
import numbers

import numpy as np
from PIL import Image, ImageOps


def _is_pil_image(img):
    return isinstance(img, Image.Image)


def _check(img):
    if not _is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def get_dimensions(img):
    _check(img)
    channels = len(img.getbands()) if hasattr(img, 'getbands') else img.channels
    width, height = img.size
    return [channels, height, width]


def get_image_size(img):
    _check(img)
    return [img.size[0], img.size[1]]


def get_image_num_channels(img):
    _check(img)
    return len(img.getbands())


def hflip(img):
    _check(img)
    return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def vflip(img):
    _check(img)
    return img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def crop(img, top, left, height, width):
    """``img[top:top+height, left:left+width]``; PIL fills outside pixels with 0."""
    _check(img)
    return img.crop((left, top, left + width, top + height))


def _parse_fill(fill, img, name='fillcolor'):
    """Turn ``fill`` into the keyword argument Pillow expects: one value per band."""
    num_channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * num_channels
        elif len(fill) != num_channels:
            raise ValueError("The number of elements in 'fill' does not match the number of channels of "
                             f"the image ({len(fill)} != {num_channels})")
        fill = tuple(fill)
    if img.mode != 'F':
        fill = tuple(int(x) for x in fill) if isinstance(fill, (list, tuple)) else int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode='constant'):
    _check(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ('constant', 'edge', 'reflect', 'symmetric'):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")

    if padding_mode == 'constant':
        opts = _parse_fill(fill, img, name='fill')
        if img.mode == 'P':
            palette = img.getpalette()
            image = ImageOps.expand(img, border=padding, **opts)
            image.putpalette(palette)
            return image
        return ImageOps.expand(img, border=padding, **opts)

    if isinstance(padding, int):
        p = [padding] * 4
    elif len(padding) == 2:
        p = [padding[0], padding[1], padding[0], padding[1]]
    else:
        p = list(padding)                          # left, top, right, bottom
    cropping = -np.minimum(p, 0)
    if cropping.any():                             # negative padding crops
        cl, ct, cr, cb = (int(c) for c in cropping)
        img = img.crop((cl, ct, img.width - cr, img.height - cb))
    pl, pt, pr, pb = (int(v) for v in np.maximum(p, 0))
    palette = img.getpalette() if img.mode == 'P' else None
    arr = np.asarray(img)
    width = ((pt, pb), (pl, pr)) + (((0, 0),) if arr.ndim == 3 else ())
    out = Image.fromarray(np.pad(arr, width, padding_mode))
    if palette is not None:
        out = out.convert('P') if out.mode != 'P' else out
        out.putpalette(palette)
    return out


def resize(img, size, interpolation=Image.BILINEAR):
    """``size`` is ``[h, w]``; Pillow takes ``(w, h)``."""
    _check(img)
    if not (isinstance(size, list) and len(size) == 2):
        raise TypeError(f"Got inappropriate size arg: {size}")
    return img.resize(tuple(size[::-1]), interpolation)


def rotate(img, angle, interpolation=Image.NEAREST, expand=False, center=None, fill=None):
    _check(img)
    opts = _parse_fill(fill, img)
    return img.rotate(angle, interpolation, expand, center, **opts)


def affine(img, matrix, interpolation=Image.NEAREST, fill=None):
    """Pillow's affine transform: output pixel (x, y) samples the input at ``matrix @ (x, y, 1)``."""
    _check(img)
    opts = _parse_fill(fill, img)
    return img.transform(img.size, Image.AFFINE, matrix, interpolation, **opts)


def to_grayscale(img, num_output_channels):
    """ITU-R 601-2 luma: L = R * 299/1000 + G * 587/1000 + B * 114/1000 (Pillow's convert('L'))."""
    _check(img)
    if num_output_channels == 1:
        return img.convert('L')
    if num_output_channels == 3:
        g = np.array(img.convert('L'), dtype=np.uint8)
        return Image.fromarray(np.dstack([g, g, g]), 'RGB')
    raise ValueError("num_output_channels should be either 1 or 3")


def adjust_brightness(img, brightness_factor):
    _check(img)
    from PIL import ImageEnhance
    return ImageEnhance.Brightness(img).enhance(brightness_factor)


def adjust_contrast(img, contrast_factor):
    _check(img)
    from PIL import ImageEnhance
    return ImageEnhance.Contrast(img).enhance(contrast_factor)


def adjust_saturation(img, saturation_factor):
    _check(img)
    from PIL import ImageEnhance
    return ImageEnhance.Color(img).enhance(saturation_factor)


def adjust_hue(img, hue_factor):
    """Shift the hue channel of Pillow's HSV by ``hue_factor * 255`` (wrapping around, as uint8 does)."""
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check(img)
    input_mode = img.mode
    if input_mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    np_h = np.array(h, dtype=np.uint8)
    np_h += np.uint8(int(hue_factor * 255) % 256)            # over/underflows on purpose
    h = Image.fromarray(np_h, "L")
    return Image.merge("HSV", (h, s, v)).convert(input_mode)
