"""What NablaClassifier and NablaRegressor share: the hyper-parameters, the training loop, pickling."""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted, validate_data

import nabla as nb

from . import network


class NablaEstimator(BaseEstimator):
    """A nabla network trained as scikit-learn trains its MLPs; subclasses say what the outputs and loss are.

    Subclasses set ``_regression`` and ``_score_function`` (accuracy, or R^2: what ``score`` and early
    stopping compute) and define ``_targets(y, stage, classes)`` (validated targets -> the array the loss
    takes, and the number of outputs), ``_loss(outputs, targets)``, ``_predicted(outputs)`` (the network's
    raw outputs -> what ``predict`` returns) and ``_strata(targets)`` (what the early-stopping split keeps
    the proportions of, or None).
    """

    #: Rows turned dense at a time when predicting from a sparse matrix.
    _SPARSE_CHUNK = 1024

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation: str = "relu",
        model=None,
        optimizer="adam",
        learning_rate: float = 0.001,
        alpha: float = 0.0001,
        batch_size="auto",
        epochs: int = 200,
        shuffle: bool = True,
        warm_start: bool = False,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        random_state=None,
        verbose: bool = False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.model = model
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.alpha = alpha
        self.batch_size = batch_size
        self.epochs = epochs
        self.shuffle = shuffle
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    # --- fitting -------------------------------------------------------------------------------

    def _validate(self, X, y, first: bool):
        """X as float32 (a sparse matrix as CSR, whose rows are taken per batch) and y checked."""
        X, y = validate_data(
            self,
            X,
            y,
            reset=first,
            accept_sparse=("csr", "csc"),
            dtype=(np.float32, np.float64),
            multi_output=True,
            y_numeric=self._regression,
        )
        return _float32(X), y

    def _start(self, n_outputs: int) -> None:
        """A fresh network, drawn from a fresh stream of the estimator's own, and a fresh training record."""
        self._stream_ = network.seed_state(self.random_state)
        with network.own_stream(self):
            self.model_ = self._built(self.n_features_in_, n_outputs)
        self.n_outputs_ = n_outputs
        self.loss_curve_, self.n_iter_, self.t_ = [], 0, 0
        self.best_loss_ = self.validation_scores_ = None
        self._restart()

    def _restart(self) -> None:
        """What every ``fit`` starts afresh, warm-started or not (as scikit-learn's MLPs): the optimizer (so
        that a new ``learning_rate`` takes effect) and the stopping rules' count."""
        self.optimizer_ = network.optimizer(self.optimizer, self.model_.parameters(), self.learning_rate)
        self._no_improvement = 0
        if self.early_stopping:  # scores of this fit's own validation split, appended to the record
            self.validation_scores_ = [] if self.validation_scores_ is None else self.validation_scores_
            self.best_validation_score_ = -math.inf
        else:  # the best training loss of the whole record
            self.best_loss_ = math.inf if self.best_loss_ is None else self.best_loss_
            self.best_validation_score_ = None

    def _build(self, n_features: int, n_outputs: int):
        if self.model is None:
            return network.mlp(n_features, n_outputs, self.hidden_layer_sizes, self.activation)
        if isinstance(self.model, nb.nn.Module):  # an instance: each fit trains a copy, as Keras's wrappers do
            return copy.deepcopy(self.model)
        if not callable(self.model):
            raise ValueError(
                f"model must be a nabla network or a function (n_features, n_outputs) -> network, got {self.model!r}"
            )
        net = self.model(n_features, n_outputs)
        if not isinstance(net, nb.nn.Module):
            raise TypeError(f"model(n_features, n_outputs) must return a nabla network, got {type(net).__name__}")
        return net

    def _built(self, n_features: int, n_outputs: int):
        """The network, with every weight created (Keras-style layers build at their first call)."""
        net = self._build(n_features, n_outputs).eval()
        with nb.no_grad():
            out = net(nb.zeros(1, n_features))
        if out.shape != (1, n_outputs):
            raise ValueError(
                f"the network maps {n_features} features to outputs of shape {out.shape[1:]}, expected ({n_outputs},)"
            )
        return net

    def _check_params(self) -> None:
        for name in ("epochs", "n_iter_no_change"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not (self.batch_size == "auto" or (isinstance(self.batch_size, (int, np.integer)) and self.batch_size > 0)):
            raise ValueError(f"batch_size must be a positive integer or 'auto', got {self.batch_size!r}")
        if not 0.0 < self.validation_fraction < 1.0:
            raise ValueError(f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}")
        if not (isinstance(self.alpha, (int, float)) and self.alpha >= 0):
            raise ValueError(f"alpha must be a non-negative number, got {self.alpha!r}")

    def _train(self, X, targets: np.ndarray, epochs: int, X_val=None, y_val=None, warn: bool = True) -> None:
        """``epochs`` passes over (X, targets) in mini-batches, with scikit-learn's MLP stopping rules.

        With a validation set (early stopping) the best epoch's weights are kept, however training ends;
        ``warn``: a ConvergenceWarning if the epochs run out first.
        """
        n = X.shape[0]
        batch = min(200, n) if self.batch_size == "auto" else min(int(self.batch_size), n)
        net, opt = self.model_, self.optimizer_
        net.train()
        # NOTE: an overflow in float32 shows as a non-finite loss, refused below in one message.
        with network.own_stream(self), np.errstate(over="ignore", invalid="ignore"):
            for _ in range(epochs):
                order = nb.random.generator().permutation(n) if self.shuffle else np.arange(n)
                total = 0.0
                for start in range(0, n, batch):
                    rows = order[start : start + batch]
                    opt.zero_grad()
                    loss = self._loss(net(nb.from_numpy(_dense(X[rows]))), targets[rows])
                    penalty = network.l2_penalty(net, self.alpha, len(rows))
                    objective = loss if penalty is None else loss + penalty
                    objective.backward()
                    opt.step()
                    total += float(objective.item()) * len(rows)
                self.n_iter_ += 1
                self.t_ += n
                self.loss_ = total / n
                if not math.isfinite(self.loss_):
                    raise ValueError(
                        f"{type(self).__name__}: the training loss became {self.loss_} at epoch {self.n_iter_}: "
                        "the network trains in float32, and X or y holds values too large for it; scale them "
                        "(StandardScaler in a pipeline, TransformedTargetRegressor for y), or lower learning_rate"
                    )
                self.loss_curve_.append(self.loss_)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
                if X_val is not None and self._stop_on_validation(X_val, y_val):
                    break
                if X_val is None and self._stop_on_loss():
                    break
            else:
                if warn:
                    warnings.warn(
                        f"{type(self).__name__}: {epochs} epochs reached and the optimization has not converged "
                        "yet (raise epochs, or loosen tol)",
                        ConvergenceWarning,
                        stacklevel=3,
                    )
        if self._best_weights is not None:
            net.load_state_dict(self._best_weights)
            self._best_weights = None
        net.eval()

    def _stop_on_loss(self) -> bool:
        """Stop once the training loss has not gone down by ``tol`` for ``n_iter_no_change`` epochs running."""
        if self.best_loss_ is None:  # partial_fit after a fit with early stopping, which keeps no best loss
            return False
        self._no_improvement = self._no_improvement + 1 if self.loss_ > self.best_loss_ - self.tol else 0
        self.best_loss_ = min(self.best_loss_, self.loss_)
        return self._no_improvement > self.n_iter_no_change

    def _stop_on_validation(self, X_val, y_val) -> bool:
        """Early stopping: the validation score (accuracy or R^2) has not gone up by ``tol`` for
        ``n_iter_no_change`` epochs running; the best epoch's weights are saved for the end."""
        self.model_.eval()
        score = float(self._score_function(y_val, self._predicted(self._outputs(X_val, check_input=False))))
        self.model_.train()
        self.validation_scores_.append(score)
        self._no_improvement = self._no_improvement + 1 if score < self.best_validation_score_ + self.tol else 0
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            self._best_weights = {k: v.numpy().copy() for k, v in self.model_.state_dict().items()}
        return self._no_improvement > self.n_iter_no_change

    def _fit(self, X, y, incremental: bool, classes=None):
        """``fit`` (a fresh network, or the last one with ``warm_start``) or ``partial_fit`` (one epoch more)."""
        fitted = hasattr(self, "model_")
        stage = "partial" if incremental and fitted else "warm" if self.warm_start and fitted else "fresh"
        self._check_params()
        X, y = self._validate(X, y, first=stage == "fresh")
        targets, n_outputs = self._targets(y, stage, classes)
        if stage == "fresh":
            self._start(n_outputs)
        elif stage == "warm":
            self._restart()
        self._best_weights = None
        if incremental or not self.early_stopping:
            self._train(X, targets, 1 if incremental else self.epochs, warn=not incremental)
        else:
            with network.own_stream(self):
                split_seed = int(nb.random.generator().integers(2**31))
            X_train, X_val, t_train, _, _, y_val = train_test_split(
                X,
                targets,
                y,
                test_size=self.validation_fraction,
                random_state=split_seed,
                stratify=self._strata(targets),
            )
            self._train(X_train, t_train, self.epochs, X_val, y_val)
        return self

    # --- predicting ----------------------------------------------------------------------------

    def _outputs(self, X, check_input: bool = True) -> np.ndarray:
        """The network's raw outputs for X, (n, n_outputs) float32, in inference mode; ``check_input=False``
        for X already validated (early stopping's validation set).

        The public methods return float64, as scikit-learn's estimators do (the network computes in float32).
        """
        check_is_fitted(self, "model_")
        if check_input:
            X = _float32(
                validate_data(self, X, reset=False, accept_sparse=("csr", "csc"), dtype=(np.float32, np.float64))
            )
        chunk = self._SPARSE_CHUNK if sparse.issparse(X) else max(X.shape[0], 1)
        with network.one_at_a_time(), nb.no_grad():
            parts = [self.model_(nb.from_numpy(_dense(X[i : i + chunk]))).numpy() for i in range(0, X.shape[0], chunk)]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    # --- scikit-learn's views of an MLP --------------------------------------------------------

    @property
    def coefs_(self) -> list[np.ndarray]:
        """The weight matrices of the network's Dense/Linear layers, (n_in, n_out) each, as MLPClassifier's."""
        check_is_fitted(self, "model_")
        return network.weight_matrices(self.model_)[0]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """The biases of the network's Dense/Linear layers, (n_out,) each, as MLPClassifier's."""
        check_is_fitted(self, "model_")
        return network.weight_matrices(self.model_)[1]

    @property
    def n_layers_(self) -> int:
        """The number of layers counting the input, as MLPClassifier's: ``len(coefs_) + 1``."""
        return len(self.coefs_) + 1

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # densified one batch at a time
        return tags

    # --- pickling ------------------------------------------------------------------------------

    def __getstate__(self):
        """The network travels as its weights (arrays) and is rebuilt on unpickling, the optimizer as its state."""
        state = dict(super().__getstate__())  # object.__getstate__ gives __dict__ itself, not a copy
        if "model_" in state:
            state["model_"] = {k: v.numpy().copy() for k, v in self.model_.state_dict().items()}
            state["optimizer_"] = self.optimizer_.state_dict()
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "model_" in state:
            weights, optimizer_state = state["model_"], state["optimizer_"]
            stream = state["_stream_"]
            self._stream_ = network.seed_state(0)
            with network.own_stream(self):  # the throwaway initial weights draw from a stream of their own
                self.model_ = self._built(self.n_features_in_, self.n_outputs_)
            self._stream_ = stream
            self.model_.load_state_dict(weights)
            self.model_.eval()
            self.optimizer_ = network.optimizer(self.optimizer, self.model_.parameters(), self.learning_rate)
            self.optimizer_.load_state_dict(optimizer_state)


def _float32(X):
    """Validated X as float32: a sparse matrix as CSR (rows are cheap to take), an array as it is."""
    return X.tocsr().astype(np.float32, copy=False) if sparse.issparse(X) else X.astype(np.float32, copy=False)


def _dense(rows) -> np.ndarray:
    """Rows of X as the dense array the network takes."""
    return rows.toarray() if sparse.issparse(rows) else rows
