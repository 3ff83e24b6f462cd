"""``ProgbarLogger``: the progress display of ``fit``, ``evaluate`` and ``predict`` (drawn by
:mod:`nabla.keras.utils.progbar`)."""

from __future__ import annotations

from ..utils.io_utils import print_msg
from ..utils.progbar import Progbar, resolve_verbose
from .callback import Callback


class ProgbarLogger(Callback):
    """The progress display of ``fit``, ``evaluate`` and ``predict``, drawn with tqdm.

    * ``verbose=1``: a live bar per epoch with the step count, the ETA and
      the running loss and metrics, left on screen with the epoch's final
      logs (a widget in a Jupyter notebook with ipywidgets, text in a
      terminal); ``evaluate`` and ``predict`` get a bar too. A notebook
      without ipywidgets gets verbose 2's lines instead (see
      :func:`resolve_verbose`).
    * ``verbose=2``: one line per epoch, once it ends, after the epoch's number (when there are several
      epochs), as Keras 3 prints them::

          Epoch 3/10
          1875/1875 - 3s - 2ms/step - accuracy: 0.9500 - loss: 0.1234 - val_accuracy: 0.9200 - val_loss: 0.2345

      and one such line (steps, time, time per step, results) at the end of ``evaluate`` and ``predict``.
    * ``verbose=0``: nothing.

    The validation run inside ``fit`` draws nothing of its own: its results
    appear in the epoch's line. ``fit`` adds a ProgbarLogger when its
    ``verbose`` is not 0; the number of steps per epoch comes from
    ``params["steps"]`` (None: a bar without total).

    Args:
        verbose: 0, 1, 2 or ``"auto"`` (see :func:`resolve_verbose`); default
            None, which takes ``params["verbose"]`` (itself defaulting to 1).

    Example::

        model.fit(x, y, epochs=10, verbose=2)   # adds ProgbarLogger() for you
    """

    def __init__(self, verbose: int | str | None = None):
        super().__init__()
        self._verbose_arg = verbose
        self.verbose = 1 if verbose is None else resolve_verbose(verbose)
        self.epochs = 1
        self.steps: int | None = None
        self._progbar: Progbar | None = None  # the phase being drawn
        self._batch_keys: set = set()  # the entries of the phase's batch logs
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = self._verbose_arg if self._verbose_arg is not None else params.get("verbose", 1)
        self.verbose = resolve_verbose(verbose)
        self.epochs = params.get("epochs") or 1
        self.steps = params.get("steps")

    # The bar, shared by the three phases.

    def _open(self, description: str) -> None:
        self._close()
        self._progbar = Progbar(self.steps, description, self.verbose)
        self._batch_keys = set()

    def _advance(self, batch: int, logs: dict | None) -> None:
        self._batch_keys.update(logs or ())
        if self._progbar is not None:
            self._progbar.update(batch + 1, logs)

    def _close(self, logs: dict | None = None) -> None:
        if self._progbar is not None:
            self._progbar.close(logs)

    def _summary(self, logs: dict | None, epoch: bool = False) -> str:
        """The line printed at the end of a phase with ``verbose=2``: the entries in name order (Keras 3's), an
        epoch's in the order of :meth:`_keras_order`."""
        if self._progbar is None:  # a phase that ended without beginning
            self._progbar = Progbar(self.steps, "", verbose=0)
        if logs is not None:
            logs = self._keras_order(logs) if epoch else dict(sorted(logs.items()))
        return self._progbar.summary(logs)

    def _keras_order(self, logs: dict) -> dict:
        """``logs`` in the order Keras 3's bar lists them, which is the order it first saw them in: the batches'
        entries (in name order, as Keras's logs come), then the validation ones (in name order too), then
        what callbacks added to the epoch's logs (ReduceLROnPlateau's ``learning_rate``) as they added it."""
        seen = [k for k in logs if k in self._batch_keys or f"val_{k}" in logs or not self._batch_keys]
        validation = [k for k in logs if k.startswith("val_") and k not in seen and k[4:] in seen]
        keys = sorted(seen) + sorted(validation) + [k for k in logs if k not in seen and k not in validation]
        return {k: logs[k] for k in keys}

    # fit

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose == 2 and self.epochs > 1:  # (with verbose 1, the bar's own label)
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")
        self._open(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._advance(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose == 2:
            print_msg(self._summary(logs, epoch=True))
        self._close(logs)

    def on_train_end(self, logs=None):
        self._close()
        self._in_fit = False

    # evaluate (the validation inside fit shows nothing of its own)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._open("Evaluate")

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._advance(batch, logs)

    def on_test_end(self, logs=None):
        if self._in_fit:
            return
        if self.verbose == 2:
            print_msg(self._summary(logs))
        self._close(logs)

    # predict

    def on_predict_begin(self, logs=None):
        self._open("Predict")

    def on_predict_batch_end(self, batch, logs=None):
        self._advance(batch, None)

    def on_predict_end(self, logs=None):
        if self.verbose == 2:
            print_msg(self._summary(None))
        self._close()

    def get_config(self) -> dict:
        return {} if self._verbose_arg is None else {"verbose": self._verbose_arg}
