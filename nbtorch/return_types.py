"""torch.return_types: named tuples such as ``max(dim)``'s ``(values, indices)``."""


def _make(name, fields):
    class _RT(tuple):
        __slots__ = ()
        n_fields = len(fields)

        def __new__(cls, values):
            return tuple.__new__(cls, values)

        def __repr__(self):
            body = ',\n'.join(f'{f}={v!r}' for f, v in zip(fields, self))
            return f'torch.return_types.{name}(\n{body})'

        def __reduce__(self):
            return (type(self), (tuple(self),))

    for i, f in enumerate(fields):
        setattr(_RT, f, property(lambda self, i=i: self[i]))
    _RT.__name__ = _RT.__qualname__ = name
    return _RT


max = _make('max', ('values', 'indices'))
min = _make('min', ('values', 'indices'))
sort = _make('sort', ('values', 'indices'))
topk = _make('topk', ('values', 'indices'))
mode = _make('mode', ('values', 'indices'))
median = _make('median', ('values', 'indices'))
kthvalue = _make('kthvalue', ('values', 'indices'))
cummax = _make('cummax', ('values', 'indices'))
cummin = _make('cummin', ('values', 'indices'))
aminmax = _make('aminmax', ('min', 'max'))
std_mean = _make('std_mean', ('std', 'mean'))
var_mean = _make('var_mean', ('var', 'mean'))
linalg_svd = _make('linalg_svd', ('U', 'S', 'Vh'))
linalg_slogdet = _make('linalg_slogdet', ('sign', 'logabsdet'))
slogdet = _make('slogdet', ('sign', 'logabsdet'))
svd = _make('svd', ('U', 'S', 'V'))
