"""Pretrained-weight handles in torchvision's style: ``resnet18(weights=ResNet18_Weights.DEFAULT)``.

``weights`` may be a ``WeightsEnum`` member, its name (``"DEFAULT"``,
``"ResNet18_Weights.IMAGENET1K_V1"``) or the path of a local file
(``.pth``/``.pt`` read by ``nbtorch.load``, or ``.safetensors``). Published
weights are looked up in torch's hub cache (``$TORCH_HOME/hub/checkpoints``);
when they are not there, nbtorch tries to download them and, with no network,
says how to pass a local file instead.
"""
import os
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Dict, Optional


@dataclass
class Weights:
    url: str
    transforms: Optional[Callable] = None
    meta: Dict[str, Any] = field(default_factory=dict)


class WeightsEnum(Enum):
    """An enum of ``Weights``; ``DEFAULT`` is an alias of the recommended member."""

    @classmethod
    def verify(cls, obj):
        if obj is None or isinstance(obj, cls):
            return obj
        if isinstance(obj, str):
            name = obj.replace(cls.__name__ + ".", "")
            if name not in cls.__members__:
                raise ValueError(f"{obj!r} is not a member of {cls.__name__}: choose one of "
                                 f"{', '.join(cls.__members__)}, or pass the path of a local weights file")
            return cls[name]
        raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                        f"{obj.__class__.__name__}.")

    def get_state_dict(self, *args, **kwargs):
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


def get_dir():
    """torch's hub folder: ``$TORCH_HOME/hub`` (``~/.cache/torch/hub`` by default)."""
    torch_home = os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME",
                                                                                   "~/.cache"), "torch")))
    return os.path.join(torch_home, "hub")


def load_local_weights(path):
    """A state_dict from a local file: ``.safetensors``, or a torch/nbtorch checkpoint via ``nbtorch.load``."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No weights file at {path}")
    if path.endswith(".safetensors"):
        from safetensors.numpy import load_file
        from ..._creation import from_numpy
        return {k: from_numpy(v) for k, v in load_file(path).items()}
    from ... import serialization
    return serialization.load(path, map_location="cpu", weights_only=True)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=True):
    """The checkpoint at ``url``: from the hub cache if it is there, else downloaded into it."""
    from ..datasets import utils as dutils
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    filename = file_name or os.path.basename(url)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.isfile(cached_file):
        try:
            os.makedirs(model_dir, exist_ok=True)
            dutils._urlretrieve(url, cached_file)
        except OSError as e:                     # URLError is an OSError
            if os.path.isfile(cached_file):
                os.remove(cached_file)
            raise RuntimeError(
                f"Pretrained weights need a download of {url}, and nbtorch could not reach the server: no network "
                f"here? ({e}). "
                f"help: download {filename} on a machine with internet and either copy it to {cached_file} "
                f"or pass its path: weights='/path/to/{filename}'. Or use weights=None to start from "
                "random weights.") from e
    return load_local_weights(cached_file)


def _is_weights_path(weights):
    return isinstance(weights, os.PathLike) or (isinstance(weights, str) and (
        os.path.sep in weights or weights.endswith((".pth", ".pt", ".safetensors", ".bin")) or
        os.path.isfile(weights)))


def _fetch_state_dict(weights, enum_cls):
    """The state_dict for ``weights`` (enum member, its name, or a local file path); None for None.

    Called before the model is built, so a missing download fails fast.
    """
    if weights is None:
        return None
    if _is_weights_path(weights):
        return load_local_weights(weights)
    return enum_cls.verify(weights).get_state_dict(progress=True, check_hash=True)


def _load_weights(model, state_dict):
    if state_dict is not None:
        model.load_state_dict(state_dict)
    return model


def _resolve(weights, pretrained, enum_cls, kwargs, num_classes_name="num_classes"):
    """torchvision's handling of the old ``pretrained=True`` and of ``num_classes`` with enum weights."""
    if pretrained:
        weights = enum_cls.DEFAULT if weights is None else weights
    if weights is not None and not _is_weights_path(weights):
        weights = enum_cls.verify(weights)
        expected = weights.meta.get("num_classes")
        if expected is not None and num_classes_name in kwargs and kwargs[num_classes_name] != expected:
            raise ValueError(f"The parameter '{num_classes_name}' expected value {expected} but got "
                             f"{kwargs[num_classes_name]} instead.")
    return weights
