"""TrainingCurves: live loss/accuracy curves that append instead of redrawing.

>>> curves = TrainingCurves()
>>> curves                                   # display it first, then train
>>> for step in range(1000):
...     curves.log(train_loss=loss.item())   # throttled: <= ~5 renders/s, last frame flushed
"""
import csv
import io
import math
import re

import numpy as np
import traitlets

from . import _assets
from ._base import View, Throttle, pack, downsample_keep, ema, _esc

_PHASES = {'train', 'training', 'val', 'valid', 'validation', 'test', 'eval'}


def group_of(name):
    """Series that differ only by phase share one chart: 'train_loss'/'val_loss' -> 'loss',
    'Loss/train'/'Loss/val' -> 'Loss'."""
    parts = [p for p in str(name).split('/') if p.lower() not in _PHASES]
    g = '/'.join(parts) if parts else str(name)
    m = re.match(r'^(?:train|training|val|valid|validation|test|eval)[_ ](.+)$', g, re.I) or \
        re.match(r'^(.+)[_ ](?:train|training|val|valid|validation|test|eval)$', g, re.I)
    return m.group(1) if m else g


def mode_of(name):
    """'max' for metrics that should grow (accuracy, f1, ...), else 'min'."""
    return 'max' if re.search(r'acc|f1|auc|precision|recall|score|iou|map\b', str(name), re.I) else 'min'


class TrainingCurves(View):
    """Live training curves: several series, smoothing, log-scale, best-value markers, PNG/CSV export."""
    _esm = _assets.esm('training_curves')
    _css = _assets.css('training_curves')

    series = traitlets.Dict({}).tag(sync=True)          # name -> {'x': packed, 'y': packed}
    meta = traitlets.List([]).tag(sync=True)            # [{'name', 'group', 'mode'}] in first-seen order
    best = traitlets.Dict({}).tag(sync=True)            # name -> [step, value]
    smoothing = traitlets.Float(0.0).tag(sync=True)
    log_scale = traitlets.Bool(False).tag(sync=True)
    title = traitlets.Unicode('').tag(sync=True)
    rev = traitlets.Int(0).tag(sync=True)               # bumps whenever ``series`` is re-sent

    def __init__(self, *, title='', smoothing=0.0, log_scale=False, max_points=2000, interval=0.2, **kw):
        super().__init__(title=title, smoothing=smoothing, log_scale=log_scale, **kw)
        self.max_points = int(max_points)
        self._x, self._y = {}, {}          # python-side history (bounded)
        self._sent = {}                    # name -> how many points the front end already has
        self._step = 0
        self._throttle = Throttle(interval)
        self._dirty_full = False
        self._best, self._best_dirty = {}, False
        self._state_len = {}

    # ------------------------------------------------------------------ recording
    def log(self, step=None, **metrics):
        """Record ``metrics`` (name=value) at ``step`` (default: one past the last step)."""
        if step is None:
            step = self._step
        self._step = int(step) + 1 if float(step).is_integer() else step + 1
        for name, value in metrics.items():
            self._add(str(name), float(step), _scalar(value))
        if self._throttle.ready():
            self._push()

    def log_series(self, name, value, step, group=None):
        """Record one value of series ``name`` at ``step`` (drawn in the chart ``group``)."""
        self._add(str(name), float(step), _scalar(value), group)
        if self._throttle.ready():
            self._push()

    def update(self, metrics=None, step=None, **kw):
        """livelossplot-style: ``update({'loss': 0.3, 'val_loss': 0.4})``; same as ``log``."""
        merged = dict(metrics or {}, **kw)
        self.log(step=step, **merged)

    def _add(self, name, x, y, group=None):
        if name not in self._x:
            self._x[name], self._y[name], self._sent[name] = [], [], 0
            self.meta = self.meta + [{'name': name, 'group': group_of(name) if group is None else str(group),
                                      'mode': mode_of(name)}]
        xs, ys = self._x[name], self._y[name]
        xs.append(x)
        ys.append(y)
        if math.isfinite(y):
            b = self._best.get(name)
            if b is None or (y < b[1] if mode_of(name) == 'min' else y > b[1]):
                self._best[name] = [x, y]
                self._best_dirty = True
        if len(xs) > self.max_points:       # bounded history: halve, keep first and last
            keep = downsample_keep(len(xs))
            self._x[name] = [xs[i] for i in keep]
            self._y[name] = [ys[i] for i in keep]
            self._dirty_full = True

    # ------------------------------------------------------------------ sending
    def _push(self):
        if self._best_dirty:
            self.best = {k: list(v) for k, v in self._best.items()}
            self._best_dirty = False
        if self._dirty_full:
            self._sync_full()
            return
        for name, xs in self._x.items():
            n0 = self._sent[name]
            if n0 < len(xs):
                x = np.asarray(xs[n0:], np.float64)
                y = np.asarray(self._y[name][n0:], np.float64)
                self.send({'type': 'append', 'name': name, 'n': len(x)}, [x.tobytes(), y.tobytes()])
                self._sent[name] = len(xs)
        self._throttle.done()

    def _sync_full(self):
        """Re-send the whole (bounded) history as state: saved notebooks re-render from this."""
        self.series = {n: {'x': pack(self._x[n], np.float64), 'y': pack(self._y[n], np.float64)}
                       for n in self._x}
        for n in self._x:
            self._sent[n] = len(self._x[n])
        self.rev += 1
        self._state_len = {n: len(self._x[n]) for n in self._x}
        self._dirty_full = False
        self._throttle.done()

    def flush(self):
        """Push the last frame and store the full history in the widget state."""
        if not hasattr(self, '_x'):
            return
        self._push()
        if self._state_len != {n: len(self._x[n]) for n in self._x}:
            self._sync_full()

    # ------------------------------------------------------------------ data access / export
    def history(self, name):
        """(steps, values) of one series as NumPy arrays."""
        return np.asarray(self._x[name]), np.asarray(self._y[name])

    def to_csv(self, path=None):
        """CSV text with columns step, series, value (written to ``path`` if given)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator='\n')
        w.writerow(['step', 'series', 'value'])
        for n in self._x:
            for x, y in zip(self._x[n], self._y[n]):
                w.writerow([_num(x), n, repr(y)])
        text = buf.getvalue()
        if path is not None:
            with open(path, 'w', newline='', encoding='utf-8') as f:
                f.write(text)
        return text

    def to_png(self, path=None, dpi=100):
        """Render the curves with matplotlib; returns PNG bytes (and writes ``path`` if given)."""
        import matplotlib
        from matplotlib.figure import Figure
        groups = _groups(self.meta)
        fig = Figure(figsize=(4.2 * max(1, len(groups)), 3), dpi=dpi)
        for i, (g, names) in enumerate(groups.items()):
            ax = fig.add_subplot(1, max(1, len(groups)), i + 1)
            ax.set_title(g)
            for n in names:
                x, y = self.history(n)
                ax.plot(x, ema(y, self.smoothing) if self.smoothing else y, label=n)
                if n in self.best:
                    ax.plot([self.best[n][0]], [self.best[n][1]], 'o', ms=5)
            if self.log_scale:
                ax.set_yscale('log')
            ax.set_xlabel('step')
            ax.legend(fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format='png')
        data = buf.getvalue()
        if path is not None:
            with open(path, 'wb') as f:
                f.write(data)
        return data

    def __repr__(self):
        n = sum(len(v) for v in getattr(self, '_x', {}).values())
        return f"TrainingCurves(series={list(getattr(self, '_x', {}))}, points={n})"

    def _repr_html_(self):
        """A static SVG (one panel per group) for front ends without widgets."""
        groups = _groups(self.meta)
        W, H, P = 320, 180, 30
        out = ['<div class="nbtorch-static">']
        colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b']
        for g, names in groups.items():
            out.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}">'
                       f'<text x="{P}" y="14" font-size="12">{_esc(g)}</text>')
            xs = [v for n in names for v in self._x[n]]
            ys = [v for n in names for v in self._y[n] if math.isfinite(v)]
            if xs and ys:
                x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
                sx = (W - 2 * P) / ((x1 - x0) or 1)
                sy = (H - 2 * P) / ((y1 - y0) or 1)
                for k, n in enumerate(names):
                    pts = ' '.join(f'{P + (x - x0) * sx:.1f},{H - P - (y - y0) * sy:.1f}'
                                   for x, y in zip(self._x[n], self._y[n]) if math.isfinite(y))
                    out.append(f'<polyline fill="none" stroke="{colors[k % 6]}" points="{pts}"/>'
                               f'<text x="{W - P}" y="{20 + 12 * k}" font-size="10" text-anchor="end" '
                               f'fill="{colors[k % 6]}">{_esc(n)}</text>')
            out.append('</svg>')
        out.append('</div>')
        return ''.join(out)


def _groups(meta):
    groups = {}
    for m in meta:
        groups.setdefault(m['group'], []).append(m['name'])
    return groups


def _scalar(v):
    if hasattr(v, 'item'):
        v = v.item()
    return float(v)


def _num(x):
    return int(x) if float(x).is_integer() else x
