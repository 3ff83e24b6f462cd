"""What a user of scikit-learn's MLPClassifier/MLPRegressor carries over to NablaClassifier/NablaRegressor,
checked against what scikit-learn's own MLPs do: early stopping keeps the best epoch, sparse and data-frame
inputs, multilabel targets, ``warm_start``, ``partial_fit``'s ``classes``, the fitted attributes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import require

require("sklearn")
require("scipy")
from scipy import sparse  # noqa: E402
from sklearn.datasets import make_classification, make_multilabel_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from nabla.sklearn import NablaClassifier, NablaRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def classes(n: int = 120, k: int = 3, seed: int = 0):
    return make_classification(n, 6, n_informative=4, n_classes=k, class_sep=2.0, random_state=seed)


def test_early_stopping_restores_the_best_epoch_when_the_epochs_run_out():
    """scikit-learn's MLPs restore the best validation epoch's weights however training ends."""
    X, y = make_regression(200, 5, noise=20.0, random_state=1)
    settings = dict(hidden_layer_sizes=(32,), early_stopping=True, n_iter_no_change=1000, learning_rate=0.05)
    full = NablaRegressor(epochs=40, random_state=0, **settings).fit(X, y / y.std())
    best = int(np.argmax(full.validation_scores_))
    assert best < len(full.validation_scores_) - 1, "the last epoch must not be the best for this test to bite"
    # The same run stopped at the best epoch: same split, same stream, so the same weights.
    truncated = NablaRegressor(epochs=best + 1, random_state=0, **settings).fit(X, y / y.std())
    assert truncated.validation_scores_ == full.validation_scores_[: best + 1]
    assert np.array_equal(full.predict(X), truncated.predict(X))


def test_early_stopping_on_a_data_frame_warns_nothing_about_feature_names():
    pd = require("pandas")
    X, y = classes()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NablaClassifier(early_stopping=True, epochs=5, random_state=0).fit(frame, y)
        clf.predict(frame)
    assert list(clf.feature_names_in_) == list(frame.columns)


def test_partial_fit_refuses_other_classes_on_a_later_call():
    X, y = classes()
    clf = NablaClassifier(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X, y, classes=[2, 1, 0])  # the same set, in any order
    with pytest.raises(ValueError, match=r"classes=\[0, 1\] is not the same as on the first call.*\[0, 1, 2\]"):
        clf.partial_fit(X, y, classes=[0, 1])


def test_a_one_epoch_fit_warns_as_max_iter_1_does():
    X, y = classes()
    for estimator in (MLPClassifier(max_iter=1), NablaClassifier(epochs=1)):
        with pytest.warns(ConvergenceWarning):
            estimator.fit(X, y)


def test_fitted_attributes_of_scikit_learns_mlps():
    X, y = classes()
    plain = NablaClassifier(epochs=5, random_state=0).fit(X, y)
    assert plain.validation_scores_ is None and plain.best_validation_score_ is None
    assert plain.best_loss_ == min(plain.loss_curve_)
    stopped = NablaClassifier(early_stopping=True, epochs=5, random_state=0).fit(X, y)
    assert stopped.best_loss_ is None and len(stopped.validation_scores_) == 5


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_inputs_fit_and_predict_as_their_dense_arrays(fmt):
    """MLPClassifier takes sparse matrices (a TfidfVectorizer's output); nabla densifies one batch at a time."""
    X, y = classes()
    X[np.abs(X) < 1.0] = 0.0
    X_sparse = sparse.random(1, 1).asformat(fmt).__class__(X)
    dense = NablaClassifier(hidden_layer_sizes=(8,), epochs=10, random_state=0).fit(X, y)
    sparse_fit = NablaClassifier(hidden_layer_sizes=(8,), epochs=10, random_state=0).fit(X_sparse, y)
    assert np.array_equal(sparse_fit.predict_proba(X_sparse), dense.predict_proba(X))
    assert np.array_equal(sparse_fit.predict_proba(X), dense.predict_proba(X))
    reg = NablaRegressor(epochs=5, random_state=0).fit(X_sparse, y.astype(float))
    assert np.array_equal(reg.predict(X_sparse), NablaRegressor(epochs=5, random_state=0).fit(X, y / 1.0).predict(X))


def test_multilabel_targets_as_mlpclassifier_takes_them():
    """A 0/1 indicator matrix: one sigmoid output per label, as MLPClassifier's multilabel mode."""
    X, Y = make_multilabel_classification(200, 8, n_classes=4, random_state=0)
    ours = NablaClassifier(hidden_layer_sizes=(32,), epochs=300, learning_rate=0.01, random_state=0).fit(X, Y)
    theirs = MLPClassifier(hidden_layer_sizes=(32,), max_iter=300, learning_rate_init=0.01, random_state=0).fit(X, Y)
    assert ours.classes_.tolist() == theirs.classes_.tolist() == [0, 1, 2, 3]
    predicted, proba = ours.predict(X), ours.predict_proba(X)
    assert predicted.shape == proba.shape == Y.shape and set(np.unique(predicted)) <= {0, 1}
    assert np.array_equal(predicted, (proba > 0.5).astype(predicted.dtype))
    np.testing.assert_allclose(np.exp(ours.predict_log_proba(X)), proba)
    assert ours.score(X, Y) >= theirs.score(X, Y) - 0.1 and ours.score(X, Y) > 0.6
    ours.partial_fit(X, Y)  # continues with the same labels
    with pytest.raises(ValueError, match="labels"):
        ours.partial_fit(X, Y[:, :3])


def test_several_multiclass_targets_are_refused_with_the_way_out():
    X, y = classes()
    with pytest.raises(ValueError, match="MultiOutputClassifier"):
        NablaClassifier(epochs=2).fit(X, np.stack([y, 2 - y], axis=1))


def test_warm_start_continues_from_the_previous_fit():
    X, y = classes()
    cold = NablaClassifier(hidden_layer_sizes=(8,), epochs=5, random_state=0).fit(X, y)
    warm = NablaClassifier(hidden_layer_sizes=(8,), epochs=5, random_state=0, warm_start=True).fit(X, y)
    assert np.array_equal(warm.predict_proba(X), cold.predict_proba(X))  # the first fit starts afresh
    before = [w.copy() for w in (v.numpy() for v in warm.model_.state_dict().values())]
    warm.set_params(learning_rate=0.01).fit(X, y)
    assert warm.n_iter_ == 10 and len(warm.loss_curve_) == 10
    assert warm.optimizer_.param_groups[0]["lr"] == 0.01  # a fresh optimizer, as MLPClassifier's warm start
    cold.fit(X, y)
    assert not np.array_equal(warm.predict_proba(X), cold.predict_proba(X))
    assert any(not np.array_equal(a, b.numpy()) for a, b in zip(before, warm.model_.state_dict().values()))
    with pytest.raises(ValueError, match="warm_start.*same classes"):
        warm.fit(X[y < 2], y[y < 2])


def test_momentum_is_sgd_with_0_9_as_in_nabla_train():
    clf = NablaClassifier(optimizer="momentum", epochs=2, random_state=0).fit(*classes())
    group = clf.optimizer_.param_groups[0]
    assert type(clf.optimizer_).__name__ == "SGD" and group["momentum"] == 0.9


def test_a_network_instance_as_model_is_copied_at_each_fit():
    """Keras's SKLearnClassifier takes a model instance (and clones it): so does ``model=`` here, untouched."""
    from nabla import layers, models, nn

    X, y = classes()
    keras_style = models.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
    torch_style = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))
    before = [p.detach().numpy().copy() for p in torch_style.parameters()]
    for network in (keras_style, torch_style):
        fits = [NablaClassifier(model=network, epochs=10, random_state=0).fit(X, y) for _ in range(2)]
        assert fits[0].model_ is not network and np.array_equal(fits[0].predict_proba(X), fits[1].predict_proba(X))
    assert all(np.array_equal(a, p.detach().numpy()) for a, p in zip(before, torch_style.parameters()))


@pytest.mark.parametrize("x_scale, y_scale", [(1.0, 1e25), (1e30, 1.0)])
def test_values_too_large_for_float32_training_get_one_clear_error(x_scale, y_scale):
    """MLPRegressor refuses a fit that leaves non-finite weights; nabla trains in float32, where this comes
    sooner: the fit stops at the first non-finite loss and says to scale, without NumPy's overflow warnings."""
    rng = np.random.default_rng(0)
    X, y = x_scale * rng.standard_normal((50, 3)), y_scale * rng.standard_normal(50)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=r"loss became (inf|nan) at epoch 1.*StandardScaler"):
            NablaRegressor(epochs=5).fit(X, y)


def test_partial_fit_after_an_early_stopping_fit_continues():
    X, y = make_regression(100, 4, random_state=0)
    reg = NablaRegressor(early_stopping=True, epochs=5, random_state=0).fit(X, y / y.std())
    reg.partial_fit(X, y / y.std())
    assert reg.n_iter_ == 6 and reg.best_loss_ is None


def test_coefs_and_intercepts_as_mlpclassifier_lays_them_out():
    """scikit-learn's MLP examples read ``coefs_[0]`` (e.g. to draw MNIST's first-layer weights)."""
    X, y = classes()
    ours = NablaClassifier(hidden_layer_sizes=(16, 8), epochs=5, random_state=0).fit(X, y)
    theirs = MLPClassifier(hidden_layer_sizes=(16, 8), max_iter=5, random_state=0).fit(X, y)
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_] == [(6, 16), (16, 8), (8, 3)]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in theirs.intercepts_]
    assert ours.n_layers_ == theirs.n_layers_ == 4
    # The forward pass written with them gives predict_proba.
    h = X
    for W, b in zip(ours.coefs_[:-1], ours.intercepts_[:-1]):
        h = np.maximum(h @ W + b, 0)
    logits = h @ ours.coefs_[-1] + ours.intercepts_[-1]
    expected = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(ours.predict_proba(X), expected / expected.sum(1, keepdims=True), rtol=1e-5, atol=1e-6)
    torch_style = NablaClassifier(model=lambda n, k: __import__("nabla").nn.Linear(n, k), epochs=2).fit(X, y)
    assert [c.shape for c in torch_style.coefs_] == [(6, 3)]
    with pytest.raises(AttributeError):
        NablaClassifier().coefs_
