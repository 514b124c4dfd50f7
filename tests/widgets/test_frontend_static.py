"""Static checks of the front end: no HTML injection sinks, no network imports, assets load."""
import pathlib
import re

import pytest

from nbtorch.widgets import _assets

ROOT = pathlib.Path(_assets.asset_dir())
JS = sorted(ROOT.rglob('*.js'))
VIEWS = ['training_curves', 'graph_view', 'gradient_view', 'kernel_slider', 'image_board']

SINKS = re.compile(r'\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|'
                   r'srcdoc|eval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*["\'`])')


def test_every_view_has_js_and_css():
    for v in VIEWS:
        assert (ROOT / v / f'{v}.js').is_file() and (ROOT / v / f'{v}.css').is_file()
        code = _assets.esm(v)
        assert 'export default' in code
        assert code.count('export default') == 1


@pytest.mark.parametrize('path', JS, ids=[p.name for p in JS])
def test_no_html_sinks(path):
    """User strings reach the DOM only through createTextNode/textContent."""
    hits = [line for line in path.read_text().splitlines() if SINKS.search(line)]
    assert hits == [], f"{path.name} uses an HTML sink: {hits}"


@pytest.mark.parametrize('path', JS, ids=[p.name for p in JS])
def test_no_network_imports(path):
    text = path.read_text()
    assert not re.search(r'\bimport\b[^;\n]*["\']https?:', text), "no CDN imports: vendor the library"
    assert not re.search(r'\bfetch\s*\(|XMLHttpRequest|WebSocket\s*\(', text)
    assert not re.search(r'https?://(?!www\.w3\.org/2000/svg)', text), "no URLs other than the SVG namespace"


def test_the_check_catches_a_sink(tmp_path):
    bad = 'el.innerHTML = `<b>${name}</b>`;'
    assert SINKS.search(bad)
    assert SINKS.search('node.insertAdjacentHTML("beforeend", s)')
    assert not SINKS.search('node.textContent = name;')


def test_packaged_static_dir_mirrors_widgets():
    """nbtorch/widgets/static is what a wheel ships; in a checkout it links to the top-level widgets/."""
    repo = pathlib.Path(__file__).resolve().parents[2]
    static = repo / 'nbtorch' / 'widgets' / 'static'
    src = repo / 'widgets'
    if not static.exists():
        pytest.skip("nbtorch/widgets/static is a symlink this checkout did not create (e.g. on Windows)")
    files = sorted(p.relative_to(src) for p in src.rglob('*') if p.suffix in ('.js', '.css'))
    assert files and files == sorted(p.relative_to(static) for p in static.rglob('*') if p.suffix in ('.js', '.css'))
    for f in files:
        assert (static / f).read_bytes() == (src / f).read_bytes()
