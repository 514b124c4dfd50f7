# torchvision data augmentation (seeded) and ImageFolder over a temporary folder of PNGs
import os
import tempfile
import numpy as np
import torch
from PIL import Image
from torchvision import transforms, datasets
from torch.utils.data import DataLoader

rng = np.random.default_rng(0)
img = Image.fromarray(rng.integers(0, 256, (8, 10, 3), dtype=np.uint8))
t = transforms.ToTensor()(img)
torch.manual_seed(0)
for tf in [transforms.RandomCrop(6), transforms.RandomCrop(6, padding=2), transforms.RandomHorizontalFlip(),
           transforms.RandomVerticalFlip(), transforms.RandomRotation(30), transforms.CenterCrop(4),
           transforms.Resize((4, 5)), transforms.Grayscale(3)]:
    out = tf(img)
    print(tf, out.size, transforms.PILToTensor()(out)[0, :2])
    out_t = tf(t)
    print(out_t.shape, out_t[0, :2])
crops = transforms.FiveCrop(4)(img)
print(len(crops), [c.size for c in crops])
print(torch.stack([transforms.ToTensor()(c) for c in crops]).shape)
aug = transforms.Compose([transforms.RandomResizedCrop(6, antialias=True), transforms.RandomHorizontalFlip(), transforms.ToTensor()])
torch.manual_seed(1)
print(aug(img)[1])
print(transforms.ToPILImage()(t).getpixel((0, 0)), img.getpixel((0, 0)))
print(transforms.functional.hflip(t)[0, 0], transforms.functional.to_tensor(img).shape)

root = tempfile.mkdtemp()
for cls in ['cat', 'dog']:
    os.makedirs(os.path.join(root, cls))
    for i in range(3):
        arr = rng.integers(0, 256, (5, 5, 3), dtype=np.uint8)
        Image.fromarray(arr).save(os.path.join(root, cls, f'{i}.png'))
ds = datasets.ImageFolder(root, transform=transforms.ToTensor())
print(len(ds), ds.classes, ds.class_to_idx, [os.path.basename(p) for p, _ in ds.samples], ds.targets)
x, y = ds[4]
print(x.shape, y, x[0, 0])
torch.manual_seed(0)
for xb, yb in DataLoader(ds, batch_size=4, shuffle=True):
    print(xb.shape, yb)
