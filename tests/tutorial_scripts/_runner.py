"""Run tutorial scripts written for torch, with real torch or with nbtorch standing in for it.

    python _runner.py torch   a.py b.py ...   # the oracle
    python _runner.py nbtorch a.py b.py ...   # `import torch` gives nbtorch, `import torchvision` nbtorch.vision

Each script runs in fresh globals as `__main__`; what it prints (and the warnings it raises) is
collected per script and written to stdout as one JSON object {script name: output}.
"""
import contextlib
import importlib
import importlib.abc
import importlib.util
import io
import json
import os
import sys
import traceback
import warnings

ALIASES = {'torch': 'nbtorch', 'torchvision': 'nbtorch.vision'}


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`import torch.x.y` imports nbtorch.x.y and binds it under the torch name too."""

    def find_spec(self, fullname, path=None, target=None):
        root = fullname.partition('.')[0]
        if root not in ALIASES:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        root, _, rest = spec.name.partition('.')
        module = importlib.import_module(ALIASES[root] + ('.' + rest if rest else ''))
        self._spec = module.__spec__   # the import system overwrites it with the alias's spec
        return module

    def exec_module(self, module):
        module.__spec__ = self._spec


def _reset(torch):
    """Undo global settings a script may have changed, so the next one starts as in a fresh process."""
    torch.set_printoptions(profile='default')
    torch.set_default_dtype(torch.float32)
    torch.set_grad_enabled(True)
    torch.set_default_device(None)


def main():
    lib, scripts = sys.argv[1], sys.argv[2:]
    if lib == 'nbtorch':
        sys.meta_path.insert(0, _AliasFinder())
    import torch
    results = {}
    cwd = os.getcwd()
    for path in scripts:
        name = os.path.basename(path)
        buf = io.StringIO()
        with open(path) as f:
            code = compile(f.read(), path, 'exec')
        with contextlib.redirect_stdout(buf), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            try:
                exec(code, {'__name__': '__main__', '__file__': path})
            except BaseException as e:  # a crash is part of the output to compare
                last = traceback.extract_tb(e.__traceback__)[-1]
                print(f'UNCAUGHT {type(e).__name__}: {e}  (at {os.path.basename(last.filename)}:{last.lineno})')
        os.chdir(cwd)
        out = buf.getvalue()
        for w in caught:
            if 'torchvision' in str(w.filename) and 'image' in str(w.message).lower():
                continue  # torchvision's own import-time notice about its C extension
            out += f'WARNING {w.category.__name__}: {w.message}\n'
        results[name] = out
        _reset(torch)
    sys.stdout.write(json.dumps(results))


if __name__ == '__main__':
    main()
