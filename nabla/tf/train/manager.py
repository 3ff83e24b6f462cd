"""``tf.train.CheckpointManager``: numbered checkpoints in a folder, the newest ``max_to_keep`` of them kept.

::

    manager = tf.train.CheckpointManager(ckpt, "./tf_ckpts", max_to_keep=3)
    ckpt.restore(manager.latest_checkpoint)      # None the first time: nothing is restored
    ...
    manager.save()                               # ./tf_ckpts/ckpt-1, ckpt-2...; the oldest beyond 3 deleted

As TensorFlow's: a save is numbered by the checkpoint's ``save_counter`` (or ``checkpoint_number``); the
folder's ``checkpoint`` file lists the kept saves, and a manager made later on the same folder takes them
over (so a resumed run goes on deleting the old ones). ``keep_checkpoint_every_n_hours`` spares one save in
every so many hours from deletion; ``checkpoint_interval`` with ``step_counter`` skips saves made too soon.
"""

from __future__ import annotations

import os
import time

from . import checkpoint_file
from .checkpoint import Checkpoint
from .state_file import read_state, write_state


class CheckpointManager:
    """``tf.train.CheckpointManager(checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
    checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None, init_fn=None)``."""

    def __init__(
        self,
        checkpoint: Checkpoint,
        directory,
        max_to_keep: int | None,
        keep_checkpoint_every_n_hours: float | None = None,
        checkpoint_name: str = "ckpt",
        step_counter=None,
        checkpoint_interval: int | None = None,
        init_fn=None,
    ):
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"CheckpointManager takes a tf.train.Checkpoint, got {type(checkpoint).__name__}")
        if max_to_keep is not None and (isinstance(max_to_keep, bool) or not isinstance(max_to_keep, int)):
            raise TypeError(f"CheckpointManager: max_to_keep must be an int or None, got {max_to_keep!r}")
        if max_to_keep is not None and max_to_keep < 1:
            raise ValueError(
                f"CheckpointManager: max_to_keep must be at least 1 (or None: keep all), got {max_to_keep}"
            )
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not None.")
        self._checkpoint, self._directory = checkpoint, os.fspath(directory)
        self._max_to_keep, self._checkpoint_name = max_to_keep, checkpoint_name
        self._keep_seconds = None if keep_checkpoint_every_n_hours is None else keep_checkpoint_every_n_hours * 3600
        self._step_counter, self._interval, self._init_fn = step_counter, checkpoint_interval, init_fn
        self._last_step = None
        state = read_state(self._directory)
        now = time.time()
        if state is None:
            self._kept: list[tuple[str, float]] = []
            self._last_preserved = now
        else:  # a later run on the same folder: go on from the saves listed there
            paths, stamps = state["all_model_checkpoint_paths"], state["all_model_checkpoint_timestamps"]
            stamps = stamps if len(stamps) == len(paths) else [now] * len(paths)
            self._kept = list(zip(paths, stamps))
            self._last_preserved = state["last_preserved_timestamp"] or now

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoint(self) -> Checkpoint:
        return self._checkpoint

    @property
    def checkpoints(self) -> list[str]:
        """The kept checkpoints' prefixes, oldest first."""
        return [path for path, _ in self._kept]

    @property
    def latest_checkpoint(self) -> str | None:
        """The newest checkpoint's prefix (for ``checkpoint.restore``), or None before any save."""
        return self._kept[-1][0] if self._kept else None

    def save(self, checkpoint_number=None, check_interval: bool = True, options=None) -> str | None:
        """Save a new numbered checkpoint, delete the oldest beyond ``max_to_keep``; return its prefix (None
        when ``checkpoint_interval`` says it is too soon)."""
        if self._interval is not None and check_interval:
            step = int(self._step_counter)
            if self._last_step is not None and step < self._last_step + self._interval:
                return None
            self._last_step = step
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        number = int(counter.numpy()) if checkpoint_number is None else int(checkpoint_number)
        prefix = self._checkpoint.write(os.path.join(self._directory, f"{self._checkpoint_name}-{number}"))
        now = time.time()
        self._kept = [(p, t) for p, t in self._kept if p != prefix] + [(prefix, now)]
        self._sweep()
        write_state(self._directory, self.checkpoints, [t for _, t in self._kept], self._last_preserved)
        return prefix

    def _sweep(self) -> None:
        """Delete the oldest checkpoints beyond ``max_to_keep`` (sparing one every n hours when asked)."""
        if self._max_to_keep is None:
            return
        while len(self._kept) > self._max_to_keep:
            path, stamp = self._kept.pop(0)
            if self._keep_seconds is not None and stamp - self._last_preserved >= self._keep_seconds:
                self._last_preserved = stamp
                continue
            try:
                os.remove(path + checkpoint_file.SUFFIX)
            except FileNotFoundError:
                pass

    def restore_or_initialize(self) -> str | None:
        """Restore the latest checkpoint and return its prefix; without one, call ``init_fn`` (if given)."""
        latest = self.latest_checkpoint
        if latest is not None:
            self._checkpoint.restore(latest)
            return latest
        if self._init_fn is not None:
            self._init_fn()
        return None
