# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8. Loading data: `Dataset`, `DataLoader` and transforms
#
# A `Dataset` answers two questions: how many samples (`__len__`) and what is sample *i*
# (`__getitem__`). A `DataLoader` turns a dataset into shuffled mini-batches. `transforms` prepare
# images (resize, crop, flip, convert to tensors, normalise). This machine has no internet, so instead
# of downloading CIFAR10 we use scikit-learn's bundled 8×8 handwritten digits (`vision.datasets.Digits`).

# %%
import nbtorch as torch
from nbtorch.utils.data import Dataset, DataLoader, TensorDataset, random_split
from nbtorch import vision as torchvision
from nbtorch.vision import transforms
from nbtorch.utils.tensorboard import SummaryWriter

torch.manual_seed(0)

# %% [markdown]
# ## A Dataset of your own

# %%
class MyDataset(Dataset):
    # constructor
    def __init__(self, data_tensor, target_tensor):
        self.data_tensor = data_tensor
        self.target_tensor = target_tensor

    # size of the dataset
    def __len__(self):
        return self.data_tensor.size(0)

    # the sample and its label at an index
    def __getitem__(self, index):
        return self.data_tensor[index], self.target_tensor[index]


# %%
data_tensor = torch.randn(10, 3)
target_tensor = torch.randint(2, (10,))  # labels are 0 or 1

my_dataset = MyDataset(data_tensor, target_tensor)
print('Dataset size:', len(my_dataset))
print('tensor_data[0]: ', my_dataset[0])

# %% [markdown]
# ## DataLoader

# %%
tensor_dataloader = DataLoader(dataset=my_dataset,  # the dataset (required)
                               batch_size=2,        # samples per batch
                               shuffle=True,        # reshuffle every epoch
                               num_workers=0)       # 0: load in the main process

for data, target in tensor_dataloader:
    print(data, target)

# %% [markdown]
# One tutorial fetches a single batch with `iter(loader).next()`, which was Python 2. In Python 3 it is
# `next(iter(loader))`:

# %%
try:
    iter(tensor_dataloader).next()
except AttributeError as err:
    print("AttributeError:", err)
print('One batch tensor data: ', next(iter(tensor_dataloader)))

# %% [markdown]
# ## Batch, iteration, epoch
# - **batch size**: samples used for one parameter update;
# - **iteration**: one update, i.e. one batch;
# - **epoch**: one pass over the whole training set.
#
# With 1000 samples and `batch_size=10`, one epoch is 100 iterations. When the batch size does not
# divide the dataset, the last batch is smaller unless `drop_last=True`.

# %%
samples = TensorDataset(torch.arange(1000.).view(-1, 1), torch.zeros(1000))
for bs, drop in [(10, False), (32, False), (32, True), (1, False), (1000, False)]:
    loader = DataLoader(samples, batch_size=bs, drop_last=drop)
    print(f"batch_size={bs:4d} drop_last={drop!s:5s} -> {len(loader):4d} iterations per epoch")

# %% [markdown]
# `random_split` divides a dataset, for example into training and validation parts:

# %%
train_part, val_part = random_split(samples, [800, 200], generator=torch.Generator().manual_seed(42))
print(len(train_part), len(val_part))

# %% [markdown]
# ## Transforms
# `transforms.ToTensor()` turns a PIL image (H × W × C, values 0–255) into a float tensor
# (C × H × W, values in [0, 1]); `Normalize(mean, std)` then standardises each channel;
# `Compose` chains transforms.

# %%
digits = torchvision.datasets.Digits(root='.', train=True, size=28)
img, label = digits[0]
print(type(img).__name__, img.size, img.mode, 'label', label)
t = transforms.ToTensor()(img)
print(t.shape, t.dtype, round(t.min().item(), 3), round(t.max().item(), 3))
back = transforms.ToPILImage()(t)
print(back.size, back.mode)

# %% [markdown]
# `Resize(size, interpolation=2)`: a tuple `(h, w)` sets the output size exactly; an int sets the shorter
# side and keeps the aspect ratio. `interpolation=2` is PIL's bilinear filter
# (`transforms.InterpolationMode.BILINEAR` in newer code). We save a digit as `jk.jpg` to have a file
# to open, as the tutorial does.

# %%
from PIL import Image

img.convert('RGB').resize((64, 64)).save('jk.jpg')

# a Resize operation
resize_img_oper = transforms.Resize((200, 200), interpolation=2)

# the original image
orig_img = Image.open('jk.jpg')
display(orig_img)

# after Resize
img = resize_img_oper(orig_img)
display(img)
print(img.size, transforms.Resize(100)(Image.new('RGB', (64, 32))).size)

# %%
img, label = digits[0]
print(transforms.CenterCrop(20)(img).size)
torch.manual_seed(0)
print(transforms.RandomCrop(24, padding=2)(img).size)
print([c.size for c in transforms.FiveCrop(14)(img)])
flipped = transforms.RandomHorizontalFlip(p=1.0)(t.unsqueeze(0))
print(torch.equal(flipped[0], t.flip(-1)), transforms.RandomVerticalFlip(p=0.0)(t).equal(t))

# %%
preprocess = transforms.Compose([
    transforms.Resize(32),
    transforms.ToTensor(),
    transforms.Normalize(mean=(0.5,), std=(0.5,)),
])
print(preprocess)
x = preprocess(img)
print(x.shape, round(x.min().item(), 3), round(x.max().item(), 3))

# %% [markdown]
# A dataset applies the transform to every sample, and the loader stacks samples into batches:

# %%
digits = torchvision.datasets.Digits(root='.', train=True, size=28, transform=transforms.ToTensor())
loader = DataLoader(digits, batch_size=64, shuffle=True)
imgs, targets = next(iter(loader))
print(imgs.shape, targets.shape, targets[:10])
grid = torchvision.utils.make_grid(imgs[:16], nrow=8, padding=2)
print(grid.shape)
torchvision.utils.save_image(imgs[:16], 'digits_grid.png', nrow=8)

# %% [markdown]
# `SummaryWriter` shows the images live in the notebook, with no TensorBoard server:

# %%
writer = SummaryWriter("logs")
for step, (imgs, targets) in enumerate(loader):
    writer.add_images("input", imgs[:16], step)
    if step == 2:
        break
writer.close()
writer

# %% [markdown]
# ## Exercises
# 1. How many iterations does one epoch take with 1797 digits and `batch_size=64`? With `drop_last=True`?
# 2. Write a `Dataset` that returns `(i, i ** 2)` for `i` in `range(5)` and load it in batches of 2.

# %%
n = len(torchvision.datasets.Digits(root='.', train=True)) + len(torchvision.datasets.Digits(root='.', train=False))
assert n == 1797
assert len(DataLoader(TensorDataset(torch.zeros(n)), batch_size=64)) == 29
assert len(DataLoader(TensorDataset(torch.zeros(n)), batch_size=64, drop_last=True)) == 28


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return i, i ** 2


batches = list(DataLoader(Squares(), batch_size=2))
assert [b[1].tolist() for b in batches] == [[0, 1], [4, 9], [16]]
print("all checks passed")

# %% [markdown]
# ## Summary
# - Subclass `Dataset` with `__len__` and `__getitem__`; `DataLoader` batches, shuffles and collates.
# - batch size × iterations ≈ samples in one epoch; `drop_last` drops the smaller final batch.
# - `transforms.Compose([Resize, ToTensor, Normalize])` is the usual image pipeline.
