"""Printing tensors like torch (placeholder, replaced by the port of torch/_tensor_str.py)."""
import numpy as np


def _str(t, tensor_contents=None):
    from . import _dtype, _backend
    arr = _backend.to_host(t._data)
    body = np.array2string(arr, separator=', ', precision=4, prefix='tensor(')
    suffix = []
    if t.is_cuda:
        suffix.append(f"device='{t.device}'")
    if t.dtype not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool_):
        suffix.append(f'dtype={t.dtype}')
    if t.grad_fn is not None:
        suffix.append(f'grad_fn=<{t.grad_fn.name()}>')
    elif t.requires_grad:
        suffix.append('requires_grad=True')
    return 'tensor(' + body + ''.join(', ' + s for s in suffix) + ')'
