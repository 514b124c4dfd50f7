"""The ``nbtorch`` command.

``nbtorch course [DIR] [--force] [--no-lab]`` copies the course notebooks into DIR
(default ``./nbtorch-course``) and opens JupyterLab there.  A learner's edited
notebooks are never overwritten unless ``--force`` is given.
"""
import argparse
import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path


def course_source():
    """Where the packaged course lives (``nbtorch/_course`` links to the repo's ``notebooks/``)."""
    here = Path(__file__).resolve().parent
    for cand in (here / '_course', here.parent / 'notebooks'):
        if cand.is_dir() and any(cand.glob('*.ipynb')):
            return cand
    raise FileNotFoundError("the nbtorch course notebooks are not installed (looked in nbtorch/_course)")


def copy_course(dest, force=False, out=sys.stdout):
    """Copy the chapters (and their paired .py files) into ``dest``; return (copied, kept) names."""
    src = course_source()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for f in sorted(src.iterdir()):
        if f.name.startswith('.') or not f.is_file():
            continue
        target = dest / f.name
        if target.exists() and not force and not filecmp.cmp(f, target, shallow=False):
            kept.append(f.name)    # the learner changed it: leave it alone
            continue
        shutil.copy2(f, target)
        copied.append(f.name)
    if kept:
        print(f"kept {len(kept)} file(s) you edited (use --force to overwrite): {', '.join(kept)}", file=out)
    print(f"course ready in {dest.resolve()} ({len(copied)} file(s) copied)", file=out)
    return copied, kept


def main(argv=None):
    parser = argparse.ArgumentParser(prog='nbtorch', description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    c = sub.add_parser('course', help='copy the course notebooks into DIR and open JupyterLab there')
    c.add_argument('dir', nargs='?', default='nbtorch-course')
    c.add_argument('--force', action='store_true', help="overwrite notebooks you have edited")
    c.add_argument('--no-lab', action='store_true', help="only copy, don't start JupyterLab")
    args, lab_args = parser.parse_known_args(argv)
    if args.command == 'course':
        copy_course(args.dir, force=args.force)
        if args.no_lab:
            return 0
        cmd = [sys.executable, '-m', 'jupyterlab', '--ServerApp.root_dir=' + str(Path(args.dir).resolve())]
        if getattr(os, 'geteuid', lambda: 1)() == 0 and '--allow-root' not in lab_args:
            cmd.append('--allow-root')   # containers and CI machines often run as root; JupyterLab refuses otherwise
        return subprocess.call(cmd + lab_args)
    return 0


if __name__ == '__main__':
    sys.exit(main())
