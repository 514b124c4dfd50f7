"""Issue 6, acceptance 3: each course chapter runs in a real JupyterLab and renders its views, with no error output.

Every chapter is copied (outputs cleared) into the lab's temp root, so the files it writes land there and not in
the repo. "Run all" on its fresh kernel is "restart kernel and run all". Then we check the page: no error or
stderr output, every widget output rendered (no "Loading widget..." left, no "Error displaying widget"), every
cell that shows a view in the stored notebook shows one live, at least as many nbtorch views as the stored
notebook has, no console error and no request leaving 127.0.0.1. One JupyterLab serves all chapters; each
chapter's kernel is shut down after it.
"""
import copy
import glob
import json
import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHAPTERS = sorted(os.path.basename(p) for p in glob.glob(os.path.join(REPO, 'notebooks', '[0-9][0-9]_*.ipynb')))
WIDGET_MIME = 'application/vnd.jupyter.widget-view+json'


def _fresh(nb):
    """The notebook as a learner gets it after "Clear all outputs": nothing stored to fall back on."""
    nb = copy.deepcopy(nb)
    for cell in nb['cells']:
        if cell['cell_type'] == 'code':
            cell['outputs'], cell['execution_count'] = [], None
    nb['metadata'].pop('widgets', None)
    return nb


def _stored_views(nb):
    """(indices of code cells that display a widget, number of nbtorch views they hold) in the stored notebook.

    An nbtorch view is an anywidget model; a SummaryWriter is a VBox of them, so boxes are walked."""
    state = nb['metadata'].get('widgets', {}).get('application/vnd.jupyter.widget-state+json', {}).get('state', {})

    def count(model_id):
        m = state.get(model_id, {})
        if m.get('model_module') == 'anywidget':
            return 1
        return sum(count(c.removeprefix('IPY_MODEL_')) for c in m.get('state', {}).get('children', []))

    cells, n = [], 0
    for i, cell in enumerate(nb['cells']):
        ids = [o['data'][WIDGET_MIME]['model_id'] for o in cell.get('outputs', []) if WIDGET_MIME in o.get('data', {})]
        if ids:
            cells.append(i)
            n += sum(count(m) for m in ids)
    return cells, n


def test_every_chapter_is_checked():
    assert len(CHAPTERS) == 12, CHAPTERS


@pytest.mark.parametrize('chapter', CHAPTERS)
def test_chapter_runs_and_renders_views(chapter, open_notebook):
    with open(os.path.join(REPO, 'notebooks', chapter)) as f:
        nb = json.load(f)
    view_cells, n_views = _stored_views(nb)
    assert view_cells and n_views >= len(view_cells), f"{chapter}: the stored notebook shows no nbtorch view"

    sess = open_notebook(chapter, _fresh(nb), timeout=180_000)
    page = sess.page
    # widget outputs render asynchronously after the kernel is idle: wait (bounded) until none is pending
    # and every nbtorch view is in the DOM, then check
    try:
        page.wait_for_function('''(n) => {
            const outs = Array.from(document.querySelectorAll(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'));
            return outs.every(o => !o.textContent.startsWith('Loading widget...')) &&
                   document.querySelectorAll('[data-view]').length >= n;
        }''', arg=n_views, timeout=30_000, polling=250)
    except Exception:      # the asserts below say what is missing
        pass
    report = page.evaluate('''() => {
        const w = window.jupyterapp.shell.currentWidget;
        const outs = Array.from(w.node.querySelectorAll(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'));
        return {
            pending: outs.filter(o => o.textContent.startsWith('Loading widget...')).length,
            broken: outs.filter(o => o.textContent.startsWith('Error displaying widget')).map(o => o.textContent),
            views: Array.from(w.node.querySelectorAll('[data-view]')).map(v => v.dataset.view),
            perCell: w.content.widgets.map(c => c.node.querySelectorAll('[data-view]').length),
            unrun: w.content.widgets.filter(c => c.model.type === 'code' && !c.model.executionCount).length,
        };
    }''')
    assert sess.cell_errors() == [], f"{chapter}: error output"
    assert report['unrun'] == 0, f"{chapter}: {report['unrun']} code cells did not run"
    assert report['broken'] == [], f"{chapter}: widgets failed to display"
    assert report['pending'] == 0, f"{chapter}: {report['pending']} widget outputs still 'Loading widget...'"
    no_view = [i for i in view_cells if report['perCell'][i] == 0]
    assert no_view == [], f"{chapter}: cells {no_view} show no nbtorch view"
    assert len(report['views']) >= n_views, f"{chapter}: {report['views']} but the stored notebook has {n_views}"
    sess.assert_clean()
