"""``nbtorch.optim``: optimizers (one per file, each update rule written like torch's pseudo-code)
and ``lr_scheduler``."""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from .adagrad import Adagrad
from .adadelta import Adadelta
from .rmsprop import RMSprop
from . import lr_scheduler

__all__ = ['Optimizer', 'SGD', 'Adam', 'AdamW', 'Adagrad', 'Adadelta', 'RMSprop', 'lr_scheduler']
