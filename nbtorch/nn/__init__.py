"""nbtorch.nn: layers, losses and the Module system (torch.nn)."""
from .parameter import Parameter, Buffer, UninitializedParameter
from .modules import *  # noqa: F401,F403
from .modules import Module
from . import functional, init, utils, modules  # noqa: F401

