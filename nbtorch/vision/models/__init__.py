"""``torchvision.models``: LeNet5, a small VGG, and ResNet-18/34/50 with torchvision's state_dict names."""
