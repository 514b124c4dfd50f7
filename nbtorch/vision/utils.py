"""``torchvision.utils``: ``make_grid`` tiles a batch of images into one, ``save_image`` writes it to a file."""
import math

from .._tensor import Tensor, stack, cat


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """Tile a ``(B, C, H, W)`` batch (or a list of ``(C, H, W)`` images) into one ``(3, H', W')`` image.

    Images go left to right, ``nrow`` per row, with ``padding`` pixels of
    ``pad_value`` around each. One-channel images are repeated to 3 channels.
    ``normalize=True`` shifts and scales values to [0, 1] using ``value_range``
    (default: the min and max of the batch, or of each image with ``scale_each``).
    """
    if not isinstance(tensor, Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, Tensor):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if isinstance(tensor, list):
        tensor = stack(tensor, dim=0)
    if tensor.dim() == 2:                        # single image H x W
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:                        # single image
        if tensor.size(0) == 1:                  # if single-channel, convert to 3-channel
            tensor = cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:  # single-channel images
        tensor = cat((tensor, tensor, tensor), 1)

    if normalize is True:
        tensor = tensor.clone()                  # avoid modifying tensor in-place
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

        def norm_ip(img, low, high):
            img.clamp_(min=low, max=high)
            img.sub_(low).div_(max(high - low, 1e-5))

        def norm_range(t, value_range):
            if value_range is not None:
                norm_ip(t, value_range[0], value_range[1])
            else:
                norm_ip(t, float(t.min()), float(t.max()))

        if scale_each is True:
            for t in tensor:                     # loop over mini-batch dimension
                norm_range(t, value_range)
        else:
            norm_range(tensor, value_range)

    if tensor.size(0) == 1:
        return tensor.squeeze(0)

    # make the mini-batch of images into a grid
    nmaps = tensor.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
    num_channels = tensor.size(1)
    src = tensor.detach()._data
    grid = tensor.new_full((num_channels, height * ymaps + padding, width * xmaps + padding), pad_value)
    g = grid._data
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            top, left = y * height + padding, x * width + padding
            g[:, top:top + height - padding, left:left + width - padding] = src[k]
            k = k + 1
    return grid


def save_image(tensor, fp, format=None, **kwargs):
    """``make_grid(tensor, **kwargs)``, scaled from [0, 1] to 0..255, saved with PIL to ``fp``."""
    from PIL import Image
    from .. import _dtype
    grid = make_grid(tensor, **kwargs)
    # Add 0.5 after unnormalizing to [0, 255] to round to the nearest integer
    ndarr = grid.detach().mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to("cpu", _dtype.uint8).numpy()
    im = Image.fromarray(ndarr)
    im.save(fp, format=format)
