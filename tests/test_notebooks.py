"""Course hygiene: pairing, stored outputs, structure, and coverage of the tutorials' code.

nbval (run by the same pytest command) checks that every cell reproduces its stored output; these
tests check what nbval cannot: that the notebooks are complete, paired and honest.
"""
import ast
import json
import re
import textwrap
from pathlib import Path

import pytest

jupytext = pytest.importorskip('jupytext')

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / 'notebooks'
SOURCE_DIR = ROOT.parent / 'shared' / 'course-source'
CHAPTERS = sorted(NB_DIR.glob('[0-9][0-9]_*.ipynb'))
VIEWS = ('GraphView', 'GradientView', 'KernelSlider', 'TrainingCurves', 'SummaryWriter')


def _load(path):
    return json.loads(path.read_text())


def test_twelve_numbered_chapters():
    assert [p.name[:3] for p in CHAPTERS] == [f'{i:02d}_' for i in range(1, 13)]


@pytest.mark.parametrize('nb_path', CHAPTERS, ids=lambda p: p.stem)
def test_paired_with_percent_script(nb_path):
    py_path = nb_path.with_suffix('.py')
    assert py_path.exists(), f'{py_path.name} is missing: run jupytext --sync {nb_path.name}'
    text = py_path.read_text()
    assert 'format_name: percent' in text
    nb = jupytext.reads(nb_path.read_text(), fmt='ipynb')
    py = jupytext.reads(text, fmt='py:percent')
    got = [(c.cell_type, c.source.strip()) for c in nb.cells]
    want = [(c.cell_type, c.source.strip()) for c in py.cells]
    assert got == want, f'{nb_path.name} and {py_path.name} differ: run jupytext --sync'


@pytest.mark.parametrize('nb_path', CHAPTERS, ids=lambda p: p.stem)
def test_outputs_stored_clean_and_in_order(nb_path):
    nb = _load(nb_path)
    code = [c for c in nb['cells'] if c['cell_type'] == 'code']
    counts = [c['execution_count'] for c in code]
    assert counts == list(range(1, len(code) + 1)), 'execute the notebook top to bottom and save it'
    for cell in code:
        for out in cell['outputs']:
            assert out['output_type'] != 'error', ''.join(cell['source'])[:80]
            assert out.get('name') != 'stderr', f"stderr output in {nb_path.name}: {''.join(out['text'])[:200]}"


@pytest.mark.parametrize('nb_path', CHAPTERS, ids=lambda p: p.stem)
def test_chapter_structure(nb_path):
    nb = _load(nb_path)
    cells = nb['cells']
    assert cells[0]['cell_type'] == 'markdown' and ''.join(cells[0]['source']).startswith('# '), 'intro first'
    text = lambda c: ''.join(c['source'])
    assert any(c['cell_type'] == 'markdown' and '## Summary' in text(c) for c in cells)
    assert any(c['cell_type'] == 'code' and 'assert ' in text(c) for c in cells), 'exercises need assert checks'
    shown = [c for c in cells if c['cell_type'] == 'code' and any(
        'application/vnd.jupyter.widget-view+json' in o.get('data', {}) for o in c['outputs'])]
    assert shown, 'every chapter shows at least one live view'
    assert any(v in text(c) for c in shown for v in VIEWS)


def _code_blocks(text):
    for m in re.finditer(r'```python\n(.*?)```', text, re.S):
        block = textwrap.dedent(m.group(1))
        try:
            ast.parse(block)
        except SyntaxError:
            continue   # an API signature or pseudo-code shown as text, not a program
        body = re.sub(r"('''|\"\"\")(.*?)\1", '', block, flags=re.S)   # docstrings and printed outputs
        lines = []
        for line in body.splitlines():
            line = line.split('#')[0].strip()
            # imports name torch/torchvision there and nbtorch here; the code after them must match
            if line and not line.startswith(('import ', 'from ')):
                lines.append(re.sub(r'\s+', '', line))
        if lines:
            yield lines


def _course_code():
    code = ''
    for p in NB_DIR.glob('[0-9][0-9]_*.py'):
        code += re.sub(r'\s+', '', '\n'.join(l.split('#')[0] for l in p.read_text().splitlines())) + '\n'
    return code


@pytest.mark.skipif(not SOURCE_DIR.is_dir(), reason='needs ../shared/course-source (the tutorials)')
def test_every_tutorial_code_block_runs_in_the_course():
    course = _course_code()
    missing = []
    for src in sorted(SOURCE_DIR.glob('*.txt')):
        for lines in _code_blocks(src.read_text()):
            absent = [l for l in lines if l not in course]
            # adaptations for offline data (CIFAR10 -> digits) may change a few lines, not a block
            if len(absent) > max(2, len(lines) // 5):
                missing.append((src.name, absent))
    assert not missing, missing


def test_map_names_every_source_file():
    table = (NB_DIR / 'README.md').read_text()
    for src in sorted(SOURCE_DIR.glob('*.txt')):
        assert f'| {src.name[:3]} |' in table, src.name
