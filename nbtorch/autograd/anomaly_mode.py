"""Anomaly mode: find the forward op whose backward produced NaN (or Inf).

With ``detect_anomaly()`` (or ``set_detect_anomaly(True)``) on, every graph
node remembers the line of *your* code that created it.  During backward each
node's gradients are checked; the first non-finite one raises a RuntimeError
that names the node (``LogBackward0``) and shows that line, e.g.::

    Function 'LogBackward0' returned nan values in its 0th output.
    Traceback of forward call that caused the error:
      File "train.py", line 12, in <module>
        y = torch.log(x)

It costs a stack walk per op, so switch it on only while debugging.
"""
import os
import sys
import traceback
import warnings

from . import function as _fn

_check_nan = [True]
_NBTORCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def is_anomaly_enabled():
    return _fn._anomaly[0]


def is_anomaly_check_nan_enabled():
    return _check_nan[0]


def _set(mode, check_nan):
    _fn._anomaly[0] = bool(mode)
    _check_nan[0] = bool(check_nan)


_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
            "enabled for debugging.")


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside it."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn(_WARNING, stacklevel=2)

    def __enter__(self):
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(self.prev, self.prev_check_nan)
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` switches anomaly detection on now; as a context manager it restores it."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        _set(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(self.prev, self.prev_check_nan)
        return False


_MAX_FRAMES = 6


def _user_frames():
    """The innermost few frames of the current stack that are not nbtorch's own (your code)."""
    frames = traceback.extract_stack(sys._getframe(2), limit=_MAX_FRAMES + 12)
    return [f for f in frames if not f.filename.startswith(_NBTORCH_DIR)][-_MAX_FRAMES:]


def record_trace(node):
    """Called by ``apply`` when anomaly mode is on: remember where ``node`` was created."""
    node._anomaly_trace = _user_frames()


def format_trace(node):
    frames = node._anomaly_trace
    if not frames:
        return ''
    return ('\nTraceback of forward call that caused the error:\n'
            + ''.join(traceback.format_list(frames)).rstrip('\n'))


def check_grads(node, grads):
    """Raise if a gradient computed by ``node`` holds NaN (torch's check), or else Inf."""
    if not _check_nan[0]:
        return
    bad = []
    for i, g in enumerate(grads):
        if g is None or g.dtype.kind not in 'fc':
            continue
        xp = _xp(g)
        if not bool(xp.isfinite(g).all()):
            bad.append((i, 'nan' if bool(xp.isnan(g).any()) else 'inf'))
    if bad:
        i, what = next((b for b in bad if b[1] == 'nan'), bad[0])
        raise RuntimeError(f"Function '{node.name()}' returned {what} values in its {i}th output."
                           + format_trace(node))


def _xp(a):
    from ..ops._util import xp_of
    return xp_of(a)
