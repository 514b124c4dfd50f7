"""nbtorch.widgets: live views bound to your own tensors, models and ops.

- ``GraphView(tensor)``: the autograd graph with values, grads and backward stepping.
- ``GradientView(model)``: per-parameter gradient norms, live, with None/NaN/vanishing/exploding flags.
- ``KernelSlider(input, weight)``: a convolution or pooling window sliding over the input, with the arithmetic.
- ``TrainingCurves()``: live loss/metric curves.

Front-end code lives in the top-level ``widgets/`` folder (plain ES modules, no CDN, no build step).
"""
from .training_curves import TrainingCurves


def __getattr__(name):
    import importlib
    where = {'GraphView': 'graph_view', 'GradientView': 'gradient_view', 'KernelSlider': 'kernel_slider',
             'ImageBoard': 'image_board', 'Playground': 'playground'}
    if name in where:
        return getattr(importlib.import_module('.' + where[name], __name__), name)
    raise AttributeError(f"module 'nbtorch.widgets' has no attribute '{name}'")


__all__ = ['TrainingCurves', 'GraphView', 'GradientView', 'KernelSlider', 'Playground']
