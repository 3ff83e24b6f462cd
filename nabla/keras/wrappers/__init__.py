"""``keras.wrappers``: Keras models as scikit-learn estimators.

``scikit_learn.py`` holds Keras 2's ``KerasClassifier`` and ``KerasRegressor`` (``build_fn`` and
``**sk_params``), which TensorFlow <= 2.11 shipped as ``tf.keras.wrappers.scikit_learn`` and much course
material still imports (``cross_val_score(KerasClassifier(build_fn=baseline_model, epochs=200), X, y)``).
They need scikit-learn (``pip install nabla[sklearn]``). nabla's own estimators, which build the network
themselves, are :mod:`nabla.sklearn`.
"""

from __future__ import annotations

import importlib

from .._missing import missing as _missing


def __getattr__(name: str):
    if name == "scikit_learn":  # (imported when asked for: it imports scikit-learn)
        return importlib.import_module(f"{__name__}.scikit_learn")
    raise _missing("keras.wrappers", name)
