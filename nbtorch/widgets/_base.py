"""What every live view shares: assets, array packing, throttling, repr and static fallback."""
import time
import weakref

import numpy as np
try:
    import anywidget
    import traitlets
except ImportError as e:  # pragma: no cover - depends on the install
    raise ImportError("nbtorch's live views need anywidget and ipywidgets: pip install 'nbtorch[widgets]'") from e

from . import _assets


def pack(arr, dtype=None):
    """An array as ``{'dtype', 'shape', 'data'}``: bytes travel as a binary buffer, not as JSON."""
    a = np.ascontiguousarray(np.asarray(arr) if dtype is None else np.asarray(arr, dtype=dtype))
    if a.dtype == np.bool_:
        a = a.astype(np.uint8)
    return {'dtype': str(a.dtype), 'shape': list(a.shape), 'data': memoryview(a.tobytes())}


def unpack(d):
    return np.frombuffer(bytes(d['data']), dtype=d['dtype']).reshape(d['shape'])


def to_numpy(x):
    """A Tensor, torch tensor, list or array as a NumPy array (no grad, on the CPU)."""
    if hasattr(x, '_data') and hasattr(x, 'grad_fn'):
        x = x._data
        if type(x) is not np.ndarray and hasattr(x, 'get'):   # cupy
            x = x.get()
        return np.asarray(x)
    if hasattr(x, 'detach') and hasattr(x, 'cpu'):             # a real torch tensor
        return x.detach().cpu().numpy()
    return np.asarray(x)


# The clock is a module attribute so tests can replace it with a fake one.
clock = time.monotonic


class Throttle:
    """fastprogress-style throttling: the first ``eager`` updates go out at once,
    then at most one every ``interval`` seconds; ``pending`` says a frame is waiting."""

    def __init__(self, interval=0.2, eager=5):
        self.interval, self.eager = interval, eager
        self.sent = 0
        self.last = None
        self.pending = False

    def ready(self):
        now = clock()
        if self.sent < self.eager or self.last is None or now - self.last >= self.interval:
            self.sent += 1
            self.last = now
            self.pending = False
            return True
        self.pending = True
        return False

    def done(self):
        self.pending = False


_LIVE = weakref.WeakSet()
_HOOKED = [False]


def _flush_all(*_):
    for w in list(_LIVE):
        try:
            w.flush()
        except Exception:   # a closed widget must not break the user's next cell
            pass


def _hook_cell_end():
    """Flush every view with a pending frame when a notebook cell finishes."""
    if _HOOKED[0]:
        return
    try:
        from IPython import get_ipython
        ip = get_ipython()
    except ImportError:
        ip = None
    if ip is not None:
        ip.events.register('post_run_cell', _flush_all)
        _HOOKED[0] = True


class View(anywidget.AnyWidget):
    """Base of the nbtorch views: loads ``widgets/<_view>/`` and adds a static fallback."""
    # subclasses set: _esm = _assets.esm('<view>'); _css = _assets.css('<view>')

    def __init__(self, **kw):
        super().__init__(**kw)
        _LIVE.add(self)
        _hook_cell_end()

    def flush(self):
        """Send whatever the throttle held back (the last frame is never lost)."""

    def close(self):
        """Flush the last frame, then close (also runs from ``__del__``, even at interpreter exit)."""
        try:
            self.flush()
            _LIVE.discard(self)
        except Exception:       # at interpreter exit module globals may already be gone
            pass
        super().close()

    def _repr_html_(self):  # pragma: no cover - each view overrides
        return '<pre>' + _esc(repr(self)) + '</pre>'

    def _repr_mimebundle_(self, **kw):
        self.flush()
        got = super()._repr_mimebundle_(**kw)
        data, meta = got if isinstance(got, tuple) else (got, None)
        data = dict(data or {})
        data['text/plain'] = repr(self)
        # front ends without widgets (GitHub, nbviewer, nbval) show this instead
        data['text/html'] = self._repr_html_()
        return (data, meta) if meta is not None else data


def _esc(s):
    import html
    return html.escape(str(s), quote=True)


def ema(values, alpha):
    """TensorBoard's debiased exponential moving average (``alpha`` = smoothing weight)."""
    out = np.empty(len(values))
    last, num = 0.0, 0
    for i, v in enumerate(values):
        if not np.isfinite(v):
            out[i] = v
            continue
        last = last * alpha + (1 - alpha) * v
        num += 1
        out[i] = last / (1 - alpha ** num) if alpha > 0 else v
    return out


def downsample_keep(n, keep_last=True):
    """Indices that halve a history of length ``n`` (every other point, first and last kept)."""
    idx = np.arange(0, n, 2)
    if keep_last and n and idx[-1] != n - 1:
        idx = np.append(idx, n - 1)
    return idx
