"""torch.Size: a tuple of ints that prints as ``torch.Size([2, 3])``.

It stays a Size through slicing, ``+`` (on either side) and ``*``; ``numel()`` is the
product of the sizes.
"""
import operator


class Size(tuple):
    def __new__(cls, sizes=()):
        if type(sizes) is tuple:        # the hot path (every t.shape): NumPy shapes are tuples of ints
            return tuple.__new__(cls, sizes)
        items = []
        for i, s in enumerate(sizes):
            if hasattr(s, '_data') and getattr(s, 'ndim', 1) == 0:   # a 0-dim integer tensor
                s = s.item()
            try:
                if isinstance(s, bool):
                    raise TypeError
                items.append(operator.index(s))
            except TypeError:
                raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is "
                                f"'{type(s).__name__}')") from None
        return super().__new__(cls, items)

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self):
        """The number of elements a tensor of this size holds."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))
