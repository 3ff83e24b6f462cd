"""``NablaClassifier``: a nabla network as a scikit-learn classifier."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets

import nabla as nb

from .base import NablaEstimator


class NablaClassifier(ClassifierMixin, NablaEstimator):
    """A neural-network classifier trained by nabla, with scikit-learn's estimator API (``MLPClassifier``'s knobs).

    The network has one output per class (one logit when there are two classes, as MLPClassifier's
    logistic output), trained with softmax cross-entropy (binary cross-entropy for two classes) plus
    MLPClassifier's L2 penalty ``alpha``; ``predict_proba`` gives the softmax (sigmoid) of the outputs.

    Args:
        hidden_layer_sizes: the widths of the hidden Dense layers. Default ``(100,)``.
        activation: their activation: a nabla name ("relu", "tanh", "sigmoid", "gelu", "elu", ...) or
            scikit-learn's "logistic" / "identity". Default "relu".
        model: instead of the two above, a function ``model(n_features, n_outputs)`` returning a nabla
            network (an ``nn.Module`` or a Keras-style model) that maps (batch, n_features) to
            (batch, n_outputs) raw scores (logits: no softmax at the end). Called at each ``fit``;
            its weights are drawn inside, from the estimator's random stream.
        optimizer: "adam", "adamw", "sgd", "rmsprop", "adagrad" (nabla.optim's defaults, PyTorch's) or a
            ``nabla.optim`` Optimizer class. Default "adam".
        learning_rate: the optimizer's step size. Default 0.001.
        alpha: L2 penalty on the weight matrices, ``alpha / 2 * sum ||W||^2 / batch``. Default 0.0001.
        batch_size: samples per step; "auto" is ``min(200, n_samples)``.
        epochs: the most passes over the data (MLPClassifier's ``max_iter``). Default 200.
        shuffle: draw the batches in a fresh random order each epoch. Default True.
        early_stopping: hold out ``validation_fraction`` of the training data (stratified) and stop when
            its accuracy has not improved by ``tol`` for ``n_iter_no_change`` epochs, keeping the best
            epoch's weights. Without it, training stops when the training loss has not improved by
            ``tol`` for ``n_iter_no_change`` epochs (scikit-learn's rule). Defaults False, 0.1, 10, 1e-4.
        random_state: an int makes ``fit`` reproducible bit for bit (weights, batch order, dropout all
            come from the estimator's own stream of nabla's generator, which ``fit`` leaves as it was);
            None draws a seed from nabla's generator (``nb.manual_seed`` then fixes it).
        verbose: print the loss of each epoch.

    Attributes (after ``fit``): ``classes_``, ``n_features_in_``, ``feature_names_in_`` (for data
    frames), ``model_`` (the trained network: ``model_.summary()``, ``nabla.onnx.export(model_, ...)``),
    ``optimizer_``, ``loss_``, ``loss_curve_``, ``n_iter_``, ``t_``, and with early stopping
    ``validation_scores_`` and ``best_validation_score_``.

    Example::

        >>> from sklearn.datasets import load_iris
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = NablaClassifier(hidden_layer_sizes=(16,), random_state=0).fit(X, y)
        >>> clf.predict_proba(X[:2]).shape
        (2, 3)
    """

    _regression = False

    def fit(self, X, y):
        """Train a fresh network on (X, y); returns the estimator."""
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X, y, classes=None):
        """One epoch over (X, y), continuing the previous training; ``classes`` (every label) on the first call."""
        if not hasattr(self, "model_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit (every label y may hold)")
        return self._fit(X, y, incremental=True, classes=classes)

    def _targets(self, y, first: bool, classes):
        check_classification_targets(y)
        if first:
            labels = np.unique(y if classes is None else np.asarray(classes))
            if len(labels) < 2:
                raise ValueError(f"{type(self).__name__} needs at least 2 classes in y, got 1 class: {labels.tolist()}")
            self.classes_ = labels
        index = np.searchsorted(self.classes_, y).clip(0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if unknown.any():
            raise ValueError(
                f"y holds labels that are not in classes_ {self.classes_.tolist()}: {np.unique(y[unknown])}"
            )
        if len(self.classes_) == 2:
            return index.astype(np.float32)[:, None], 1
        return index, len(self.classes_)

    def _loss(self, outputs, targets):
        if len(self.classes_) == 2:
            return nb.binary_cross_entropy_with_logits(outputs, nb.from_numpy(targets))
        return nb.cross_entropy(outputs, nb.from_numpy(targets))

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, (n_samples, n_classes) float64, columns in the order of ``classes_``."""
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X) -> np.ndarray:
        """The logarithm of :meth:`predict_proba`, computed stably from the outputs."""
        scores = self._outputs(X).astype(np.float64)
        if len(self.classes_) == 2:  # the one output is the logit of the second class against the first
            scores = np.concatenate([np.zeros_like(scores), scores], axis=1)
        return nb.log_softmax(nb.from_numpy(scores), axis=1).numpy()

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample."""
        scores = self._outputs(X)
        index = (scores[:, 0] > 0).astype(np.int64) if len(self.classes_) == 2 else scores.argmax(axis=1)
        return self.classes_[index]
