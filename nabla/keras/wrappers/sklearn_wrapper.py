"""Keras 3's scikit-learn wrappers: ``SKLearnClassifier``, ``SKLearnRegressor``, ``SKLearnTransformer``.

As ``keras.wrappers`` (Keras 3.15)::

    def make_model(X, y, loss, units=10):          # called at every fit with the data, then model_kwargs
        inputs = keras.Input((X.shape[1],))
        hidden = keras.layers.Dense(units, activation="relu")(inputs)
        model = keras.Model(inputs, keras.layers.Dense(y.shape[1], activation="softmax")(hidden))
        model.compile(loss=loss, optimizer="rmsprop")
        return model

    estimator = SKLearnClassifier(model=make_model, model_kwargs={"loss": "categorical_crossentropy"},
                                  fit_kwargs={"epochs": 5})
    estimator.fit(X, y).predict(X)

``model`` is a compiled Model (cloned, new weights, at every ``fit``: ``keras.models.clone_model``) or a
function ``model(X=..., y=..., **model_kwargs)`` that returns one (given the target as the model sees it:
the classifier's one-hot encoded). ``fit_kwargs`` go to the model's ``fit``, under those given to ``fit``
itself. The classifier one-hot encodes its labels (scikit-learn's ``OneHotEncoder``; ``classes_`` their
sorted set) and ``predict`` decodes the outputs (the most probable class); ``decision_function`` is the
model's outputs; ``score`` is scikit-learn's accuracy. The regressor's ``score`` is scikit-learn's R^2; a
1-D target is fit as a column and predicted as 1-D again. The transformer's ``transform`` is ``predict``.
After ``fit``: ``model_``, ``history_`` (the History), ``n_features_in_``.

One difference from Keras 3.15: ``clone`` (``cross_val_score``, ``GridSearchCV``) keeps ``fit_kwargs``,
where Keras's clones drop them (and so train one epoch). ``warm_start`` is kept as a parameter and, as in
Keras 3.15, a Model given is cloned at every fit whatever its value.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ..models import Model, clone_model


class SKLBase(BaseEstimator):
    """What the three wrappers share (see the module): the parameters, building and fitting the model."""

    def __init__(self, model, warm_start: bool = False, model_kwargs: dict | None = None,
                 fit_kwargs: dict | None = None):  # fmt: skip
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def _new_model(self, x: np.ndarray, y: np.ndarray):
        model = clone_model(self.model) if isinstance(self.model, Model) else self.model(
            X=x, y=y, **(self.model_kwargs or {})
        )  # fmt: skip
        if not getattr(model, "compiled", False) or not model.loss or not model.optimizer:
            raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer.")
        return model

    def fit(self, X, y, **kwargs):
        """Build a new model and fit it to ``(X, y)`` (``kwargs`` to the model's ``fit``); returns the wrapper."""
        X, y = validate_data(self, X, y)
        y = self._target(y, reset=True)
        model = self._new_model(X, y)
        self.history_ = model.fit(X, y, **{**(self.fit_kwargs or {}), **kwargs})
        self.model_ = model
        return self

    def _outputs(self, X) -> np.ndarray:
        check_is_fitted(self)
        return self.model_.predict(validate_data(self, X, reset=False))

    def predict(self, X):
        """The model's predictions for ``X``, as the targets were given (see the module)."""
        return self._from_outputs(self._outputs(X))

    def _target(self, y: np.ndarray, reset: bool) -> np.ndarray:
        """The target as the model sees it: a 1-D target as a column (the classifier: one-hot)."""
        if reset:
            self._target_ndim = y.ndim
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _from_outputs(self, outputs: np.ndarray) -> np.ndarray:
        return outputs[:, 0] if self._target_ndim == 1 and outputs.ndim == 2 and outputs.shape[1] == 1 else outputs


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """Keras 3's scikit-learn classifier over a Keras model (see the module)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags

    def decision_function(self, X) -> np.ndarray:
        """The model's raw outputs for ``X``."""
        return self._outputs(X)

    def _target(self, y: np.ndarray, reset: bool) -> np.ndarray:
        kind = type_of_target(y, raise_unknown=True)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"Only binary and multiclass target types are supported. Target type: {kind}")
        column = y.reshape(-1, 1) if y.ndim == 1 else y
        if reset:
            self._target_ndim = y.ndim
            self._encoder = OneHotEncoder(sparse_output=False).fit(column)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._encoder.transform(column)

    def _from_outputs(self, outputs: np.ndarray) -> np.ndarray:
        return super()._from_outputs(self._encoder.inverse_transform(outputs))


class SKLearnRegressor(RegressorMixin, SKLBase):
    """Keras 3's scikit-learn regressor over a Keras model (see the module)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """Keras 3's scikit-learn transformer: ``transform(X)`` is the fitted model's outputs (an encoder's codes)."""

    def transform(self, X) -> np.ndarray:
        return self._outputs(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
