"""Saving and loading: ``nbtorch.save`` / ``nbtorch.load`` in PyTorch's own file format, and safetensors.

The ``.pt`` format (what ``torch.save`` writes since torch 1.6) is a zip archive::

    archive/data.pkl      a pickle of the object; every tensor in it is a call
                          torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)
                          and every storage a "persistent id" ('storage', torch.FloatStorage, '0', 'cpu', numel)
    archive/data/0, 1...  the raw bytes of each storage (little endian)
    archive/byteorder, archive/version, archive/.format_version, ...

So files move both ways between nbtorch and real PyTorch.

Loading never runs code from the file.  A pickle can name any importable function (``os.system``) and
call it; ``load`` therefore reads the pickle with a *restricted* unpickler that knows only the globals a
checkpoint needs -- the tensor/storage rebuild functions, ``collections.OrderedDict`` and the codec
used for bytes -- as torch's ``weights_only=True`` does.  Any other global is refused with
``pickle.UnpicklingError`` before anything is imported or called.

safetensors files (``.safetensors``) hold only a JSON header and raw tensor bytes -- no pickle at all.
``save_file`` / ``load_file`` follow the safetensors library's API, and ``save``/``load`` pick that
format from the file suffix.
"""
import _compat_pickle
import collections
import io
import os
import pickle
import struct
import zipfile

import numpy as np

from . import _backend, _dtype
from ._tensor import Tensor
from ._size import Size
from ._device import device as _device_cls

__all__ = ['save', 'load', 'save_file', 'load_file']

DEFAULT_PROTOCOL = 2          # torch.save's default

# storage class name in torch  <->  numpy dtype
_STORAGE_DTYPES = {
    'FloatStorage': np.float32, 'DoubleStorage': np.float64, 'HalfStorage': np.float16,
    'LongStorage': np.int64, 'IntStorage': np.int32, 'ShortStorage': np.int16, 'CharStorage': np.int8,
    'ByteStorage': np.uint8, 'BoolStorage': np.bool_,
    'ComplexFloatStorage': np.complex64, 'ComplexDoubleStorage': np.complex128,
}
_STORAGE_NAMES = {np.dtype(v): k for k, v in _STORAGE_DTYPES.items()}
_LEGACY_MAGIC = 0x1950a86a20f9469cfc6c


# ===================================================================== saving
class _Global:
    """Stands for a global of torch (``torch._utils._rebuild_tensor_v2``) in the pickle we write,
    so that nbtorch can write torch's format without importing torch."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):      # pickle insists that a reduce function is callable
        raise RuntimeError(f"{self.module}.{self.name} is only a name written into a file")


_REBUILD_TENSOR = _Global('torch._utils', '_rebuild_tensor_v2')
_REBUILD_PARAMETER = _Global('torch._utils', '_rebuild_parameter')


class _Storage:
    """One storage to write: a contiguous little-endian array and its record key."""

    def __init__(self, key, array):
        self.key, self.array = key, array


class _TorchPickler(pickle._Pickler):
    """A pickler that writes tensors the way torch.save does (see the module docstring)."""
    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = []            # in key order
        self._by_array = {}           # id(array) -> _Storage: tensors on the same array share a storage
        self._keep = []               # keep arrays alive so their ids stay unique

    def _save_torch_global(self, obj):
        self.write(pickle.GLOBAL + obj.module.encode() + b'\n' + obj.name.encode() + b'\n')
        self.memoize(obj)

    dispatch[_Global] = _save_torch_global

    def _save_dtype(self, obj):               # nbtorch.float32 -> the global torch.float32
        self._save_torch_global(_Global('torch', obj.name))

    dispatch[_dtype.dtype] = _save_dtype

    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            storage_type = _Global('torch', _STORAGE_NAMES[obj.array.dtype])
            return ('storage', storage_type, obj.key, 'cpu', obj.array.size)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Size):
            return _Global('torch', 'Size'), (tuple(obj),)
        if isinstance(obj, _device_cls):
            return _Global('torch', 'device'), ((obj.type,) if obj.index is None else (obj.type, obj.index))
        if not isinstance(obj, Tensor):
            return NotImplemented
        if _is_parameter(obj):
            plain = Tensor._wrap(obj._data)
            return _REBUILD_PARAMETER, (plain, obj.requires_grad, collections.OrderedDict())
        arr = obj._data
        storage = self._by_array.get(id(arr))
        if storage is None:
            host = np.require(_backend.to_host(arr), requirements='C')
            if host.dtype not in _STORAGE_NAMES:
                raise TypeError(f"nbtorch.save: tensors of dtype {host.dtype} cannot be saved")
            storage = _Storage(str(len(self.storages)), host.astype(host.dtype.newbyteorder('<'), copy=False))
            self.storages.append(storage)
            self._by_array[id(arr)] = storage
            self._keep.append(arr)
        size = tuple(arr.shape)
        stride = tuple(int(np.prod(size[i + 1:], dtype=np.int64)) for i in range(len(size)))
        return _REBUILD_TENSOR, (storage, 0, size, stride, bool(obj._rg), collections.OrderedDict())


def _is_parameter(t):
    return type(t).__name__ == 'Parameter' and type(t).__module__.startswith('nbtorch.nn')


def _write_record(zf, name, data):
    """Add an uncompressed record whose bytes start at a multiple of 64 (as torch's writer aligns them)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    try:
        offset = zf.fp.tell()
        pad = (-(offset + 30 + len(name.encode()) + 4)) % 64
        info.extra = struct.pack('<HH', 0x4246, pad) + b'Z' * pad     # 'FB' padding field, like torch's
    except (AttributeError, OSError):
        pass                                                         # unseekable stream: no alignment
    zf.writestr(info, data)


def _open(f, mode):
    """(file object, whether we opened it) for a path or a file-like object."""
    if isinstance(f, (str, os.PathLike)):
        return open(f, mode), True
    return f, False


def _is_safetensors_path(f):
    return isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith('.safetensors')


def save(obj, f, pickle_module=None, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (tensors, state_dicts, optimizer state: nested dicts, lists, tuples, numbers, strings)
    to ``f`` (a path or a binary file) in torch's zip format, readable by ``torch.load``.

    A path ending in ``.safetensors`` is written with ``save_file`` instead (a flat dict of tensors).
    """
    if _is_safetensors_path(f):
        return save_file(obj, f)
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("nbtorch.save writes torch's format with Python's pickle; pickle_module is not supported")
    buf = io.BytesIO()
    pickler = _TorchPickler(buf, pickle_protocol)
    pickler.dump(obj)
    fh, opened = _open(f, 'wb')
    prefix = 'archive'
    if opened:
        prefix = os.path.splitext(os.path.basename(os.fspath(f)))[0] or 'archive'
    try:
        with zipfile.ZipFile(fh, 'w', zipfile.ZIP_STORED) as zf:
            _write_record(zf, f'{prefix}/data.pkl', buf.getvalue())
            _write_record(zf, f'{prefix}/.format_version', b'1')
            _write_record(zf, f'{prefix}/.storage_alignment', b'64')
            _write_record(zf, f'{prefix}/byteorder', b'little')
            for s in pickler.storages:
                _write_record(zf, f'{prefix}/data/{s.key}', memoryview(s.array.reshape(-1)).cast('B'))  # no copy
            _write_record(zf, f'{prefix}/version', b'3\n')
    finally:
        if opened:
            fh.close()


# ===================================================================== loading
class _StorageType:
    """What ``torch.FloatStorage`` & co. become when a checkpoint is read: just a dtype."""

    def __init__(self, name):
        self.name, self.dtype = name, np.dtype(_STORAGE_DTYPES[name])

    def __repr__(self):
        return f'torch.{self.name}'


class _LoadedStorage:
    """A storage read from the archive: a flat array, and the device it was saved from."""

    def __init__(self, array, location):
        self.array, self.location = array, location


def _check_int(x, what):
    if type(x) is not int:
        raise pickle.UnpicklingError(f"Weights only load failed: {what} must be an int, got {type(x).__name__}")
    return x


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    """Rebuild a tensor as a (checked) view into its storage -- what torch._utils._rebuild_tensor_v2 does."""
    if not isinstance(storage, _LoadedStorage):
        raise pickle.UnpicklingError("Weights only load failed: _rebuild_tensor_v2 expects a storage")
    if not isinstance(size, tuple) or not isinstance(stride, tuple) or len(size) != len(stride):
        raise pickle.UnpicklingError("Weights only load failed: bad tensor size/stride")
    offset = _check_int(storage_offset, 'storage_offset')
    size = tuple(_check_int(s, 'size') for s in size)
    stride = tuple(_check_int(s, 'stride') for s in stride)
    if backward_hooks:
        raise pickle.UnpicklingError("Weights only load failed: tensors with backward hooks are not loaded")
    if metadata:
        raise pickle.UnpicklingError("Weights only load failed: tensor metadata is not supported")
    arr = storage.array
    # bounds check before making a strided view: a crafted file must not read outside the storage
    if offset < 0 or any(s < 0 for s in size) or any(st < 0 for st in stride):
        raise pickle.UnpicklingError("Weights only load failed: negative size, stride or offset")
    if 0 not in size:
        last = offset + sum((s - 1) * st for s, st in zip(size, stride))
        if last >= arr.size:
            raise pickle.UnpicklingError(
                f"Weights only load failed: tensor of size {list(size)} and stride {list(stride)} at offset "
                f"{offset} does not fit in its storage of {arr.size} elements")
    item = arr.itemsize
    view = np.lib.stride_tricks.as_strided(arr[offset:] if arr.size else arr, shape=size,
                                           strides=tuple(st * item for st in stride))
    t = Tensor._wrap(view)
    if requires_grad:
        if arr.dtype.kind not in 'fc':
            raise pickle.UnpicklingError("Weights only load failed: only floating point tensors can require grad")
        t.requires_grad_(True)
    t._load_location = storage.location
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks):
    if not isinstance(data, Tensor) or backward_hooks:
        raise pickle.UnpicklingError("Weights only load failed: bad arguments to _rebuild_parameter")
    from .nn.parameter import Parameter
    p = Parameter(data, requires_grad=bool(requires_grad))
    loc = getattr(data, '_load_location', None)
    if loc is not None:
        p._load_location = loc
    return p


def _codecs_encode(s, encoding='latin1'):
    """How protocol-2 pickles store ``bytes``: ``_codecs.encode(str, 'latin1')``; only that is allowed."""
    if not isinstance(s, str) or encoding != 'latin1':
        raise pickle.UnpicklingError("Weights only load failed: _codecs.encode is only allowed as "
                                     "encode(str, 'latin1') (how pickle stores bytes)")
    return s.encode('latin1')


def _safe_device(type, index=None):
    """torch.device('cpu') / torch.device('cuda', 0) in a checkpoint: only a string and an int."""
    if not isinstance(type, str) or not (index is None or builtins_type(index) is int):
        raise pickle.UnpicklingError("Weights only load failed: torch.device takes a string and an int here")
    return _device_cls(type, index)


def _safe_size(dims=()):
    if not isinstance(dims, (tuple, list)) or not all(builtins_type(d) is int for d in dims):
        raise pickle.UnpicklingError("Weights only load failed: torch.Size takes a tuple of ints here")
    return Size(dims)


builtins_type = type

# the ONLY globals a checkpoint may name
_SAFE_GLOBALS = {
    ('collections', 'OrderedDict'): collections.OrderedDict,
    ('torch._utils', '_rebuild_tensor_v2'): _rebuild_tensor_v2,
    ('torch._utils', '_rebuild_parameter'): _rebuild_parameter,
    ('_codecs', 'encode'): _codecs_encode,
    ('builtins', 'set'): set,
    ('builtins', 'frozenset'): frozenset,
    ('builtins', 'complex'): complex,
    ('builtins', 'slice'): slice,
}
_SAFE_GLOBALS.update({('torch', name): _StorageType(name) for name in _STORAGE_DTYPES})
_SAFE_GLOBALS[('torch', 'Size')] = _safe_size
_SAFE_GLOBALS[('torch', 'device')] = _safe_device
for _name in ('float32', 'float', 'float64', 'double', 'float16', 'half', 'int64', 'long', 'int32', 'int',
              'int16', 'short', 'int8', 'uint8', 'bool', 'complex64', 'cfloat', 'complex128', 'cdouble'):
    try:
        _SAFE_GLOBALS[('torch', _name)] = _dtype.as_dtype(_name)
    except Exception:      # a dtype nbtorch does not have
        pass
del _name


def _refuse(what):
    raise pickle.UnpicklingError(
        f"Weights only load failed: {what} is not allowed. nbtorch.load only rebuilds tensors and plain data "
        "(dict, list, tuple, OrderedDict, numbers, strings, bytes, None), like torch.load(weights_only=True); "
        "it never imports or calls anything else named in a file, because unpickling can run arbitrary code. "
        "If you trust this file and it holds other objects, load it with real torch.load(weights_only=False), "
        "or save only the state_dict (or use safetensors).")


class _RestrictedUnpickler(pickle._Unpickler):
    """Python's own unpickler with every way to reach code closed except an allowlist.

    * ``find_class`` (GLOBAL, STACK_GLOBAL, INST, OBJ, EXT...) answers only from ``_SAFE_GLOBALS``;
    * ``persistent_load`` accepts only torch's storage ids and reads the bytes from the archive;
    * BUILD (``obj.__setstate__`` / attribute setting) is allowed only on OrderedDicts, which is how
      torch keeps a state_dict's ``_metadata``;
    * the EXT opcodes (copyreg's extension registry) are refused outright.
    """
    dispatch = pickle._Unpickler.dispatch.copy()

    def __init__(self, file, read_record=None):
        super().__init__(file, encoding='utf-8')
        self._read_record = read_record
        self._storages = {}

    def find_class(self, module, name):
        if self.proto < 3:          # Python 2 names in protocol 0-2 pickles (__builtin__ -> builtins)
            module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        obj = _SAFE_GLOBALS.get((module, name))
        if obj is None:
            _refuse(f"the global {module}.{name}")
        return obj

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == 'storage'):
            _refuse(f"the persistent id {pid!r}")
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, _StorageType) or not isinstance(key, str) or not key.isdigit() \
                or not isinstance(location, str) or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(f"Weights only load failed: malformed storage id {pid!r}")
        if self._read_record is None:
            raise pickle.UnpicklingError("Weights only load failed: this plain pickle refers to tensor storages "
                                         "but is not a torch zip archive")
        if key not in self._storages:
            raw = self._read_record(f'data/{key}')
            nbytes = numel * storage_type.dtype.itemsize
            if len(raw) < nbytes:
                raise pickle.UnpicklingError(f"Weights only load failed: storage {key} holds {len(raw)} bytes, "
                                             f"{nbytes} expected")
            arr = np.frombuffer(raw, dtype=storage_type.dtype.newbyteorder(self.byteorder), count=numel)
            arr = arr.astype(storage_type.dtype, copy=True)     # native order, writable, owns its memory
            self._storages[key] = _LoadedStorage(arr, location)
        return self._storages[key]

    byteorder = '<'

    def _load_build(self):
        stack = self.stack
        state = stack.pop()
        inst = stack[-1]
        if type(inst) is collections.OrderedDict and isinstance(state, dict) \
                and all(isinstance(k, str) for k in state):
            inst.__dict__.update(state)
            return
        _refuse(f"BUILD (setting the state of a {type(inst).__name__})")

    dispatch[pickle.BUILD[0]] = _load_build

    def _load_ext(self):
        _refuse("the extension-registry opcode (EXT1/EXT2/EXT4)")

    # copyreg's extension cache is shared with every other unpickler in the process: never consult it
    for _op in (pickle.EXT1, pickle.EXT2, pickle.EXT4):
        dispatch[_op[0]] = _load_ext
    del _op


def _is_zip(fh):
    pos = fh.tell()
    ok = zipfile.is_zipfile(fh)
    fh.seek(pos)
    return ok


def _load_zip(fh):
    with zipfile.ZipFile(fh) as zf:
        names = zf.namelist()
        pkl = [n for n in names if n.endswith('/data.pkl') and n.count('/') == 1]
        if not pkl:
            if any(n.endswith('constants.pkl') for n in names):
                raise RuntimeError("nbtorch.load: this is a TorchScript archive (torch.jit.save); it holds code, "
                                   "not just weights, and is not read. Use torch.jit.load in real PyTorch.")
            raise RuntimeError("nbtorch.load: not a PyTorch checkpoint (the zip archive has no <name>/data.pkl)")
        prefix = pkl[0][:-len('data.pkl')]

        def read_record(name):
            try:
                return zf.read(prefix + name)
            except KeyError:
                raise pickle.UnpicklingError(f"Weights only load failed: the archive has no record "
                                             f"'{prefix + name}'") from None
        byteorder = '<'
        if prefix + 'byteorder' in names:
            order = zf.read(prefix + 'byteorder').decode().strip()
            if order not in ('little', 'big'):
                raise RuntimeError(f"nbtorch.load: unknown byteorder {order!r}")
            byteorder = '<' if order == 'little' else '>'
        unpickler = _RestrictedUnpickler(io.BytesIO(zf.read(pkl[0])), read_record)
        unpickler.byteorder = byteorder
        return unpickler.load()


def _load_plain_pickle(fh):
    """A file that is not a zip: a plain pickle (read with the same restrictions), or torch's legacy format."""
    unpickler = _RestrictedUnpickler(fh)
    start = fh.tell()
    try:
        first = unpickler.load()
    except pickle.UnpicklingError:
        raise
    except EOFError:
        raise EOFError("nbtorch.load: the file ended before its pickle did (empty or cut short?)") from None
    except Exception as e:     # bytes that are not a pickle at all: say so instead of a bare KeyError
        fh.seek(start)
        head = fh.read(9)
        hint = ("It looks like a safetensors file: give it a .safetensors name, or use "
                "nbtorch.load_file(path)." if len(head) == 9 and head[8:9] == b'{' else
                "Was it written by torch.save / nbtorch.save?")
        raise pickle.UnpicklingError(f"nbtorch.load: this file is neither a torch.save zip nor a valid pickle "
                                     f"({type(e).__name__}: {e}). {hint}") from None
    if type(first) is int and first == _LEGACY_MAGIC:
        raise RuntimeError("nbtorch.load: this checkpoint uses PyTorch's legacy format (torch < 1.6), which "
                           "nbtorch does not read. Re-save it with a recent torch: "
                           "torch.save(torch.load(path, weights_only=True), new_path).")
    return first


def _move(obj, map_location, memo=None):
    """Apply map_location (None, 'cpu', 'cuda', a device, or a dict {'cuda:0': 'cpu'}) to every tensor.
    ``memo`` keeps a tensor that appears twice one tensor."""
    from ._device import device as _device
    memo = {} if memo is None else memo
    if isinstance(obj, Tensor):
        key = id(obj)
        if key in memo:
            return memo[key]
        loc = obj.__dict__.pop('_load_location', 'cpu')
        target = map_location
        if isinstance(map_location, dict):
            target = map_location.get(loc, loc)
        elif map_location is None:
            target = loc
        if callable(target) and not isinstance(target, (str, _device)):
            raise TypeError("nbtorch.load: a callable map_location is not supported; pass 'cpu', 'cuda', a "
                            "device or a dict")
        dev = _device(str(target))
        if dev.type == 'cuda':
            if not _backend.cuda_available():
                raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
                                   "is False. If you are running on a CPU-only machine, please use torch.load with "
                                   "map_location=torch.device('cpu') to map your storages to the CPU.")
            obj = _moved(obj, dev)
        memo[key] = obj
        return obj
    if isinstance(obj, collections.OrderedDict):
        new = collections.OrderedDict((k, _move(v, map_location, memo)) for k, v in obj.items())
        new.__dict__.update(obj.__dict__)
        return new
    if isinstance(obj, dict):
        return {k: _move(v, map_location, memo) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_move(v, map_location, memo) for v in obj]
    if type(obj) is tuple:          # (a torch.Size, also a tuple, holds only ints)
        return tuple(_move(v, map_location, memo) for v in obj)
    return obj


def _moved(t, dev):
    out = t.to(dev)
    if _is_parameter(t):
        out = type(t)(out.detach(), requires_grad=t.requires_grad)
    return out


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Load an object saved by ``nbtorch.save`` or by real ``torch.save`` -- safely.

    Only tensors and plain data are rebuilt (see the module docstring); any other global named in the
    file raises ``pickle.UnpicklingError`` and nothing in the file is executed.  ``weights_only=False``
    is accepted for compatibility but changes nothing: nbtorch never unpickles arbitrary objects.
    A path ending in ``.safetensors`` is read with ``load_file``.
    """
    if _is_safetensors_path(f):
        device = 'cpu' if map_location is None else str(map_location)
        return load_file(f, device=device)
    fh, opened = _open(f, 'rb')
    try:
        if _is_zip(fh):
            obj = _load_zip(fh)
        else:
            obj = _load_plain_pickle(fh)
    finally:
        if opened:
            fh.close()
    return _move(obj, map_location)


def _rebuild_tensor_for_pickle(array, requires_grad):
    """What ``pickle`` (and ``copy``) use to rebuild an nbtorch Tensor: its array and requires_grad flag."""
    t = Tensor._wrap(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


# ===================================================================== safetensors
def save_file(tensors, filename, metadata=None):
    """safetensors.torch.save_file: write a flat ``{name: tensor}`` dict as a ``.safetensors`` file.

    ``metadata`` is an optional ``{str: str}`` dict stored in the header.
    """
    from safetensors.numpy import save_file as _save
    if not isinstance(tensors, dict) or not all(isinstance(k, str) and isinstance(v, Tensor)
                                                for k, v in tensors.items()):
        raise TypeError("safetensors stores a flat dict {name: tensor} (e.g. model.state_dict()); got "
                        f"{type(tensors).__name__}. Use nbtorch.save with a .pt path for other objects.")
    arrays = {k: np.require(_backend.to_host(v._data), requirements='C') for k, v in tensors.items()}
    _save(arrays, os.fspath(filename), metadata=metadata)


def load_file(filename, device='cpu'):
    """safetensors.torch.load_file: read a ``.safetensors`` file into ``{name: tensor}`` on ``device``."""
    from safetensors.numpy import load_file as _load
    from ._device import device as _device
    dev = _device(str(device)) if not isinstance(device, int) else _device('cuda', device)
    out = {}
    for k, arr in _load(os.fspath(filename)).items():
        t = Tensor._wrap(np.array(arr))
        out[k] = t.to(dev) if dev.type == 'cuda' else t
    return out
