"""What ``nabla.keras`` does not offer, and what nabla offers instead.

``nabla.keras`` and ``nabla.keras.ops`` end with a module ``__getattr__`` that raises :func:`missing`: a
Keras 3 name that nabla lacks is an ``AttributeError`` that says so, with nabla's alternative where there
is one, never a silently different object.
"""

from __future__ import annotations

import difflib
import dis
import sys

_EIG = (
    "eig's eigenvalues and eigenvectors are complex and nabla has no complex dtype: for a symmetric matrix use "
    "keras.ops.eigh; otherwise np.linalg.eig on keras.ops.convert_to_numpy(x) (values only)"
)

_DATASET = (
    "Keras stores it as Python pickles, which nabla does not load: keras.datasets has mnist, fashion_mnist, "
    "cifar10, cifar100, boston_housing and california_housing; nabla.datasets has the others nabla offers "
    "(nabla.datasets.list_datasets() lists them; fish_market and digits for small regression and classification "
    "labs); for a text lab, lists of integer word indices made with NumPy take the place of IMDB's or Reuters'"
)

# "namespace.name" (or a whole namespace) -> what to use instead.
ALTERNATIVES = {
    **{f"keras.datasets.{name}": _DATASET for name in ("imdb", "reuters")},
    "keras.applications": "pretrained applications are not offered: build the network with keras.layers",
    "keras.mixed_precision.LossScaleOptimizer": "mixed precision is not offered, so no loss scaling: use the optimizer",
    "keras.distribution": "distribution is not offered by nabla.keras: see nabla.distributed",
    "keras.quantizers": "quantization is not offered",
    "keras.wrappers": (
        "keras.wrappers has Keras 3's SKLearnClassifier, SKLearnRegressor and SKLearnTransformer, and "
        "keras.wrappers.scikit_learn Keras 2's KerasClassifier and KerasRegressor; nabla.sklearn has its own"
    ),
    "keras.export": "export with model.export('model.onnx') (ONNX) or save with model.save('model.keras')",
    "keras.tree": "nested structures: write the Python loops (tree utilities are not offered)",
    "keras.utils.audio_dataset_from_directory": "audio folders are not read by nabla.keras",
    "keras.utils.FeatureSpace": (
        "FeatureSpace is not offered: preprocess each column with the layers it is made of, each adapt()ed on its "
        "column: keras.layers.IntegerLookup or StringLookup(output_mode='one_hot') for a categorical feature, "
        "Discretization(num_bins=..., output_mode='one_hot') or Normalization for a numerical one; join them with "
        "keras.layers.concatenate, and cross features with keras.layers.HashedCrossing"
    ),
    "keras.StatelessScope": "stateless scopes are not offered: nabla.keras runs eagerly, updating variables in place",
    "keras.Function": "use a functional keras.Model(inputs, outputs), which replays the recorded calls",
    "keras.preprocessing.image.DataFrameIterator": (
        "flow_from_dataframe is not offered: put the images in one folder per class and use "
        "ImageDataGenerator().flow_from_directory"
    ),
    "keras.ops.image": "image ops are not offered: use NumPy, or the preprocessing layers of nabla.keras.layers",
    "keras.ops.eig": _EIG,
    "keras.ops.linalg.eig": _EIG,
    "keras.ops.linalg.jvp": "forward-mode derivatives are not offered: nabla differentiates in reverse mode",
    "keras.ops.fft": "FFTs are not offered: use NumPy (np.fft) on keras.ops.convert_to_numpy(x)",
}


def missing(namespace: str, name: str) -> AttributeError | ImportError:
    """The error for ``namespace.name`` (``namespace`` as Keras spells it, ``"keras.ops"``), raised by the
    namespace module's ``__getattr__``: an AttributeError (so ``hasattr`` is False), or an ImportError with
    the same message for ``from nabla.keras.utils import FeatureSpace``, where Python would replace an
    AttributeError with a bare "cannot import name"."""
    if name.startswith("__") and name.endswith("__"):
        return AttributeError(f"module 'nabla.{namespace}' has no attribute {name!r}")  # Python's own probes
    full = f"{namespace}.{name}"
    instead = ALTERNATIVES.get(full) or ALTERNATIVES.get(namespace)
    message = f"nabla.keras does not offer {full}"
    if instead:
        message = f"{message}: {instead}"
    else:
        module = sys.modules[f"nabla.{namespace}"]  # (loaded: it is the module raising)
        names = [n for n in vars(module) if not n.startswith("_")]
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else f"; dir(nabla.{namespace}) lists what it offers"
        message = f"{message}{hint} (docs/keras.md lists the Keras 3 names nabla.keras offers)"
    return ImportError(message, name=f"nabla.{namespace}") if _asked_by_from_import() else AttributeError(message)


def _asked_by_from_import() -> bool:
    """Whether the code that asked is at a ``from module import name`` instruction (frames: this function,
    :func:`missing`, the module's ``__getattr__``, then the asking code)."""
    frame = sys._getframe(3)
    return dis.opname[frame.f_code.co_code[frame.f_lasti]] == "IMPORT_FROM"
