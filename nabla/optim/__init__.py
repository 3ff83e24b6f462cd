"""Optimizers: the update rules that turn gradients into parameter changes, and learning-rate schedules.

PyTorch's names and numbers: ``nb.optim.SGD(model.parameters(), lr=0.1,
momentum=0.9)``, then ``opt.zero_grad()``, ``loss.backward()``,
``opt.step()`` in the loop. Hyper-parameters live in parameter groups,
state per parameter, and ``state_dict()`` / ``load_state_dict()`` stop and
resume training exactly. Schedules are in :mod:`nabla.optim.lr_scheduler`.
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
