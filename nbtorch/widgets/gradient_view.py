"""GradientView: per-parameter gradient statistics of YOUR model, live during training.

>>> view = GradientView(net)      # hooks every parameter; display it, then train
>>> loss.backward()               # each backward adds one step: grad norm, mean|g|, max|g|
>>> view.flags()                  # {'fc1.weight': 'ok', 'fc2.bias': 'none', ...}

Flags: 'none' (no gradient reached the parameter), 'nan', 'inf', 'vanishing'
(norm < ``vanishing``, 1e-7 by default) and 'exploding' (norm > ``exploding``).
Unlike the usual ``plot_grad_flow`` recipe, a None gradient is shown, not a crash.
"""
import math

import numpy as np
import traitlets

from . import _assets
from ._base import View, Throttle, pack, to_numpy, downsample_keep, _esc

STATS = ('norm', 'mean_abs', 'max_abs')


def _named_params(model):
    if hasattr(model, 'named_parameters'):
        return [(n, p) for n, p in model.named_parameters() if getattr(p, 'requires_grad', True)]
    if hasattr(model, 'items'):
        return list(model.items())
    items = list(model)
    if items and isinstance(items[0], tuple):
        return items
    return [(f'param{i}', p) for i, p in enumerate(items)]


def grad_stats(g, vanishing=1e-7, exploding=1e3):
    """(norm, mean|g|, max|g|, flag) of a gradient array (None -> flag 'none')."""
    if g is None:
        return (math.nan, math.nan, math.nan, 'none')
    a = to_numpy(g)
    with np.errstate(all='ignore'):
        absval = np.abs(a)
        norm = float(np.sqrt(np.sum(np.square(a, dtype=np.float64))))
        mean = float(absval.mean(dtype=np.float64)) if a.size else 0.0
        mx = float(absval.max()) if a.size else 0.0
    if np.isnan(a).any():
        flag = 'nan'
    elif np.isinf(a).any():
        flag = 'inf'
    elif norm < vanishing:
        flag = 'vanishing'
    elif norm > exploding:
        flag = 'exploding'
    else:
        flag = 'ok'
    return (norm, mean, mx, flag)


class GradientView(View):
    """Per-layer bars of grad norm, mean|g| and max|g|, a bounded history, and flags."""
    _esm = _assets.esm('gradient_view')
    _css = _assets.css('gradient_view')

    params = traitlets.List([]).tag(sync=True)        # [{'name', 'layer', 'shape'}]
    latest = traitlets.List([]).tag(sync=True)        # per param: {'norm', 'mean_abs', 'max_abs', 'flag'}
    history = traitlets.Dict({}).tag(sync=True)       # {'steps': (T,), 'norm': (T, P)}; NaN = no grad
    thresholds = traitlets.Dict({}).tag(sync=True)
    steps = traitlets.Int(0).tag(sync=True)           # backward passes recorded so far

    def __init__(self, model, *, vanishing=1e-7, exploding=1e3, max_history=500, auto=True, interval=0.2, **kw):
        super().__init__(**kw)
        self._named = _named_params(model)
        self.vanishing, self.exploding, self.max_history = float(vanishing), float(exploding), int(max_history)
        self.thresholds = {'vanishing': self.vanishing, 'exploding': self.exploding}
        self.params = [{'name': n, 'layer': n.rsplit('.', 1)[0] if '.' in n else '', 'shape': list(p.shape)}
                       for n, p in self._named]
        self._row = {}
        self._hist_steps, self._hist = [], []       # bounded history of norms
        self._unsent = []
        self._throttle = Throttle(interval)
        self._state_len = -1
        self._handles = []
        if auto:
            for i, (_, p) in enumerate(self._named):
                if hasattr(p, 'register_post_accumulate_grad_hook'):
                    self._handles.append(p.register_post_accumulate_grad_hook(
                        lambda t, i=i: self._on_grad(i, t)))

    # ------------------------------------------------------------------ recording
    def _on_grad(self, i, t):
        """Hook: parameter i has its (accumulated) grad; a repeat means a new backward began.

        Only the norm is computed here (one dot product); mean|g|, max|g| and the flags
        are computed from the kept array when the view is drawn, so training stays fast."""
        if i in self._row:
            self._commit()
        self._row[i] = _fast_norm(t.grad)
        if len(self._row) == len(self._named):
            self._commit()

    def update(self):
        """Record one step from the parameters' current ``.grad`` (or commit what the hooks caught)."""
        if self._row:
            self._commit()
            return
        self._row = {i: _fast_norm(p.grad) for i, (_, p) in enumerate(self._named)}
        self._commit()

    step = update

    def _commit(self):
        row = [self._row.get(i, (math.nan, None)) for i in range(len(self._named))]
        self._row = {}
        self._last_raw, self._last = row, None
        norms = [r[0] for r in row]
        self._hist_steps.append(self._n_steps())
        self._hist.append(norms)
        self._unsent.append((self._hist_steps[-1], norms))
        if len(self._hist) > self.max_history:               # bounded: halve the history
            keep = downsample_keep(len(self._hist))
            self._hist_steps = [self._hist_steps[k] for k in keep]
            self._hist = [self._hist[k] for k in keep]
            self._state_len = -1
        self._count = self._n_steps() + 1
        if self._throttle.ready():
            self._push()

    def _last_row(self):
        """Full statistics of the last recorded step (computed once, on demand)."""
        if getattr(self, '_last', None) is None and getattr(self, '_last_raw', None) is not None:
            self._last = [grad_stats(a, self.vanishing, self.exploding) if a is not None else grad_stats(None)
                          for _, a in self._last_raw]
        return getattr(self, '_last', None)

    def _n_steps(self):
        return getattr(self, '_count', 0)

    def _push(self):
        row = self._last_row()
        if row is None:
            return
        with self.hold_sync():          # bars and step count arrive in one message
            self.latest = [{'norm': _j(r[0]), 'mean_abs': _j(r[1]), 'max_abs': _j(r[2]), 'flag': r[3]} for r in row]
            self.steps = self._n_steps()
        if self._unsent and self._state_len >= 0:
            steps = np.asarray([u[0] for u in self._unsent], np.float64)
            norms = np.asarray([u[1] for u in self._unsent], np.float64)
            self.send({'type': 'append', 'n': len(steps), 'p': len(self._named)}, [steps.tobytes(), norms.tobytes()])
            self._state_len_sent = True
        self._unsent = []
        if self._state_len < 0:
            self._sync_history()
        self._throttle.done()

    def _sync_history(self):
        self.history = {'steps': pack(np.asarray(self._hist_steps, np.float64)),
                        'norm': pack(np.asarray(self._hist, np.float64).reshape(len(self._hist), len(self._named)))}
        self._state_len = len(self._hist)

    def flush(self):
        if not hasattr(self, '_named'):
            return
        if self._row:
            self._commit()
        self._push()
        if self._state_len != len(self._hist):
            self._sync_history()

    def remove(self):
        """Remove the gradient hooks from the model."""
        for h in self._handles:
            h.remove()
        self._handles = []

    def close(self):
        self.remove()
        super().close()

    # ------------------------------------------------------------------ reading
    def flags(self):
        """{parameter name: flag} for the last recorded step."""
        row = self._last_row() or []
        return {n: r[3] for (n, _), r in zip(self._named, row)}

    def stats(self):
        """{parameter name: {'norm', 'mean_abs', 'max_abs', 'flag'}} for the last recorded step."""
        row = self._last_row() or []
        return {n: dict(zip(STATS + ('flag',), r)) for (n, _), r in zip(self._named, row)}

    def norm_history(self):
        """(steps, norms[T, P]) kept so far (downsampled when long)."""
        return np.asarray(self._hist_steps), np.asarray(self._hist).reshape(len(self._hist), len(self._named))

    def __repr__(self):
        flags = [f for f in self.flags().values() if f != 'ok']
        return (f"GradientView(params={len(self._named)}, steps={self._n_steps()}"
                + (f", flagged={len(flags)}" if flags else '') + ')')

    def _repr_html_(self):
        rows = []
        for (n, _), r in zip(self._named, self._last_row() or [(math.nan,) * 3 + ('—',)] * len(self._named)):
            rows.append(f'<tr><td>{_esc(n)}</td><td>{r[0]:.3g}</td><td>{r[1]:.3g}</td><td>{r[2]:.3g}</td>'
                        f'<td>{_esc(r[3])}</td></tr>')
        return ('<table class="nbtorch-static" style="font-family:monospace;font-size:11px">'
                '<tr><th>parameter</th><th>‖g‖</th><th>mean|g|</th><th>max|g|</th><th>flag</th></tr>'
                + ''.join(rows) + '</table>')


def _fast_norm(g):
    """(L2 norm, the grad array) with one BLAS dot product; (nan, None) when there is no grad."""
    if g is None:
        return (math.nan, None)
    a = to_numpy(g)
    if a.dtype.kind == 'f' and a.dtype.itemsize >= 4:
        flat = a.reshape(-1)
        sq = float(np.dot(flat, flat))
    else:
        sq = float(np.sum(np.square(a, dtype=np.float64)))
    return (math.sqrt(sq) if sq >= 0 else math.nan, a)


def _j(v):
    """JSON-safe float (NaN/Inf cannot travel as JSON numbers)."""
    return v if math.isfinite(v) else None
