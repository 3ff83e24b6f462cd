"""``keras.utils.get_file``: a file from Keras's cache folder, found where Keras would have downloaded it.

Deliberate difference: nabla does not download arbitrary URLs. ``get_file`` computes the path Keras 3
would use (``cache_dir``, default ``$KERAS_HOME`` or ``~/.keras``, then ``cache_subdir``, then ``fname``
or the last part of ``origin``), and returns it when the file is there (checked against ``file_hash``
when one is given); otherwise it raises a one-line ``FileNotFoundError`` saying where to put the file.
A cached archive is extracted as Keras extracts it (``extract=True`` / ``untar=True``), with Python's
safe extraction (no paths outside the target folder).
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import urllib.parse
import zipfile
from pathlib import Path


def _keras_home() -> str:
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def get_file(fname=None, origin=None, untar: bool = False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract: bool = False, archive_format="auto", cache_dir=None,
             force_download: bool = False) -> str:  # fmt: skip
    """The path of ``fname`` in Keras's cache (``cache_dir/cache_subdir/fname``), without downloading anything.

    Keras's arguments: ``origin`` (the URL: required, and where ``fname`` comes from when it is not given),
    ``file_hash`` (sha256, or md5 by its length or ``hash_algorithm="md5"``; ``md5_hash`` is Keras 2's
    name), ``extract`` / ``untar`` (return the extracted folder: Keras's ``<name>_extracted`` next to the
    archive, extracted from the cached archive if it is not there yet), ``archive_format`` (``"auto"``,
    ``"tar"``, ``"zip"``). ``force_download=True`` is refused: there is nothing nabla would fetch.

    Example:
        >>> path = keras.utils.get_file("data.csv", origin="https://example.com/data.csv")  # cached by you
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    folder = Path(os.path.expanduser(cache_dir or _keras_home())) / cache_subdir
    given = fname is not None and str(fname) != ""
    fname = str(fname) if given else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. Please specify the "
                         "`fname` argument.")  # fmt: skip
    if os.sep in fname:
        raise ValueError(f"get_file: fname is a file name, not a path (use cache_dir for the folder), got {fname!r}")
    target, extracted = folder / fname, None
    if extract or untar:  # Keras's names for the archive and the folder it is extracted into
        if given and "." in fname:
            extracted = folder / f"{fname[: fname.find('.')]}_extracted"
        else:
            target, extracted = folder / f"{fname}_archive", folder / fname
    if force_download:
        raise ValueError("get_file: force_download=True is not offered: nabla does not download files")
    if not target.exists():
        if extracted is not None and extracted.is_dir():
            return str(extracted)
        raise FileNotFoundError(
            f"get_file: {target} is not there, and nabla does not download arbitrary URLs: download {origin} "
            f"yourself and save it as {target} (or pass cache_dir= the folder that holds {cache_subdir}/{fname})"
        )
    if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
        raise ValueError(f"get_file: {target} does not match its {_algorithm(hash_algorithm, file_hash)} hash "
                         f"{file_hash}: it is incomplete or another file; replace it with {origin}")  # fmt: skip
    if extracted is None:
        return str(target)
    if not extracted.is_dir():
        _extract(target, extracted, "tar" if untar else archive_format)
    return str(extracted)


def _algorithm(algorithm: str, file_hash: str) -> str:
    """Keras's rule: sha256 when asked, or "auto" with a 64-character hash; md5 otherwise."""
    return "sha256" if algorithm == "sha256" or (algorithm == "auto" and len(file_hash) == 64) else "md5"


def validate_file(fpath, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535) -> bool:
    """Whether the file's sha256 or md5 digest (:func:`_algorithm`) is ``file_hash``."""
    hasher = hashlib.new(_algorithm(algorithm, file_hash))
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == str(file_hash)


def _extract(archive: Path, folder: Path, archive_format) -> None:
    formats = ["tar", "zip"] if archive_format == "auto" else [archive_format] if isinstance(archive_format, str) \
        else list(archive_format)  # fmt: skip
    if "tar" in formats and tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")  # NOTE: "data" refuses absolute paths, "..", links outside
        return
    if "zip" in formats and zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(folder)  # (zipfile drops absolute paths and ".." itself)
        return
    raise ValueError(f"get_file: {archive} is not a {' or '.join(formats)} archive, so it cannot be extracted")
