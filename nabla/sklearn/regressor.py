"""``NablaRegressor``: a nabla network as a scikit-learn regressor."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score

import nabla as nb

from .base import NablaEstimator


class NablaRegressor(RegressorMixin, NablaEstimator):
    """A neural-network regressor trained by nabla, with scikit-learn's estimator API (``MLPRegressor``'s knobs).

    A linear output per target, trained on the mean squared error plus MLPRegressor's L2 penalty
    ``alpha``. Targets are used as given: scale large ones (``TransformedTargetRegressor`` with a
    ``StandardScaler``), as for MLPRegressor. One target (y of shape (n,) or (n, 1)) gives
    predictions of shape (n,); several give (n, n_targets).

    The arguments and fitted attributes are :class:`NablaClassifier`'s (without ``classes_``); early
    stopping watches the validation R^2.
    """

    _regression = True
    _score_function = staticmethod(r2_score)

    def fit(self, X, y):
        """Train a fresh network on (X, y) (or, with ``warm_start``, the last one further); returns the estimator.

        X: (n_samples, n_features), an array, a data frame or a sparse matrix; y: (n_samples,) or
        (n_samples, n_targets).
        """
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X, y):
        """One epoch over (X, y), continuing the previous training."""
        return self._fit(X, y, incremental=True)

    def _targets(self, y, stage: str, classes):
        targets = np.asarray(y, dtype=np.float32).reshape(len(y), -1)
        if stage != "fresh" and targets.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {targets.shape[1]} targets, but {type(self).__name__} was fitted with {self.n_outputs_}"
            )
        return targets, targets.shape[1]

    def _loss(self, outputs, targets):
        return nb.mse_loss(outputs, nb.from_numpy(targets))

    def predict(self, X) -> np.ndarray:
        """The predicted targets, float64: (n_samples,) for one target, (n_samples, n_targets) for several."""
        return self._predicted(self._outputs(X))

    def _predicted(self, outputs: np.ndarray) -> np.ndarray:
        outputs = outputs.astype(np.float64)
        return outputs[:, 0] if self.n_outputs_ == 1 else outputs

    def _strata(self, targets: np.ndarray):
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
