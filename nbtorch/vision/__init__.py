"""nbtorch.vision: torchvision's API for nbtorch.

``from nbtorch import vision as torchvision`` and torchvision code runs unchanged:
``torchvision.transforms``, ``torchvision.datasets``, ``torchvision.models`` and
``torchvision.utils``. With no network, use the offline datasets
(``datasets.Digits``, ``datasets.Moons``, ...) in place of MNIST/CIFAR downloads.
"""
from . import transforms, datasets, models, utils  # noqa: F401

__version__ = '0.28.0+nbtorch'
