"""Playground: train YOUR model on 2-D data one step per Play tick, TensorFlow-Playground style.

>>> pg = Playground(net, (X, y), nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.1))
>>> pg          # Play / Pause / Step and an lr slider stay live: the kernel is idle between ticks

The front end asks for a tick, the kernel runs ``steps_per_tick`` training steps and
answers with the new decision boundary; only then is the next tick sent.  Below it,
a TrainingCurves and a GradientView of the same model update live.
"""
import numpy as np
import traitlets

from . import _assets
from ._base import View, pack, to_numpy
from .training_curves import TrainingCurves
from .gradient_view import GradientView


class Playground(View):
    """Step-per-tick training with a decision boundary for 2-D inputs."""
    _esm = _assets.esm('playground')
    _css = _assets.css('playground')

    points = traitlets.Dict({}).tag(sync=True)       # X (N, 2) float32
    labels = traitlets.Dict({}).tag(sync=True)       # y (N,) int32 class ids
    boundary = traitlets.Dict({}).tag(sync=True)     # (G, G) predicted class, and confidence
    bounds = traitlets.List([]).tag(sync=True)       # [x0, x1, y0, y1]
    lr = traitlets.Float(0.1).tag(sync=True)
    steps_per_tick = traitlets.Int(1).tag(sync=True)
    step_count = traitlets.Int(0).tag(sync=True)
    loss = traitlets.Float(float('nan')).tag(sync=True)
    accuracy = traitlets.Float(float('nan')).tag(sync=True)

    def __init__(self, model, data, loss_fn, optimizer, *, grid=40, **kw):
        super().__init__(**kw)
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.X, self.y = data
        xa, ya = to_numpy(self.X), to_numpy(self.y)
        if xa.ndim != 2 or xa.shape[1] != 2:
            raise ValueError(f"Playground draws a decision boundary for 2-D inputs: X must be (N, 2), got {xa.shape}")
        self.grid = int(grid)
        lo, hi = xa.min(0), xa.max(0)
        pad = (hi - lo) * 0.1 + 1e-6
        self.bounds = [float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])]
        self.points = pack(xa.astype(np.float32))
        self._y_cls = (ya.reshape(-1) > 0.5 if ya.dtype.kind == 'f' else ya.reshape(-1)).astype(np.int32)
        self.labels = pack(self._y_cls)
        self.lr = float(optimizer.param_groups[0]['lr'])
        self.curves = TrainingCurves(title='loss')
        self.grads = GradientView(model)
        self._box = None
        self.on_msg(self._on_front_msg)
        self._draw_boundary()

    @traitlets.observe('lr')
    def _lr_changed(self, change):
        if hasattr(self, 'optimizer'):
            for g in self.optimizer.param_groups:
                g['lr'] = float(change['new'])

    def _on_front_msg(self, _widget, content, buffers):
        if isinstance(content, dict) and content.get('type') == 'tick':
            self.train(self.steps_per_tick)
            self.send({'type': 'tock', 'step': self.step_count})

    def train(self, steps=1):
        """Run ``steps`` optimisation steps on the whole data set; update the views."""
        loss = None
        for _ in range(int(steps)):
            self.optimizer.zero_grad()
            out = self.model(self.X)
            loss = self.loss_fn(out, self.y)
            loss.backward()
            self.optimizer.step()
            self.step_count += 1
            self.curves.log(step=self.step_count, loss=loss.item())
        if loss is not None:
            self.loss = float(loss.item())
        self._draw_boundary()
        self.curves.flush()
        self.grads.flush()

    def _predict(self, x):
        import nbtorch
        with nbtorch.no_grad():
            out = to_numpy(self.model(nbtorch.tensor(x)))
        if out.ndim == 1 or out.shape[1] == 1:             # one logit: class 1 when > 0
            logit = out.reshape(-1)
            return (logit > 0).astype(np.int32), 1 / (1 + np.exp(-np.abs(logit)))
        e = np.exp(out - out.max(1, keepdims=True))
        p = e / e.sum(1, keepdims=True)
        return p.argmax(1).astype(np.int32), p.max(1)

    def _draw_boundary(self):
        x0, x1, y0, y1 = self.bounds
        g = self.grid
        xs = np.linspace(x0, x1, g, dtype=np.float32)
        ys = np.linspace(y0, y1, g, dtype=np.float32)
        gx, gy = np.meshgrid(xs, ys)
        cls, conf = self._predict(np.stack([gx.ravel(), gy.ravel()], 1))
        pc, _ = self._predict(to_numpy(self.X).astype(np.float32))
        with self.hold_sync():
            self.boundary = {'cls': pack(cls.reshape(g, g)), 'conf': pack(conf.reshape(g, g).astype(np.float32))}
            self.accuracy = float((pc == self._y_cls).mean())

    def _repr_mimebundle_(self, **kw):
        import ipywidgets
        if self._box is None:
            self._box = ipywidgets.VBox([self, ipywidgets.HBox([self.curves, self.grads])])
        got = self._box._repr_mimebundle_(**kw)
        data, meta = got if isinstance(got, tuple) else (got, None)
        data = dict(data or {})
        data['text/plain'] = repr(self)
        data['text/html'] = f'<pre>{repr(self)}</pre>'
        return (data, meta) if meta is not None else data

    def __repr__(self):
        return f"Playground(points={self.points['shape'][0]}, steps={self.step_count}, loss={self.loss:.4g})"
