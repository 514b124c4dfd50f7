"""nbtorch.vision.datasets: tiny files in the real formats, written here, parsed by the datasets."""
import gzip
import hashlib
import io
import os
import pickle
import struct
import tarfile
import urllib.error

import numpy as np
import pytest
from PIL import Image

import nbtorch
from nbtorch.vision import datasets, transforms
from nbtorch.vision.datasets import utils as dutils
from tests.helpers import to_np

RS = np.random.RandomState(0)


# ----------------------------------------------------------------------------- IDX (MNIST)
def idx_bytes(arr):
    """The IDX format: magic (0, 0, type 0x08 = uint8, ndim), big-endian int32 dims, raw bytes."""
    arr = np.asarray(arr, np.uint8)
    return struct.pack(">BBBB", 0, 0, 8, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape) + arr.tobytes()


def write_mnist(root, cls="MNIST", n_train=5, n_test=3, gz=False):
    raw = os.path.join(root, cls, "raw")
    os.makedirs(raw, exist_ok=True)
    data = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        imgs = RS.randint(0, 256, (n, 28, 28)).astype(np.uint8)
        labels = RS.randint(0, 10, n).astype(np.uint8)
        for kind, arr in (("images-idx3", imgs), ("labels-idx1", labels)):
            name = os.path.join(raw, f"{split}-{kind}-ubyte")
            if gz:
                with gzip.open(name + ".gz", "wb") as f:
                    f.write(idx_bytes(arr))
            else:
                with open(name, "wb") as f:
                    f.write(idx_bytes(arr))
        data[split] = (imgs, labels)
    return data


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("cls", ["MNIST", "FashionMNIST"])
def test_mnist_parses_idx_files(tmp_path, gz, cls):
    data = write_mnist(str(tmp_path), cls, gz=gz)
    Dataset = getattr(datasets, cls)
    train = Dataset(str(tmp_path), train=True)
    test = Dataset(str(tmp_path), train=False)
    assert len(train) == 5 and len(test) == 3
    assert train.data.dtype == nbtorch.uint8 and tuple(train.data.shape) == (5, 28, 28)
    assert train.targets.dtype == nbtorch.int64
    np.testing.assert_array_equal(to_np(train.data), data["train"][0])
    np.testing.assert_array_equal(to_np(test.targets), data["t10k"][1])
    img, target = test[2]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    assert type(target) is int and target == int(data["t10k"][1][2])
    np.testing.assert_array_equal(np.asarray(img), data["t10k"][0][2])
    assert len(train.classes) == 10 and train.class_to_idx[train.classes[3]] == 3


def test_mnist_transforms_and_repr(tmp_path):
    data = write_mnist(str(tmp_path))
    ds = datasets.MNIST(str(tmp_path), train=True, transform=transforms.ToTensor(),
                        target_transform=lambda y: y + 100)
    x, y = ds[1]
    assert x.dtype == nbtorch.float32 and tuple(x.shape) == (1, 28, 28)
    np.testing.assert_array_equal(to_np(x)[0], data["train"][0][1] / np.float32(255))
    assert y == int(data["train"][1][1]) + 100
    r = repr(datasets.MNIST(str(tmp_path), train=False, transform=transforms.ToTensor()))
    assert r == (f"Dataset MNIST\n    Number of datapoints: 3\n    Root location: {tmp_path}\n    Split: Test\n"
                 "    StandardTransform\nTransform: ToTensor()")


def test_missing_files_name_the_folder(tmp_path):
    for cls in (datasets.MNIST, datasets.FashionMNIST, datasets.CIFAR10):
        with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True to download it") as e:
            cls(str(tmp_path), train=True, download=False)
        assert str(tmp_path) in str(e.value)


def test_bad_idx_magic_is_rejected(tmp_path):
    p = tmp_path / "bad"
    p.write_bytes(b"\x00\x00\x99\x03" + b"\x00" * 20)
    with pytest.raises(ValueError, match="not an IDX file"):
        datasets.mnist.read_sn3_pascalvincent_tensor(str(p))


def _fake_server(files):
    def fake_urlretrieve(url, fpath, *args, **kwargs):
        name = url.rsplit("/", 1)[1]
        if url not in files:
            raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
        with open(fpath, "wb") as f:
            f.write(files[url])
    return fake_urlretrieve


def test_mnist_download_checks_md5_and_extracts(tmp_path, monkeypatch, capsys):
    payloads = {}
    resources = []
    for split, n in (("train", 4), ("t10k", 2)):
        for kind, arr in (("images-idx3", RS.randint(0, 256, (n, 28, 28))), ("labels-idx1", RS.randint(0, 10, n))):
            name = f"{split}-{kind}-ubyte.gz"
            blob = gzip.compress(idx_bytes(arr))
            payloads[datasets.MNIST.mirrors[1] + name] = blob        # the first mirror is "down"
            resources.append((name, hashlib.md5(blob).hexdigest()))
    monkeypatch.setattr(datasets.MNIST, "resources", resources)
    monkeypatch.setattr(dutils, "_urlretrieve", _fake_server(payloads))
    ds = datasets.MNIST(str(tmp_path), train=True, download=True)
    assert len(ds) == 4
    assert os.path.isfile(tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte")
    out = capsys.readouterr().out
    assert "Downloading https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz" in out
    assert "trying next" in out


def test_mnist_download_wrong_md5_and_offline(tmp_path, monkeypatch):
    name = "train-images-idx3-ubyte.gz"
    monkeypatch.setattr(datasets.MNIST, "resources", [(name, "0" * 32)])
    monkeypatch.setattr(dutils, "_urlretrieve", _fake_server({datasets.MNIST.mirrors[0] + name: b"junk"}))
    with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz.*md5"):
        datasets.MNIST(str(tmp_path / "a"), download=True)
    monkeypatch.setattr(dutils, "_urlretrieve", _fake_server({}))
    with pytest.raises(RuntimeError, match="no network"):
        datasets.FashionMNIST(str(tmp_path / "b"), download=True)


def test_real_resources_and_urls():
    # torchvision's published names and checksums
    assert datasets.MNIST.resources[0] == ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873")
    assert datasets.FashionMNIST.resources[3] == ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")
    assert datasets.CIFAR10.url == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    assert datasets.CIFAR10.tgz_md5 == "c58f30108f718f92721af3b95e74349a"


# ----------------------------------------------------------------------------- CIFAR
CIFAR_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def cifar_batch(n, protocol):
    data = RS.randint(0, 256, (n, 3072)).astype(np.uint8)   # row = 1024 red, 1024 green, 1024 blue
    labels = [int(v) for v in RS.randint(0, 10, n)]
    entry = {"batch_label": "training batch 1 of 5", "labels": labels, "data": data,
             "filenames": [f"img_{i}.png" for i in range(n)]}
    return pickle.dumps(entry, protocol=protocol), data, labels


def write_cifar(root, protocol=2, folder="cifar-10-batches-py"):
    d = os.path.join(root, folder)
    os.makedirs(d, exist_ok=True)
    out = {}
    names = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"]
    for i, name in enumerate(names):
        blob, data, labels = cifar_batch(2 + i % 2, protocol)
        with open(os.path.join(d, name), "wb") as f:
            f.write(blob)
        out[name] = (data, labels)
    meta = {"num_cases_per_batch": 10000, "label_names": CIFAR_CLASSES, "num_vis": 3072}
    with open(os.path.join(d, "batches.meta"), "wb") as f:
        pickle.dump(meta, f, protocol=protocol)
    return out


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_cifar10_parses_pickled_batches(tmp_path, protocol):
    out = write_cifar(str(tmp_path), protocol)
    train = datasets.CIFAR10(str(tmp_path), train=True)
    test = datasets.CIFAR10(str(tmp_path), train=False, transform=transforms.ToTensor())
    assert len(train) == 2 + 3 + 2 + 3 + 2 and len(test) == 3
    assert train.data.shape == (12, 32, 32, 3) and train.data.dtype == np.uint8
    assert train.classes == CIFAR_CLASSES and train.class_to_idx["cat"] == 3
    img, target = train[2]                                     # first image of data_batch_2
    data2, labels2 = out["data_batch_2"]
    assert isinstance(img, Image.Image) and img.mode == "RGB" and img.size == (32, 32)
    np.testing.assert_array_equal(np.asarray(img), data2[0].reshape(3, 32, 32).transpose(1, 2, 0))
    assert type(target) is int and target == labels2[0]
    assert train.targets[:2] == out["data_batch_1"][1]
    x, y = test[1]
    np.testing.assert_array_equal(to_np(x), out["test_batch"][0][1].reshape(3, 32, 32) / np.float32(255))
    assert y == out["test_batch"][1][1]


def py2_batch_pickle(entry):
    """Bytes of a CIFAR batch as Python 2's cPickle.dump(entry, f, 2) wrote it (str = 8-bit strings)."""
    out = bytearray(b"\x80\x02")
    def s(b):                                   # py2 str: SHORT_BINSTRING / BINSTRING
        b = b if isinstance(b, bytes) else b.encode("latin1")
        out.extend(b"U" + bytes([len(b)]) + b if len(b) < 256 else b"T" + struct.pack("<i", len(b)) + b)
    def i(v):
        out.extend(b"K" + bytes([v]) if 0 <= v < 256 else b"J" + struct.pack("<i", v))
    def obj(v):
        if isinstance(v, (str, bytes)):
            s(v)
        elif isinstance(v, int):
            i(v)
        elif isinstance(v, list):
            out.extend(b"]("); [obj(x) for x in v]; out.extend(b"e")
        elif isinstance(v, np.ndarray):
            out.extend(b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n")
            i(0); out.extend(b"\x85"); s("b"); out.extend(b"\x87R(")
            i(1); [i(d) for d in v.shape]; out.extend(b"\x86" if v.ndim == 2 else b"\x85")
            out.extend(b"cnumpy\ndtype\n"); s("u1"); i(0); i(1); out.extend(b"\x87R(")
            i(3); s("|"); out.extend(b"NNN"); i(-1); i(-1); i(0); out.extend(b"tb")
            out.extend(b"\x89"); s(v.tobytes()); out.extend(b"tb")
    out.extend(b"}(")
    for k, v in entry.items():
        s(k); obj(v)
    out.extend(b"u.")
    return bytes(out)


def test_cifar10_reads_python2_pickles(tmp_path):
    """The real files were written by Python 2's cPickle (8-bit str data, numpy.core names)."""
    d = tmp_path / "cifar-10-batches-py"
    d.mkdir()
    arrays = {}
    for name in ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"]:
        arr = RS.randint(0, 256, (2, 3072)).astype(np.uint8)
        labels = [int(v) for v in RS.randint(0, 10, 2)]
        (d / name).write_bytes(py2_batch_pickle({"batch_label": f"{name} of 5", "labels": labels, "data": arr,
                                                 "filenames": ["x.png", "y.png"]}))
        arrays[name] = (arr, labels)
    (d / "batches.meta").write_bytes(py2_batch_pickle({"num_cases_per_batch": 10000,
                                                       "label_names": CIFAR_CLASSES, "num_vis": 3072}))
    ds = datasets.CIFAR10(str(tmp_path), train=False)
    assert ds.classes == CIFAR_CLASSES and len(ds) == 2
    img, y = ds[1]
    np.testing.assert_array_equal(np.asarray(img), arrays["test_batch"][0][1].reshape(3, 32, 32).transpose(1, 2, 0))
    assert y == arrays["test_batch"][1][1]
    assert len(datasets.CIFAR10(str(tmp_path), train=True)) == 10


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        import pathlib
        return (pathlib.Path.touch, (pathlib.Path(self.path),))


def test_cifar_refuses_pickles_with_other_globals(tmp_path):
    write_cifar(str(tmp_path))
    marker = tmp_path / "pwned"
    entry = {"data": np.zeros((1, 3072), np.uint8), "labels": [0], "x": _Evil(str(marker))}
    with open(tmp_path / "cifar-10-batches-py" / "test_batch", "wb") as f:
        pickle.dump(entry, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load global"):
        datasets.CIFAR10(str(tmp_path), train=False)
    assert not marker.exists()                                  # and no code ran


def test_cifar_rejects_wrong_array_fields(tmp_path):
    write_cifar(str(tmp_path))
    with open(tmp_path / "cifar-10-batches-py" / "test_batch", "wb") as f:
        pickle.dump({"data": np.zeros((1, 3072), np.float64), "labels": [0]}, f, protocol=2)
    with pytest.raises(ValueError, match="'data' should be a 2-D uint8 array"):
        datasets.CIFAR10(str(tmp_path), train=False)


def test_cifar_download_checks_tgz_md5(tmp_path, monkeypatch):
    src = tmp_path / "src"
    write_cifar(str(src))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(str(src / "cifar-10-batches-py"), arcname="cifar-10-batches-py")
    blob = buf.getvalue()
    d = src / "cifar-10-batches-py"
    md5 = {n: hashlib.md5((d / n).read_bytes()).hexdigest() for n in os.listdir(d)}
    monkeypatch.setattr(datasets.CIFAR10, "tgz_md5", hashlib.md5(blob).hexdigest())
    monkeypatch.setattr(datasets.CIFAR10, "train_list", [[f"data_batch_{i}", md5[f"data_batch_{i}"]]
                                                         for i in range(1, 6)])
    monkeypatch.setattr(datasets.CIFAR10, "test_list", [["test_batch", md5["test_batch"]]])
    monkeypatch.setattr(datasets.CIFAR10, "meta", {"filename": "batches.meta", "key": "label_names",
                                                   "md5": md5["batches.meta"]})
    monkeypatch.setattr(dutils, "_urlretrieve", _fake_server({datasets.CIFAR10.url: blob}))
    root = tmp_path / "root"
    ds = datasets.CIFAR10(str(root), train=False, download=True)
    assert len(ds) == 3 and os.path.isfile(root / "cifar-10-python.tar.gz")
    monkeypatch.setattr(datasets.CIFAR10, "tgz_md5", "0" * 32)
    with pytest.raises(RuntimeError, match="md5"):
        datasets.CIFAR10(str(tmp_path / "other"), train=False, download=True)


# ----------------------------------------------------------------------------- ImageFolder
def test_image_folder(tmp_path):
    arrays = {}
    for cls in ("dog", "cat", "bird"):
        (tmp_path / cls).mkdir()
        for i in range(2 if cls != "bird" else 1):
            arr = RS.randint(0, 256, (6, 5, 3)).astype(np.uint8)
            Image.fromarray(arr).save(tmp_path / cls / f"{i}.png")
            arrays[(cls, i)] = arr
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    Image.fromarray(arrays[("dog", 0)][..., 0]).save(tmp_path / "dog" / "2.PNG")   # grayscale, upper-case ext
    ds = datasets.ImageFolder(str(tmp_path), transform=transforms.PILToTensor())
    assert ds.classes == ["bird", "cat", "dog"]
    assert ds.class_to_idx == {"bird": 0, "cat": 1, "dog": 2}
    assert len(ds) == 6 and ds.targets == [0, 1, 1, 2, 2, 2]
    assert [os.path.basename(p) for p, _ in ds.imgs] == ["0.png", "0.png", "1.png", "0.png", "1.png", "2.PNG"]
    x, y = ds[2]
    assert y == 1 and x.dtype == nbtorch.uint8
    np.testing.assert_array_equal(to_np(x), arrays[("cat", 1)].transpose(2, 0, 1))
    gx, _ = ds[5]
    assert tuple(gx.shape) == (3, 6, 5)                         # loader converts to RGB
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(str(tmp_path))
    assert len(datasets.ImageFolder(str(tmp_path), allow_empty=True)) == 6


# ----------------------------------------------------------------------------- offline sets
def test_digits_matches_sklearn_and_splits():
    from sklearn.datasets import load_digits
    d = load_digits()
    train = datasets.Digits(train=True)
    test = datasets.Digits(train=False)
    assert len(train) + len(test) == 1797 and len(test) == 359
    assert train.data.dtype == nbtorch.uint8 and train.targets.dtype == nbtorch.int64
    perm = np.random.RandomState(0).permutation(1797)
    np.testing.assert_array_equal(to_np(test.targets), d.target[perm[:359]])
    np.testing.assert_array_equal(to_np(train.data), np.round(d.images[perm[359:]] * 255 / 16).astype(np.uint8))
    assert set(perm[:359]).isdisjoint(perm[359:])
    img, y = train[0]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (8, 8) and type(y) is int
    again = datasets.Digits(train=True)
    np.testing.assert_array_equal(to_np(again.data), to_np(train.data))
    other = datasets.Digits(train=True, seed=1)
    assert not np.array_equal(to_np(other.targets), to_np(train.targets))


def test_digits_28x28_with_transforms():
    ds = datasets.Digits("data", train=False, download=True, size=28,
                         transform=transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]),
                         target_transform=lambda t: t * 10)
    x, y = ds[0]
    assert tuple(x.shape) == (1, 28, 28) and x.dtype == nbtorch.float32
    assert float(x.min()) >= -1.0 and float(x.max()) <= 1.0
    assert y == int(ds.targets[0]) * 10
    exp = np.asarray(Image.fromarray(to_np(datasets.Digits(train=False).data)[0]).resize((28, 28), Image.BILINEAR))
    np.testing.assert_array_equal(to_np(ds.data[0]), exp)
    assert ds.classes[0] == "0 - zero" and len(ds.classes) == 10


def test_toy_sets_match_sklearn_and_seed():
    from sklearn.datasets import make_moons, make_circles
    X, y = datasets.make_moons(50, noise=0.1, seed=3)
    Xs, ys = make_moons(50, noise=0.1, random_state=3)
    assert X.dtype == nbtorch.float32 and y.dtype == nbtorch.int64 and tuple(X.shape) == (50, 2)
    np.testing.assert_allclose(to_np(X), Xs.astype(np.float32))
    np.testing.assert_array_equal(to_np(y), ys)
    X, y = datasets.make_circles(40, noise=0.05, factor=0.3, seed=1)
    Xs, ys = make_circles(40, noise=0.05, factor=0.3, random_state=1)
    np.testing.assert_allclose(to_np(X), Xs.astype(np.float32))
    X, y = datasets.make_spirals(301, n_classes=3, noise=0.0, seed=0)
    assert tuple(X.shape) == (301, 2) and sorted(np.bincount(to_np(y)).tolist()) == [100, 100, 101]
    r = np.linalg.norm(to_np(X), axis=1)
    assert r.max() <= 1.0 + 1e-6
    nbtorch.manual_seed(5)
    a = datasets.make_spirals(30)
    nbtorch.manual_seed(5)
    b = datasets.make_spirals(30)
    np.testing.assert_array_equal(to_np(a[0]), to_np(b[0]))


def test_toy_dataset_wrappers():
    for cls, ncls in ((datasets.Moons, 2), (datasets.Circles, 2), (datasets.Spirals, 3)):
        ds = cls(n_samples=60, seed=2)
        assert len(ds) == 60 and len(ds.classes) == ncls
        x, y = ds[4]
        assert tuple(x.shape) == (2,) and x.dtype == nbtorch.float32 and y.dtype == nbtorch.int64
        np.testing.assert_array_equal(to_np(x), to_np(ds.data)[4])
    assert repr(datasets.Moons(n_samples=10)) == "Dataset Moons\n    Number of datapoints: 10\n    Noise: 0.1\n    Seed: 0"


def test_fake_data_is_stable_per_index():
    ds = datasets.FakeData(size=4, image_size=(3, 6, 5), num_classes=3, transform=transforms.PILToTensor())
    assert len(ds) == 4
    x, y = ds[2]
    x2, y2 = ds[2]
    assert tuple(x.shape) == (3, 6, 5) and x.dtype == nbtorch.uint8 and 0 <= y < 3
    np.testing.assert_array_equal(to_np(x), to_np(x2))
    assert y == y2
    assert not np.array_equal(to_np(ds[1][0]), to_np(x))
    with pytest.raises(IndexError):
        ds[4]


def test_datasets_feed_a_dataloader():
    from nbtorch.utils.data import DataLoader, Dataset
    ds = datasets.Digits(train=False, size=28, transform=transforms.ToTensor())
    assert isinstance(ds, Dataset)
    nbtorch.manual_seed(0)
    X, y = next(iter(DataLoader(ds, batch_size=32, shuffle=True)))
    assert tuple(X.shape) == (32, 1, 28, 28) and X.dtype == nbtorch.float32
    assert tuple(y.shape) == (32,) and y.dtype == nbtorch.int64
    X, y = next(iter(DataLoader(datasets.Spirals(n_samples=30), batch_size=8)))
    assert tuple(X.shape) == (8, 2) and y.dtype == nbtorch.int64


def test_extract_archive_refuses_paths_outside(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = b"evil"
        info = tarfile.TarInfo("../escaped.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    archive = tmp_path / "a" / "bad.tar.gz"
    archive.parent.mkdir()
    archive.write_bytes(buf.getvalue())
    with pytest.raises(RuntimeError, match="Refusing to extract"):
        dutils.extract_archive(str(archive))
    assert not (tmp_path / "escaped.txt").exists()


def test_mnist_old_attribute_names_warn(tmp_path):
    write_mnist(str(tmp_path))
    ds = datasets.MNIST(str(tmp_path))
    with pytest.warns(UserWarning, match="train_labels has been renamed targets"):
        assert ds.train_labels is ds.targets
    with pytest.warns(UserWarning, match="train_data has been renamed data"):
        assert ds.train_data is ds.data
