"""CIFAR10 and CIFAR100: 32x32 colour images stored as pickled Python dicts ("batches").

The batches are pickles, and unpickling can run code. ``_load_batch`` therefore
uses a restricted unpickler that knows only the NumPy array-rebuilding
functions, refuses every other global, and keeps only the known fields
('data', 'labels'/'fine_labels', 'filenames', 'batch_label', label names).
"""
import io
import os
import pickle

import numpy as np
from PIL import Image

from .utils import check_integrity, download_and_extract_archive, dataset_not_found
from .vision import VisionDataset

# The few callables a pickled ndarray needs (under numpy 1.x and 2.x module names).
_reconstruct = np.ndarray((0,), np.uint8).__reduce__()[0]
_frombuffer = np.arange(1, dtype=np.uint8).__reduce_ex__(5)[0]


def _latin1_encode(s, encoding='latin1'):
    """``_codecs.encode`` as protocol-2 pickles of bytes use it (text -> bytes only)."""
    if not isinstance(s, str) or encoding.lower() not in ('latin1', 'latin-1'):
        raise pickle.UnpicklingError("only _codecs.encode(str, 'latin1') is allowed")
    return s.encode('latin1')


_ALLOWED_GLOBALS = {
    ('numpy.core.multiarray', '_reconstruct'): _reconstruct,
    ('numpy._core.multiarray', '_reconstruct'): _reconstruct,
    ('numpy.core.numeric', '_frombuffer'): _frombuffer,
    ('numpy._core.numeric', '_frombuffer'): _frombuffer,
    ('numpy', 'ndarray'): np.ndarray,
    ('numpy', 'dtype'): np.dtype,
    ('_codecs', 'encode'): _latin1_encode,
}


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """Unpickles dicts, lists, strings, numbers and NumPy arrays; any other global is refused."""

    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load global {module}.{name}: a CIFAR batch holds only dicts, lists and NumPy "
                "arrays, so this file is not one (or has been tampered with)") from None


def _load_batch(path):
    with open(path, 'rb') as f:
        entry = _ArrayOnlyUnpickler(io.BytesIO(f.read()), encoding='latin1').load()
    if not isinstance(entry, dict):
        raise ValueError(f"{path}: expected a pickled dict, got {type(entry).__name__}")
    return {(k.decode('latin1') if isinstance(k, bytes) else k): v for k, v in entry.items()}


def _check_array(arr, path, field, dtype=np.uint8, ndim=2):
    if not isinstance(arr, np.ndarray) or arr.dtype != dtype or arr.ndim != ndim:
        raise ValueError(f"{path}: field {field!r} should be a {ndim}-D {np.dtype(dtype)} array, got "
                         f"{getattr(arr, 'dtype', type(arr).__name__)} {getattr(arr, 'shape', '')}")
    return arr


class CIFAR10(VisionDataset):
    """CIFAR-10: 50000 training and 10000 test 32x32 RGB images in 10 classes.

    Files: ``root/cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}``.
    ``dataset[i]`` is ``(PIL image 'RGB', int label)`` before ``transform``.
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise dataset_not_found(os.path.join(self.root, self.base_folder), self._needed_files())

        self.data = []
        self.targets = []
        for file_name, _ in (self.train_list if self.train else self.test_list):
            path = os.path.join(self.root, self.base_folder, file_name)
            entry = _load_batch(path)
            data = _check_array(entry.get("data"), path, "data")
            labels = entry["labels"] if "labels" in entry else entry.get("fine_labels")
            if labels is None or len(labels) != len(data):
                raise ValueError(f"{path}: expected one label per image ({len(data)}), got "
                                 f"{None if labels is None else len(labels)}")
            self.data.append(data)
            self.targets.extend(int(t) for t in labels)
        self.data = np.vstack(self.data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))  # -> N, H, W, C
        self._load_meta()

    def _load_meta(self):
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        names = _load_batch(path).get(self.meta["key"])
        if not isinstance(names, list) or not all(isinstance(n, (str, bytes)) for n in names):
            raise ValueError(f"{path}: {self.meta['key']!r} should be a list of class names")
        self.classes = [n.decode('latin1') if isinstance(n, bytes) else n for n in names]
        self.class_to_idx = {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        img = Image.fromarray(img)
        return self._apply(img, target)

    def __len__(self):
        return len(self.data)

    def _needed_files(self):
        return [f for f, _ in (self.train_list if self.train else self.test_list)] + [self.meta["filename"]]

    def _check_exists(self):
        folder = os.path.join(self.root, self.base_folder)
        return all(check_integrity(os.path.join(folder, f)) for f in self._needed_files())

    def _check_integrity(self):
        """Every batch file is present with its published md5."""
        folder = os.path.join(self.root, self.base_folder)
        return all(check_integrity(os.path.join(folder, f), md5)
                   for f, md5 in self.train_list + self.test_list + [[self.meta["filename"], self.meta["md5"]]])

    def download(self):
        """Download the .tar.gz, check its md5, extract it, then check each batch's md5."""
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)
        if not self._check_integrity():
            raise RuntimeError(f"Dataset corrupted: the files in {os.path.join(self.root, self.base_folder)} "
                               "do not have the published md5 checksums.")

    def extra_repr(self):
        split = "Train" if self.train is True else "Test"
        return f"Split: {split}"


class CIFAR100(CIFAR10):
    """CIFAR-100: the CIFAR-10 format with 100 fine classes."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
