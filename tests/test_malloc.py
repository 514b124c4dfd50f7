"""nbtorch keeps freed array memory for reuse (nbtorch/_malloc.py): a training loop must not page-fault on
every step, and NBTORCH_MALLOC_TUNING=0 leaves the allocator alone."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A loop that allocates and frees 8 MiB arrays of a few sizes, as a training step does; prints the page
# faults per iteration once the loop is warm.
SCRIPT = """
import resource, numpy as np, nbtorch
def step():
    a = np.ones((2048, 1024), np.float32)        # 8 MiB
    b = a * 2                                    # another 8 MiB
    c = np.ones((3000, 1000), np.float32) + 1    # a different size
    return float(b[0, 0] + c[0, 0])
for _ in range(5):
    step()
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    step()
print(nbtorch._malloc.TUNED, (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0) / 50)
"""


def _faults(tuning):
    env = dict(os.environ, NBTORCH_MALLOC_TUNING=tuning)
    out = subprocess.run([sys.executable, '-c', SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    return out[0] == 'True', float(out[1])


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason="the allocator tuning is for Linux (glibc)")
def test_freed_buffers_are_reused_without_page_faults():
    tuned, faults = _faults('1')
    if not tuned:
        pytest.skip("this Linux has no glibc mallopt (e.g. musl): nothing to tune")
    untuned_flag, untuned = _faults('0')
    assert not untuned_flag
    # untuned: each 8 MiB buffer is fresh memory from the kernel, ~2,000 page faults per 8 MiB per step
    assert untuned > 1000, untuned
    # tuned: the freed buffers are reused, so a warm loop touches no new pages
    assert faults < 50, faults
