import csv
import io
import math

import numpy as np
import pytest

from nbtorch.widgets import TrainingCurves
from nbtorch.widgets.training_curves import group_of, mode_of
from nbtorch.widgets._base import unpack, Throttle


def test_throttle_first_steps_then_at_most_5_per_second(clock):
    th = Throttle(interval=0.2, eager=5)
    sent = []
    for i in range(200):                 # 200 updates in 2 s of fake time
        if th.ready():
            sent.append(i)
        clock.advance(0.01)
    assert sent[:5] == [0, 1, 2, 3, 4]   # the first steps show at once
    assert 5 + 9 <= len(sent) <= 5 + 11  # then ~ one every 0.2 s
    assert th.pending                    # the last frame is held back ... until flushed


def test_log_appends_only_new_points(record, clock):
    c = TrainingCurves()
    comm = record(c)
    for i in range(5):
        c.log(loss=1.0 / (i + 1))
    appends = comm.custom('append')
    assert [m['n'] for m, _ in appends] == [1, 1, 1, 1, 1]
    x = np.frombuffer(appends[-1][1][0], np.float64)
    y = np.frombuffer(appends[-1][1][1], np.float64)
    assert x.tolist() == [4.0] and y.tolist() == [0.2]
    # throttled: 20 logs within 0.1 s send nothing, then one append with all 20 new points
    n0 = len(comm.custom('append'))
    for i in range(20):
        c.log(loss=0.1)
        clock.advance(0.005)
    assert len(comm.custom('append')) == n0
    c.flush()
    last, bufs = comm.custom('append')[-1]
    assert last['n'] == 20 and len(np.frombuffer(bufs[0], np.float64)) == 20
    # flush also stores the whole history as state, so a saved notebook re-renders
    st = c.series['loss']
    assert st['x']['shape'] == [25] and unpack(st['y'])[-1] == 0.1


def test_steps_series_groups_and_best(clock):
    c = TrainingCurves()
    for i in range(10):
        c.log(train_loss=10 - i, val_loss=5 + abs(i - 4), val_acc=i / 10)
    c.log(step=100, train_loss=3)
    c.flush()
    x, y = c.history('train_loss')
    assert x.tolist() == list(range(10)) + [100]
    assert c.best['train_loss'] == [9.0, 1.0]      # 3.0 at step 100 is not better
    assert c.best['val_loss'] == [4.0, 5.0]
    assert c.best['val_acc'] == [9.0, 0.9]
    assert [m['group'] for m in c.meta] == ['loss', 'loss', 'acc']
    assert group_of('Loss/train') == group_of('Loss/val') == 'Loss'
    assert mode_of('val_accuracy') == 'max' and mode_of('loss') == 'min'


def test_nan_is_kept_but_never_best(clock):
    c = TrainingCurves()
    c.log(loss=float('nan'))
    c.log(loss=2.0)
    assert math.isnan(c.history('loss')[1][0])
    c.flush()
    assert c.best['loss'] == [1.0, 2.0]


def test_bounded_history_downsamples(record, clock):
    c = TrainingCurves(max_points=100)
    comm = record(c)
    for i in range(1000):
        c.log(loss=float(i))
        clock.advance(0.05)
    c.flush()
    x, y = c.history('loss')
    assert len(x) <= 101
    assert x[0] == 0 and x[-1] == 999              # first and last point always kept
    assert np.all(np.diff(x) > 0)
    assert c.series['loss']['x']['shape'][0] == len(x)
    assert c.best['loss'] == [0.0, 0.0]


def test_update_is_log():
    c = TrainingCurves()
    c.update({'loss': 1.0, 'val_loss': 2.0})
    c.update(loss=0.5)
    assert c.history('loss')[1].tolist() == [1.0, 0.5]


def test_csv_and_png_export(tmp_path):
    c = TrainingCurves()
    name = 'a,b "quoted" <img src=x onerror=alert(1)>'
    for i in range(3):
        c.log(**{'loss': 1.0 / (i + 1), name: i})
    text = c.to_csv(tmp_path / 'curves.csv')
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ['step', 'series', 'value']
    assert ['2', name, '2.0'] in rows
    assert (tmp_path / 'curves.csv').read_text() == text
    png = c.to_png(tmp_path / 'curves.png')
    assert png[:8] == b'\x89PNG\r\n\x1a\n' and (tmp_path / 'curves.png').read_bytes() == png


def test_repr_stable_and_static_fallback_escapes():
    c = TrainingCurves()
    payload = '<img src=x onerror=window.__pwned=1>'
    c.log(**{payload: 1.0})
    c.log(**{payload: 0.5})
    assert repr(c) == f"TrainingCurves(series=[{payload!r}], points=2)"
    assert '0x' not in repr(c)
    bundle = c._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert 'application/vnd.jupyter.widget-view+json' in data
    assert data['text/plain'] == repr(c)
    html = data['text/html']
    assert '<img' not in html and '&lt;img src=x onerror=window.__pwned=1&gt;' in html
