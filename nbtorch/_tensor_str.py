"""Printing tensors exactly as torch does.

A port of PyTorch's ``torch/_tensor_str.py`` (BSD-3-Clause, (c) PyTorch
contributors) to NumPy arrays: the same ``_Formatter`` (fixed, integer-valued
or scientific notation, chosen from the finite non-zero values), the same
summarising with ``...`` above ``threshold`` elements, the same line wrapping
at ``linewidth`` and the same suffixes (``dtype=``, ``device=``,
``requires_grad=True``, ``grad_fn=<...>``).  Sparse, quantized, nested and
functorch tensors are left out because nbtorch has none.

The rules, in short:

- a float tensor whose finite values are all whole prints them as ``1.``;
- scientific notation is used when max/min of the absolute finite non-zero
  values exceeds 1000, or max > 1e8, or min < 1e-4 (unless ``sci_mode`` says otherwise);
- every element is right-aligned to the widest one;
- the dtype is printed unless it is the default float dtype, int64, bool
  (or the default complex dtype); empty tensors always show a non-default dtype.
"""
import dataclasses
import math

import numpy as np


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: object = None


PRINT_OPTS = _PrinterOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """Set options for printing (torch.set_printoptions).

    Args:
        precision: digits after the decimal point (default 4).
        threshold: number of elements above which the tensor is summarised with ``...`` (default 1000).
        edgeitems: items shown at the start and end of each summarised dimension (default 3).
        linewidth: characters per line before wrapping (default 80).
        profile: ``'default'``, ``'short'`` or ``'full'`` presets.
        sci_mode: ``True``/``False`` to force or forbid scientific notation, ``None`` to choose automatically.
    """
    if profile is not None:
        if profile == 'default':
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 4, 1000, 3, 80
        elif profile == 'short':
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 1000, 2, 80
        elif profile == 'full':
            PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = \
                4, math.inf, 3, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options, as keyword arguments for set_printoptions."""
    return dataclasses.asdict(PRINT_OPTS)


class printoptions:
    """Context manager that changes the print options for a block, then restores them."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def __enter__(self):
        self.old = get_printoptions()
        set_printoptions(**self.kwargs)

    def __exit__(self, *exc):
        set_printoptions(**self.old)


class _Formatter:
    """Decides the width and notation shared by every element of one tensor."""

    def __init__(self, arr):
        self.floating_dtype = arr.dtype.kind == 'f'
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        values = arr.reshape(-1)

        if not self.floating_dtype:
            for value in values.tolist():
                self.max_width = max(self.max_width, len(f'{value}'))
            return

        nonzero_finite = values[np.isfinite(values) & (values != 0)]
        if nonzero_finite.size == 0:
            return                              # no valid number, nothing to decide
        abs_vals = np.abs(nonzero_finite).astype(np.float64)
        nz_min, nz_max = abs_vals.min(), abs_vals.max()
        self.int_mode = bool(np.all(nonzero_finite == np.ceil(nonzero_finite)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = bool(nz_max / nz_min > 1000.0 or nz_max > 1.0e8 or nz_min < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        p = PRINT_OPTS.precision
        vals = nonzero_finite.astype(np.float64).tolist()
        if self.sci_mode:
            widths = [len(f'{v:.{p}e}') for v in vals]
        elif self.int_mode:
            # whole numbers get a trailing '.' to show the tensor is floating point
            widths = [len(f'{v:.0f}') + 1 for v in vals]
        else:
            widths = [len(f'{v:.{p}f}') for v in vals]
        self.max_width = max(self.max_width, max(widths))

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating_dtype:
            if self.sci_mode:
                ret = f'{value:{self.max_width}.{PRINT_OPTS.precision}e}'
            elif self.int_mode:
                ret = f'{value:.0f}'
                if not (math.isinf(value) or math.isnan(value)):
                    ret += '.'
            else:
                ret = f'{value:.{PRINT_OPTS.precision}f}'
        else:
            ret = f'{value}'
        return (self.max_width - len(ret)) * ' ' + ret


def _complex_str(val, formatter1, formatter2):
    real_str = formatter1.format(val.real)
    imag_str = (formatter2.format(val.imag) + 'j').lstrip()
    # handles negative numbers, +0.0, -0.0
    if imag_str[0] in '+-':
        return real_str + imag_str
    return real_str + '+' + imag_str


def _val_str(val, formatter1, formatter2=None):
    if formatter2 is not None:
        return _complex_str(val, formatter1, formatter2)
    return formatter1.format(val)


def _vector_str(arr, indent, summarize, formatter1, formatter2=None):
    # length includes spaces and comma between elements
    element_length = formatter1.width() + 2
    if formatter2 is not None:
        element_length += formatter2.width() + 1          # the imaginary part and its 'j'
    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ['...']
    elif summarize and arr.shape[0] > 2 * edge:
        data = ([_val_str(v, formatter1, formatter2) for v in arr[:edge].tolist()] + [' ...']
                + [_val_str(v, formatter1, formatter2) for v in arr[-edge:].tolist()])
    else:
        data = [_val_str(v, formatter1, formatter2) for v in arr.tolist()]

    lines = [', '.join(data[i:i + elements_per_line]) for i in range(0, len(data), elements_per_line)]
    return '[' + (',' + '\n' + ' ' * (indent + 1)).join(lines) + ']'


def _tensor_str_with_formatter(arr, indent, summarize, formatter1, formatter2=None):
    dim = arr.ndim
    if dim == 0:
        return _val_str(arr.item(), formatter1, formatter2)
    if dim == 1:
        return _vector_str(arr, indent, summarize, formatter1, formatter2)

    edge = PRINT_OPTS.edgeitems
    if summarize and arr.shape[0] > 2 * edge:
        slices = ([_tensor_str_with_formatter(arr[i], indent + 1, summarize, formatter1, formatter2)
                   for i in range(edge)]
                  + ['...']
                  + [_tensor_str_with_formatter(arr[i], indent + 1, summarize, formatter1, formatter2)
                     for i in range(len(arr) - edge, len(arr))])
    else:
        slices = [_tensor_str_with_formatter(arr[i], indent + 1, summarize, formatter1, formatter2)
                  for i in range(arr.shape[0])]

    tensor_str = (',' + '\n' * (dim - 1) + ' ' * (indent + 1)).join(slices)
    return '[' + tensor_str + ']'


def get_summarized_data(arr):
    """Only the elements a summarised print shows (the formatter is built from these)."""
    dim = arr.ndim
    edge = PRINT_OPTS.edgeitems
    if dim == 0:
        return arr
    if dim == 1:
        if arr.shape[0] > 2 * edge:
            return np.concatenate((arr[:edge], arr[-edge:]))
        return arr
    if not edge:
        return arr[(slice(0, 0),) * dim]
    if arr.shape[0] > 2 * edge:
        rows = list(range(edge)) + list(range(len(arr) - edge, len(arr)))
    else:
        rows = range(arr.shape[0])
    return np.stack([get_summarized_data(arr[i]) for i in rows])


def _tensor_str(arr, indent):
    """The bracketed body of a tensor's repr, from its host array."""
    if arr.size == 0:
        return '[]'
    summarize = arr.size > PRINT_OPTS.threshold
    if arr.dtype.kind == 'c':
        real_formatter = _Formatter(get_summarized_data(arr.real) if summarize else arr.real)
        imag_formatter = _Formatter(get_summarized_data(arr.imag) if summarize else arr.imag)
        return _tensor_str_with_formatter(arr, indent, summarize, real_formatter, imag_formatter)
    formatter = _Formatter(get_summarized_data(arr) if summarize else arr)
    return _tensor_str_with_formatter(arr, indent, summarize, formatter)


def _add_suffixes(tensor_str, suffixes, indent, force_newline):
    tensor_strs = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind('\n') + 1
    for suffix in suffixes:
        suffix_len = len(suffix)
        if force_newline or last_line_len + suffix_len + 2 > PRINT_OPTS.linewidth:
            tensor_strs.append(',\n' + ' ' * indent + suffix)
            last_line_len = indent + suffix_len
            force_newline = False
        else:
            tensor_strs.append(', ' + suffix)
            last_line_len += suffix_len + 2
    tensor_strs.append(')')
    return ''.join(tensor_strs)


def _is_plain_tensor(t):
    """torch prints plain tensors and nn.Parameter as ``tensor(...)``, other subclasses by class name."""
    from ._tensor import Tensor
    cls = type(t)
    return cls is Tensor or (cls.__name__ == 'Parameter' and cls.__module__.startswith('nbtorch'))


def _str(t, *, tensor_contents=None):
    """torch's ``Tensor.__repr__``: ``tensor(<values>, <suffixes>)``.

    ``tensor_contents`` replaces the bracketed values (torch's hook, used by subclasses).
    nn.Parameter's repr is ``'Parameter containing:\\n' + _str(param)``.
    """
    from . import _backend, _dtype
    prefix = 'tensor(' if _is_plain_tensor(t) else f'{type(t).__name__}('
    indent = len(prefix)
    suffixes = []
    arr = _backend.to_host(t._data)
    dtype = t.dtype

    if t.is_cuda:          # torch prints the device whenever it is not the default (cpu) device
        suffixes.append(f"device='{t.device}'")

    default = _dtype.get_default_dtype()
    default_complex = _dtype.complex128 if default is _dtype.float64 else _dtype.complex64
    has_default_dtype = dtype in (default, default_complex, _dtype.int64, _dtype.bool_)

    if arr.size == 0:
        # print the shape when it is not (0,), to match NumPy; the dtype can't be inferred from no elements
        if arr.ndim != 1:
            suffixes.append('size=' + str(tuple(arr.shape)))
        if dtype is not default:
            suffixes.append('dtype=' + str(dtype))
        tensor_str = '[]'
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append('size=' + str(tuple(arr.shape)))
        if not has_default_dtype:
            suffixes.append('dtype=' + str(dtype))
        tensor_str = None if tensor_contents is not None else _tensor_str(arr, indent)
    if tensor_contents is not None:
        tensor_str = tensor_contents

    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")
    elif t.requires_grad:
        suffixes.append('requires_grad=True')

    return _add_suffixes(prefix + tensor_str, suffixes, indent, force_newline=False)
