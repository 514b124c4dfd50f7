"""torch.nn.functional: the stateless forms of every layer and loss.

Each function checks its arguments like torch and calls primitives from
``nbtorch/ops``; the fused ones (cross-entropy, BCE-with-logits) live in
``nbtorch/nn/_ops.py`` with their hand-written backward.
"""
from .._tensor import Tensor

# ---- convolution, pooling, resampling (helper H5 adds its imports here) ----
# from ..ops.conv import conv1d, conv2d, conv3d, conv_transpose2d, unfold, fold
# from ..ops.pool import max_pool1d, max_pool2d, avg_pool2d, adaptive_avg_pool2d
# from ..ops.resample import interpolate, pad
# ---- end of H5 block ----
