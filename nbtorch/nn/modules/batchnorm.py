"""BatchNorm1d/2d/3d, sharing _BatchNorm (they differ only in the input dims they accept)."""
from ... import _dtype
from ..._creation import empty, zeros, ones, tensor
from .. import functional as F
from .normalization import _make_affine, _reset_affine, _AffineNorm


class _BatchNorm(_AffineNorm):
    """Normalize each channel with batch statistics (training) or running statistics (eval).

    running = (1 - momentum) * running + momentum * batch_stat; momentum=None uses a
    cumulative average (1 / num_batches_tracked).
    """
    _version = 2
    _dims = ()

    def __init__(self, num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _make_affine(self, num_features, affine, bias, kw)
        if track_running_stats:
            self.register_buffer('running_mean', zeros(num_features, **kw))
            self.register_buffer('running_var', ones(num_features, **kw))
            self.register_buffer('num_batches_tracked', tensor(0, dtype=_dtype.int64, device=device))
        else:
            self.register_buffer('running_mean', None)
            self.register_buffer('running_var', None)
            self.register_buffer('num_batches_tracked', None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input_dim(self, input):
        if input.dim() not in self._dims:
            raise ValueError(f"expected {self._dims_text} input (got {input.dim()}D input)")

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get('version', None)
        if (version is None or version < 2) and self.track_running_stats:
            # checkpoints older than num_batches_tracked (version 2) load with the current count
            key = prefix + 'num_batches_tracked'
            if key not in state_dict:
                state_dict[key] = self.num_batches_tracked if self.num_batches_tracked is not None \
                    else tensor(0, dtype=_dtype.int64)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, input):
        self._check_input_dim(input)
        exponential_average_factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                exponential_average_factor = 1.0 / float(self.num_batches_tracked)
            else:
                exponential_average_factor = self.momentum
        bn_training = self.training or (self.running_mean is None and self.running_var is None)
        return F.batch_norm(
            input,
            self.running_mean if not self.training or self.track_running_stats else None,
            self.running_var if not self.training or self.track_running_stats else None,
            self.weight, self.bias, bn_training, exponential_average_factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """BatchNorm over (N, C) or (N, C, L) inputs."""
    _dims = (2, 3)
    _dims_text = '2D or 3D'


class BatchNorm2d(_BatchNorm):
    """BatchNorm over (N, C, H, W) inputs."""
    _dims = (4,)
    _dims_text = '4D'


class BatchNorm3d(_BatchNorm):
    _dims = (5,)
    _dims_text = '5D'


class _InstanceNorm(_BatchNorm):
    """Normalize each channel of each sample over its spatial dims (no affine and no running stats by default)."""

    def __init__(self, num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False,
                 device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)

    def forward(self, input):
        self._check_input_dim(input)
        unbatched = input.dim() == self._dims[0]
        if unbatched:
            input = input.unsqueeze(0)
        out = F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    _dims = (2, 3)
    _dims_text = '2D or 3D'


class InstanceNorm2d(_InstanceNorm):
    _dims = (3, 4)
    _dims_text = '3D or 4D'


class InstanceNorm3d(_InstanceNorm):
    _dims = (4, 5)
    _dims_text = '4D or 5D'
