"""A real JupyterLab on 127.0.0.1 (token, temp root dir) driven by Playwright + Debian chromium."""
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

CHROMIUM = '/usr/bin/chromium'
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

if not os.path.exists(CHROMIUM):
    pytest.skip("needs Debian chromium: apt-get install -y chromium", allow_module_level=True)
pytest.importorskip('playwright.sync_api', reason="needs playwright: pip install playwright")


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='session')
def lab():
    """Start ``jupyter lab`` in a temp root dir; yields (base_url, token, root_dir); stopped at the end."""
    root = tempfile.mkdtemp(prefix='nbtorch-lab-')
    home = tempfile.mkdtemp(prefix='nbtorch-labhome-')
    token = secrets.token_hex(16)
    port = _free_port()
    env = dict(os.environ)
    env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
    env['JUPYTER_RUNTIME_DIR'] = os.path.join(home, 'runtime')
    env['JUPYTERLAB_WORKSPACES_DIR'] = os.path.join(home, 'workspaces')
    env['JUPYTERLAB_SETTINGS_DIR'] = os.path.join(home, 'settings')
    os.makedirs(env['JUPYTERLAB_SETTINGS_DIR'], exist_ok=True)
    log = open(os.path.join(home, 'lab.log'), 'w')
    proc = subprocess.Popen(
        [sys.executable, '-m', 'jupyter', 'lab', '--no-browser', f'--port={port}', '--ServerApp.ip=127.0.0.1',
         f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}', '--ServerApp.port_retries=0',
         '--LabApp.expose_app_in_browser=True', '--LabApp.news_url=None',
         '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
        + (['--allow-root'] if hasattr(os, 'geteuid') and os.geteuid() == 0 else []),
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f'http://127.0.0.1:{port}'
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(f'{base}/api/status?token={token}', timeout=2).read()
                break
            except Exception:
                if proc.poll() is not None or time.time() > deadline:
                    log.flush()
                    raise RuntimeError('jupyter lab did not start:\n' + open(log.name).read()[-3000:])
                time.sleep(0.5)
        yield base, token, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope='session')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'])
        yield b
        b.close()


def write_notebook(root, name, cells):
    """Write ``cells`` (a list of code sources, or a whole notebook dict) to ``root/name``."""
    if isinstance(cells, dict):
        nb = cells
    else:
        nb = {'nbformat': 4, 'nbformat_minor': 5,
              'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}},
              'cells': [{'cell_type': 'code', 'metadata': {}, 'source': src, 'outputs': [], 'execution_count': None,
                         'id': f'c{i}'} for i, src in enumerate(cells)]}
    with open(os.path.join(root, name), 'w') as f:
        json.dump(nb, f)


class Session:
    """One notebook opened in JupyterLab, with the console errors and outgoing requests it produced."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.errors, self.foreign = [], []
        page.on('console', lambda m: self.errors.append(m.text) if m.type == 'error' else None)
        page.on('pageerror', lambda e: self.errors.append(str(e)))
        page.on('request', self._on_request)

    def _on_request(self, req):
        url = req.url
        if url.startswith(('data:', 'blob:', 'about:')) or url.startswith(self.base) or \
                url.startswith(self.base.replace('http:', 'ws:')):
            return
        self.foreign.append(url)

    def run_all(self, timeout=120_000):
        self.page.wait_for_function('window.jupyterapp && window.jupyterapp.shell.currentWidget '
                                    '&& window.jupyterapp.shell.currentWidget.sessionContext '
                                    '&& window.jupyterapp.shell.currentWidget.context.path === ' + repr(self.name),
                                    timeout=timeout)
        self.page.evaluate('''async () => {
            const w = window.jupyterapp.shell.currentWidget;
            await w.context.ready; await w.sessionContext.ready;
            while (!w.sessionContext.session || !w.sessionContext.session.kernel) await new Promise(r => setTimeout(r, 200));
            await window.jupyterapp.commands.execute('notebook:run-all-cells');
        }''')
        # every cell has run once no cell shows "[*]" and the last one has an execution count;
        # an error output stops "run all", and a dead kernel runs nothing more: stop waiting then too
        self.page.wait_for_function('''() => {
            const w = window.jupyterapp.shell.currentWidget;
            const cells = w.content.widgets;
            const status = w.sessionContext.session.kernel.status;
            if (status === 'dead') return true;
            if (status !== 'idle') return false;
            return cells.some(c => c.model.type === 'code' &&
                                   c.model.outputs.toJSON().some(o => o.output_type === 'error')) ||
                   cells.every(c => c.model.type !== 'code' || c.model.executionCount ||
                                    !c.model.sharedModel.getSource().trim());
        }''', timeout=timeout, polling=500)
        assert self.page.evaluate('window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status') \
            != 'dead', "the kernel died"

    def cell_errors(self):
        return self.page.evaluate('''() => Array.from(document.querySelectorAll(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]'
        )).map(e => e.textContent)''')

    def assert_clean(self):
        """No payload ran, no error/stderr output, nothing fetched from outside 127.0.0.1, no console error."""
        assert self.page.evaluate('window.__pwned') is None, "a user string was rendered as HTML and ran"
        assert self.cell_errors() == []
        assert self.foreign == [], f"requests left 127.0.0.1: {self.foreign}"
        assert self.errors == [], f"console errors: {self.errors}"

    def shutdown_kernel(self):
        """Stop this notebook's kernel (many notebooks share one server)."""
        self.page.evaluate('''async () => {
            const w = window.jupyterapp.shell.currentWidget;
            if (w && w.sessionContext && w.sessionContext.session) await w.sessionContext.shutdown();
        }''')


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, 'rep_' + rep.when, rep)


@pytest.fixture
def open_notebook(lab, browser, request):
    base, token, root = lab
    pages = []
    sessions = []

    def _open(name, cells, timeout=120_000):
        write_notebook(root, name, cells)
        ctx = browser.new_context(viewport={'width': 1400, 'height': 1000})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        sess = Session(page, base)
        sess.name = name
        # a fresh workspace per notebook: JupyterLab must not restore tabs from an earlier test
        ws = name.replace('.', '-')
        page.goto(f'{base}/lab/workspaces/{ws}/tree/{name}?token={token}&reset', wait_until='domcontentloaded',
                  timeout=120_000)
        pages.append(ctx)
        sessions.append(sess)
        sess.run_all(timeout=timeout)
        return sess

    yield _open
    rep = getattr(request.node, 'rep_call', None)
    if rep is not None and rep.failed:        # say what the page showed
        for sess in sessions:
            try:
                outs = sess.page.evaluate('''() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
                                             .map(e => e.textContent.slice(0, 2000))''')
            except Exception as e:    # the page may be gone
                outs = [repr(e)]
            print('--- console errors:', sess.errors)
            print('--- outside requests:', sess.foreign)
            print('--- cell outputs:', *outs, sep='\n')
    for sess in sessions:
        try:
            sess.shutdown_kernel()
        except Exception:     # the page may be gone; the server stops its kernels at the end anyway
            pass
    for ctx in pages:
        ctx.close()
