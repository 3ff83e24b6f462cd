"""``tf.train.Checkpoint``: save the variables of a model (and its optimizer) and put them back.

As in TensorFlow, a checkpoint holds *values*, not code: the program that restores builds the same
objects (``MySequentialModule()``), and ``restore`` puts each saved value into the variable at the same
place in the object graph (see :mod:`.object_graph` and :mod:`.restoring`)::

    checkpoint = tf.train.Checkpoint(model=my_model, optimizer=opt)
    checkpoint.write("my_checkpoint")            # my_checkpoint.safetensors
    path = checkpoint.save("ckpts/ckpt")         # ckpts/ckpt-1, and ckpts/checkpoint names it the latest

    new_checkpoint = tf.train.Checkpoint(model=MySequentialModule())
    new_checkpoint.restore(tf.train.latest_checkpoint("ckpts")).assert_existing_objects_matched()

What nabla.tf saves: ``tf.Variable``\\ s, ``tf.Module``\\ s, Keras layers and models (their weights),
nabla's and Keras's optimizers (their state), and lists, tuples and dicts of these. Anything else (a
dataset iterator, a number) is refused at construction with TensorFlow's ``ValueError``. The files are
nabla's own (``PREFIX.safetensors``; :mod:`.checkpoint_file`): TensorFlow's checkpoints cannot be read.
"""

from __future__ import annotations

import os
import time

from ..dtypes import int64
from ..module import Trackable
from ..variable import Variable
from . import checkpoint_file
from .object_graph import children, is_trackable, is_variable, walk
from .restoring import Restoring
from .state_file import write_state

_OWN = ("_root", "_save_counter", "_restore_on_assign")  # the checkpoint's own state, not what it saves


class CheckpointLoadStatus:
    """What ``restore`` / ``read`` return: checks of how well the checkpoint and the program matched."""

    def __init__(self, restoring: Restoring | None, root):
        self._restoring, self._root = restoring, root

    def _require_a_checkpoint(self) -> Restoring:
        if self._restoring is None:
            raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")
        return self._restoring

    def assert_consumed(self) -> CheckpointLoadStatus:
        """Every value of the checkpoint went into a variable of the program, and the reverse."""
        unresolved = self._require_a_checkpoint().unresolved()
        if unresolved:
            raise AssertionError(f"Unresolved object in checkpoint: {', '.join(unresolved)}")
        return self.assert_existing_objects_matched()

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        """Every variable the program has now (reachable from the checkpoint's root) got a saved value."""
        restored = self._require_a_checkpoint().restored_ids()
        missing = [
            path or "(root)" for obj, path, _ in walk(self._root) if is_variable(obj) and id(obj) not in restored
        ]
        if missing:
            raise AssertionError(f"Object(s) not assigned a value from the checkpoint: {', '.join(missing)}")
        return self

    def assert_nontrivial_match(self) -> CheckpointLoadStatus:
        """At least one object of the program other than the root was matched."""
        if len(self._require_a_checkpoint().matched) < 2:
            raise AssertionError("Nothing except the root object matched a checkpointed value.")
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        """Accepted (TensorFlow then stops warning about values left unrestored; nabla.tf does not warn)."""
        return self

    def run_restore_ops(self, session=None) -> None:
        """Nothing to run: the values were restored eagerly."""

    initialize_or_restore = run_restore_ops


class Checkpoint(Trackable):
    """``tf.train.Checkpoint(root=None, **kwargs)``: the objects to save, by name (``model=``, ``optimizer=``...).

    Attributes set later are saved too (``ckpt.extra = tf.Variable(1.0)``). ``save_counter`` (an int64
    Variable, made at the first ``save``) numbers the saves.
    """

    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_save_counter", None)
        if root is not None and not is_trackable(root):
            raise ValueError(f"`Checkpoint` was expecting root to be a trackable object, got {root!r}.")
        for name, value in kwargs.items():
            if not is_trackable(value):
                raise ValueError(
                    f"`Checkpoint` was expecting {name} to be a trackable object (an object derived from `Trackable`), "
                    f"got {value!r}. nabla.tf checkpoints tf.Variables, tf.Modules, Keras models and layers, "
                    "optimizers, and lists and dicts of them."
                )
            setattr(self, name, value)

    def _checkpoint_children(self) -> list:
        own = [(k, v) for k, v in vars(self).items() if k not in _OWN]
        counter = [("save_counter", self._save_counter)] if self._save_counter is not None else []
        return (children(self._root) if self._root is not None else []) + own + counter

    @property
    def save_counter(self) -> Variable:
        """How many times ``save`` has run (restored with the rest of the checkpoint)."""
        if self._save_counter is None:
            counter = Variable(0, dtype=int64, trainable=False, name="save_counter")
            object.__setattr__(self, "_save_counter", counter)
            pending = self.__dict__.get("_restore_on_assign")
            if pending and "save_counter" in pending:
                pending.pop("save_counter")(counter)
        return self._save_counter

    def write(self, file_prefix, options=None) -> str:
        """Save to ``file_prefix`` (the file ``file_prefix.safetensors``), replacing it; returns the prefix."""
        prefix = os.fspath(file_prefix)
        checkpoint_file.write(self, prefix)
        return prefix

    def save(self, file_prefix, options=None) -> str:
        """Save to ``file_prefix-N``, N counting the saves, and name it the latest in its folder's
        ``checkpoint`` file (``tf.train.latest_checkpoint``); returns ``file_prefix-N``."""
        self.save_counter.assign_add(1)
        path = self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter.numpy())}")
        now = time.time()
        write_state(os.path.dirname(path) or ".", [path], [now], now)
        return path

    def read(self, save_path, options=None) -> CheckpointLoadStatus:
        """Restore what ``write`` or ``save`` saved at ``save_path`` into the objects of this checkpoint."""
        prefix = os.fspath(save_path)
        restoring = Restoring(checkpoint_file.read(prefix), prefix)
        restoring.into(self, 0)
        return CheckpointLoadStatus(restoring, self)

    def restore(self, save_path, options=None) -> CheckpointLoadStatus:
        """``read``, and ``save_counter`` restored with the rest (a checkpoint that ``write`` made without one
        leaves it unmatched, as in TensorFlow); ``save_path=None`` (``latest_checkpoint`` found none) restores
        nothing."""
        if save_path is None:
            return CheckpointLoadStatus(None, self)
        self.save_counter  # noqa: B018 - made here, as TensorFlow's restore does (read leaves it to its first use)
        return self.read(save_path, options)
