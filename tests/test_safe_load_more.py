"""Issue 7, safe loading: more attacks, beyond tests/test_safe_load.py.

Each payload is first shown to be live (plain ``pickle.loads`` runs it and creates the marker file), then
``nbtorch.load`` must refuse it with ``pickle.UnpicklingError`` and the marker must not exist.
"""
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import time

import numpy as np
import pytest

import nbtorch
from test_safe_load import Reduce, torch_zip


def _getattr_chain_pickle(marker):
    # builtins.getattr(builtins.__import__('os'), 'system')(cmd), written opcode by opcode (protocol 2)
    cmd = f'touch {marker}'.encode()
    return (b'\x80\x02'
            b'cbuiltins\ngetattr\n'
            b'(cbuiltins\n__import__\n(X' + struct.pack('<I', 2) + b'ostR'
            b'X' + struct.pack('<I', 6) + b'systemtR'
            b'(X' + struct.pack('<I', len(cmd)) + cmd + b'tR.')


def _payloads(marker):
    m = str(marker)
    return {
        'subprocess.Popen': pickle.dumps(Reduce(subprocess.Popen, ['touch', m]), protocol=2),
        'subprocess.call': pickle.dumps(Reduce(subprocess.call, ['touch', m]), protocol=4),
        'getattr chain': _getattr_chain_pickle(m),
        'nbtorch.save writes a file': pickle.dumps(Reduce(nbtorch.save, {'x': 1}, m), protocol=2),
        'numpy.savetxt writes a file': pickle.dumps(Reduce(np.savetxt, m, [1.0]), protocol=2),
        'torch.save writes a file': b'c' + b'torch\nsave\n' + b'(}X' + struct.pack('<I', len(m)) + m.encode()
                                      + b'tR.',
    }


def _prove_live_eventually(data, marker):
    """Plain pickle runs the payload (a child process may take a moment); then clean up."""
    pickle.loads(data)
    for _ in range(100):
        if marker.exists():
            break
        time.sleep(0.05)
    assert marker.exists(), "this payload is not live: the test could not fail"
    marker.unlink()


@pytest.mark.parametrize('name', list(_payloads('m')))
def test_more_code_execution_payloads_are_refused(tmp_path, name):
    marker = tmp_path / 'marker'
    data = _payloads(marker)[name]
    _prove_live_eventually(data, marker)
    for blob in (data, torch_zip(data).getvalue()):
        with pytest.raises(pickle.UnpicklingError) as e:
            nbtorch.load(io.BytesIO(blob))
        assert 'not allowed' in str(e.value) and 'Weights only load failed' in str(e.value)
    time.sleep(0.2)                                   # a child process would have had time to run
    assert not marker.exists(), "the payload ran"


def test_refusal_names_the_global(tmp_path):
    with pytest.raises(pickle.UnpicklingError, match='subprocess.Popen'):
        nbtorch.load(io.BytesIO(_payloads(tmp_path / 'm')['subprocess.Popen']))
    with pytest.raises(pickle.UnpicklingError, match='builtins.getattr'):
        nbtorch.load(io.BytesIO(_payloads(tmp_path / 'm')['getattr chain']))


# ---------------------------------------------------------------- safetensors files
def _safetensors_bytes(header, data=b''):
    h = json.dumps(header).encode()
    return struct.pack('<Q', len(h)) + h + data


@pytest.mark.parametrize('case', ['huge header size', 'header past end', 'offsets past data', 'bad dtype',
                                  'shape does not match bytes', 'not json'])
def test_malicious_safetensors_files_are_refused(tmp_path, case):
    good = {'w': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]}}
    if case == 'huge header size':
        blob = struct.pack('<Q', 2 ** 63) + b'{}'
    elif case == 'header past end':
        blob = struct.pack('<Q', 10_000) + b'{"w": 1}'
    elif case == 'offsets past data':
        blob = _safetensors_bytes({'w': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8_000_000]}}, b'\0' * 8)
    elif case == 'bad dtype':
        blob = _safetensors_bytes({'w': {'dtype': 'PYOBJ', 'shape': [2], 'data_offsets': [0, 8]}}, b'\0' * 8)
    elif case == 'shape does not match bytes':
        blob = _safetensors_bytes({'w': {'dtype': 'F32', 'shape': [1000], 'data_offsets': [0, 8]}}, b'\0' * 8)
    else:
        blob = struct.pack('<Q', 5) + b'os.sy' + b'\0' * 8
    path = tmp_path / 'evil.safetensors'
    path.write_bytes(blob)
    with pytest.raises(Exception) as e:
        nbtorch.load(path)
    assert not isinstance(e.value, (MemoryError, SystemError)), e.value
    assert str(e.value), "the refusal must say why"
    # the same file under a .pt name goes through the pickle path: refused as well, nothing run
    pt = tmp_path / 'evil.pt'
    pt.write_bytes(blob)
    with pytest.raises(pickle.UnpicklingError, match='neither a torch.save zip nor a valid pickle|Memo value'):
        nbtorch.load(pt)
    # and a well-formed file still loads
    ok = tmp_path / 'ok.safetensors'
    ok.write_bytes(_safetensors_bytes(good, np.array([1.5, 2.5], np.float32).tobytes()))
    assert nbtorch.load(ok)['w'].tolist() == [1.5, 2.5]


def test_load_in_a_fresh_process_runs_nothing(tmp_path):
    """End to end, as a learner would: a downloaded 'model.pt' built with torch.save's layout."""
    marker = tmp_path / 'marker'
    path = tmp_path / 'model.pt'
    path.write_bytes(torch_zip(pickle.dumps(Reduce(os.system, f'touch {marker}'), protocol=2)).getvalue())
    code = ("import pickle, nbtorch, sys\n"
            "try:\n    nbtorch.load(sys.argv[1])\nexcept pickle.UnpicklingError as e:\n    print('REFUSED', e)\n")
    out = subprocess.run([sys.executable, '-c', code, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith('REFUSED') and f'{os.system.__module__}.system' in out.stdout, out.stdout
    assert not marker.exists()


def test_non_checkpoint_bytes_get_a_clear_error():
    h = json.dumps({'w': {'dtype': 'F32', 'shape': [1], 'data_offsets': [0, 4]}}).encode()
    with pytest.raises(pickle.UnpicklingError, match='looks like a safetensors file'):
        nbtorch.load(io.BytesIO(struct.pack('<Q', len(h)) + h + b'\0' * 4))
    with pytest.raises(EOFError, match='nbtorch.load'):
        nbtorch.load(io.BytesIO(b''))
