"""``tf.io.gfile``: TensorFlow's file functions, on local files (no ``gs://`` or ``hdfs://``).

What tutorials use: ``GFile`` (``open`` with TensorFlow's name: text for "r"/"w", bytes for "rb"/"wb"),
``exists``, ``glob`` and ``listdir`` (in the folder's order, as TensorFlow's: sort them where order
matters), ``isdir``, ``makedirs`` and ``mkdir`` (a folder that exists is fine), ``remove``, ``rename`` and
``copy`` (refusing to replace a file unless ``overwrite=True``), ``rmtree``, ``walk`` and ``stat``. A
missing file or folder raises ``tf.errors.NotFoundError``; a target that exists,
``tf.errors.AlreadyExistsError``.
"""

from __future__ import annotations

import glob as _glob
import io
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from ...atomic import atomic_write
from ..errors import AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError

__all__ = ["GFile", "copy", "exists", "glob", "isdir", "listdir", "makedirs", "mkdir", "remove", "rename",
           "rmtree", "stat", "walk"]  # fmt: skip


def _path(path) -> str:
    path = os.fsdecode(getattr(path, "numpy", lambda: path)())  # (a scalar tf.string too)
    if "://" in path:
        raise NotImplementedError(f"nabla.tf.io.gfile reads local files only, got {path!r}")
    return path


def _missing(path: str) -> NotFoundError:
    return NotFoundError(f"{path}; No such file or directory")


_MODES = frozenset(m + b for m in ("r", "w", "a", "r+", "w+", "a+") for b in ("", "b"))


@contextmanager
def _tf_errors(path: str):
    """The OS's refusals as TensorFlow's errors: a missing path NotFoundError, a folder where a file is
    wanted (or a file where a folder is) FailedPreconditionError."""
    try:
        yield
    except FileNotFoundError:
        raise _missing(path) from None
    except IsADirectoryError:
        raise FailedPreconditionError(f"{path}; Is a directory") from None
    except (NotADirectoryError, FileExistsError):
        raise FailedPreconditionError(f"{path} is not a directory") from None


class GFile:
    """``tf.io.gfile.GFile(name, mode="r")``: the file, opened as Python's ``open`` opens it (a context
    manager, ``read``, ``readline``, ``readlines``, iteration over lines, ``write``, ``seek``, ``tell``),
    plus TensorFlow's ``size()``.

    A file opened to be written anew ("w", "wb", "w+") is written atomically (:func:`nabla.atomic.atomic_write`):
    what is written is kept in memory and becomes the file on ``close()`` (or leaving the ``with`` block, or
    when the GFile is dropped), so a reader sees the old file or the whole new one, never half of it; a
    ``with`` block left by an exception keeps the old file. ("a" and "r+" modes change the file in place.)"""

    def __init__(self, name, mode: str = "r"):
        self.name, self.mode = _path(name), mode
        if mode.replace("b+", "+b") not in _MODES:
            raise InvalidArgumentError(f"mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+' (got {mode!r})")
        self._anew = False  # (set once the file below is there: __del__ and __getattr__ read it)
        if not mode.startswith("w"):
            with _tf_errors(self.name):
                self._file = open(self.name, mode, **({} if "b" in mode else {"encoding": "utf-8"}))
            return
        if os.path.isdir(self.name):  # (refused now, as open() would, not after everything was written)
            raise FailedPreconditionError(f"{self.name}; Is a directory")
        if not os.path.isdir(os.path.dirname(os.path.abspath(self.name))):
            raise _missing(self.name)
        self._file = io.BytesIO() if "b" in mode else io.StringIO()
        self._anew = True

    def size(self) -> int:
        return len(self._encoded()) if self._anew and not self._file.closed else os.path.getsize(self.name)

    def _encoded(self) -> bytes:
        value = self._file.getvalue()
        return value.encode("utf-8") if isinstance(value, str) else value

    def close(self) -> None:
        """Close the file; one opened to be written anew becomes the file now, atomically."""
        if self._anew and not self._file.closed:
            with _tf_errors(self.name):
                atomic_write(self.name, self._encoded())
        self._file.close()

    def __del__(self) -> None:
        if vars(self).get("_anew") and not self._file.closed:  # (as Python's files: dropped means closed)
            self.close()

    # (Methods of the GFile itself, not the buffer's: ``GFile(name, "w").write(text)`` holds the GFile until the
    # text is written, and only then is it dropped, closed and the file written.)
    def write(self, data) -> int:
        return self._file.write(data)

    def writelines(self, lines) -> None:
        self._file.writelines(lines)

    def __getattr__(self, name: str):
        return getattr(self._file, name)

    def __iter__(self) -> Iterator:
        return iter(self._file)

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is not None and self._anew:
            self._file.close()  # (the old file stays: the new one was not finished)
        self.close()


def exists(path) -> bool:
    """Whether the file or folder exists."""
    return os.path.exists(_path(path))


def isdir(path) -> bool:
    """Whether ``path`` is a folder."""
    return os.path.isdir(_path(path))


def glob(pattern) -> list[str]:
    """The paths matching ``pattern`` (``*``, ``?``, ``[...]``; or any of a list of patterns)."""
    patterns = [pattern] if isinstance(pattern, (str, bytes, os.PathLike)) else list(pattern)
    return list(dict.fromkeys(match for p in patterns for match in _glob.glob(_path(p))))


def listdir(path) -> list[str]:
    """The names of the entries of the folder."""
    path = _path(path)
    if not os.path.isdir(path):
        raise NotFoundError(f"Could not find directory {path}")
    return os.listdir(path)


def makedirs(path) -> None:
    """The folder and those above it, where missing."""
    path = _path(path)
    with _tf_errors(path):
        os.makedirs(path, exist_ok=True)


def mkdir(path) -> None:
    """The folder (its parent must exist)."""
    path = _path(path)
    try:
        os.mkdir(path)
    except FileNotFoundError:
        raise _missing(os.path.dirname(path)) from None
    except FileExistsError:
        pass


def remove(path) -> None:
    """Delete the file."""
    path = _path(path)
    with _tf_errors(path):
        os.remove(path)


def rmtree(path) -> None:
    """Delete the folder and everything in it (a file: the file, as TensorFlow's)."""
    path = _path(path)
    if os.path.isfile(path) and not os.path.islink(path):
        os.remove(path)
        return
    if not os.path.isdir(path):
        raise _missing(path)
    shutil.rmtree(path)


def _target(src, dst, overwrite: bool) -> tuple[str, str]:
    src, dst = _path(src), _path(dst)
    if not os.path.exists(src):
        raise _missing(src)
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(f"{dst}: file already exists; pass overwrite=True to replace it")
    return src, dst


def rename(src, dst, overwrite: bool = False) -> None:
    """Move ``src`` to ``dst``."""
    src, dst = _target(src, dst, overwrite)
    with _tf_errors(src):
        os.replace(src, dst)


def copy(src, dst, overwrite: bool = False) -> None:
    """Copy the file ``src`` to ``dst``."""
    src, dst = _target(src, dst, overwrite)
    if os.path.isdir(src):
        raise InvalidArgumentError(f"{src} is a directory: tf.io.gfile.copy copies a file")
    with _tf_errors(dst):
        shutil.copyfile(src, dst)


def walk(top, topdown: bool = True, onerror=None) -> Iterator[tuple[str, list[str], list[str]]]:
    """``(folder, subfolder names, file names)`` for ``top`` and every folder below, as ``os.walk``."""
    return os.walk(_path(top), topdown=topdown, onerror=onerror)


class _Stat:
    __slots__ = ("length", "mtime_nsec", "is_directory")

    def __init__(self, length: int, mtime_nsec: int, is_directory: bool):
        self.length, self.mtime_nsec, self.is_directory = length, mtime_nsec, is_directory


def stat(path) -> _Stat:
    """``length`` (bytes), ``mtime_nsec`` and ``is_directory`` of the file or folder."""
    path = _path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _missing(path) from None
    return _Stat(info.st_size, info.st_mtime_ns, os.path.isdir(path))
