"""``NablaClassifier``: a nabla network as a scikit-learn classifier."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

import nabla as nb

from .base import NablaEstimator


class NablaClassifier(ClassifierMixin, NablaEstimator):
    """A neural-network classifier trained by nabla, with scikit-learn's estimator API (``MLPClassifier``'s knobs).

    The network has one output per class (one logit when there are two classes, as MLPClassifier's
    logistic output), trained with softmax cross-entropy (binary cross-entropy for two classes) plus
    MLPClassifier's L2 penalty ``alpha``; ``predict_proba`` gives the softmax (sigmoid) of the outputs.
    Multilabel targets (y a 0/1 indicator matrix, (n_samples, n_labels)) get one sigmoid output per
    label, as in MLPClassifier. X may be a sparse matrix (densified one batch at a time).

    Args:
        hidden_layer_sizes: the widths of the hidden Dense layers. Default ``(100,)``.
        activation: their activation: a nabla name ("relu", "tanh", "sigmoid", "gelu", "elu", ...) or
            scikit-learn's "logistic" / "identity". Default "relu".
        model: instead of the two above, a function ``model(n_features, n_outputs)`` returning a nabla
            network (an ``nn.Module`` or a Keras-style model) that maps (batch, n_features) to
            (batch, n_outputs) raw scores (logits: no softmax at the end). Called at each ``fit``;
            its weights are drawn inside, from the estimator's random stream. Or such a network itself:
            each ``fit`` trains a copy (the instance is left as it is), from its weights as they are.
        optimizer: "adam", "adamw", "sgd", "momentum" (SGD with momentum 0.9, as ``nabla train``'s),
            "rmsprop", "adagrad" (nabla.optim's defaults, PyTorch's) or a ``nabla.optim`` Optimizer class.
            Default "adam". (MLPClassifier's "sgd" has momentum 0.9: that is "momentum" here.)
        learning_rate: the optimizer's step size. Default 0.001.
        alpha: L2 penalty on the weight matrices, ``alpha / 2 * sum ||W||^2 / batch``. Default 0.0001.
        batch_size: samples per step; "auto" is ``min(200, n_samples)``.
        epochs: the most passes over the data (MLPClassifier's ``max_iter``). Default 200.
        shuffle: draw the batches in a fresh random order each epoch. Default True.
        warm_start: ``fit`` continues the network of the previous fit (same classes) instead of drawing a
            fresh one, with a fresh optimizer (a new ``learning_rate`` takes effect) and its own stopping
            count; ``loss_curve_`` and ``n_iter_`` go on. Default False (MLPClassifier's rules).
        early_stopping: hold out ``validation_fraction`` of the training data (stratified) and stop when
            its accuracy has not improved by ``tol`` for ``n_iter_no_change`` epochs; the best epoch's
            weights are kept, also when the epochs run out first. Without it, training stops when the
            training loss has not improved by ``tol`` for ``n_iter_no_change`` epochs (scikit-learn's
            rule). Defaults False, 0.1, 10, 1e-4.
        random_state: an int makes ``fit`` reproducible bit for bit (weights, batch order, dropout all
            come from the estimator's own stream of nabla's generator, which ``fit`` leaves as it was);
            None draws a seed from nabla's generator (``nb.manual_seed`` then fixes it).
        verbose: print the loss of each epoch.

    Attributes (after ``fit``): ``classes_``, ``n_features_in_``, ``feature_names_in_`` (for data
    frames), ``model_`` (the trained network: ``model_.summary()``, ``nabla.onnx.export(model_, ...)``),
    ``optimizer_``, ``n_outputs_``, ``out_activation_`` ("softmax" or "logistic"), ``loss_``,
    ``loss_curve_``, ``n_iter_``, ``t_``, ``best_loss_`` (None with early stopping), and
    ``validation_scores_`` and ``best_validation_score_`` (None without early stopping), and
    ``coefs_``, ``intercepts_`` (views of the Dense/Linear weights, (n_in, n_out) and (n_out,)) and
    ``n_layers_``, as MLPClassifier's.

    Example::

        >>> from sklearn.datasets import load_iris
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = NablaClassifier(hidden_layer_sizes=(16,), random_state=0).fit(X, y)
        >>> clf.predict_proba(X[:2]).shape
        (2, 3)
    """

    _regression = False
    _score_function = staticmethod(accuracy_score)

    def fit(self, X, y):
        """Train a fresh network on (X, y) (or, with ``warm_start``, the last one further); returns the estimator.

        X: (n_samples, n_features), an array, a data frame or a sparse matrix; y: (n_samples,) labels, or
        (n_samples, n_labels) 0/1 indicators for multilabel classification.
        """
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X, y, classes=None):
        """One epoch over (X, y), continuing the previous training; ``classes`` (every label) on the first call."""
        if not hasattr(self, "model_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit (every label y may hold)")
        return self._fit(X, y, incremental=True, classes=classes)

    @property
    def _multilabel(self) -> bool:
        return self.out_activation_ == "logistic" and self.n_outputs_ > 1

    def _targets(self, y, stage: str, classes):
        """Labels -> class indices (a float column of 0/1 for two classes); indicators -> floats."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        kind = type_of_target(y)
        if kind == "multiclass-multioutput":
            raise ValueError(
                f"{type(self).__name__} takes one label per sample, or 0/1 indicators (multilabel), got "
                f"{y.shape[1]} columns of labels: wrap it in sklearn.multioutput.MultiOutputClassifier"
            )
        multilabel = kind == "multilabel-indicator"
        if stage == "fresh":
            self._start_classes(y, multilabel, classes)
        else:
            self._check_same_classes(y, multilabel, stage, classes)
        if multilabel:
            return y.astype(np.float32), y.shape[1]
        index = np.searchsorted(self.classes_, y).clip(0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if unknown.any():
            raise ValueError(
                f"y holds labels that are not in classes_ {self.classes_.tolist()}: {np.unique(y[unknown])}"
            )
        if len(self.classes_) == 2:
            return index.astype(np.float32)[:, None], 1
        return index, len(self.classes_)

    def _start_classes(self, y, multilabel: bool, classes) -> None:
        """``classes_`` and the output's activation of a fresh network (scikit-learn's names for both)."""
        if multilabel:  # as scikit-learn's LabelBinarizer: the labels are the columns
            self.classes_, self.out_activation_ = np.arange(y.shape[1]), "logistic"
            return
        labels = np.unique(y if classes is None else np.asarray(classes))
        if len(labels) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in y, got 1 class: {labels.tolist()}")
        self.classes_, self.out_activation_ = labels, "logistic" if len(labels) == 2 else "softmax"

    def _check_same_classes(self, y, multilabel: bool, stage: str, classes) -> None:
        """A continued fit must keep the classes (scikit-learn's rules for partial_fit and warm_start)."""
        name = type(self).__name__
        if multilabel != self._multilabel:
            given, fitted = ("0/1 indicators", "labels") if multilabel else ("labels", "0/1 indicators (multilabel)")
            raise ValueError(f"y holds {given}, but {name} was fitted on {fitted}")
        if multilabel and y.shape[1] != len(self.classes_):
            raise ValueError(f"y has {y.shape[1]} labels (columns), but {name} was fitted with {len(self.classes_)}")
        if multilabel:
            return
        if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} is not the same as on the first call to partial_fit: "
                f"{self.classes_.tolist()}"
            )
        if stage == "warm" and not np.array_equal(np.unique(y), self.classes_):
            raise ValueError(
                f"warm_start continues a network with the same classes as the previous fit, {self.classes_.tolist()}; "
                f"y has {np.unique(y).tolist()} (set warm_start=False to start afresh)"
            )

    def _loss(self, outputs, targets):
        if self.out_activation_ == "softmax":
            return nb.cross_entropy(outputs, nb.from_numpy(targets))
        loss = nb.binary_cross_entropy_with_logits(outputs, nb.from_numpy(targets))
        # scikit-learn's log-loss sums over the labels and averages over the samples; this one averages both.
        return loss * self.n_outputs_ if self.n_outputs_ > 1 else loss

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, (n_samples, n_classes) float64, columns in the order of ``classes_`` (each
        label's own probability for multilabel targets: the rows do not sum to 1 then)."""
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X) -> np.ndarray:
        """The logarithm of :meth:`predict_proba`, computed stably from the outputs."""
        scores = self._outputs(X).astype(np.float64)
        if self._multilabel:
            return -np.logaddexp(0.0, -scores)  # log sigmoid
        if self.n_outputs_ == 1:  # the one output is the logit of the second class against the first
            scores = np.concatenate([np.zeros_like(scores), scores], axis=1)
        return nb.log_softmax(nb.from_numpy(scores), axis=1).numpy()

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample, (n_samples,); (n_samples, n_labels) 0/1 for multilabel."""
        return self._predicted(self._outputs(X))

    def _predicted(self, scores: np.ndarray) -> np.ndarray:
        if self._multilabel:
            return (scores > 0).astype(np.int64)
        index = (scores[:, 0] > 0).astype(np.int64) if self.n_outputs_ == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    def _strata(self, targets: np.ndarray):
        """The early-stopping split keeps the classes' proportions (not for multilabel, as scikit-learn)."""
        return None if self._multilabel else targets

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
