"""``torchvision.transforms.v2`` for image classification: the v1 transforms plus ``ToImage`` and ``ToDtype``.

    v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize(mean, std)])

Only plain images (PIL or tensors) are handled; boxes, masks and videos of
torchvision's ``tv_tensors`` are not.
"""
import numpy as np

from ..._tensor import Tensor
from ..._creation import from_numpy
from . import functional as F
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _v1_all
from .transforms import _Transform

__all__ = list(_v1_all) + ["ToImage", "ToDtype", "ToPureTensor"]


class ToImage(_Transform):
    """PIL image or HWC ndarray -> CHW tensor of the same dtype (uint8 stays uint8); tensors pass through."""

    def forward(self, inpt):
        if isinstance(inpt, Tensor):
            return inpt
        if isinstance(inpt, np.ndarray):
            arr = inpt[:, :, None] if inpt.ndim == 2 else inpt
            return from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))
        return F.pil_to_tensor(inpt)


class ToDtype(_Transform):
    """Cast a tensor image to ``dtype``; with ``scale=True`` rescale values too (uint8 255 -> float 1.0)."""

    def __init__(self, dtype, scale=False):
        self.dtype = dtype
        self.scale = scale

    def forward(self, inpt):
        if not isinstance(inpt, Tensor):
            return inpt
        if isinstance(self.dtype, dict):
            raise ValueError("nbtorch's v2.ToDtype takes one dtype for plain image tensors, not a dict")
        return F.convert_image_dtype(inpt, self.dtype) if self.scale else inpt.to(self.dtype)

    def __repr__(self):
        return f"{self.__class__.__name__}(scale={self.scale})"


class ToPureTensor(_Transform):
    """Identity for plain tensors (torchvision strips the tv_tensor subclass)."""

    def forward(self, inpt):
        return inpt
