"""torch.utils.tensorboard.SummaryWriter, drawn live in the notebook: no TensorBoard server.

>>> writer = SummaryWriter()
>>> writer                                      # display it: live curves + image grid
>>> for step in range(100):
...     writer.add_scalar('Loss/train', loss.item(), step)
>>> writer.add_images('digits', x[:16], step)   # (N, C, H, W) in [0, 1]
>>> writer.close()

Scalars go to :class:`nbtorch.widgets.TrainingCurves` (``'Loss/train'`` and
``'Loss/val'`` share one chart); images, histograms and text go to an
``ImageBoard``.  Nothing is written to disk: ``log_dir`` is kept only so that
code reading ``writer.log_dir`` still works.  Tags are shown as text, never as HTML.
"""
import datetime
import socket
import time

import numpy as np

__all__ = ['SummaryWriter']


def _np(x):
    from nbtorch.widgets._base import to_numpy
    return to_numpy(x)


class SummaryWriter:
    """Writes scalars, images, histograms and text to live notebook views."""

    def __init__(self, log_dir=None, comment='', purge_step=None, max_queue=10, flush_secs=120,
                 filename_suffix=''):
        from nbtorch.widgets import TrainingCurves
        from nbtorch.widgets.image_board import ImageBoard
        if log_dir is None:
            stamp = datetime.datetime.now().strftime('%b%d_%H-%M-%S')
            log_dir = f'runs/{stamp}_{socket.gethostname()}{comment}'
        self.log_dir = str(log_dir)
        self.curves = TrainingCurves()
        self.board = ImageBoard()
        self._steps = {}
        self._graph = None
        self._closed = False
        self._box = None

    def get_logdir(self):
        return self.log_dir

    def _step(self, tag, global_step):
        if global_step is None:                      # torch logs step 0; we count per tag instead
            global_step = self._steps.get(tag, -1) + 1
        self._steps[tag] = int(global_step) if float(global_step).is_integer() else global_step
        return global_step

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """Add one point to the curve ``tag`` (e.g. ``'Loss/train'``)."""
        self.curves.log_series(str(tag), scalar_value, self._step(str(tag), global_step))

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Several curves in one chart: ``add_scalars('Loss', {'train': a, 'val': b}, step)``."""
        for tag, value in tag_scalar_dict.items():
            name = f'{main_tag}/{tag}'
            self.curves.log_series(name, value, self._step(name, global_step), group=str(main_tag))

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats='NCHW'):
        """A batch of images as one grid (floats in [0, 1] or uint8)."""
        from nbtorch.widgets.image_board import make_grid
        a = _np(img_tensor)
        fmt = dataformats.upper()
        if a.ndim == 3 and fmt == 'NHW':
            a, fmt = a[:, None], 'NCHW'
        if a.ndim != 4 or sorted(fmt) != sorted('NCHW'):
            raise ValueError(f"add_images: expected a 4-D tensor in {dataformats!r} format, got shape {a.shape}")
        a = np.transpose(a, [fmt.index(c) for c in 'NCHW'])
        self.board.add_grid(str(tag), make_grid(a), self._step('img:' + str(tag), global_step), a.shape[0])

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats='CHW'):
        """One image (CHW by default; HW and HWC via ``dataformats``)."""
        a = _np(img_tensor)
        fmt = dataformats.upper()
        if fmt == 'HW':
            a, fmt = a[None], 'CHW'
        self.add_images(tag, a[None], global_step, walltime, dataformats='N' + fmt)

    def add_histogram(self, tag, values, global_step=None, bins='tensorflow', walltime=None, max_bins=None):
        """The distribution of ``values`` at this step (the last few steps are overlaid)."""
        b = 30 if isinstance(bins, str) else bins
        if max_bins is not None and isinstance(b, int):
            b = min(b, max_bins)
        self.board.add_histogram(str(tag), _np(values), self._step('hist:' + str(tag), global_step), bins=b)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        self.board.add_text(str(tag), text_string, self._step('text:' + str(tag), global_step))

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """The model's autograd graph for ``input_to_model``, drawn by GraphView."""
        from nbtorch.widgets import GraphView
        args = input_to_model if isinstance(input_to_model, (tuple, list)) else (input_to_model,)
        with GraphView.recording(model):
            out = model(*args)
        if isinstance(out, (tuple, list)):
            out = out[0]
        self._graph = GraphView(out, params=model)
        if self._box is not None:
            self._box.children = tuple(self._box.children) + (self._graph,)

    def flush(self):
        """Show the last values now (the live views are throttled to ~5 updates/s)."""
        self.curves.flush()
        self.board.flush()

    def close(self):
        self.flush()
        self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------------ notebook display
    def _widget(self):
        import ipywidgets
        if self._box is None:
            kids = [self.curves, self.board] + ([self._graph] if self._graph is not None else [])
            self._box = ipywidgets.VBox(kids)
        return self._box

    def _repr_mimebundle_(self, **kw):
        self.flush()
        got = self._widget()._repr_mimebundle_(**kw)
        data, meta = got if isinstance(got, tuple) else (got, None)
        data = dict(data or {})
        data['text/plain'] = repr(self)
        data['text/html'] = self.curves._repr_html_() + self.board._repr_html_()
        return (data, meta) if meta is not None else data

    def __repr__(self):
        return (f"SummaryWriter(scalars={list(self.curves._x)}, images={list(self.board._images)}, "
                f"histograms={list(self.board._hists)})")
