"""Build the environment the way repo2docker does for binder/, then run the course there under nbval.

repo2docker starts from its base JupyterLab/ipywidgets stack, installs ``binder/requirements.txt``
(and ignores pyproject.toml because binder/ exists). This test does the same in a fresh venv
with no access to this interpreter's packages, so a missing pin shows up here and not on Binder.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What repo2docker's base environment provides before the repo's requirements are installed.
BASE_STACK = ['jupyterlab', 'notebook', 'ipywidgets', 'ipykernel']


def _run(cmd, **kw):
    res = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{res.stdout[-4000:]}\n{res.stderr[-4000:]}"
    return res


def test_runtime_pins_python_311():
    assert (ROOT / 'binder' / 'runtime.txt').read_text().strip() == 'python-3.11'


def test_requirements_are_exact_pins_plus_the_repo():
    lines = [l.strip() for l in (ROOT / 'binder' / 'requirements.txt').read_text().splitlines()
             if l.strip() and not l.startswith('#')]
    assert '-e .' in lines
    assert all('==' in l for l in lines if l != '-e .'), lines


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="Binder runs Python 3.11 (binder/runtime.txt)")
def test_course_runs_in_a_binder_style_venv(tmp_path):
    venv = tmp_path / 'binder-venv'
    _run([sys.executable, '-m', 'venv', venv])
    py = venv / 'bin' / 'python'
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV')}
    pip = [py, '-m', 'pip', 'install', '-q', '--disable-pip-version-check']
    _run(pip + BASE_STACK, env=env)
    _run(pip + ['-r', 'binder/requirements.txt'], cwd=ROOT, env=env)
    _run(pip + ['pytest', 'nbval'], env=env)
    # torch must not be there: the course has to work for a learner without it
    probe = subprocess.run([str(py), '-c', 'import torch'], capture_output=True)
    assert probe.returncode != 0
    _run([py, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-o', 'addopts=', '-o', 'testpaths=',
          '--nbval', '--nbval-current-env', '--nbval-sanitize-with', 'tests/nbval_sanitize.cfg', 'notebooks'],
         cwd=ROOT, env=env)
