"""All nn layers; each file holds one family (torch.nn.modules layout)."""
from .module import Module

# ---- convolution and pooling (helper H5 owns conv.py / pooling.py and edits this block) ----
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d  # noqa: F401
from .pooling import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d,  # noqa: F401
                      AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d)
# ---- end of H5 block ----
