"""LeNet-5 (LeCun et al., 1998) in its common modern form: ReLU and max-pooling.

It is an ``nn.Sequential``, so its state_dict keys (``0.weight``, ``3.weight``,
``7.weight``, ...) equal those of the same ``torch.nn.Sequential`` in PyTorch:

    Conv2d(1, 6, 5, padding=2) ReLU MaxPool2d(2)      28x28 -> 6x14x14
    Conv2d(6, 16, 5)           ReLU MaxPool2d(2)      -> 16x5x5
    Flatten Linear(400, 120) ReLU Linear(120, 84) ReLU Linear(84, 10)
"""
from ... import nn

__all__ = ["LeNet5", "lenet5"]


class LeNet5(nn.Sequential):
    """LeNet-5 for 1x28x28 images (``in_channels``/``num_classes`` can be changed)."""

    def __init__(self, num_classes=10, in_channels=1):
        super().__init__(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, num_classes),
        )


def lenet5(num_classes=10, in_channels=1):
    return LeNet5(num_classes=num_classes, in_channels=in_channels)
