# Learn the Basics: Transforms (ToTensor on numpy/PIL, Lambda one-hot target, Normalize, Compose)
import numpy as np
import torch
from PIL import Image
from torchvision import transforms
from torchvision.transforms import ToTensor, Lambda

target_transform = Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1))
print(target_transform(3))
rng = np.random.default_rng(0)
arr = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
t = ToTensor()(arr)
print(t.shape, t.dtype, t[0])
gray = rng.integers(0, 256, (4, 5), dtype=np.uint8)
print(ToTensor()(gray))
img = Image.fromarray(arr)
print(ToTensor()(img)[1])
print(transforms.PILToTensor()(img)[2])
print(ToTensor()(np.ones((2, 2, 1), dtype=np.float32) * 3))
norm = transforms.Normalize(mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))
print(norm(t)[2])
pipeline = transforms.Compose([transforms.Resize((8, 8)), transforms.CenterCrop(6), ToTensor(),
                               transforms.Normalize((0.1307,), (0.3081,))])
print(pipeline(Image.fromarray(gray)))
print(pipeline)
print(transforms.Resize(3)(img).size, transforms.Grayscale()(img).mode)
print(transforms.ToPILImage()(t).size, transforms.ToPILImage()(t).mode)
print(transforms.Compose([transforms.Grayscale(num_output_channels=1), transforms.ToTensor()])(img))
torch.manual_seed(0)
print(transforms.RandomHorizontalFlip(p=1.0)(t)[0], transforms.RandomVerticalFlip(p=1.0)(t)[0, 0])
try:
    norm(torch.ones(3, 2, 2, dtype=torch.uint8))
except Exception as e:
    print(type(e).__name__, e)
