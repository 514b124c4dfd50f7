# Learn the Basics: Datasets & DataLoaders (a custom Dataset over synthetic images)
import torch
from torch.utils.data import Dataset, DataLoader, TensorDataset, random_split

torch.manual_seed(0)
labels_map = {0: "T-Shirt", 1: "Trouser", 2: "Pullover", 3: "Dress", 4: "Coat"}


class CustomImageDataset(Dataset):
    def __init__(self, n, transform=None, target_transform=None):
        self.images = (torch.rand(n, 28, 28) * 255).to(torch.uint8)
        self.img_labels = torch.randint(0, 5, (n,))
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        image = self.images[idx].unsqueeze(0)
        label = self.img_labels[idx]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


training_data = CustomImageDataset(100, transform=lambda im: im.float() / 255, target_transform=int)
print(len(training_data))
img, label = training_data[3]
print(img.shape, img.dtype, label, labels_map[label])
sample_idx = torch.randint(len(training_data), size=(1,)).item()
print(sample_idx)

train_dataloader = DataLoader(training_data, batch_size=16, shuffle=True)
print(len(train_dataloader))
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
print(train_labels)
img = train_features[0].squeeze()
label = train_labels[0]
print(img.shape, f"Label: {label}")
print(img[10:13, 10:14])

for i, (x, y) in enumerate(train_dataloader):
    print(i, x.shape, y.tolist())

ds = TensorDataset(torch.arange(10.).view(5, 2), torch.arange(5))
print(ds[1])
train, val = random_split(ds, [3, 2], generator=torch.Generator().manual_seed(42))
print(len(train), len(val), train.indices, val.indices)
for xb, yb in DataLoader(ds, batch_size=2, drop_last=True):
    print(xb, yb)
loader = DataLoader(ds, batch_size=3)
print(len(loader), [b[1] for b in loader])
