"""Time nbtorch against PyTorch on the same workloads, in the same run (issue 4's benchmark).

    python benchmarks/compare.py                 # full run: both BLAS settings, 5 rounds
    python benchmarks/compare.py --quick         # smoke run: 1 round, few iterations, native kernel only
    python benchmarks/compare.py --device cuda   # nbtorch on CuPy vs nbtorch on the CPU (skips without a GPU)
    python benchmarks/compare.py --workloads lenet_step,conv_layer --rounds 7

How it measures
* Each workload is written ONCE against the torch API: a function ``wl(torch, device)`` that receives the
  module ``torch`` or ``nbtorch`` and returns ``(step, check)``.  ``step()`` runs one iteration; ``check()``
  rebuilds the workload from the same seeds and returns a few numbers (losses, outputs) that must agree
  between the two libraries within float32 tolerance, so speed never costs correctness.
* Every measurement runs in a fresh subprocess (``--worker``), alternating nbtorch, torch, nbtorch, torch...
  The reported time is the median per-iteration time over the rounds; the ratio is nbtorch / torch.
* Equal threads: torch gets ``set_num_threads(2)``; BLAS in both processes is limited to 2 threads with
  threadpoolctl.  float32 everywhere, fixed seeds; parameters and inputs come from NumPy generators and
  are copied into both libraries, so both start from identical weights.
* Two BLAS settings.  Some machines set ``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE``, forcing an older
  OpenBLAS kernel.  The script reports the inherited environment and the native kernel (both variables
  removed, in its own subprocesses only), and records which kernel ran (threadpoolctl's 'architecture').
* Memory: peak RSS of lenet_step over 200 steps, each library in its own process (the nbtorch process
  never imports torch).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
THREADS = 2


# ------------------------------------------------------------------------------------------ workloads
# Helpers shared by the workloads, written against the torch API as well.

def _rng(seed):
    import numpy as np
    return np.random.default_rng(seed)


def _tensor(torch, arr, device, requires_grad=False):
    return torch.from_numpy(arr).to(device).requires_grad_(requires_grad)


def _init_params(torch, model, seed):
    """Overwrite every parameter with seeded uniform values (identical in both libraries)."""
    rng = _rng(seed)
    with torch.no_grad():
        for p in model.parameters():
            bound = 1.0 / max(1, p[0].numel()) ** 0.5
            p.copy_(torch.from_numpy(rng.uniform(-bound, bound, tuple(p.shape)).astype('float32')))
    return model


def _mlp(torch):
    nn = torch.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def _lenet(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def _train_step(torch, model_fn, x_shape, batch, opt_fn, device):
    """(step, check) for one training step of ``model_fn`` on a fixed random batch."""
    def build():
        model = _init_params(torch, model_fn(torch), 1).to(device)
        rng = _rng(2)
        x = _tensor(torch, rng.standard_normal((batch,) + x_shape).astype('float32'), device)
        y = _tensor(torch, rng.integers(0, 10, batch), device)
        opt = opt_fn(torch, model.parameters())
        loss_fn = torch.nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss
        return step

    def check():
        step = build()
        return [float(step().item()) for _ in range(3)]   # three consecutive losses
    return build(), check


def small_op_grad(torch, device):
    """c = a*b + a on shape (4,), requires_grad, c.sum().backward() every iteration."""
    def build():
        rng = _rng(0)
        a = _tensor(torch, rng.standard_normal(4).astype('float32'), device, True)
        b = _tensor(torch, rng.standard_normal(4).astype('float32'), device, True)

        def step():
            c = a * b + a
            c.sum().backward()
        return step, a, b

    def check():
        step, a, b = build()
        step()
        return a.grad.tolist() + b.grad.tolist()
    return build()[0], check


def small_op_nograd(torch, device):
    """The same expression without autograd."""
    rng = _rng(0)
    a = _tensor(torch, rng.standard_normal(4).astype('float32'), device)
    b = _tensor(torch, rng.standard_normal(4).astype('float32'), device)

    def step():
        return a * b + a
    return step, lambda: step().tolist()


def mlp_step(torch, device):
    """784-256-128-10 ReLU MLP, batch 64, CrossEntropyLoss, SGD(momentum=0.9): one full training step."""
    return _train_step(torch, _mlp, (784,), 64,
                       lambda torch, ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9), device)


def lenet_step(torch, device, batch=64):
    """LeNet-5 on a batch of 64 1x28x28 images, Adam: one full training step."""
    return _train_step(torch, _lenet, (1, 28, 28), batch, lambda torch, ps: torch.optim.Adam(ps, lr=1e-3), device)


def conv_layer(torch, device):
    """Conv2d(64, 64, 3, padding=1) forward + backward on (16, 64, 32, 32)."""
    def build():
        conv = _init_params(torch, torch.nn.Conv2d(64, 64, 3, padding=1), 3).to(device)
        rng = _rng(4)
        x = _tensor(torch, rng.standard_normal((16, 64, 32, 32)).astype('float32'), device, True)
        g = _tensor(torch, rng.standard_normal((16, 64, 32, 32)).astype('float32'), device)

        def step():
            conv.zero_grad()
            x.grad = None
            y = conv(x)
            y.backward(g)
            return y
        return step, conv, x

    def check():
        step, conv, x = build()
        y = step()
        return [float(y.sum().item()), float(conv.weight.grad.sum().item()), float(x.grad.abs().sum().item())]
    return build()[0], check


def matmul(torch, device):
    """1024x1024 @ 1024x1024 in float32."""
    rng = _rng(5)
    a = _tensor(torch, rng.standard_normal((1024, 1024)).astype('float32'), device)
    b = _tensor(torch, rng.standard_normal((1024, 1024)).astype('float32'), device)

    def step():
        return a @ b
    return step, lambda: [float(step()[::97, ::89].sum().item())]


def inference(torch, device, batch=256):
    """LeNet-5 forward under no_grad, batch 256."""
    model = _init_params(torch, _lenet(torch), 1).to(device).eval()
    x = _tensor(torch, _rng(6).standard_normal((batch, 1, 28, 28)).astype('float32'), device)

    def step():
        with torch.no_grad():
            return model(x)
    return step, lambda: step()[:4].flatten().tolist()


# name -> (function, goal ratio, iterations per timing, iterations in --quick).  Each timing spans about
# half a second, so that a short burst of load on a shared machine moves the median less.
WORKLOADS = {
    'small_op_grad': (small_op_grad, 1.5, 10000, 200),
    'small_op_nograd': (small_op_nograd, 3.0, 100000, 500),
    'mlp_step': (mlp_step, 1.0, 500, 10),
    'lenet_step': (lenet_step, 1.5, 60, 3),
    'conv_layer': (conv_layer, 1.3, 20, 2),
    'matmul': (matmul, 0.6, 40, 3),
    'inference': (inference, 1.3, 60, 3),
}
# float32 tolerance for the correctness check (losses after 3 steps, sums over many elements)
RTOL, ATOL = 2e-4, 1e-4


# --------------------------------------------------------------------------------------------- worker
def _limit_threads(lib_name, threads):
    import numpy  # noqa: F401  (threadpoolctl can only limit a BLAS that is already loaded)
    from threadpoolctl import threadpool_limits
    if lib_name == 'torch':
        import torch
        torch.set_num_threads(threads)
    threadpool_limits(limits=threads, user_api='blas')


def _import(lib_name):
    if lib_name == 'torch':
        import torch as lib
    else:
        sys.path.insert(0, ROOT)
        import nbtorch as lib
    return lib


def _blas_kernel():
    from threadpoolctl import threadpool_info
    return ', '.join(sorted({f"{i.get('internal_api')}:{i.get('architecture', '?')}" for i in threadpool_info()
                             if i.get('user_api') == 'blas'})) or 'none'


def _sync(lib, device):
    if device == 'cuda':
        lib.cuda.synchronize()


def worker(args):
    """Run one workload in this (fresh) process and print one JSON line."""
    _limit_threads(args.lib, args.threads)
    lib = _import(args.lib)
    if args.device == 'cuda' and not lib.cuda.is_available():
        print(json.dumps({'skipped': f'{args.lib} sees no CUDA GPU'}))
        return
    fn = WORKLOADS[args.workload][0]
    kwargs = {'batch': args.batch} if args.batch and args.workload in ('lenet_step', 'inference') else {}
    lib.manual_seed(0)
    step, check = fn(lib, args.device, **kwargs)
    result = {'kernel': _blas_kernel()}
    if args.memory:
        import resource
        for _ in range(args.iters):
            step()
        _sync(lib, args.device)
        result['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    else:
        for _ in range(max(2, args.iters // 10)):   # warm-up (caches, lazy imports, BLAS threads)
            step()
        _sync(lib, args.device)
        t0 = time.perf_counter()
        for _ in range(args.iters):
            step()
        _sync(lib, args.device)
        result['seconds'] = (time.perf_counter() - t0) / args.iters
        result['check'] = check()
    print(json.dumps(result))


# --------------------------------------------------------------------------------------------- parent
def _env(native):
    env = dict(os.environ)
    if native:
        env.pop('OPENBLAS_CORETYPE', None)
        env.pop('OPENBLAS_L2_SIZE', None)
    return env


def _run(lib, workload, iters, native, device='cpu', memory=False, batch=None):
    cmd = [sys.executable, os.path.abspath(__file__), '--worker', lib, workload, '--iters', str(iters),
           '--device', device, '--threads', str(THREADS)]
    if memory:
        cmd.append('--memory')
    if batch:
        cmd += ['--batch', str(batch)]
    p = subprocess.run(cmd, env=_env(native), capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(f"{lib} {workload} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def _close(a, b):
    import numpy as np
    return np.allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=RTOL, atol=ATOL)


def compare(names, rounds, quick, native, libs=('nbtorch', 'torch'), device='cpu', batch=None, goal=None):
    """Alternate the libraries round by round; return rows of results."""
    rows = []
    for name in names:
        _, wl_goal, iters, quick_iters = WORKLOADS[name]
        target = goal or wl_goal
        n = quick_iters if quick else iters
        times = {lib: [] for lib in libs}
        checks, kernel, skipped = {}, None, None
        for r in range(rounds):
            order = libs if r % 2 == 0 else libs[::-1]       # A B, then B A: no library always goes first
            for lib in order:
                dev = device if not lib.endswith('@cpu') else 'cpu'
                res = _run(lib.split('@')[0], name, n, native, dev, batch=batch)
                if 'skipped' in res:
                    skipped = res['skipped']
                    break
                times[lib].append(res['seconds'])
                checks[lib] = res['check']
                if lib.startswith('nbtorch'):
                    kernel = res['kernel']
            if skipped:
                break
        if skipped:
            rows.append({'workload': name, 'skipped': skipped})
            continue
        med = {lib: statistics.median(t) for lib, t in times.items()}
        a, b = libs
        rows.append({'workload': name, 'goal': target, a: med[a], b: med[b], 'ratio': med[a] / med[b],
                     'correct': _close(checks[a], checks[b]), 'kernel': kernel,
                     'check': {a: checks[a], b: checks[b]}})
    return rows


def _fmt_time(s):
    return f'{s * 1e6:9.1f} us' if s < 1e-3 else f'{s * 1e3:9.2f} ms'


def print_table(title, rows, libs=('nbtorch', 'torch')):
    a, b = libs
    print(f'\n## {title}\n')
    print(f"| workload        | {a:>12} | {b:>12} | ratio  | goal    | met | equal to torch |")
    print("|-----------------|--------------|--------------|--------|---------|-----|----------------|")
    for r in rows:
        if 'skipped' in r:
            print(f"| {r['workload']:<15} | skipped: {r['skipped']} |")
            continue
        met = 'yes' if r['ratio'] <= r['goal'] else 'NO'
        print(f"| {r['workload']:<15} | {_fmt_time(r[a])} | {_fmt_time(r[b])} | {r['ratio']:5.2f}x "
              f"| <= {r['goal']:.1f}x | {met:<3} | {'yes' if r['correct'] else 'NO: ' + str(r['check'])} |")
    kernels = {r['kernel'] for r in rows if r.get('kernel')}
    print(f"\nBLAS kernel in the nbtorch process (threadpoolctl): {', '.join(sorted(kernels))}")


def memory_report(native, steps):
    res = {lib: _run(lib, 'lenet_step', steps, native, memory=True)['peak_rss_mb'] for lib in ('nbtorch', 'torch')}
    ratio = res['nbtorch'] / res['torch']
    print(f"\nPeak RSS of lenet_step over {steps} steps (whole process): nbtorch {res['nbtorch']:.0f} MB, "
          f"torch {res['torch']:.0f} MB, ratio {ratio:.2f}x (goal <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")
    return res


def main(argv=None):
    global THREADS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--worker', nargs=2, metavar=('LIB', 'WORKLOAD'), help=argparse.SUPPRESS)
    ap.add_argument('--iters', type=int, default=10, help=argparse.SUPPRESS)
    ap.add_argument('--memory', action='store_true', help=argparse.SUPPRESS)
    ap.add_argument('--batch', type=int, default=None, help='batch size for lenet_step / inference')
    ap.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    ap.add_argument('--threads', type=int, default=2, help='threads for torch and for BLAS (default 2)')
    ap.add_argument('--quick', action='store_true', help='one round, few iterations, native kernel only')
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--workloads', default=','.join(WORKLOADS), help='comma-separated subset')
    ap.add_argument('--mode', choices=['both', 'inherited', 'native'], default=None,
                    help='BLAS environment: inherited, native (OPENBLAS_* unset), or both (default)')
    args = ap.parse_args(argv)
    THREADS = args.threads
    if args.worker:
        args.lib, args.workload = args.worker
        return worker(args)

    names = [w for w in args.workloads.split(',') if w]
    unknown = [w for w in names if w not in WORKLOADS]
    if unknown:
        ap.error(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    rounds = 1 if args.quick else max(5, args.rounds)
    mode = args.mode or ('native' if args.quick else 'both')
    print(f"# nbtorch vs torch, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, python "
          f"{platform.python_version()}; threads: {THREADS}; load average {os.getloadavg()[0]:.1f}; rounds: {rounds} (median); "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')} OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE')}")

    if args.device == 'cuda':
        # our GPU against our own CPU (torch's CUDA build is rarely installed next to nbtorch's CuPy)
        libs = ('nbtorch', 'nbtorch@cpu')
        rows = compare(names, rounds, args.quick, True, libs, 'cuda', args.batch, goal=0.2)
        print_table('nbtorch on CUDA vs nbtorch on the CPU (goal: the GPU at least 5x faster)', rows, libs)
        return 0

    modes = {'both': [False, True], 'inherited': [False], 'native': [True]}[mode]
    ok = True
    for native in modes:
        title = ('native kernel: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in the subprocesses' if native
                 else 'environment inherited')
        rows = compare(names, rounds, args.quick, native)
        print_table(title, rows)
        ok &= all(r.get('correct', True) for r in rows)
        if 'lenet_step' in names:
            memory_report(native, 20 if args.quick else 200)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
