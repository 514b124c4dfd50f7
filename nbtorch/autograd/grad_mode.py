"""Whether ops record a graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The flag is one module attribute, read once per op by ``Function.apply``.
Each class works as a context manager and as a decorator (with or without
parentheses: ``@torch.no_grad()`` and ``@torch.no_grad``), as in torch.
"""
import functools
import inspect

enabled = True


def is_grad_enabled():
    """True when new ops record a graph for backward."""
    return enabled


def _set(mode):
    global enabled
    enabled = mode


class _GradModeContext:
    """Base: ``__enter__`` switches the flag to ``_mode_on_enter()``, ``__exit__`` restores it."""

    def __new__(cls, *args, **kwargs):
        # ``@no_grad`` without parentheses: the "argument" is the decorated function
        if cls._no_param and len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], bool):
            return cls()(args[0])
        return super().__new__(cls)

    _no_param = True

    def _mode_on_enter(self):
        raise NotImplementedError

    def __enter__(self):
        self._prev = enabled
        _set(self._mode_on_enter())

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def clone(self):
        return self.__class__()

    def __call__(self, fn):
        """Use as a decorator: every call of ``fn`` runs inside this context."""
        ctx_factory = self.clone
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                gen = fn(*args, **kwargs)
                with ctx_factory():
                    resp = gen.send(None)
                while True:
                    try:
                        with ctx_factory():
                            req = yield resp
                        with ctx_factory():
                            resp = gen.send(req)
                    except StopIteration as e:
                        return e.value
            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with ctx_factory():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    """Context manager and decorator that disables graph recording.

    Inside it, results have ``requires_grad=False`` and no ``grad_fn``, and
    nothing is saved for backward: use it for evaluation and for weight updates.
    """

    def __init__(self, orig_func=None):
        pass

    def _mode_on_enter(self):
        return False


class enable_grad(_GradModeContext):
    """Context manager and decorator that enables graph recording (e.g. inside ``no_grad``)."""

    def __init__(self, orig_func=None):
        pass

    def _mode_on_enter(self):
        return True


class inference_mode(_GradModeContext):
    """``inference_mode()`` records no graph, like ``no_grad``; ``inference_mode(False)`` turns grad mode on."""

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def _mode_on_enter(self):
        # as torch's C++ guard: grad mode becomes ``not mode`` (so inference_mode(False) enables grad)
        return not self.mode

    def clone(self):
        return self.__class__(self.mode)


class set_grad_enabled(_GradModeContext):
    """Set grad mode to ``mode``.

    Works as a plain call (``torch.set_grad_enabled(False)`` switches it now),
    as a context manager (restores the previous mode on exit) and as a decorator.
    """
    _no_param = False

    def __init__(self, mode):
        self._prev = enabled
        self.mode = bool(mode)
        _set(self.mode)

    def _mode_on_enter(self):
        return self.mode

    def __enter__(self):
        pass      # already switched in __init__; _prev was taken there

    def __call__(self, fn):
        _set(self._prev)       # used as a decorator: don't change the mode now
        return super().__call__(fn)

    def clone(self):
        prev = enabled
        c = self.__class__(self.mode)
        c._prev = prev
        return c


