"""Let the C allocator keep freed array memory for reuse (Linux/glibc only).

Every NumPy operation returns a fresh array, so one training step allocates and frees tens of megabytes.
With glibc's defaults, a buffer above 128 KiB-32 MiB comes straight from the kernel (``mmap``) and goes
back to it on free; so does free memory at the top of the heap.  The next buffer of that size is then
new memory again, and the kernel zero-fills it page by page on first touch: a LeNet training step
spent about 40% of its time in these page faults (about 2,900 per step).

``tune()`` raises two glibc thresholds (``mallopt``), so that freed buffers stay in the process and the
next array reuses them, as torch's own CPU allocator effectively does.  The price is that the process
keeps up to ``TRIM`` bytes of freed memory instead of returning them to the system at once.

Set the environment variable ``NBTORCH_MALLOC_TUNING=0`` before importing nbtorch to leave the
allocator alone.  Elsewhere (macOS, Windows, musl) this does nothing.
"""
import ctypes
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3       # glibc's mallopt parameter numbers (malloc.h)
MMAP = 64 << 20      # buffers up to 64 MiB come from the heap, so they can be reused after free
TRIM = 256 << 20     # return free heap memory to the system only when more than 256 MiB of it is idle


def tune():
    """Raise glibc's mmap and trim thresholds; return True when they were set."""
    if not sys.platform.startswith('linux') or os.environ.get('NBTORCH_MALLOC_TUNING', '1') == '0':
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):             # not glibc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM))


TUNED = tune()
