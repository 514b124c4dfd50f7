"""Issue 7, safe loading: nbtorch.load never runs code from a file.

Each attack is first shown to be live (plain ``pickle.loads`` of the same bytes DOES create the marker
file), then ``nbtorch.load`` must raise ``pickle.UnpicklingError`` naming the refused global, and the
marker must not exist.  Real ``torch.load(weights_only=True)`` refuses the same files.
"""
import copyreg
import io
import os
import pickle
import sys
import zipfile

import numpy as np
import pytest
import torch

import nbtorch


def write_marker(path):
    """A module-level function a pickle can name: it writes a file (the side effect we look for)."""
    with open(path, 'w') as fh:
        fh.write('pwned')


class Reduce:
    """An object whose pickle calls ``func(*args)`` when loaded."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def payloads(marker):
    """(name, refused global, pickle bytes) for several ways to run code on load."""
    m = str(marker)
    out = [
        ('os.system', os.system.__module__ + '.system', pickle.dumps(Reduce(os.system, f'touch {m}'), protocol=2)),
        ('builtins.exec', 'builtins.exec',
         pickle.dumps(Reduce(exec, f"open({m!r}, 'w').write('x')"), protocol=2)),
        ('builtins.eval', 'builtins.eval',
         pickle.dumps(Reduce(eval, f"open({m!r}, 'w').write('x')"), protocol=4)),      # STACK_GLOBAL
        ('builtins.open', open.__module__ + '.open', pickle.dumps(Reduce(open, m, 'w'), protocol=2)),
        ('module function', f'{__name__}.write_marker', pickle.dumps(Reduce(write_marker, m), protocol=2)),
        ('INST opcode', os.system.__module__ + '.system',
         b"(S'touch " + m.encode() + b"'\ni" + os.system.__module__.encode() + b"\nsystem\n."),
    ]
    # a tensor-looking pickle whose tensor rebuild is swapped for os.system
    good = io.BytesIO()
    nbtorch.save({'w': nbtorch.ones(2)}, good)
    good.seek(0)
    with zipfile.ZipFile(good) as zf:
        pkl = zf.read('archive/data.pkl')
    evil = pkl.replace(b'ctorch._utils\n_rebuild_tensor_v2\n', b'c' + os.system.__module__.encode() + b'\nsystem\n')
    assert evil != pkl
    return out, evil


def torch_zip(pkl_bytes, storages=(b'\x00' * 8,)):
    """A zip laid out like torch.save's, with the given data.pkl."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as zf:
        zf.writestr('archive/data.pkl', pkl_bytes)
        zf.writestr('archive/byteorder', 'little')
        for i, s in enumerate(storages):
            zf.writestr(f'archive/data/{i}', s)
        zf.writestr('archive/version', '3\n')
    buf.seek(0)
    return buf


def check_refused(load_from, marker, refused):
    with pytest.raises(pickle.UnpicklingError) as e:
        load_from()
    assert refused in str(e.value), str(e.value)
    assert 'not allowed' in str(e.value)
    assert not os.path.exists(marker), "the payload ran"


def _prove_live(data, marker):
    """Plain pickle really runs this payload (so the test can fail); then clean up."""
    pickle.loads(data)
    assert os.path.exists(marker)
    os.remove(marker)


@pytest.mark.parametrize('idx', range(6))
def test_crafted_plain_pickles_are_refused(tmp_path, idx):
    marker = tmp_path / 'marker'
    name, refused, data = payloads(marker)[0][idx]
    _prove_live(data, marker)
    path = tmp_path / 'evil.pt'
    path.write_bytes(data)
    check_refused(lambda: nbtorch.load(path), marker, refused)
    check_refused(lambda: nbtorch.load(io.BytesIO(data)), marker, refused)
    check_refused(lambda: nbtorch.load(path, weights_only=False), marker, refused)   # still safe


@pytest.mark.parametrize('idx', range(6))
def test_crafted_torch_zips_are_refused(tmp_path, idx):
    marker = tmp_path / 'marker'
    name, refused, data = payloads(marker)[0][idx]
    path = tmp_path / 'evil.pt'
    path.write_bytes(torch_zip(data).getvalue())
    check_refused(lambda: nbtorch.load(path), marker, refused)
    with pytest.raises(pickle.UnpicklingError):                  # the oracle refuses it too
        torch.load(path, weights_only=True)
    assert not os.path.exists(marker)


def test_swapped_rebuild_function_in_a_real_checkpoint_is_refused(tmp_path):
    marker = tmp_path / 'marker'
    _, evil = payloads(marker)
    path = tmp_path / 'evil.pt'
    path.write_bytes(torch_zip(evil).getvalue())
    check_refused(lambda: nbtorch.load(path), marker, os.system.__module__ + '.system')


def test_extension_registry_opcode_is_refused(tmp_path):
    marker = tmp_path / 'marker'
    code = 0x7FF0
    copyreg.add_extension(os.system.__module__, 'system', code)
    try:
        data = pickle.dumps(Reduce(os.system, f'touch {marker}'), protocol=2)
        assert pickle.EXT2 in data
        _prove_live(data, marker)
        check_refused(lambda: nbtorch.load(io.BytesIO(data)), marker, 'extension-registry opcode')
    finally:
        copyreg.remove_extension(os.system.__module__, 'system', code)


def test_build_on_a_tensor_is_refused():
    t = io.BytesIO()
    nbtorch.save(nbtorch.ones(2), t)
    t.seek(0)
    with zipfile.ZipFile(t) as zf:
        pkl = zf.read('archive/data.pkl')
    # append "set attributes {'_data': 'x'} on the tensor" before STOP
    evil = pkl[:-1] + b'}X\x05\x00\x00\x00_dataX\x01\x00\x00\x00xsb.'
    with pytest.raises(pickle.UnpicklingError, match="BUILD"):
        nbtorch.load(torch_zip(evil, storages=(np.ones(2, np.float32).tobytes(),)))


def test_out_of_bounds_tensor_view_is_refused():
    """size/stride pointing past the storage must not read memory outside it."""
    good = io.BytesIO()
    nbtorch.save(nbtorch.ones(2), good)
    good.seek(0)
    with zipfile.ZipFile(good) as zf:
        pkl = zf.read('archive/data.pkl')
    # the tensor's size (2,) -> (100000,): same storage of 2 floats
    assert b'K\x02\x85' in pkl
    evil = pkl.replace(b'K\x02\x85', b'J\xa0\x86\x01\x00\x85', 1)
    with pytest.raises(pickle.UnpicklingError, match="does not fit in its storage"):
        nbtorch.load(torch_zip(evil, storages=(np.ones(2, np.float32).tobytes(),)))


def test_storage_key_cannot_name_other_records():
    pid = ('storage', None, '../../etc/passwd', 'cpu', 1)

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            return pid if obj == 'S' else None
    buf = io.BytesIO()
    P(buf, protocol=2).dump(['S'])
    with pytest.raises(pickle.UnpicklingError):
        nbtorch.load(torch_zip(buf.getvalue()))


def test_short_storage_record_is_refused():
    good = io.BytesIO()
    nbtorch.save(nbtorch.ones(4), good)
    good.seek(0)
    with zipfile.ZipFile(good) as zf:
        pkl = zf.read('archive/data.pkl')
    with pytest.raises(pickle.UnpicklingError, match="bytes"):
        nbtorch.load(torch_zip(pkl, storages=(b'\x00' * 4,)))


def test_legit_checkpoint_still_loads_after_refusals(tmp_path):
    nbtorch.save({'w': nbtorch.arange(3.0)}, tmp_path / 'ok.pt')
    assert nbtorch.load(tmp_path / 'ok.pt')['w'].tolist() == [0.0, 1.0, 2.0]


def test_no_module_was_imported_by_a_refused_load(tmp_path):
    """Refusal happens before import: a module named only in the file never gets imported."""
    name = 'nbtorch_test_never_imported_module'
    data = b'c' + name.encode() + b'\nboom\n)R.'
    assert name not in sys.modules
    with pytest.raises(pickle.UnpicklingError, match=name):
        nbtorch.load(io.BytesIO(data))
    assert name not in sys.modules
