"""Atomic file writes: a target is always its old content or the complete new file, never a partial one.

Every file nabla writes goes through :func:`atomic_write` (``nb.save``, ``model.save``,
``model.save_weights``, the checkpoints of ``ModelCheckpoint``, pictures and graph drawings):

1. The data is written to a temporary file ``.NAME.<16 hex digits>.tmp`` in the target's
   folder (so that the rename below stays on one filesystem), created with the permissions
   ``open()`` would give (``0o666`` less the umask).
2. The temporary file is flushed and ``fsync``-ed, renamed over the target with
   ``os.replace`` (atomic on POSIX and on Windows), and the folder is ``fsync``-ed, so that
   after a crash or a power cut the target is either the old file or the new one.
3. A writer that dies before the rename (SIGKILL, out of memory, power cut) leaves its
   temporary file behind, and nothing else would ever remove it: so each save first removes
   the stale temporary files of the *same target*. A temporary file is stale when no running
   writer holds it: writers hold an advisory lock (``flock``) on their temporary file from
   creation to rename, and the operating system drops the lock when the process dies, however
   it dies. A save therefore never removes the temporary file of a writer that is still at
   work, in this process or another. (On Windows, without ``flock``, a file that another
   process has open cannot be deleted, which protects a running writer the same way; on a
   filesystem without locks nothing is removed.)
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

__all__ = ["atomic_write", "remove_stale_temporaries"]

_SUFFIX = re.compile(r"\.[0-9a-f]{16}\.tmp")
_MAX_STEM = 200  # NOTE: keeps ".STEM.<16 hex>.tmp" within the 255-byte name limit of common filesystems


def _stem(target: Path) -> str:
    """The part of the temporary files' names that identifies ``target`` (its name, or a shortened hash of it)."""
    name = target.name
    if len(name.encode()) <= _MAX_STEM:
        return name
    return name[:100] + "~" + hashlib.sha256(name.encode()).hexdigest()[:16]


def _lock(fd: int, block: bool) -> bool:
    """Take the writer's exclusive lock on ``fd``; with ``block=False`` return whether it was free."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:  # a filesystem without locks: count the file as held, so that no save removes it
        return False
    return True


def _same_file(name: Path, fd: int) -> bool:
    try:
        a, b = os.stat(name, follow_symlinks=False), os.fstat(fd)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def remove_stale_temporaries(path: str | os.PathLike) -> list[Path]:
    """Remove the temporary files that killed writers of ``path`` left behind; return the removed paths.

    Only regular files named ``.NAME.<16 hex digits>.tmp`` beside ``path`` whose writer is
    gone (their lock can be taken) are removed; other files are never touched.
    """
    target = Path(path)
    folder, prefix = target.parent, "." + _stem(target)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    removed = []
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and _SUFFIX.fullmatch(name, len(prefix))):
            continue
        candidate = folder / name
        try:
            if not stat.S_ISREG(os.lstat(candidate).st_mode):
                continue
            fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            if _lock(fd, block=False) and _same_file(candidate, fd):
                if fcntl is None:
                    os.close(fd)  # Windows deletes no open file, ours included
                    fd = -1
                os.unlink(candidate)
                removed.append(candidate)
        except OSError:
            pass  # in use (Windows) or removed meanwhile by another save
        finally:
            if fd >= 0:
                os.close(fd)
    return removed


def _create_temporary(target: Path) -> tuple[int, Path]:
    """Create and lock a new temporary file beside ``target``; return its descriptor and path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = target.parent / f".{_stem(target)}.{secrets.token_hex(8)}.tmp"
        # NOTE: not tempfile.mkstemp, whose files are private (0o600); 0o666 lets the umask decide, as open() does.
        fd = os.open(tmp, flags, 0o666)
        _lock(fd, block=True)
        # Another save may have removed the file between its creation and the lock: then start again.
        if _same_file(tmp, fd):
            return fd, tmp
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows cannot open a folder, and needs no such step)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems do not sync folders (EINVAL): the rename is as durable as they allow
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike, data: bytes | Callable[[BinaryIO], object]) -> Path:
    """Write ``data`` to ``path`` atomically and durably; return ``path`` as a ``Path``.

    Args:
        path: the target file; its folder must exist.
        data: the bytes to write, or a function that writes into the binary file object it is given
            (e.g. ``lambda f: fig.savefig(f, format="png")``).

    If writing fails (an exception, a full disk), the temporary file is removed and the
    target is left as it was. Stale temporary files of the same target are removed first
    (see the module's docstring).
    """
    target = Path(path)
    if not target.parent.is_dir():  # (before any work: the OS error would name the temporary file)
        raise FileNotFoundError(
            f"cannot write {str(target)!r}: its folder {str(target.parent)!r} does not exist; create it first "
            "(os.makedirs(folder, exist_ok=True))"
        )
    remove_stale_temporaries(target)
    fd, tmp = _create_temporary(target)
    f = os.fdopen(fd, "wb")
    try:
        if callable(data):
            data(f)
        else:
            f.write(data)
        f.flush()
        os.fsync(f.fileno())
        if os.name == "nt":
            f.close()  # Windows renames no open file; elsewhere the lock is kept until the rename is done
        os.replace(tmp, target)
    except BaseException:
        f.close()
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    f.close()
    _fsync_folder(target.parent)
    return target
