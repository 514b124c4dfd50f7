"""``torchvision.models``: LeNet5, VGG (and a small VGG), GoogLeNet and ResNet-18/34/50 with torchvision's state_dict names.

``weights=`` takes torchvision's enum (``ResNet18_Weights.DEFAULT``), its name, or
the path of a local weights file. With no network, published weights load only
from torch's hub cache or a file you pass.
"""
from ._api import Weights, WeightsEnum, get_dir, load_state_dict_from_url
from .lenet import LeNet5, lenet5
from .vgg import VGG, SmallVGG, vgg11, vgg11_bn, vgg_small, VGG11_Weights, VGG11_BN_Weights
from .googlenet import GoogLeNet, GoogLeNetOutputs, googlenet, GoogLeNet_Weights
from .resnet import (ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, ResNet18_Weights,
                     ResNet34_Weights, ResNet50_Weights)

_BUILDERS = {"lenet5": lenet5, "vgg11": vgg11, "vgg11_bn": vgg11_bn, "vgg_small": vgg_small,
             "googlenet": googlenet, "resnet18": resnet18, "resnet34": resnet34, "resnet50": resnet50}


def list_models():
    return sorted(_BUILDERS)


def get_model(name, **config):
    """``get_model("resnet18", weights=None, num_classes=10)``."""
    try:
        fn = _BUILDERS[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown model {name}; available: {', '.join(list_models())}") from None
    return fn(**config)
