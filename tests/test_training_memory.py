"""Issue 7, memory: long training does not leak, graphs die after backward, live views stay bounded.

The RSS test runs in a fresh subprocess (nbtorch only, no torch) so other tests' memory cannot interfere.
A control run that keeps every loss (and so every step's graph) alive shows the measurement is sensitive:
the same script with that one-line leak grows well past the limit.
"""
import gc
import json
import subprocess
import sys
import textwrap
import weakref

import numpy as np
import pytest

import nbtorch

TRAIN_SCRIPT = textwrap.dedent('''
    import gc, json, os, sys
    import nbtorch as torch
    from nbtorch import nn

    steps, warmup, leak = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == 'leak'
    page = os.sysconf('SC_PAGE_SIZE')

    def rss():
        gc.collect()
        with open('/proc/self/statm') as fh:
            return int(fh.read().split()[1]) * page

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 5))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    X = torch.randn(512, 20)
    Y = (X[:, :5].argmax(1))
    kept, marks = [], {}
    for step in range(steps):
        i = (step * 32) % 512
        xb, yb = X[i:i + 32], Y[i:i + 32]
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward(retain_graph=leak)
        opt.step()
        kept.append(loss if leak else loss.item())       # the classic leak: keeping the tensor, not .item()
        if step + 1 == warmup:
            marks['after_warmup'] = rss()
    marks['end'] = rss()
    marks['first_loss'], marks['last_loss'] = float(kept[0]), float(kept[-1])
    print(json.dumps(marks))
''')


def _run(steps, warmup, mode):
    out = subprocess.run([sys.executable, '-c', TRAIN_SCRIPT, str(steps), str(warmup), mode],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_5000_mlp_steps_grow_rss_by_less_than_5_percent():
    m = _run(5000, 300, 'clean')
    growth = (m['end'] - m['after_warmup']) / m['after_warmup']
    assert growth < 0.05, f"RSS grew {growth:.1%} over 4,700 steps: {m}"
    assert m['last_loss'] < m['first_loss']              # it really trained


def test_the_rss_measurement_catches_a_leak():
    """Control: keeping each step's loss tensor (with retain_graph) holds every graph; RSS must show it."""
    m = _run(1500, 300, 'leak')
    growth = (m['end'] - m['after_warmup']) / m['after_warmup']
    assert growth > 0.05, f"a real leak went unnoticed: {m}"


# ---------------------------------------------------------------- graphs of nn models
def _nodes(root):
    out, stack, seen = [], [root], set()
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        out.append(n)
        stack.extend(m for m, _ in n.next_functions)
    return out


def _cnn():
    nn = nbtorch.nn
    nbtorch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 3 * 3, 3))


@pytest.mark.parametrize('how', ['backward', 'autograd.grad'])
def test_cnn_graph_and_saved_arrays_freed(how):
    """A conv/batchnorm/pool/linear step: every node's saved arrays are dropped once gradients are computed."""
    model = _cnn()
    x, y = nbtorch.randn(5, 1, 8, 8), nbtorch.tensor([0, 1, 2, 0, 1])
    loss = nbtorch.nn.functional.cross_entropy(model(x), y)
    nodes = _nodes(loss.grad_fn)
    saved = [weakref.ref(a) for n in nodes for a in (n.saved_tensors_raw or ()) if isinstance(a, np.ndarray)
             and a.ndim > 0 and not any(a is p._data for p in model.parameters()) and a is not x._data]
    assert len(saved) >= 4, "the graph should save activations for backward"
    if how == 'backward':
        loss.backward()
    else:
        nbtorch.autograd.grad(loss, list(model.parameters()))
    gc.collect()
    alive = [r for r in saved if r() is not None]
    assert not alive, f"{len(alive)} saved activations survived {how}"
    # the interior nodes die with the loss, by plain refcounting (no cycles); a parameter keeps its own
    # AccumulateGrad node, as in torch
    node_refs = [weakref.ref(n) for n in nodes if n.name() != 'torch::autograd::AccumulateGrad']
    del loss, nodes
    assert [r() for r in node_refs if r() is not None] == []


def test_cnn_retain_graph_keeps_then_frees():
    model = _cnn()
    loss = nbtorch.nn.functional.cross_entropy(model(nbtorch.randn(2, 1, 8, 8)), nbtorch.tensor([0, 2]))
    loss.backward(retain_graph=True)
    g1 = [p.grad.clone() for p in model.parameters()]
    loss.backward()                                        # works: the graph was retained
    for p, g in zip(model.parameters(), g1):
        np.testing.assert_allclose(p.grad.numpy(), 2 * g.numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(RuntimeError, match='second time'):
        loss.backward()                                    # now it is freed


def test_no_grad_eval_loop_builds_no_graph():
    model = _cnn().eval()
    with nbtorch.no_grad():
        out = model(nbtorch.randn(3, 1, 8, 8))
        loss = nbtorch.nn.functional.cross_entropy(out, nbtorch.tensor([0, 1, 2]))
    assert out.grad_fn is None and loss.grad_fn is None and not loss.requires_grad
    with nbtorch.inference_mode():
        assert model(nbtorch.randn(1, 1, 8, 8)).grad_fn is None


# ---------------------------------------------------------------- live views keep bounded history
def test_training_curves_bounded_over_100k_points():
    from nbtorch.widgets import TrainingCurves
    c = TrainingCurves(max_points=500)
    for i in range(100_000):
        c.log(loss=1.0 / (i + 1), acc=i % 7)
    c.flush()
    for name in ('loss', 'acc'):
        x, y = c.history(name)
        assert len(x) <= 501, f"{name}: {len(x)} points stored"
        assert x[0] == 0 and x[-1] == 99_999
        assert c.series[name]['x']['shape'][0] == len(x)    # what crosses the wire is bounded too
    c.close()


def test_gradient_view_bounded_over_many_steps():
    from nbtorch.widgets import GradientView
    w = nbtorch.ones(3, requires_grad=True)
    gv = GradientView({'w': w}, max_history=200)
    for i in range(5_000):
        w.grad = None
        (w * (i % 13 + 1)).sum().backward()
    gv.flush()
    steps, norms = gv.norm_history()
    assert len(steps) <= 201 and steps[-1] == 4_999
    assert gv.history['steps']['shape'][0] == len(steps)
    gv.close()


def test_summary_writer_scalars_and_text_bounded():
    from nbtorch.utils.tensorboard import SummaryWriter
    w = SummaryWriter()
    for i in range(50_000):
        w.add_scalar('Loss/train', 1.0 / (i + 1), i)
    for i in range(1_000):
        w.add_text('notes', f'step {i}', i)
    w.flush()
    x, _ = w.curves.history('Loss/train')
    assert len(x) <= w.curves.max_points + 1 and x[-1] == 49_999
    assert len(w.board.texts) <= 50 and w.board.texts[-1]['text'] == 'step 999'
    w.close()
