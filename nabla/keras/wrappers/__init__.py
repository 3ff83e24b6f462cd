"""``keras.wrappers``: Keras models as scikit-learn estimators.

``sklearn_wrapper.py`` holds Keras 3's ``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer``
(``model=`` a compiled model or a function that builds one); ``scikit_learn.py`` Keras 2's ``KerasClassifier``
and ``KerasRegressor`` (``build_fn`` and ``**sk_params``), which TensorFlow <= 2.11 shipped as
``tf.keras.wrappers.scikit_learn`` and much course material still imports
(``cross_val_score(KerasClassifier(build_fn=baseline_model, epochs=200), X, y)``). Both need scikit-learn
(``pip install nabla[sklearn]``) and are imported when first asked for. nabla's own estimators, which build
the network themselves, are :mod:`nabla.sklearn`.
"""

from __future__ import annotations

import importlib

from .._missing import missing as _missing

_KERAS_3 = ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")
__all__ = list(_KERAS_3)


def __getattr__(name: str):
    # (imported when asked for: they import scikit-learn, an optional dependency)
    if name == "scikit_learn":
        return importlib.import_module(f"{__name__}.scikit_learn")
    if name in _KERAS_3:
        return getattr(importlib.import_module(f"{__name__}.sklearn_wrapper"), name)
    raise _missing("keras.wrappers", name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_KERAS_3, "scikit_learn"])
