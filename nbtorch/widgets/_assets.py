"""Find the front-end files (``widgets/<view>/<view>.js`` and ``.css``).

In a source checkout they are the top-level ``widgets/`` folder; an installed
wheel carries a copy as the package ``nbtorch.widgets.static``.  Each view's
ES module is prefixed with ``widgets/_shared/dom.js`` (small DOM/SVG helpers
that only ever write user strings as text), so every view stays one
self-contained module with no imports and no build step.
"""
import functools
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


@functools.lru_cache(maxsize=None)
def asset_dir():
    packaged = os.path.join(_HERE, 'static')
    repo = os.path.join(os.path.dirname(os.path.dirname(_HERE)), 'widgets')
    for d in (packaged, repo):
        if os.path.isfile(os.path.join(d, '_shared', 'dom.js')):
            return d
    raise FileNotFoundError("nbtorch's widget front end is missing: expected widgets/_shared/dom.js next to "
                            "the nbtorch package or in nbtorch/widgets/static/. Reinstall nbtorch.")


def _read(*parts):
    with open(os.path.join(asset_dir(), *parts), encoding='utf-8') as f:
        return f.read()


@functools.lru_cache(maxsize=None)
def esm(view):
    """The ES module of ``view``: shared helpers followed by ``widgets/<view>/<view>.js``."""
    return _read('_shared', 'dom.js') + '\n' + _read(view, view + '.js')


@functools.lru_cache(maxsize=None)
def css(view):
    return _read('_shared', 'dom.css') + '\n' + _read(view, view + '.css')
