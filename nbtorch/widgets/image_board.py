"""ImageBoard: image grids, histograms and text for SummaryWriter, drawn in the notebook."""
import struct
import zlib

import numpy as np
import traitlets

from . import _assets
from ._base import View, Throttle, pack, _esc


def png_bytes(img):
    """Encode a uint8 (H, W) or (H, W, 3) array as PNG (zlib only, no dependency)."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    h, w = img.shape[:2]
    color = 0 if img.ndim == 2 else 2
    raw = b''.join(b'\x00' + img[r].tobytes() for r in range(h))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, color, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))


def make_grid(images, nrow=None, padding=2):
    """(N, C, H, W) floats in [0, 1] or uint8 -> one uint8 (H', W'[, 3]) grid image, like torchvision's."""
    a = np.asarray(images)
    if a.dtype != np.uint8:
        a = (np.clip(a.astype(np.float64), 0, 1) * 255 + 0.5).astype(np.uint8)
    n, c, h, w = a.shape
    if c not in (1, 3):
        raise ValueError(f"add_images expects 1 or 3 channels, got {c}")
    nrow = nrow or int(np.ceil(np.sqrt(n)))
    ncol = nrow
    nrows = int(np.ceil(n / ncol))
    grid = np.zeros((c, nrows * (h + padding) + padding, ncol * (w + padding) + padding), np.uint8)
    for k in range(n):
        r, q = divmod(k, ncol)
        y, x = padding + r * (h + padding), padding + q * (w + padding)
        grid[:, y:y + h, x:x + w] = a[k]
    return grid[0] if c == 1 else grid.transpose(1, 2, 0)


class ImageBoard(View):
    """Latest image grid per tag, histograms (last few steps) and text entries."""
    _esm = _assets.esm('image_board')
    _css = _assets.css('image_board')

    images = traitlets.List([]).tag(sync=True)       # [{'tag', 'step', 'png': bytes, 'width', 'height', 'n'}]
    histograms = traitlets.List([]).tag(sync=True)   # [{'tag', 'steps': [..], 'counts': packed (S, B), 'edges': packed (S, B+1)}]
    texts = traitlets.List([]).tag(sync=True)        # [{'tag', 'step', 'text'}]

    def __init__(self, max_hist_steps=8, max_texts=50, interval=0.2, **kw):
        super().__init__(**kw)
        self._images, self._hists, self._texts = {}, {}, []
        self.max_hist_steps, self.max_texts = max_hist_steps, max_texts
        self._throttle = Throttle(interval)
        self._dirty = set()

    def add_grid(self, tag, grid, step, n):
        h, w = grid.shape[:2]
        self._images[tag] = {'tag': tag, 'step': step, 'png': memoryview(png_bytes(grid)), 'width': w, 'height': h,
                             'n': int(n)}
        self._changed('images')

    def add_histogram(self, tag, values, step, bins=30):
        v = np.asarray(values, np.float64).ravel()
        v = v[np.isfinite(v)]
        counts, edges = np.histogram(v, bins=bins if not isinstance(bins, str) else 30)
        hs = self._hists.setdefault(tag, [])
        hs.append((step, counts.astype(np.float64), edges))
        del hs[:-self.max_hist_steps]                      # bounded: the last few steps only
        self._changed('histograms')

    def add_text(self, tag, text, step):
        self._texts.append({'tag': tag, 'step': step, 'text': str(text)})
        del self._texts[:-self.max_texts]
        self._changed('texts')

    def _changed(self, what):
        self._dirty.add(what)
        if self._throttle.ready():
            self._push()

    def _push(self):
        if 'images' in self._dirty:
            self.images = list(self._images.values())
        if 'histograms' in self._dirty:
            self.histograms = [{'tag': t, 'steps': [s for s, _, _ in hs],
                                'counts': pack(np.stack([c for _, c, _ in hs])),
                                'edges': pack(np.stack([e for _, _, e in hs]))}
                               for t, hs in self._hists.items()]
        if 'texts' in self._dirty:
            self.texts = list(self._texts)
        self._dirty = set()
        self._throttle.done()

    def flush(self):
        if getattr(self, '_dirty', None):
            self._push()

    def __repr__(self):
        return f"ImageBoard(images={list(self._images)}, histograms={list(self._hists)}, texts={len(self._texts)})"

    def _repr_html_(self):
        import base64
        out = ['<div class="nbtorch-static">']
        for im in self._images.values():
            b64 = base64.b64encode(bytes(im['png'])).decode()
            out.append(f'<figure><img src="data:image/png;base64,{b64}"/><figcaption>{_esc(im["tag"])} '
                       f'(step {im["step"]})</figcaption></figure>')
        for t, hs in self._hists.items():
            out.append(f'<div>histogram {_esc(t)}: {len(hs)} step(s)</div>')
        for t in self._texts:
            out.append(f'<pre>{_esc(t["tag"])}: {_esc(t["text"])}</pre>')
        out.append('</div>')
        return ''.join(out)
