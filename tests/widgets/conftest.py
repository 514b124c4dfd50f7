import pytest

from nbtorch.widgets import _base


class RecordingComm:
    """Stands in for the kernel comm: records every message a widget sends."""
    kernel = "recording"  # ipywidgets only sends when a kernel is attached
    comm_id = "recording-comm"

    def __init__(self):
        self.messages = []

    def send(self, data=None, buffers=None, **kw):
        self.messages.append((data, list(buffers or [])))

    def close(self, *a, **kw):
        pass

    def on_msg(self, callback):
        self.handler = callback

    def custom(self, type_=None):
        return [(d['content'], b) for d, b in self.messages
                if d.get('method') == 'custom' and (type_ is None or d['content'].get('type') == type_)]

    def updates(self, key=None):
        return [d['state'] for d, _ in self.messages
                if d.get('method') == 'update' and (key is None or key in d['state'])]


@pytest.fixture
def record():
    """``record(widget)`` swaps its comm for a RecordingComm and returns it."""
    def _attach(widget):
        comm = RecordingComm()
        widget.comm = comm
        return comm
    return _attach


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t

    def advance(self, dt):
        self.t += dt


@pytest.fixture
def clock(monkeypatch):
    c = FakeClock()
    monkeypatch.setattr(_base, 'clock', c)
    return c
