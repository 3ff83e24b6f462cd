"""Keras 2's scikit-learn wrappers: ``KerasClassifier(build_fn, **sk_params)`` and ``KerasRegressor``.

As TensorFlow 2.11's ``tf.keras.wrappers.scikit_learn``, which course material written for Keras 2 imports::

    def baseline_model():
        model = Sequential([Dense(8, input_shape=(4,), activation="relu"), Dense(3, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        return model

    estimator = KerasClassifier(build_fn=baseline_model, epochs=200, batch_size=5, verbose=0)
    results = cross_val_score(estimator, X, dummy_y, cv=KFold(n_splits=10, shuffle=True))

``build_fn`` makes and compiles a new model at every ``fit`` (a function, an object with ``__call__``, or
None for a subclass whose own ``__call__`` builds it). ``sk_params`` hold both its arguments and those of
the model's ``fit``, ``predict`` and ``evaluate`` (``epochs``, ``batch_size``, ``verbose``...): each call
takes the ones its function names, and arguments given to the call itself win. A name none of them takes
raises a ``ValueError`` at construction, as Keras 2's did. ``get_params``/``set_params`` make the wrappers
work with scikit-learn's ``clone``, ``cross_val_score`` and ``GridSearchCV``.

The classifier takes labels as class values (any sortable values: ``classes_`` is their sorted set, the
model sees their indices) or as one-hot rows (``classes_`` is ``0..n-1``); with the loss
``categorical_crossentropy`` integer labels are one-hot encoded for the model, as Keras 2 did. ``predict``
gives class values: the argmax of several outputs, ``output > 0.5`` of one; ``predict_proba`` gives one
column per class (``[1 - p, p]`` for one sigmoid output); ``score`` is the model's compiled accuracy (its
``accuracy``/``acc`` metric: compile with ``metrics=["accuracy"]``). The regressor's ``predict`` is the
squeezed output and its ``score`` the negative loss (scikit-learn maximises scores).
"""

from __future__ import annotations

import inspect
import types

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
except ImportError as error:  # (scikit-learn is an optional dependency)
    raise ImportError(
        "keras.wrappers.scikit_learn needs scikit-learn: pip install 'nabla[sklearn]' (or scikit-learn)"
    ) from error

from ..models import Sequential
from ..utils import to_categorical


def _takes(fn, name: str) -> bool:
    """Whether ``fn`` has a parameter ``name`` (Keras 2's ``has_arg``: not through ``**kwargs``)."""
    parameter = inspect.signature(fn).parameters.get(name)
    return parameter is not None and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)


class BaseWrapper(BaseEstimator):
    """What both wrappers share: the parameters, and building and fitting a new model (see the module)."""

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _builder(self):
        """The function that builds the model: ``build_fn``, its ``__call__``, or the wrapper's own ``__call__``."""
        if self.build_fn is None:
            if not callable(self):
                raise ValueError(f"{type(self).__name__}: give build_fn=, a function that builds a compiled model")
            return self.__call__
        if isinstance(self.build_fn, (types.FunctionType, types.MethodType)):
            return self.build_fn
        return self.build_fn.__call__

    def check_params(self, params: dict) -> None:
        """Refuse a parameter that neither ``build_fn`` nor the model's fit, predict or evaluate takes."""
        legal = [Sequential.fit, Sequential.predict, Sequential.evaluate, self._builder()]
        for name in params:
            if not any(_takes(fn, name) for fn in legal) and name != "nb_epoch":
                raise ValueError(f"{name} is not a legal parameter")

    def get_params(self, deep: bool = True) -> dict:
        """``build_fn`` and every ``sk_param`` (what scikit-learn's ``clone`` rebuilds the wrapper from)."""
        return {**self.sk_params, "build_fn": self.build_fn}

    def set_params(self, **params):
        """Change parameters (checked as at construction); returns the wrapper."""
        if "build_fn" in params:
            self.build_fn = params.pop("build_fn")
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        """Fitted once ``fit`` has built a model (what scikit-learn's Pipeline checks before ``score``)."""
        return hasattr(self, "model")

    def filter_sk_params(self, fn, override: dict | None = None) -> dict:
        """The ``sk_params`` that ``fn`` takes, then ``override``."""
        taken = {name: value for name, value in self.sk_params.items() if _takes(fn, name)}
        return {**taken, **(override or {})}

    def _one_hot_if_needed(self, y: np.ndarray) -> np.ndarray:
        """Integer labels one-hot encoded for a model compiled with categorical_crossentropy (by any name)."""
        loss = self.model.get_compile_config().get("loss") if self.model.compiled else None
        return to_categorical(y) if loss == "categorical_crossentropy" and y.ndim != 2 else y

    def fit(self, x, y, **kwargs):
        """Build a new model with ``build_fn`` and fit it to ``(x, y)``; returns the History."""
        builder = self._builder()
        self.model = builder(**self.filter_sk_params(builder))
        fit_args = {**self.filter_sk_params(Sequential.fit), **kwargs}
        return self.model.fit(x, self._one_hot_if_needed(np.asarray(y)), **fit_args)


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """Keras 2's scikit-learn classifier over a Keras model (see the module)."""

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Fit a new model; ``y`` holds class values, shape (n,) or (n, 1), or one-hot rows (n, classes)."""
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError(f"Invalid shape for y: {y.shape}")
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super().fit(x, y, **kwargs)

    def predict_proba(self, x, **kwargs) -> np.ndarray:
        """The class probabilities (n, classes): the model's outputs, ``[1 - p, p]`` for one output."""
        probs = self.model.predict(x, **self.filter_sk_params(Sequential.predict, kwargs))
        return np.hstack([1 - probs, probs]) if probs.shape[-1] == 1 else probs

    def predict(self, x, **kwargs) -> np.ndarray:
        """The predicted class values (n,): the most probable class (``output > 0.5`` for one output)."""
        proba = self.model.predict(x, **self.filter_sk_params(Sequential.predict, kwargs))
        classes = proba.argmax(axis=-1) if proba.shape[-1] > 1 else (proba > 0.5).astype("int32")
        return self.classes_[classes.reshape(len(classes))]

    def score(self, x, y, sample_weight=None, **kwargs) -> float:
        """The model's compiled accuracy on ``(x, y)`` (``ValueError`` if it computes none)."""
        y = np.searchsorted(self.classes_, np.asarray(y)) if np.asarray(y).ndim != 2 else np.asarray(y)
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        logs = self.model.evaluate(x, self._one_hot_if_needed(y), return_dict=True, **kwargs)
        for name in ("accuracy", "acc"):
            if name in logs:
                return float(logs[name])
        raise ValueError(
            'The model is not configured to compute accuracy. You should pass `metrics=["accuracy"]` to the '
            "`model.compile()` method."
        )


class KerasRegressor(RegressorMixin, BaseWrapper):
    """Keras 2's scikit-learn regressor over a Keras model (see the module)."""

    def predict(self, x, **kwargs) -> np.ndarray:
        """The model's outputs, squeezed ((n,) for one output)."""
        return np.squeeze(self.model.predict(x, **self.filter_sk_params(Sequential.predict, kwargs)))

    def score(self, x, y, sample_weight=None, **kwargs) -> float:
        """The negative of the model's loss on ``(x, y)`` (higher is better, as scikit-learn's scores)."""
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        loss = self.model.evaluate(x, y, **kwargs)
        return -float(loss[0] if isinstance(loss, list) else loss)
