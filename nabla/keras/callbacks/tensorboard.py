"""``TensorBoard``: the logs of ``fit`` as TensorBoard event files, written without TensorFlow."""

from __future__ import annotations

import os
import time

import numpy as np

from ..utils.traceback_utils import warn
from .callback import Callback, is_keras_optimizer, learning_rate, log_value
from .event_file import EventFileWriter, event, histogram_value, scalar_value


class TensorBoard(Callback):
    """Write the logs of ``fit`` (and ``evaluate``) as event files that TensorBoard shows.

    As Keras 3's callback: ``log_dir/train`` and ``log_dir/validation`` each get one event file
    (``events.out.tfevents.<time>.<host>.<pid>.<n>.v2``, created on first use with its folders), and

    - at each epoch's end, step ``epoch`` (from 0): ``epoch_<name>`` for every log without the ``val_``
      prefix, plus ``epoch_learning_rate`` when the optimizer is a Keras one, in ``train/``; ``epoch_<name>``
      for every ``val_<name>`` in ``validation/``; the event files are flushed;
    - with ``update_freq`` an int ``N`` (``"batch"`` is 1): after every N-th training batch, counted
      across epochs from 1, ``batch_<name>`` for each log of that batch (this epoch's running averages),
      at that count, in ``train/``;
    - with ``histogram_freq`` N > 0: every N-th epoch (epoch % N == 0) a histogram of each weight,
      ``<weight.path>/histogram`` (30 equal-width buckets, as ``tf.summary.histogram``), in ``train/``;
    - at the end of ``model.evaluate(..., callbacks=[tensorboard])``: ``evaluation_<name>_vs_iterations``
      at ``optimizer.iterations``, in ``validation/`` (Keras's ``fit`` validates through ``evaluate`` and so
      writes these at every epoch too; nabla's ``fit`` validates without the test hooks, so it does not);
    - with ``write_steps_per_second=True``: ``epoch_steps_per_second`` and ``batch_steps_per_second``.

    Scalars are written as ``simple_value`` and histograms as ``histo`` (TensorBoard reads both; see
    :mod:`nabla.keras.callbacks.event_file`). The files are closed at the end of training.

    Args:
        log_dir: the folder of the logs, default ``"logs"``.
        histogram_freq: epochs between weight histograms, 0 (default) for none.
        write_graph: accepted; nabla writes no graph (Keras writes the model's config), default True.
        write_steps_per_second: also log training steps per second, default False.
        update_freq: ``"epoch"`` (default), ``"batch"`` or an int N: batch scalars every N batches.
        embeddings_freq, embeddings_metadata, write_images, profile_batch: not offered (the projector, images and
            the profiler): a value other than the default warns once and the callback goes on without it.

    Example::

        model.fit(x, y, epochs=10, validation_split=0.2,
                  callbacks=[keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=1)])
        # then: tensorboard --logdir logs
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq: int = 0,
        embeddings_metadata=None,
    ):
        super().__init__()
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(f"TensorBoard: histogram_freq must be an int >= 0, received {histogram_freq!r}")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (
            isinstance(update_freq, bool) or not isinstance(update_freq, int) or update_freq < 1
        ):
            raise ValueError(
                f"TensorBoard: update_freq must be 'epoch', 'batch' or an int >= 1, received {update_freq!r}"
            )
        for name, value, default in (
            ("write_images", write_images, False),
            ("profile_batch", profile_batch, 0),
            ("embeddings_freq", embeddings_freq, 0),
            ("embeddings_metadata", embeddings_metadata, None),
        ):
            if value != default:  # (what they add is not the training's record: the lab runs on, and is told)
                warn(f"TensorBoard: {name}={value!r} is not offered by nabla, which writes the scalars, histograms "
                     "and graph only; the callback goes on without it")  # fmt: skip
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = bool(write_graph)
        self.write_images = False
        self.write_steps_per_second = bool(write_steps_per_second)
        self.update_freq = update_freq
        self.profile_batch = 0
        self.embeddings_freq = 0
        self.embeddings_metadata = None
        self._writers: dict[str, EventFileWriter] = {}
        self._global_train_batch = 0
        self._epoch_start = self._batch_start = 0.0
        self._epoch_steps = 0

    def _writer(self, name: str) -> EventFileWriter:
        if name not in self._writers:
            self._writers[name] = EventFileWriter(os.path.join(self.log_dir, name))
        return self._writers[name]

    def _scalars(self, name: str, step: int, scalars: dict) -> None:
        values = [scalar_value(tag, log_value(value)) for tag, value in scalars.items()]
        if values:
            self._writer(name).write(event(step, values))

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start, self._epoch_steps = time.time(), 0

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        self._epoch_steps += 1
        self._batch_start = time.time()

    def on_train_batch_end(self, batch, logs=None):
        step = self._global_train_batch
        if self.update_freq == "epoch" or step % self.update_freq:
            return
        scalars = {f"batch_{name}": value for name, value in (logs or {}).items()}
        if self.write_steps_per_second:
            scalars = {"batch_steps_per_second": 1.0 / max(time.time() - self._batch_start, 1e-9), **scalars}
        self._scalars("train", step, scalars)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train = {name: value for name, value in logs.items() if not name.startswith("val_")}
        if self.model is not None and is_keras_optimizer(getattr(self.model, "optimizer", None)):
            train["learning_rate"] = learning_rate(self.model)
        if self.write_steps_per_second:
            train["steps_per_second"] = self._epoch_steps / max(time.time() - self._epoch_start, 1e-9)
        self._scalars("train", epoch, {f"epoch_{name}": value for name, value in train.items()})
        val = {f"epoch_{name[4:]}": value for name, value in logs.items() if name.startswith("val_")}
        self._scalars("validation", epoch, val)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._histograms(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _histograms(self, epoch: int) -> None:
        values = [
            histogram_value(f"{weight.path.replace(':', '_')}/histogram", np.asarray(weight))
            for layer in self.model.layers
            for weight in layer.weights
        ]
        if values:
            self._writer("train").write(event(epoch, values))

    def on_test_end(self, logs=None):
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        if iterations is None or not logs:
            return
        scalars = {f"evaluation_{name}_vs_iterations": value for name, value in logs.items()}
        self._scalars("validation", int(iterations), scalars)
        self._writers["validation"].flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def get_config(self) -> dict:
        return {
            "log_dir": self.log_dir,
            "histogram_freq": self.histogram_freq,
            "write_graph": self.write_graph,
            "write_images": self.write_images,
            "write_steps_per_second": self.write_steps_per_second,
            "update_freq": self.update_freq,
            "profile_batch": self.profile_batch,
            "embeddings_freq": self.embeddings_freq,
            "embeddings_metadata": self.embeddings_metadata,
        }
