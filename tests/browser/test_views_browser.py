"""Each view rendered in a real JupyterLab (offline), checked through the DOM and data-* attributes."""
import pytest

PAYLOAD = '<img src=x onerror=window.__pwned=1>'


def _common_checks(sess):
    assert sess.page.evaluate('window.__pwned') is None, "a user string was rendered as HTML and ran"
    assert sess.cell_errors() == []
    assert sess.foreign == [], f"requests left 127.0.0.1: {sess.foreign}"
    assert sess.errors == [], f"console errors: {sess.errors}"


def test_training_curves_live_and_escaped(open_notebook):
    sess = open_notebook('curves.ipynb', [
        'from nbtorch.widgets import TrainingCurves\n'
        f'curves = TrainingCurves(title={PAYLOAD!r})\ncurves',
        'import math\n'
        f'for i in range(300):\n    curves.log(train_loss=math.exp(-i / 50), val_loss=math.exp(-i / 60) + 0.05, '
        f'**{{{PAYLOAD!r}: i / 300}})\ncurves.flush()',
    ])
    page = sess.page
    root = page.locator('[data-view="training-curves"]')
    page.wait_for_function('() => { const r = document.querySelector(\'[data-view="training-curves"]\');'
                           ' return r && r.getAttribute("data-points") === "900"; }', timeout=60_000)
    assert root.get_attribute('data-series') == '3'
    assert page.locator('path.nbt-raw[data-series="train_loss"]').get_attribute('data-n') == '300'
    # the payload shows as text (chart title + legend), never as an element
    assert page.locator('[data-view="training-curves"] img').count() == 0
    assert PAYLOAD in root.text_content()
    # the log-scale toggle syncs back and redraws
    page.locator('[data-view="training-curves"] input.nbt-log').check()
    page.wait_for_timeout(500)
    assert page.locator('path.nbt-raw[data-series="train_loss"]').get_attribute('data-n') == '300'
    _common_checks(sess)
