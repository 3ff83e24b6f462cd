"""Where dataset files live, how they are checked, and how a missing or damaged one is fetched.

The data folder is ``$NABLA_DATA_DIR`` when set, else the platform's user cache
folder (``~/.cache/nabla`` on Linux, ``~/Library/Caches/nabla`` on macOS,
``%LOCALAPPDATA%\\nabla\\Cache`` on Windows; the folder ``pooch.os_cache("nabla")``
names). Inside it every dataset has its own sub-folder::

    mnist/train-images-idx3-ubyte.gz      (and train-labels, t10k-images, t10k-labels)
    fashion-mnist/train-images-idx3-ubyte.gz  ...
    fish/Fish.csv
    cifar-10/cifar-10-binary.tar.gz           (and cifar-100/cifar-100-binary.tar.gz)

Every file is checked against its published SHA-256 each time it is used. A
file that is missing, or whose checksum is wrong (corrupted or truncated), is
downloaded again from its publisher's URLs with ``pooch`` (imported only then:
``pip install pooch`` or ``pip install 'nabla[data]'``) into the data folder,
with a warning naming the file and both checksums. It is never used as it is.
A download is refused, with an error saying why and what to do, when the data
folder is read-only (no write permission bit), when ``NABLA_OFFLINE=1``, or
when the file has no download URL (Fish.csv). A read-only folder is never
written to, so ``NABLA_DATA_DIR`` can point at a shared, read-only copy.
"""

from __future__ import annotations

import hashlib
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FILES",
    "ChecksumError",
    "ChecksumWarning",
    "DatasetError",
    "DownloadError",
    "RemoteFile",
    "data_dir",
    "default_cache_dir",
    "fetch",
    "file_status",
    "sha256sum",
]

_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
_FASHION_MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)

_CIFAR_MIRRORS = ("https://www.cs.toronto.edu/~kriz/",)
_KERAS_DATASETS = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",)


class DatasetError(Exception):
    """A dataset file is missing or damaged and could not be (re)fetched; the message says why and what to do.

    ``reason`` says why it was not downloaded, for programs that explain it in their own words:
    ``"offline"`` (``NABLA_OFFLINE``), ``"read-only"`` (the data folder), ``"no-url"`` (Fish.csv),
    ``"failed"`` (every URL failed) or ``"checksum"`` (a download had the wrong SHA-256).
    """

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


class ChecksumError(DatasetError):
    """A file's SHA-256 differs from the published one and no good copy could be fetched.

    Attributes ``path``, ``expected`` and ``actual`` hold the file and the two hex digests.
    """

    def __init__(self, message: str, path: Path, expected: str, actual: str, reason: str = "checksum"):
        super().__init__(message, reason)
        self.path, self.expected, self.actual = path, expected, actual


class DownloadError(DatasetError):
    """Every download URL of a file failed; the message lists each URL and its error."""


class ChecksumWarning(UserWarning):
    """A file had the wrong checksum and is being downloaded again."""


@dataclass(frozen=True)
class RemoteFile:
    """One published file: its place under the data folder, its SHA-256 and size, and where to download it.

    ``path`` is relative to the data folder, with ``/`` separators; each URL in
    ``urls`` is a folder to which the file's name is appended.
    """

    path: str
    sha256: str
    size: int | None  # None where the publisher gives only the hash (Keras's .npz files)
    urls: tuple[str, ...] = ()
    how_to_get: str = ""

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def _files() -> dict[str, RemoteFile]:
    table = [
        (
            "mnist/train-images-idx3-ubyte.gz",
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            9912422,
        ),
        ("mnist/train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
        (
            "mnist/t10k-images-idx3-ubyte.gz",
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            1648877,
        ),
        ("mnist/t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
        (
            "fashion-mnist/train-images-idx3-ubyte.gz",
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            26421880,
        ),
        (
            "fashion-mnist/train-labels-idx1-ubyte.gz",
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            29515,
        ),
        (
            "fashion-mnist/t10k-images-idx3-ubyte.gz",
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            4422102,
        ),
        (
            "fashion-mnist/t10k-labels-idx1-ubyte.gz",
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            5148,
        ),
    ]
    files = {
        p: RemoteFile(p, h, n, _MNIST_MIRRORS if p.startswith("mnist/") else _FASHION_MIRRORS) for p, h, n in table
    }
    files["fish/Fish.csv"] = RemoteFile(
        "fish/Fish.csv",
        "ae1f7e85290f9c739a6ebcc0f5f5cfa7437d21122532eb96857bdb10be77f837",
        5859,
        how_to_get=(
            "Fish.csv has no canonical download URL: get the Kaggle 'Fish market' CSV (159 rows; columns Species, "
            "Weight, Length1, Length2, Length3, Height, Width; UTF-8 without byte-order mark, LF line endings) "
            "and put it at that path"
        ),
    )
    # The CIFAR sets' binary archives (Krizhevsky's page publishes no hash: these are the SHA-256 and sizes
    # that TensorFlow Datasets records for the same URLs).
    for folder, digest, size in (
        ("cifar-10", "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", 170052171),
        ("cifar-100", "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec", 168513733),
    ):
        key = f"{folder}/{folder}-binary.tar.gz"
        files[key] = RemoteFile(key, digest, size, _CIFAR_MIRRORS)
    # Keras's housing tables, with the SHA-256 that keras.datasets publishes for them (no size is published).
    for name, digest in (
        ("boston_housing.npz", "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"),
        ("california_housing.npz", "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"),
    ):
        files[f"keras/{name}"] = RemoteFile(f"keras/{name}", digest, None, _KERAS_DATASETS)
    return files


FILES: dict[str, RemoteFile] = _files()
"""Every file nabla's real datasets use, keyed by its path under the data folder."""


def default_cache_dir() -> Path:
    """The platform's user cache folder for nabla (what ``pooch.os_cache("nabla")`` gives), without importing pooch."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "nabla" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "nabla"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "nabla"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data folder: ``override`` if given, else ``$NABLA_DATA_DIR`` if set, else :func:`default_cache_dir`.

    Example::

        >>> data_dir()  # with NABLA_DATA_DIR unset, on Linux
        PosixPath('/home/me/.cache/nabla')
    """
    if override is not None:
        return Path(override).expanduser()
    env = os.environ.get("NABLA_DATA_DIR", "").strip()
    return Path(env).expanduser() if env else default_cache_dir()


def sha256sum(path: str | os.PathLike) -> str:
    """The SHA-256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _offline() -> bool:
    return os.environ.get("NABLA_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _writable(folder: Path) -> bool:
    """Whether files can be created in ``folder`` (or in the nearest existing folder above it, which would hold it).

    NOTE: a folder without any write permission bit counts as read-only even for
    root, who could write there anyway: the bits say the owner wants it left alone.
    """
    folder = folder.absolute()
    while not folder.exists():
        if folder.parent == folder:
            return False
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK) and bool(folder.stat().st_mode & 0o222)


def file_status(key: str, root: str | os.PathLike | None = None) -> str:
    """``"ok"``, ``"missing"`` or ``"corrupt"`` for the file ``key`` of :data:`FILES` (hashes it; never downloads)."""
    target = data_dir(root) / FILES[key].path
    if not target.is_file():
        return "missing"
    return "ok" if sha256sum(target) == FILES[key].sha256 else "corrupt"


def fetch(key: str, root: str | os.PathLike | None = None) -> Path:
    """The path of the verified file ``key`` (e.g. ``"mnist/t10k-labels-idx1-ubyte.gz"``) under the data folder.

    A file with the published SHA-256 is returned as it is. A missing file, or
    one with another checksum, is downloaded (again) into the data folder and
    checked; when that cannot be done a :class:`DatasetError` (for a damaged
    file a :class:`ChecksumError`) says which file, both checksums, why it
    cannot be fetched and what to do. A damaged file is never returned.

    Args:
        key: a key of :data:`FILES`.
        root: the data folder; :func:`data_dir` when None.

    Example::

        >>> fetch("fish/Fish.csv")  # with NABLA_DATA_DIR=/work/shared/data
        PosixPath('/work/shared/data/fish/Fish.csv')
    """
    if key not in FILES:
        raise KeyError(f"fetch: unknown dataset file {key!r}; known files: {', '.join(FILES)}")
    entry = FILES[key]
    target = data_dir(root) / entry.path
    actual = None
    if target.is_file():
        actual = sha256sum(target)
        if actual == entry.sha256:
            return target
        size = target.stat().st_size
        problem = (
            f"{target} is corrupted or truncated: its SHA-256 is {actual} ({size:,} bytes) but the published "
            f"file's is {entry.sha256}" + (f" ({entry.size:,} bytes)" if entry.size else "")
        )
    else:
        problem = f"{target} is missing"

    reason, refusal = _why_not_download(entry, target)
    if refusal is not None:
        message = f"{problem}. It cannot be downloaded: {refusal}."
        if actual is not None:
            raise ChecksumError(message + " The damaged file was not used.", target, entry.sha256, actual, reason)
        raise DatasetError(message, reason)
    if actual is not None:
        warnings.warn(f"{problem}; downloading it again.", ChecksumWarning, stacklevel=2)
    target.parent.mkdir(parents=True, exist_ok=True)
    _download(entry, target, problem)
    actual = sha256sum(target)
    if actual != entry.sha256:  # NOTE: pooch checks the hash too; this guards a replaced downloader
        target.unlink()
        raise ChecksumError(
            f"{target} was downloaded but its SHA-256 is {actual}, expected {entry.sha256}; it was deleted.",
            target,
            entry.sha256,
            actual,
        )
    return target


def _why_not_download(entry: RemoteFile, target: Path) -> tuple[str, str | None]:
    """``(reason, explanation)`` when ``entry`` must not be downloaded to ``target``, else ``("", None)``."""
    where = "set NABLA_DATA_DIR to a writable folder"
    if os.environ.get("NABLA_DATA_DIR", "").strip():
        where += f" (or unset it to use the cache folder {default_cache_dir()})"
    where += f", or put a good copy at {target}"
    if not entry.urls:
        return "no-url", entry.how_to_get or f"it has no download URL; put a good copy at {target}"
    if _offline():
        return "offline", f"NABLA_OFFLINE is set; unset it to allow downloads, or put a good copy at {target}"
    if not _writable(target.parent):
        return "read-only", f"the data folder {target.parent} is read-only; {where}"
    return "", None


def _download(entry: RemoteFile, target: Path, problem: str) -> None:
    """Download ``entry`` to ``target`` with pooch, trying each mirror in turn; pooch checks the SHA-256."""
    try:
        import pooch
    except ImportError as e:
        raise ImportError(
            f"{problem}. nabla.datasets downloads dataset files with pooch, which is not installed: "
            "pip install pooch (or pip install 'nabla[data]')"
        ) from e
    failures = []
    # NOTE: pooch logs "Downloading data from ..." for every mirror it tries; the progress bar (on a
    # terminal) and our one error when every mirror fails say enough.
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        _retrieve(pooch, entry, target, failures)
    finally:
        logger.setLevel(level)
    if len(failures) < len(entry.urls):
        return
    raise DownloadError(f"{problem}, and every download URL failed:\n" + "\n".join(failures), "failed")


def _retrieve(pooch, entry: RemoteFile, target: Path, failures: list[str]) -> None:
    """Try each mirror of ``entry`` in turn; return at the first success, appending each failure to ``failures``."""
    for base in entry.urls:
        url = base + entry.name
        try:
            # NOTE: pooch downloads to a temporary file beside the target and moves it into place only
            # when its hash matches, so an interrupted download never leaves a damaged file behind.
            pooch.retrieve(
                url,
                known_hash=f"sha256:{entry.sha256}",
                fname=entry.name,
                path=target.parent,
                progressbar=sys.stderr.isatty(),
            )
            return
        except Exception as e:  # noqa: BLE001  (any failure: try the next mirror, report them all)
            failures.append(f"  {url}: {type(e).__name__}: {e}")
