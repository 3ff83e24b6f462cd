"""``tf.summary``: TensorBoard logs written by your own code, in the event files of nabla's TensorBoard callback.

As in TensorFlow 2: ``writer = tf.summary.create_file_writer(logdir)`` makes an event file in ``logdir``;
inside ``with writer.as_default():`` (or after ``writer.set_as_default()``), ``tf.summary.scalar(name,
value, step=n)`` and ``tf.summary.histogram(name, values, step=n)`` add a record to it and return True;
with no default writer they write nothing and return False. ``step`` may be given once to ``as_default``.
``tf.summary.image``, ``text`` and ``audio`` write the same way (PNGs, strings, WAVs).
``writer.flush()`` makes the records visible to TensorBoard. Scalars are written as ``simple_value`` and
histograms as ``histo`` (see :mod:`nabla.keras.callbacks.event_file`), which TensorBoard reads as its own;
images, text and audio as TensorFlow 2 writes them (see :mod:`nabla.tf.summary_media`).
"""

from __future__ import annotations

import contextlib

import numpy as np

from nabla.keras.callbacks.event_file import HISTOGRAM_BUCKETS, EventFileWriter, event, histogram_value, scalar_value

from . import summary_media
from ._missing import missing

_defaults: list = []  # (writer, step) of the enclosing `with writer.as_default()` blocks, innermost last


class SummaryWriter:
    """A writer of one event file (made by :func:`create_file_writer`)."""

    def __init__(self, logdir):
        self._file = EventFileWriter(logdir)

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Make this the writer that ``tf.summary.scalar`` and ``histogram`` write to, within the block."""
        _defaults.append((self, step))
        try:
            yield self
        finally:
            _defaults.remove((self, step))
            self.flush()  # (as TensorFlow, which flushes on leaving the block)

    def set_as_default(self, step=None) -> None:
        """Make this the default writer from now on (outside any ``as_default`` block)."""
        _defaults.insert(0, (self, step))

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def _write(self, value: bytes, step) -> bool:
        self._file.write(event(int(_number(step)), [value]))
        return True


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None) -> SummaryWriter:  # fmt: skip
    """``tf.summary.create_file_writer(logdir)``: a :class:`SummaryWriter` of a new event file in ``logdir``
    (created if needed). The queue and flush options are accepted; records are written at once."""
    return SummaryWriter(logdir)


def scalar(name, data, step=None, description=None) -> bool:
    """Write ``data`` (a number or a one-element tensor) as the scalar ``name`` at ``step``."""
    return _record(scalar_value(name, float(_number(data))), step)


def histogram(name, data, step=None, buckets=None, description=None) -> bool:
    """Write the histogram of ``data``'s values as ``name`` at ``step``: ``buckets`` (default 30, as TensorFlow's)
    buckets of equal width from the smallest value to the largest."""
    if buckets is None:
        buckets = HISTOGRAM_BUCKETS
    if isinstance(buckets, bool) or not isinstance(buckets, (int, np.integer)) or buckets < 1:
        raise ValueError(f"tf.summary.histogram: buckets must be a positive int, got {buckets!r}")
    return _record(histogram_value(name, _number(data), int(buckets)), step)


def image(name, data, step=None, max_outputs=3, description=None) -> bool:
    """Write the first ``max_outputs`` images of ``data`` ``(N, h, w, c)`` (floats in [0, 1], or uint8) as PNGs
    under ``name`` at ``step`` (see :mod:`nabla.tf.summary_media`)."""
    return _record(lambda: summary_media.image_value(name, data, max_outputs, description), step)


def text(name, data, step=None, description=None) -> bool:
    """Write ``data`` (a string or a tensor of strings) as the text ``name`` at ``step``."""
    return _record(lambda: summary_media.text_value(name, data, description), step)


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None) -> bool:
    """Write the first ``max_outputs`` clips of ``data`` ``(N, samples, channels)`` (floats in [-1, 1]) as WAV
    files at ``sample_rate`` Hz under ``name`` at ``step``."""
    return _record(lambda: summary_media.audio_value(name, data, sample_rate, max_outputs, encoding, description),
                   step)  # fmt: skip


def _record(value, step) -> bool:
    """Write ``value`` (a Summary.Value's bytes, or a function making them: called only with a writer, as
    TensorFlow encodes lazily) to the default writer; False without one."""
    if not _defaults:
        return False
    writer, default_step = _defaults[-1]
    step = default_step if step is None else step
    if step is None:
        raise ValueError("tf.summary: no step set: give step= to tf.summary.scalar/histogram or to as_default()")
    return writer._write(value() if callable(value) else value, step)


def _number(value):
    """A tensor, a Variable or a NumPy/Python value as a NumPy value."""
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def __getattr__(name: str):
    raise missing("tf.summary", name)
