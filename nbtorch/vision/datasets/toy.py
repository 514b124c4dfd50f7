"""Offline datasets: scikit-learn's bundled 8x8 digits and 2-D toy sets (moons, circles, spirals).

They need no download, so notebooks can train a CNN or a small classifier with
no network. ``Digits`` behaves like ``MNIST`` (PIL 'L' images, int labels,
``data``/``targets``/``classes``); the toy sets return ``(X, y)`` tensors.
"""
import numpy as np
from PIL import Image

from ..._creation import from_numpy, randint
from .vision import VisionDataset


class Digits(VisionDataset):
    """scikit-learn's 1797 handwritten digits (8x8, 0..16) as an MNIST-like dataset.

    Pixels are scaled to 0..255 and stored as uint8; ``size=28`` upsamples each
    image (PIL bilinear) to MNIST's 28x28. The train/test split is a fixed
    permutation drawn from ``seed``: ``test_fraction`` of the images are the test
    set. ``root`` and ``download`` are accepted (and ignored) so MNIST code runs as is.
    """

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root=None, train=True, transform=None, target_transform=None, download=False, size=8,
                 test_fraction=0.2, seed=0):
        super().__init__(root, transform=transform, target_transform=target_transform)
        from sklearn.datasets import load_digits
        if not (isinstance(size, int) and size > 0):
            raise ValueError(f"size should be a positive int, got {size!r}")
        if not 0.0 < test_fraction < 1.0:
            raise ValueError(f"test_fraction should be in (0, 1), got {test_fraction}")
        self.train = train
        self.size = size
        self.seed = seed
        digits = load_digits()
        images = np.round(digits.images * (255.0 / 16.0)).astype(np.uint8)      # (1797, 8, 8)
        if size != 8:
            images = np.stack([np.asarray(Image.fromarray(im, mode="L").resize((size, size), Image.BILINEAR))
                               for im in images])
        perm = np.random.RandomState(seed).permutation(len(images))
        n_test = int(round(len(images) * test_fraction))
        idx = perm[n_test:] if train else perm[:n_test]
        self.data = from_numpy(np.ascontiguousarray(images[idx]))
        self.targets = from_numpy(digits.target[idx].astype(np.int64))

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        img = Image.fromarray(self.data._data[index], mode="L")
        return self._apply(img, int(self.targets._data[index]))

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}\nSize: {self.size}x{self.size}"


# ----------------------------------------------------------------------------- 2-D toy sets
def _seed(seed):
    """``seed`` as given, or one drawn from nbtorch's generator (so ``torch.manual_seed`` fixes it)."""
    return int(randint(0, 2 ** 31 - 1, (1,)).item()) if seed is None else seed


def _to_tensors(X, y):
    return from_numpy(np.ascontiguousarray(X, dtype=np.float32)), from_numpy(np.ascontiguousarray(y, np.int64))


def make_moons(n_samples=100, noise=0.0, seed=None):
    """Two interleaving half circles (scikit-learn's ``make_moons``): ``X`` (n, 2) float32, ``y`` (n,) int64."""
    from sklearn.datasets import make_moons as _make_moons
    X, y = _make_moons(n_samples=n_samples, noise=noise, random_state=_seed(seed))
    return _to_tensors(X, y)


def make_circles(n_samples=100, noise=0.0, factor=0.5, seed=None):
    """A small circle (class 1) inside a large one (class 0), scikit-learn's ``make_circles``."""
    from sklearn.datasets import make_circles as _make_circles
    X, y = _make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=_seed(seed))
    return _to_tensors(X, y)


def make_spirals(n_samples=300, n_classes=3, noise=0.2, seed=None):
    """``n_classes`` interleaved spiral arms (the CS231n toy set), shuffled.

    Arm k: radius ``r`` from 0 to 1 and angle ``t = 4k .. 4(k+1)`` plus Gaussian
    noise of std ``noise``; the point is ``(r sin t, r cos t)``.
    """
    if n_classes < 1 or n_samples < n_classes:
        raise ValueError(f"need n_classes >= 1 and n_samples >= n_classes, got {n_samples}, {n_classes}")
    rs = np.random.RandomState(_seed(seed))
    counts = [n_samples // n_classes + (1 if k < n_samples % n_classes else 0) for k in range(n_classes)]
    X, y = [], []
    for k, n in enumerate(counts):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, n) + rs.randn(n) * noise
        X.append(np.c_[r * np.sin(t), r * np.cos(t)])
        y.append(np.full(n, k))
    X, y = np.concatenate(X), np.concatenate(y)
    perm = rs.permutation(n_samples)
    return _to_tensors(X[perm], y[perm])


class _ToyDataset(VisionDataset):
    """``dataset[i]`` is ``(X[i], y[i])``: a float32 point of shape (2,) and an int64 label."""

    _make = None

    def __init__(self, n_samples, noise, seed, transform=None, target_transform=None, **kwargs):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.n_samples, self.noise, self.seed = n_samples, noise, seed
        self.data, self.targets = type(self)._make(n_samples=n_samples, noise=noise, seed=seed, **kwargs)
        self.classes = [str(k) for k in range(int(self.targets.max()) + 1)]

    def __getitem__(self, index):
        return self._apply(self.data[index], self.targets[index])

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Noise: {self.noise}\nSeed: {self.seed}"


class Moons(_ToyDataset):
    """Two half moons, 2 classes (see ``make_moons``)."""
    _make = staticmethod(make_moons)

    def __init__(self, n_samples=200, noise=0.1, seed=0, transform=None, target_transform=None):
        super().__init__(n_samples, noise, seed, transform, target_transform)


class Circles(_ToyDataset):
    """A circle inside a circle, 2 classes (see ``make_circles``)."""
    _make = staticmethod(make_circles)

    def __init__(self, n_samples=200, noise=0.05, factor=0.5, seed=0, transform=None, target_transform=None):
        super().__init__(n_samples, noise, seed, transform, target_transform, factor=factor)


class Spirals(_ToyDataset):
    """``n_classes`` spiral arms (see ``make_spirals``)."""
    _make = staticmethod(make_spirals)

    def __init__(self, n_samples=300, n_classes=3, noise=0.2, seed=0, transform=None, target_transform=None):
        super().__init__(n_samples, noise, seed, transform, target_transform, n_classes=n_classes)
