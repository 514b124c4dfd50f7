"""``torchvision.datasets``: MNIST, FashionMNIST, CIFAR10/100, ImageFolder, and offline sets.

With no network, ``Digits`` (scikit-learn's 8x8 digits, optionally 28x28) stands
in for MNIST, and ``Moons``/``Circles``/``Spirals`` give 2-D toy problems.
"""
from .vision import VisionDataset, StandardTransform
from .mnist import MNIST, FashionMNIST
from .cifar import CIFAR10, CIFAR100
from .folder import DatasetFolder, ImageFolder, IMG_EXTENSIONS
from .fakedata import FakeData
from .toy import Digits, Moons, Circles, Spirals, make_moons, make_circles, make_spirals
from . import utils

__all__ = ["VisionDataset", "StandardTransform", "MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "DatasetFolder",
           "ImageFolder", "IMG_EXTENSIONS", "FakeData", "Digits", "Moons", "Circles", "Spirals", "make_moons", "make_circles",
           "make_spirals"]
