"""Shared test set-up: optional dependencies, the real datasets, seeds, and a sealed environment.

In CI (``CI=true``) a missing optional dependency or a missing real dataset is a failure, never a skip.

The suite writes nothing outside the clone and the temporary folders it makes: the caches that
libraries keep in the home folder (Matplotlib's, Keras's, the XDG cache) are pointed into one temporary
folder for the session, and no test downloads (``NABLA_OFFLINE=1``; the download tests replace the
downloader with a fake).
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BESIDE = ROOT.parent / "shared" / "data"  # where the project's own machines keep the real datasets


def _seal_environment() -> Path:
    """Point the home-folder caches of the libraries the tests use into one temporary folder.

    Done at import, before any test (or subprocess a test starts) imports Matplotlib, Keras or pooch.
    """
    home = Path(tempfile.mkdtemp(prefix="nabla-tests-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    for var, sub in (
        ("MPLCONFIGDIR", "matplotlib"),
        ("KERAS_HOME", "keras"),
        ("XDG_CACHE_HOME", "cache"),
        ("IPYTHONDIR", "ipython"),  # the notebook tests' kernels: profile, history
        ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"),  # their connection files
        ("JUPYTER_DATA_DIR", "jupyter/data"),
        ("JUPYTER_CONFIG_DIR", "jupyter/config"),
    ):
        os.environ[var] = str(home / sub)
    os.environ["NABLA_OFFLINE"] = "1"
    # TensorFlow, the reference of nabla.tf: quiet logs, and its plain kernels (oneDNN's reorder float sums).
    # Importing it imports Keras, which would then pick TensorFlow as its backend: Keras is the reference on
    # PyTorch's, whichever test imports it first.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return home


SESSION_HOME = _seal_environment()


def _find_data() -> Path | None:
    """The folder of the real datasets: ``$NABLA_DATA_DIR`` when it is set, else ``../shared/data``."""
    env = os.environ.get("NABLA_DATA_DIR", "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return BESIDE if BESIDE.is_dir() else None


DATA = _find_data()
# Tests that read no real data still run the CLI and the loaders: point them at an empty folder rather
# than the user's cache, so that nothing outside the session's folder is read or written.
os.environ["NABLA_DATA_DIR"] = str(DATA or SESSION_HOME / "no-data")
HOW_TO_GET_DATA = (
    "set NABLA_DATA_DIR to a folder holding them (`NABLA_DATA_DIR=DIR nabla datasets --download mnist` "
    "fetches MNIST into DIR; `nabla datasets` lists the datasets and their files), "
    f"or put them in {BESIDE}"
)


def require(module: str):
    """Import an optional test dependency: skip locally if missing, fail in CI."""
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")


#: The devices other than NumPy's that the engine's device tests run on: array-api-strict's (its CPU device,
#: device1 whose arrays refuse np.asarray, float32-only no_float64) and "cuda", CuPy on an NVIDIA GPU.
OTHER_DEVICES = ["array_api_strict:CPU_DEVICE", "array_api_strict:device1", "array_api_strict:no_float64", "cuda"]


def require_device(name: str) -> None:
    """Skip a test on ``name`` where its library is missing: "cuda" needs CuPy and a GPU, which CI machines
    lack (skipped there too); array-api-strict is a test dependency (a failure in CI)."""
    if name == "cuda":
        try:
            import cupy

            found = cupy.cuda.runtime.getDeviceCount() > 0
        except Exception:  # (no CuPy, or no driver: CuPy raises its own CUDA errors)
            found = False
        if not found:
            pytest.skip("needs CuPy and an NVIDIA GPU")
    elif name != "cpu":
        require("array_api_strict")


def real_data(*files: str) -> Path:
    """The data folder, if it holds ``files`` (paths inside it, such as ``"mnist/t10k-labels-idx1-ubyte.gz"``).

    Skips the test otherwise, with a reason that says how to provide them; in CI, fails instead.
    """
    missing = [f for f in files if DATA is None or not (DATA / f).is_file()]
    if DATA is None or missing:
        where = "no data folder was found" if DATA is None else f"{DATA} lacks {', '.join(missing)}"
        message = f"needs the real datasets, but {where}: {HOW_TO_GET_DATA}"
        if os.environ.get("CI", "").lower() == "true":
            raise FileNotFoundError(message)
        pytest.skip(message)
    return DATA


MNIST_FILES = tuple(
    f"mnist/{part}-ubyte.gz"
    for part in ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1")
)
FASHION_FILES = tuple(f.replace("mnist/", "fashion-mnist/") for f in MNIST_FILES)
FISH_FILES = ("fish/Fish.csv",)


@pytest.fixture
def no_gc():
    """Run with the cycle collector off: memory must be released by reference counting alone."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _seed():
    """Seed every generator a test may draw from, so that no result depends on the tests run before it.

    nabla's own, and the references': Python's ``random`` (Keras draws its unseeded initializers' seeds
    from it), NumPy's global generator, and PyTorch's when a test has imported it.
    """
    import random
    import sys

    import numpy as np

    import nabla as nb

    nb.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
    yield


@pytest.fixture(scope="module")
def keras():
    """Keras 3 on its PyTorch backend, the Keras side's reference (:func:`keras_reference.keras_on_torch`),
    seeded once per test module; a module with a ``keras`` fixture of its own uses that one."""
    from keras_reference import keras_on_torch

    return keras_on_torch()
