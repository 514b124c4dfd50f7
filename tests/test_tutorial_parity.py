"""Tutorial code written for torch prints the same with `import nbtorch as torch`.

Each script in tests/tutorial_scripts/ is written once, for torch, in the style of the public PyTorch
tutorials (the 60-minute blitz, Learn the Basics, What is torch.nn really, Learning PyTorch with
examples) and of the course's source material (/work/shared/course-source). The test runs every script
twice in subprocesses, once with real torch and once with nbtorch standing in for torch (and
nbtorch.vision for torchvision), and compares what they print, character for character, after
normalising only memory addresses (0x...) and class paths (<class 'nbtorch.Tensor'>).

Scripts whose name starts with `tv_` import torchvision: they need torchvision as the oracle and are
skipped when it cannot be imported next to torch.
"""
import concurrent.futures
import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip('torch', reason='real PyTorch is the oracle for the tutorial scripts (pip install .[test])')

HERE = Path(__file__).parent / 'tutorial_scripts'
RUNNER = HERE / '_runner.py'
SCRIPTS = sorted(p.name for p in HERE.glob('*.py') if not p.name.startswith('_'))
BATCHES = 2   # subprocesses per library; 4 in all, two at a time on a 2-core machine

# script name -> reason: a difference that is out of nbtorch's scope. The script still runs and the
# rest of its output is still compared; only lines matching `pattern` are dropped from both sides.
KNOWN_DIFFERENCES = {
    'lpe_04_nn_optim.py': {
        'pattern': r'^[789]99 ',
        'reason': "float32 rounding: 800+ ill-conditioned SGD steps (features up to x**3 = 31) amplify the last-bit "
                  "differences between NumPy's and torch's summation order (sums over 2000 points, GEMM) to ~1e-4 "
                  "relative; the first 600 steps and the fitted coefficients still print identically",
    },
    'cs_04_tensor_ops_dataset.py': {
        'pattern': r"^AttributeError '_SingleProcessDataLoaderIter' object has no attribute 'next'",
        'reason': "nbtorch deliberately appends a hint to torch's message: "
                  "'. Did you mean next(iterator)? (it.next() was Python 2)'",
    },
    'ag_03_higher_order.py': {
        'xfail': "nbtorch does not record the backward pass as a graph, so create_graph=True (second derivatives) "
                 "raises NotImplementedError; torch computes them",
    },
    'doc_04_module_api.py': {
        'pattern': r"^\{'features': torch.Size",
        'reason': "float32 exp differs in the last bit between torch (SLEEF, vectorised) and NumPy for ~1/3 of "
                  "inputs, so a softmax row sums to 1.0 in one library and 0.99999994 in the other, which prints "
                  "as `1.` versus `1.0000`",
    },
    'doc_06_dataloader_collate.py': {
        'pattern': r'^AssertionError Size mismatch between tensors',
        'reason': "nbtorch's TensorDataset error adds the sizes to torch's message ('first dimensions are [3, 4]')",
    },
    'intro_02_autograd_models.py': {
        'pattern': r'^tensor\(-?[0-9.]+e-0[789], grad_fn=<MeanBackward0>\)$',
        'reason': "the tutorial prints the mean of a batch-normalised tensor: float32 rounding noise around 0 "
                  "(~1e-8) whose digits depend on the summation order",
    },
    'nlp_02_ngram_cbow.py': {
        'pattern': r'^\[176\.27808',
        'reason': "the tutorial prints Python sums of loss.item() in full (17 digits); each float32 loss differs "
                  "from torch's in the last bit now and then (exp/log in log_softmax are not bit-identical to "
                  "torch's SLEEF kernels), so digits past the 7th differ; the same list rounded to 3 decimals "
                  "is compared on the next line",
    },
    'tv_04_quickstart_fakedata.py': {
        'pattern': r'^loss: \d\.\d{6}  \[',
        'reason': "the Quickstart prints each loss to 6 decimals; after a few SGD steps through 784x512 GEMMs "
                  "(MKL in torch, OpenBLAS in NumPy: another summation order) a loss differs by an ulp "
                  "(2.4e-7), which shows in the 6th decimal about one time in four",
    },
    'cs_05_conv_pool.py': {
        'pattern': r"^WARNING UserWarning: Using padding='same' with even kernel lengths",
        'reason': "torch warns that its C++ kernel may copy the input for an even kernel with padding='same' "
                  "(a performance note about ATen, with a path into torch's build tree); nbtorch pads once anyway",
    },
}


def _have_torchvision():
    r = subprocess.run([sys.executable, '-c', 'import torchvision.transforms'], capture_output=True)
    return r.returncode == 0


def _run(lib, scripts):
    env = dict(os.environ, PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1', PYTHONHASHSEED='0')
    r = subprocess.run([sys.executable, str(RUNNER), lib, *[str(HERE / s) for s in scripts]],
                       capture_output=True, text=True, cwd=HERE, env=env, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f'{lib} runner failed:\n{r.stderr[-3000:]}')
    return json.loads(r.stdout)


@pytest.fixture(scope='module')
def outputs():
    scripts = [s for s in SCRIPTS if not s.startswith('tv_') or _have_torchvision()]
    batches = [scripts[i::BATCHES] for i in range(BATCHES)]
    jobs = [(lib, b) for lib in ('torch', 'nbtorch') for b in batches if b]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: (job[0], _run(*job)), jobs))
    merged = {'torch': {}, 'nbtorch': {}}
    for lib, res in results:
        merged[lib].update(res)
    return merged


def normalise(text):
    text = re.sub(r'0x[0-9a-fA-F]+', '0x…', text)
    text = re.sub(r' \(Triggered internally at [^)]*\)', '', text)   # the C++ source path in torch's warnings
    text = re.sub(r"<class 'nbtorch\.vision\.", "<class 'torchvision.", text)
    text = re.sub(r"<class 'nbtorch\.", "<class 'torch.", text)
    return text


@pytest.mark.parametrize('script', SCRIPTS)
def test_tutorial_script_prints_as_torch(script, outputs):
    if script not in outputs['torch']:
        pytest.skip('needs torchvision as the oracle for transforms (pip install torchvision==0.28.0)')
    want, got = normalise(outputs['torch'][script]), normalise(outputs['nbtorch'][script])
    known = KNOWN_DIFFERENCES.get(script)
    if known and 'xfail' in known:
        pytest.xfail(known['xfail'])
    if known:
        pattern = re.compile(known['pattern'])
        want = '\n'.join(line for line in want.split('\n') if not pattern.search(line))
        got = '\n'.join(line for line in got.split('\n') if not pattern.search(line))
    assert 'UNCAUGHT' not in want, f'{script} fails under real torch:\n{want}'
    if got != want:
        diff = '\n'.join(difflib.unified_diff(want.split('\n'), got.split('\n'), 'torch', 'nbtorch', lineterm='', n=2))
        pytest.fail(f'{script}: nbtorch prints differently from torch\n{diff}')
