"""``ModelCheckpoint``: save the model (or its weights) during training, optionally only the best."""

from __future__ import annotations

import os

from ..models.saving import MODEL_EXTENSIONS
from ..utils.io_utils import print_msg
from .monitor_callback import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Save the model (or its weights) during training, optionally only when it improves.

    ``filepath`` may hold ``str.format`` fields filled from the epoch number
    (from 1, as Keras) and the logs: ``"ckpt/{epoch:02d}-{val_loss:.2f}.nabla"``.
    Saving goes through ``model.save(path)`` or ``model.save_weights(path)``,
    which write atomically (temporary file, then rename), so an interrupted
    save never leaves a truncated checkpoint. Missing folders are created.
    Without ``save_weights_only`` the name must end in ``.keras``, ``.h5`` or
    ``.nabla`` (what ``model.save`` takes): another is refused here, before
    training, as Keras 3 refuses it. Weight files take any name, a choice: Keras 3
    asks for ``.weights.h5``, but Keras 2 course material names them ``cp.ckpt``
    or ``best.h5``, and the file is nabla's safetensors whatever its name.

    With ``save_best_only=True`` a file is written only when the monitored
    value beats the best so far (strictly; ``initial_value_threshold`` is the
    value to beat first), so a fixed ``filepath`` always holds the best
    model; with formatted names every improvement gets its own file.

    Args:
        filepath: where to save (str or path-like), with optional format fields.
        monitor: the ``logs`` key compared with ``save_best_only``, default ``"val_loss"``.
        verbose: 1 prints each save, default 0.
        save_best_only: save only on improvement, default False.
        save_weights_only: ``model.save_weights`` instead of ``model.save``, default False.
        mode: ``"auto"`` (default), ``"min"`` or ``"max"``, as :class:`EarlyStopping`.
        save_freq: ``"epoch"`` (default) to save at each epoch end, or an int N
            to save every N training batches (with the running batch logs, so
            ``val_`` keys are not available then).
        initial_value_threshold: the value the first save must beat, default None.

    Example::

        ModelCheckpoint("checkpoints/best.nabla", monitor="val_accuracy", save_best_only=True)
        ModelCheckpoint("checkpoints/epoch{epoch:03d}.weights", save_weights_only=True)
    """

    def __init__(
        self,
        filepath,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ):
        super().__init__(monitor, mode)
        self.filepath = os.fspath(filepath)
        if not save_weights_only and not self.filepath.endswith(MODEL_EXTENSIONS):
            raise ValueError(
                "ModelCheckpoint: the filepath provided must end in `.keras` (Keras model format), `.h5` or nabla's "
                f"`.nabla`. Received: filepath={self.filepath}"
            )
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"ModelCheckpoint: save_freq must be 'epoch' or a positive int, got {save_freq!r}")
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.save_freq = save_freq
        self.initial_value_threshold = None if initial_value_threshold is None else float(initial_value_threshold)
        self.best = self.initial_value_threshold  # kept across fit calls, as Keras
        self._epoch = 0
        self._batches_since_save = 0

    def on_train_begin(self, logs=None):
        self._batches_since_save = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def format_filepath(self, epoch: int, logs: dict | None = None, batch: int | None = None) -> str:
        """The path for ``epoch`` (from 0) and ``logs``: ``filepath.format(epoch=epoch + 1, **logs)``."""
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError) as e:
            raise ValueError(
                f"ModelCheckpoint: cannot format filepath {self.filepath!r}: no field {e} in the logs "
                f"(available: epoch{', batch' if batch is not None else ''}, {', '.join(logs or {})})"
            ) from None

    def _save(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        path = self.format_filepath(epoch, logs, batch)
        if self.save_best_only:
            current = self._get_monitor_value(logs)
            if current is None:
                return
            best = self._worst() if self.best is None else self.best
            shown = "None" if self.best is None else f"{best:.5f}"  # (Keras 3's words before a first best)
            if not self._improves(current, best):
                if self.verbose > 0:
                    print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {shown}")
                return
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {shown} to {current:.5f}, "
                    f"saving model to {path}"
                )
            self.best = current
        elif self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if self.verbose > 0:  # (Keras 3's lines, each after an empty one)
            print_msg(f"\nEpoch {epoch + 1}: finished saving model to {path}")

    def get_config(self) -> dict:
        return {
            "filepath": self.filepath,
            "monitor": self.monitor,
            "verbose": self.verbose,
            "save_best_only": self.save_best_only,
            "save_weights_only": self.save_weights_only,
            "mode": self.mode,
            "save_freq": self.save_freq,
            "initial_value_threshold": self.initial_value_threshold,
        }
