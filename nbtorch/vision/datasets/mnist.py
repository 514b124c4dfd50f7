"""MNIST and FashionMNIST: 28x28 grayscale digits / clothes, stored in the IDX format.

An IDX file is a 4-byte magic number (0, 0, type code, number of dims), one
big-endian int32 per dim, then the raw big-endian values. ``read_sn3_pascalvincent_tensor``
parses it with NumPy only; nothing is unpickled.
"""
import gzip
import os
import warnings

import numpy as np
from PIL import Image

from ..._creation import from_numpy
from .utils import check_integrity, download_and_extract_archive, dataset_not_found
from .vision import VisionDataset

# IDX type code -> big-endian NumPy dtype
SN3_PASCALVINCENT_TYPEMAP = {8: np.dtype('u1'), 9: np.dtype('i1'), 11: np.dtype('>i2'), 12: np.dtype('>i4'),
                             13: np.dtype('>f4'), 14: np.dtype('>f8')}


def _read_bytes(path):
    """The file's bytes; ``path`` may also exist only as ``path + '.gz'``."""
    if not os.path.isfile(path) and os.path.isfile(path + '.gz'):
        path = path + '.gz'
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        return f.read()


def read_sn3_pascalvincent_tensor(path, strict=True):
    """Read an IDX file into a tensor of its stored dtype and shape."""
    data = _read_bytes(path)
    magic = int.from_bytes(data[0:4], 'big')
    nd, ty = magic % 256, magic // 256
    if not (1 <= nd <= 3 and ty in SN3_PASCALVINCENT_TYPEMAP):
        raise ValueError(f"{path} is not an IDX file: magic number {magic:#010x} (expected 0x0000TTNN with "
                         "type TT in 08..0e and 1..3 dims NN)")
    s = [int.from_bytes(data[4 * (i + 1):4 * (i + 2)], 'big') for i in range(nd)]
    dt = SN3_PASCALVINCENT_TYPEMAP[ty]
    offset = 4 * (nd + 1)
    count = (len(data) - offset) // dt.itemsize
    if strict and count != int(np.prod(s)):
        raise ValueError(f"{path}: header says shape {s} ({int(np.prod(s))} values) but the file holds {count}")
    parsed = np.frombuffer(data, dtype=dt, count=int(np.prod(s)), offset=offset)
    return from_numpy(parsed.astype(dt.newbyteorder('=')).reshape(s))


def read_label_file(path):
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype.np != np.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.ndim}")
    return x.long()


def read_image_file(path):
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype.np != np.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.ndim}")
    return x


class MNIST(VisionDataset):
    """The MNIST digits: ``root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]``.

    ``dataset[i]`` is ``(PIL image 'L' 28x28, int label)`` before ``transform``.
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise dataset_not_found(self.raw_folder, self._split_files())
        self.data, self.targets = self._load_data()

    # torchvision's old attribute names (deprecated there too)
    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets")
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets")
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data")
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data")
        return self.data

    def _split_files(self):
        prefix = 'train' if self.train else 't10k'
        return [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]

    def _load_data(self):
        image_file, label_file = self._split_files()
        data = read_image_file(os.path.join(self.raw_folder, image_file))
        targets = read_label_file(os.path.join(self.raw_folder, label_file))
        return data, targets

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        img = Image.fromarray(img.numpy(), mode="L")
        return self._apply(img, target)

    def __len__(self):
        return len(self.data)

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def _check_exists(self):
        def present(name):
            path = os.path.join(self.raw_folder, name)
            return check_integrity(path) or check_integrity(path + '.gz')
        return all(present(os.path.splitext(os.path.basename(url))[0]) for url, _ in self.resources)

    def download(self):
        """Download each file from the first mirror that answers, check its md5, and gunzip it."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                url = f"{mirror}{filename}"
                try:
                    print(f"Downloading {url}")
                    download_and_extract_archive(url, download_root=self.raw_folder, filename=filename, md5=md5)
                except RuntimeError as error:
                    print(f"Failed to download (trying next):\n{error}\n")
                    errors.append(str(error))
                    continue
                break
            else:
                raise RuntimeError(f"Error downloading {filename}: " + " | ".join(errors))

    def extra_repr(self):
        split = "Train" if self.train is True else "Test"
        return f"Split: {split}"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: the MNIST format with 10 kinds of clothes."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]

