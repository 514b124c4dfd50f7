"""Costs of the live views, measured (no asserts: this is a script, not a test).

1. GraphView on an MLP training-step graph of about 500 nodes: trace + layout on the
   Python side (goal < 1 s).
2. TrainingCurves live during a 1000-step MLP loop: extra time versus the same loop
   without curves (goal <= 5%).  The widget's messages are JSON-encoded as a kernel
   would, so serialisation is part of the cost.  Also shown: GradientView.

    python benchmarks/widgets_overhead.py
"""
import json
import platform
import statistics
import time

import numpy as np

import nbtorch as torch
from nbtorch import nn


class SerializingComm:
    """Stands in for the kernel comm: encodes every message like ipykernel does, then drops it."""
    kernel = 'benchmark'
    comm_id = 'benchmark'

    def __init__(self):
        self.bytes = 0
        self.messages = 0

    def send(self, data=None, buffers=None, **kw):
        self.bytes += len(json.dumps(data, default=str)) + sum(len(bytes(b)) for b in buffers or ())
        self.messages += 1

    def on_msg(self, cb):
        pass

    def close(self, *a, **kw):
        pass


def mlp(depth, width=32):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def bench_graph_layout(target_nodes=500, repeats=5):
    from nbtorch.widgets import GraphView
    from nbtorch.widgets.graph_view import build
    from nbtorch.autograd import graph as G
    torch.manual_seed(0)
    depth = 1
    while True:                          # grow the MLP until its training-step graph has ~500 nodes
        net = mlp(depth)
        with GraphView.recording(net):
            loss = nn.functional.mse_loss(net(torch.randn(16, 32)), torch.randn(16, 1))
        n = len(G.trace(loss, params=net)['nodes'])
        if n >= target_nodes:
            break
        depth += max(1, (target_nodes - n) // 12)
    t_trace, t_layout, t_view = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        data = G.trace(loss, params=net)
        t1 = time.perf_counter()
        build(data)
        t2 = time.perf_counter()
        v = GraphView(loss, params=net)
        t3 = time.perf_counter()
        v.close()
        t_trace.append(t1 - t0)
        t_layout.append(t2 - t1)
        t_view.append(t3 - t2)
    med = statistics.median
    print(f"GraphView: MLP depth {depth}, {n} nodes, {len(data['edges'])} edges")
    print(f"  trace {med(t_trace) * 1e3:7.1f} ms | layout {med(t_layout) * 1e3:7.1f} ms | "
          f"GraphView() total {med(t_view) * 1e3:7.1f} ms   (goal: < 1000 ms)")
    return med(t_view)


def train_loop(steps, on_step=None, seed=0):
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    X, y = torch.randn(64, 20), torch.randn(64, 1)
    extra = on_step(net) if on_step else None
    t0 = time.perf_counter()
    for step in range(steps):
        opt.zero_grad()
        loss = ((net(X) - y) ** 2).mean()
        loss.backward()
        opt.step()
        if extra is not None:
            extra(step, loss)
    if extra is not None:
        extra(None, None)
    return time.perf_counter() - t0


def bench_curves(steps=1000, repeats=5):
    from nbtorch.widgets import TrainingCurves, GradientView

    def with_curves(net):
        c = TrainingCurves()
        c.comm = SerializingComm()

        def cb(step, loss):
            if step is None:
                c.flush()
            else:
                c.log(train_loss=loss.item(), val_loss=loss.item() * 1.1)
        return cb

    def with_grads(net):
        g = GradientView(net)
        g.comm = SerializingComm()

        def cb(step, loss):
            if step is None:
                g.flush()
        return cb

    def plain(net):
        def cb(step, loss):
            if step is not None:
                loss.item()            # the same .item() a logging loop does
        return cb

    train_loop(50, plain)              # warm-up
    base, curves, grads = [], [], []
    for _ in range(repeats):           # interleaved, so drift hits all three alike
        base.append(train_loop(steps, plain))
        curves.append(train_loop(steps, with_curves))
        grads.append(train_loop(steps, with_grads))
    b, c, g = min(base), min(curves), min(grads)
    print(f"{steps}-step MLP loop (best of {repeats}): plain {b:.3f} s | with TrainingCurves {c:.3f} s "
          f"(+{(c / b - 1) * 100:.1f}%, goal <= 5%) | with GradientView {g:.3f} s (+{(g / b - 1) * 100:.1f}%)")
    return c / b - 1


if __name__ == '__main__':
    print(f"nbtorch widgets overhead · {platform.processor() or platform.machine()} · numpy {np.__version__} · "
          f"{time.strftime('%Y-%m-%d')}")
    bench_graph_layout()
    bench_curves()
