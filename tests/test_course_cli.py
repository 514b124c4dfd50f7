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
