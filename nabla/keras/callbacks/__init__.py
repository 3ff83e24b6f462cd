"""Callbacks for the Keras-style ``fit``: hook objects that talk through ``logs`` and ``model.stop_training``.

Keras 3's classes, arguments and semantics. ``fit`` calls, in order::

    on_train_begin(logs)
        on_epoch_begin(epoch, logs)                 # epoch counts from 0
            on_train_batch_begin(batch, logs)       # batch counts from 0 in each epoch
            on_train_batch_end(batch, logs)         # logs: "loss" and metrics averaged so far this epoch
        on_epoch_end(epoch, logs)                   # logs: "loss", metrics, "val_loss", "val_<metric>"
    on_train_end(logs)

``evaluate`` calls ``on_test_begin/end`` and ``on_test_batch_begin/end``,
``predict`` ``on_predict_begin/end`` and ``on_predict_batch_begin/end``.
Before training each callback gets ``set_model(model)`` and
``set_params({"epochs": ..., "steps": ..., "verbose": ...})``. A callback may
add entries to ``logs`` (``ReduceLROnPlateau`` adds ``"learning_rate"``),
which the callbacks after it see: the ``History`` and ``ProgbarLogger`` that
``fit`` adds come last.

What a callback may use of the model: ``model.stop_training`` (set it to
stop), ``model.optimizer.param_groups`` (each group's ``"lr"``),
``model.get_weights()`` / ``model.set_weights(weights)`` (lists of arrays),
``model.save(path)`` / ``model.save_weights(path)`` (both atomic).

Every callback whose arguments are plain values has a JSON-able
``get_config()``; ``type(cb).from_config(cb.get_config())`` rebuilds it.

Example::

    model.fit(x, y, epochs=100, validation_split=0.2, callbacks=[
        nb.callbacks.EarlyStopping(patience=5, restore_best_weights=True),
        nb.callbacks.ReduceLROnPlateau(factor=0.5, patience=2),
        nb.callbacks.CSVLogger("training.csv"),
    ])
"""

from ..utils.io_utils import print_msg
from ..utils.progbar import resolve_verbose
from .callback import Callback
from .callback_list import CallbackList
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .history import History
from .lambda_callback import LambdaCallback
from .learning_rate_scheduler import LearningRateScheduler
from .model_checkpoint import ModelCheckpoint
from .progbar_logger import ProgbarLogger
from .reduce_lr_on_plateau import ReduceLROnPlateau
from .tensorboard import TensorBoard
from .terminate_on_nan import TerminateOnNaN

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TensorBoard",
    "TerminateOnNaN",
    "resolve_verbose",
]
