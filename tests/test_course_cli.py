"""`nbtorch course`: copies the packaged chapters without clobbering a learner's edits."""
import io
import subprocess
import sys

import pytest

from nbtorch.__main__ import copy_course, course_source, main


def test_course_source_has_all_chapters():
    names = sorted(p.name for p in course_source().glob('*.ipynb'))
    assert len(names) == 12, names
    assert names[0].startswith('01_') and names[-1].startswith('12_')


def test_copy_keeps_learner_edits_unless_forced(tmp_path):
    out = io.StringIO()
    copied, kept = copy_course(tmp_path, out=out)
    first = sorted(tmp_path.glob('*.ipynb'))[0]
    assert first.name in copied and not kept
    first.write_text(first.read_text() + ' ')          # the learner edits a chapter
    copied, kept = copy_course(tmp_path, out=out)
    assert kept == [first.name] and first.name not in copied
    assert first.read_text().endswith(' ')
    assert '--force' in out.getvalue()
    copied, kept = copy_course(tmp_path, force=True, out=out)
    assert first.name in copied and not kept
    assert not first.read_text().endswith(' ')


def test_console_script_no_lab(tmp_path):
    dest = tmp_path / 'course'
    res = subprocess.run([sys.executable, '-m', 'nbtorch', 'course', str(dest), '--no-lab'],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert len(list(dest.glob('*.ipynb'))) == 12
    assert 'course ready' in res.stdout


def test_main_requires_a_command():
    with pytest.raises(SystemExit):
        main([])


def test_course_opens_jupyterlab_in_the_copy(tmp_path, monkeypatch):
    import nbtorch.__main__ as cli
    calls = []
    monkeypatch.setattr(cli.subprocess, 'call', lambda cmd: calls.append(cmd) or 0)
    monkeypatch.setattr(cli.os, 'geteuid', lambda: 0, raising=False)
    assert cli.main(['course', str(tmp_path / 'c'), '--port', '9999']) == 0
    cmd = calls[0]
    assert cmd[1:3] == ['-m', 'jupyterlab']
    assert f'--ServerApp.root_dir={(tmp_path / "c").resolve()}' in cmd
    assert '--allow-root' in cmd and '--port' in cmd      # root (containers, CI) would be refused otherwise
