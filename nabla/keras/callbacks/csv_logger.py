"""``CSVLogger``: one row of logs per epoch in a CSV file."""

from __future__ import annotations

import csv
import os

import numpy as np

from ..utils.traceback_utils import warn
from .callback import Callback


class CSVLogger(Callback):
    """Write one row per epoch to a CSV file: an ``epoch`` column (from 0, as Keras), then the sorted log keys.

    The columns are fixed by the first epoch's logs; a key missing in a later
    epoch is written as ``NA`` (keys that first appear later are not
    written, with a warning). With ``append=True`` an existing file is
    continued under its own header. The file is flushed after every row, so
    it can be watched while training runs.

    Args:
        filename: the CSV file (str or path-like).
        separator: the column separator, default ``","``.
        append: continue an existing file instead of overwriting it, default False.

    Example::

        model.fit(x, y, epochs=10, callbacks=[CSVLogger("log.csv")])
        # log.csv:  epoch,accuracy,loss,val_accuracy,val_loss
        #           0,0.81,0.52,0.85,0.44
    """

    def __init__(self, filename, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.separator = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        self._file = None
        self._writer = None
        self._write_header = True
        self._warned_new_keys = False

    def on_train_begin(self, logs=None):
        self.keys, self._writer, self._write_header = None, None, True
        if self.append and os.path.isfile(self.filename) and os.path.getsize(self.filename) > 0:
            self.keys = _header_keys(self.filename, self.separator)
            self._write_header = False
        self._file = open(self.filename, "a" if self.append else "w", newline="")  # closed in on_train_end

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        new = [k for k in logs if k not in self.keys]
        if new and not self._warned_new_keys:
            self._warned_new_keys = True
            warn(f"CSVLogger: keys {new} were not in the first epoch's logs and are not written")
        if self._writer is None:
            self._writer = csv.writer(self._file, delimiter=self.separator)
            if self._write_header:
                self._writer.writerow(["epoch", *self.keys])
        self._writer.writerow([epoch, *(self._format(logs.get(k, "NA")) for k in self.keys)])
        self._file.flush()

    @staticmethod
    def _format(value):
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return value.item()
        if isinstance(value, (list, tuple, np.ndarray)):
            return "[" + ", ".join(map(str, np.asarray(value).ravel().tolist())) + "]"
        return value

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
        self._file, self._writer = None, None

    def get_config(self) -> dict:
        return {"filename": self.filename, "separator": self.separator, "append": self.append}


_MAX_HEADER = 1 << 16  # characters of an existing file's first line that are read: a header, not a whole file


def _header_keys(filename: str, separator: str) -> list[str] | None:
    """The log keys of an existing CSVLogger file's header (``epoch,key,...``), or None when it has none.

    Any file is read safely: at most the first :data:`_MAX_HEADER` characters of its first line,
    undecodable bytes replaced, and a line that is not CSV (a NUL, an unclosed quote) counted as no
    header. Without one, the keys come from the first epoch's logs, as in a new file.
    """
    with open(filename, newline="", encoding="utf-8", errors="replace") as f:
        line = f.readline(_MAX_HEADER)
    try:
        header = next(csv.reader([line], delimiter=separator), [])
    except csv.Error:
        return None
    return header[1:] if header[:1] == ["epoch"] else None
