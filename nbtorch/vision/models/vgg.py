"""VGG (Simonyan & Zisserman, 2014) as torchvision builds it, plus ``SmallVGG`` for 28x28/32x32 images.

A VGG is stacks of 3x3 convs + ReLU separated by 2x2 max-pools (``features``),
an adaptive average pool, then Linear layers (``classifier``).
"""
from ... import nn
from ..._functions import flatten
from ._api import Weights, WeightsEnum, _fetch_state_dict, _load_weights, _resolve

__all__ = ["VGG", "SmallVGG", "make_layers", "vgg11", "vgg11_bn", "vgg_small", "VGG11_Weights", "VGG11_BN_Weights"]

cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
    # vgg11's pattern with a quarter of the widths and one stage less: for 28x28 / 32x32 inputs
    "S": [16, "M", 32, "M", 64, 64, "M", 128, 128, "M"],
}


def make_layers(cfg, batch_norm=False, in_channels=3):
    """``cfg`` lists conv widths; ``"M"`` is a 2x2 max-pool."""
    layers = []
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


def _init_vgg(model):
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
            nn.init.constant_(m.bias, 0)


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            _init_vgg(self)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = flatten(x, 1)
        x = self.classifier(x)
        return x


class SmallVGG(nn.Module):
    """A VGG-11-shaped net for small images: convs 16-M-32-M-64-64-M-128-128-M, global average pool,
    then Linear(128, 64) - ReLU - Dropout - Linear(64, num_classes). About 0.3M parameters."""

    def __init__(self, num_classes=10, in_channels=3, batch_norm=True, dropout=0.5, init_weights=True):
        super().__init__()
        self.features = make_layers(cfgs["S"], batch_norm=batch_norm, in_channels=in_channels)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Sequential(nn.Linear(128, 64), nn.ReLU(True), nn.Dropout(p=dropout),
                                        nn.Linear(64, num_classes))
        if init_weights:
            _init_vgg(self)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = flatten(x, 1)
        return self.classifier(x)


def vgg_small(num_classes=10, in_channels=3, batch_norm=True, **kwargs):
    """``SmallVGG``: a VGG-11-style net sized for MNIST/CIFAR/Digits (28x28 or 32x32 input)."""
    return SmallVGG(num_classes=num_classes, in_channels=in_channels, batch_norm=batch_norm, **kwargs)


_COMMON_META = {"min_size": (32, 32), "num_classes": 1000}


class VGG11_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(url="https://download.pytorch.org/models/vgg11-8a719046.pth",
                            meta={**_COMMON_META, "num_params": 132863336})
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(url="https://download.pytorch.org/models/vgg11_bn-6002323d.pth",
                            meta={**_COMMON_META, "num_params": 132868840})
    DEFAULT = IMAGENET1K_V1


def _vgg(cfg, batch_norm, weights, enum_cls, pretrained, kwargs):
    weights = _resolve(weights, pretrained, enum_cls, kwargs)
    if weights is not None:
        kwargs["init_weights"] = False
    state_dict = _fetch_state_dict(weights, enum_cls)
    return _load_weights(VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs), state_dict)


def vgg11(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-11 (configuration "A") with torchvision's layer names."""
    return _vgg("A", False, weights, VGG11_Weights, pretrained, kwargs)


def vgg11_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-11 with batch normalisation."""
    return _vgg("A", True, weights, VGG11_BN_Weights, pretrained, kwargs)
