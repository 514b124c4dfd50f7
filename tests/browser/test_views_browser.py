"""Each view rendered in a real JupyterLab (offline), checked through the DOM and data-* attributes."""
import pytest

PAYLOAD = '<img src=x onerror=window.__pwned=1>'


def _common_checks(sess):
    sess.assert_clean()


def test_training_curves_live_and_escaped(open_notebook):
    sess = open_notebook('curves.ipynb', [
        'from nbtorch.widgets import TrainingCurves\n'
        f'curves = TrainingCurves(title={PAYLOAD!r})\ncurves',
        'import math\n'
        f'for i in range(300):\n    curves.log(train_loss=math.exp(-i / 50), val_loss=math.exp(-i / 60) + 0.05, '
        f'**{{{PAYLOAD!r}: i / 300}})',           # no flush(): the cell's end flushes the last frame
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


PAYLOAD_NODOT = '<img src=x onerror=__pwned=1>'     # module names cannot contain '.'


def _attr(page, sel, name):
    return page.locator(sel).first.get_attribute(name)


def test_graph_view_steps_and_details(open_notebook):
    sess = open_notebook('graph.ipynb', [
        'import nbtorch as torch\nfrom collections import OrderedDict\nfrom nbtorch import nn\n'
        'from nbtorch.widgets import GraphView\ntorch.manual_seed(0)\n'
        f'net = nn.Sequential(OrderedDict([({PAYLOAD_NODOT!r}, nn.Linear(3, 4)), ("act", nn.ReLU()), '
        '("out", nn.Linear(4, 1))]))\n'
        'with GraphView.recording(net):\n    loss = net(torch.randn(2, 3)).pow(2).mean()\n'
        'view = GraphView(loss, params=net)\nprint(len(view.graph["nodes"]), len(view.steps))\nview',
    ])
    page = sess.page
    page.wait_for_selector('[data-view="graph-view"] .nbt-node', state='attached', timeout=60_000)
    out = page.locator('.jp-OutputArea-output pre').first.text_content().split()
    n_nodes, n_steps = int(out[0]), int(out[1])
    assert n_nodes > 8 and n_steps == n_nodes
    root = '[data-view="graph-view"]'
    assert _attr(page, root, 'data-nodes') == str(n_nodes)
    assert page.locator(f'{root} .nbt-node').count() == n_nodes
    assert page.locator(f'{root} .nbt-param').count() == 4
    assert page.locator(f'{root} rect.nbt-module').count() >= 2
    assert _attr(page, root, 'data-step') == '-1' and _attr(page, root, 'data-grads') == '0'
    # step through backward: the gradient reaches more nodes at each step
    page.locator(f'{root} button.nbt-first').click()
    page.wait_for_function(f'document.querySelector(\'{root}\').dataset.step === "0"')
    seen = [int(_attr(page, root, 'data-grads'))]
    for k in range(1, n_steps):
        page.locator(f'{root} button.nbt-next').click()
        page.wait_for_function(f'document.querySelector(\'{root}\').dataset.step === "{k}"')
        seen.append(int(_attr(page, root, 'data-grads')))
    assert seen == sorted(seen) and seen[-1] == n_nodes and 1 <= seen[0] < n_nodes
    assert page.locator(f'{root} .nbt-current').count() == 1
    # clicking a parameter shows its values as text
    page.locator(f'{root} .nbt-param').first.click()
    assert 'value:' in page.locator(f'{root} .nbt-detail').text_content()
    assert PAYLOAD_NODOT in page.locator(f'{root}').text_content()
    assert page.locator(f'{root} img').count() == 0
    _common_checks(sess)


def test_gradient_view_live_with_flags(open_notebook):
    sess = open_notebook('grads.ipynb', [
        'import nbtorch as torch\nfrom collections import OrderedDict\nfrom nbtorch import nn\n'
        'from nbtorch.widgets import GradientView\ntorch.manual_seed(0)\n'
        'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n'
        f'        self.body = nn.Sequential(OrderedDict([({PAYLOAD_NODOT!r}, nn.Linear(3, 8)), ("act", nn.Tanh()), '
        '("out", nn.Linear(8, 1))]))\n        self.unused = nn.Linear(2, 2)\n'
        '    def forward(self, x):\n        return self.body(x)\nnet = Net()\n'
        'opt = torch.optim.SGD(net.parameters(), lr=0.1)\nview = GradientView(net)\nview',
        'X, y = torch.randn(32, 3), torch.randn(32, 1)\n'
        'for step in range(40):\n    opt.zero_grad()\n    loss = ((net(X) - y) ** 2).mean()\n'
        '    loss.backward()\n    opt.step()\nview.flush()',
    ])
    page = sess.page
    root = '[data-view="gradient-view"]'
    page.wait_for_function(f'() => {{ const r = document.querySelector(\'{root}\'); return r && r.dataset.steps === "40"; }}',
                           timeout=60_000)
    assert _attr(page, root, 'data-params') == '6'
    assert page.locator(f'{root} .nbt-grad-row[data-flag="none"]').count() == 2     # unused.weight / .bias
    assert page.locator(f'{root} .nbt-grad-row[data-flag="ok"]').count() == 4
    hist = page.locator(f'{root} .nbt-grad-row[data-param="body.out.weight"]').get_attribute('data-history')
    assert hist == '40'
    assert page.locator(f'{root} .nbt-layer').filter(has_text=PAYLOAD_NODOT).count() == 1
    assert page.locator(f'{root} img').count() == 0
    _common_checks(sess)


def test_kernel_slider_keys_and_play(open_notebook):
    sess = open_notebook('kernel.ipynb', [
        'import nbtorch as torch\nfrom nbtorch.widgets import KernelSlider\n'
        'x = torch.arange(25.).reshape(1, 1, 5, 5)\nk = torch.tensor([[1., 0, -1], [2, 0, -2], [1, 0, -1]]).reshape(1, 1, 3, 3)\n'
        'ks = KernelSlider(x, k, bias=torch.tensor([0.5]), stride=2, padding=1)\nks',
        'digit = torch.rand(1, 1, 28, 28)\nKernelSlider(digit, torch.randn(2, 1, 5, 5))',
        'KernelSlider(x, op="max_pool2d", kernel_size=2, ceil_mode=True)',
    ])
    page = sess.page
    page.wait_for_function('document.querySelectorAll(\'[data-view="kernel-slider"]\').length === 3', timeout=60_000)
    root = page.locator('[data-view="kernel-slider"]').nth(0)
    assert root.get_attribute('data-position') == '0'
    win = root.locator('svg.nbt-input rect.nbt-window')
    assert (win.get_attribute('data-y'), win.get_attribute('data-x')) == ('0', '0')
    arith = root.locator('pre.nbt-arith')
    assert float(arith.get_attribute('data-result')) == pytest.approx(float(arith.get_attribute('data-output')))
    assert 'H_out = ⌊(5 + 2·1 − 1·(3−1) − 1) / 2⌋ + 1 = ⌊4/2⌋ + 1 = 3' in root.text_content()
    # a key press on the slider moves the window by the stride
    root.locator('input.nbt-pos').focus()
    page.keyboard.press('ArrowRight')
    page.wait_for_function('document.querySelector(\'[data-view="kernel-slider"]\').dataset.position === "1"')
    win = page.locator('[data-view="kernel-slider"]').nth(0).locator('svg.nbt-input rect.nbt-window')
    assert (win.get_attribute('data-y'), win.get_attribute('data-x')) == ('0', '2')
    page.keyboard.press('ArrowRight')           # focus stays on the slider after the redraw
    page.wait_for_function('document.querySelector(\'[data-view="kernel-slider"]\').dataset.position === "2"')
    for pos in range(9):                        # every output element: shown arithmetic == op output
        page.evaluate('''(p) => { const r = document.querySelector('[data-view="kernel-slider"] input.nbt-pos');
                          r.value = String(p); r.dispatchEvent(new Event('input')); }''', pos)
        page.wait_for_function(f'document.querySelector(\'[data-view="kernel-slider"]\').dataset.position === "{pos}"')
        a = page.locator('[data-view="kernel-slider"]').nth(0).locator('pre.nbt-arith')
        assert float(a.get_attribute('data-result')) == pytest.approx(float(a.get_attribute('data-output')), abs=1e-4)
    # Play advances on its own; pause stops it
    page.locator('[data-view="kernel-slider"]').nth(0).locator('button.nbt-play').click()
    page.wait_for_function('document.querySelector(\'[data-view="kernel-slider"]\').dataset.position === "1"',
                           timeout=10_000)
    page.locator('[data-view="kernel-slider"]').nth(0).locator('button.nbt-play').click()
    # the 28x28 digit is a heatmap; output channel selector switches channels
    big = page.locator('[data-view="kernel-slider"]').nth(1)
    assert big.get_attribute('data-heatmap') == '1'
    big.locator('select.nbt-oc').select_option('1')
    page.wait_for_function('document.querySelectorAll(\'[data-view="kernel-slider"]\')[1].dataset.outChannel === "1"')
    pool = page.locator('[data-view="kernel-slider"]').nth(2)
    assert 'max(' in pool.locator('pre.nbt-arith').text_content()
    _common_checks(sess)


def test_summary_writer_tags_are_text(open_notebook):
    sess = open_notebook('writer.ipynb', [
        'import nbtorch as torch\nfrom nbtorch.utils.tensorboard import SummaryWriter\n'
        'torch.manual_seed(0)\nwriter = SummaryWriter()\nwriter',
        f'tag = {PAYLOAD!r}\n'
        'for step in range(50):\n'
        '    writer.add_scalar(tag, 1.0 / (step + 1), step)\n'
        '    writer.add_scalars("Loss", {"train": 1.0 / (step + 1), "val": 1.2 / (step + 1)}, step)\n'
        'writer.add_images(tag, torch.rand(9, 1, 8, 8), 0)\n'
        'writer.add_histogram(tag, torch.randn(500), 0)\nwriter.add_text(tag, tag)\nwriter.close()',
    ])
    page = sess.page
    page.wait_for_function('() => { const r = document.querySelector(\'[data-view="training-curves"]\');'
                           ' return r && r.dataset.points === "150"; }', timeout=60_000)
    board = page.locator('[data-view="image-board"]')
    page.wait_for_function('document.querySelector(\'[data-view="image-board"]\').dataset.images === "1"')
    assert board.locator('img').count() == 1                       # the image grid, nothing else
    assert board.locator('img').get_attribute('src').startswith('blob:')
    assert page.locator('[data-view="training-curves"] svg.nbt-chart').count() == 2   # tag + Loss
    assert PAYLOAD in board.text_content() and PAYLOAD in page.locator('[data-view="training-curves"]').text_content()
    assert board.locator('svg.nbt-hist').count() == 1
    _common_checks(sess)


def test_playground_play_pause_and_lr(open_notebook):
    sess = open_notebook('playground.ipynb', [
        'import nbtorch as torch\nfrom nbtorch import nn\nfrom nbtorch.widgets import Playground\n'
        'torch.manual_seed(0)\nX = torch.randn(200, 2)\ny = ((X[:, 0] * X[:, 1]) > 0).long()\n'
        'net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))\n'
        'opt = torch.optim.SGD(net.parameters(), lr=0.5)\n'
        'pg = Playground(net, (X, y), nn.CrossEntropyLoss(), opt)\npg',
    ])
    page = sess.page
    root = '[data-view="playground"]'
    page.wait_for_selector(root, state='attached', timeout=60_000)
    assert _attr(page, root, 'data-points') == '200' and _attr(page, root, 'data-step') == '0'
    page.locator(f'{root} button.nbt-play').click()           # one step per tick, kernel idle in between
    page.wait_for_function(f'Number(document.querySelector(\'{root}\').dataset.step) >= 5', timeout=60_000)
    page.locator(f'{root} button.nbt-play').click()           # pause stays responsive
    page.wait_for_timeout(1000)
    s1 = int(_attr(page, root, 'data-step'))
    page.wait_for_timeout(1000)
    assert int(_attr(page, root, 'data-step')) == s1
    # the live views below it followed the training
    page.wait_for_function(f'document.querySelector(\'[data-view="training-curves"]\').dataset.points === "{s1}"')
    page.wait_for_function(f'document.querySelector(\'[data-view="gradient-view"]\').dataset.steps === "{s1}"')
    _common_checks(sess)
