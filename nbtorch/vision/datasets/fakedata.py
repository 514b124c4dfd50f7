"""``FakeData``: random images, generated on the fly, for testing a pipeline with no files and no network."""
from ... import random as _random
from ..._creation import randn, randint
from .. import transforms
from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random images of ``image_size`` (C, H, W) with random labels in ``[0, num_classes)``.

    Item ``i`` is drawn from a generator seeded with ``i + random_offset``, so it is the
    same every time it is read; ``dataset[i]`` is ``(PIL image, int label)`` before ``transform``.
    """

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        g = _random.Generator().manual_seed(index + self.random_offset)
        img = randn(*self.image_size, generator=g)
        target = int(randint(0, self.num_classes, size=(1,), generator=g)[0])
        img = transforms.ToPILImage()(img)
        return self._apply(img, target)

    def __len__(self):
        return self.size
