"""Whether ops record a graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The flag is one module attribute, read once per op by ``Function.apply``.
Each class works as a context manager and as a decorator, as in torch.
"""
import functools

enabled = True


def is_grad_enabled():
    return enabled


class _GradModeContext:
    _target = True

    def __enter__(self):
        global enabled
        self._prev = enabled
        enabled = self._target

    def __exit__(self, *exc):
        global enabled
        enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_GradModeContext):
    """Context manager and decorator that disables graph recording."""
    _target = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that enables graph recording."""
    _target = True


class inference_mode(_GradModeContext):
    """Like ``no_grad``; ``inference_mode(False)`` is a no-op, as in torch."""

    def __init__(self, mode=True):
        self._target = not mode if mode else enabled
        self._mode = mode

    def __call__(self, fn):
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)
        return wrapper


class set_grad_enabled(_GradModeContext):
    """Sets grad mode on construction (usable as a call) and restores it on exit."""

    def __init__(self, mode):
        global enabled
        self._prev = enabled
        self._target = bool(mode)
        enabled = bool(mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        global enabled
        enabled = self._prev
        return False

    def __call__(self, fn):
        global enabled
        enabled = self._prev  # used as a decorator: don't change the mode now
        target = self._target

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(target):
                return fn(*args, **kwargs)
        return wrapper
