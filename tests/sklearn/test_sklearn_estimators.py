"""NablaClassifier and NablaRegressor as a scikit-learn user meets them: reproducibility, partial_fit,
pickling, networks of your own, early stopping, pipelines, grid search and cross-validation, bad input."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from conftest import require

require("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import nabla as nb  # noqa: E402
from nabla import layers, models, nn  # noqa: E402
from nabla.sklearn import NablaClassifier, NablaRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def classes(n: int = 120, k: int = 3, seed: int = 0):
    return make_classification(n, 6, n_informative=4, n_classes=k, class_sep=2.0, random_state=seed)


def weights(estimator) -> list[np.ndarray]:
    return [v.numpy() for v in estimator.model_.state_dict().values()]


def test_random_state_makes_fit_reproducible_bit_for_bit():
    X, y = classes()
    a = NablaClassifier(hidden_layer_sizes=(8, 8), epochs=20, random_state=7).fit(X, y)
    b = NablaClassifier(hidden_layer_sizes=(8, 8), epochs=20, random_state=7).fit(X, y)
    c = NablaClassifier(hidden_layer_sizes=(8, 8), epochs=20, random_state=8).fit(X, y)
    assert all(np.array_equal(u, v) for u, v in zip(weights(a), weights(b)))
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X)) and a.loss_curve_ == b.loss_curve_
    assert not np.array_equal(weights(a)[0], weights(c)[0])
    # Refitting the same estimator gives the same network again.
    first = a.predict_proba(X)
    assert np.array_equal(a.fit(X, y).predict_proba(X), first)


def test_fit_leaves_nablas_generator_alone_and_none_follows_manual_seed():
    X, y = classes()
    nb.manual_seed(3)
    expected = nb.rand(4).numpy()
    nb.manual_seed(3)
    NablaClassifier(epochs=3, random_state=0).fit(X, y)
    assert np.array_equal(nb.rand(4).numpy(), expected)
    runs = []
    for _ in range(2):
        nb.manual_seed(5)
        runs.append(NablaRegressor(epochs=3).fit(X, y.astype(float)).predict(X))
    assert np.array_equal(*runs)


def test_fits_in_threads_take_turns_and_stay_reproducible():
    from concurrent.futures import ThreadPoolExecutor

    X, y = classes()
    fits_done = NablaClassifier(epochs=15, random_state=4).fit(X, y)
    alone = fits_done.predict_proba(X)
    with ThreadPoolExecutor(4) as pool:  # fits beside predictions: nabla's no_grad is process-wide
        fits = pool.map(lambda _: NablaClassifier(epochs=15, random_state=4).fit(X, y).predict_proba(X), range(4))
        predictions = pool.map(lambda _: fits_done.predict_proba(X), range(40))
    assert all(np.array_equal(p, alone) for p in fits)
    assert all(np.array_equal(p, alone) for p in predictions)


def test_dropout_in_a_network_of_your_own_draws_from_the_estimators_stream():
    def network(n_features, n_outputs):
        return models.Sequential(
            [
                layers.Input((n_features,)),
                layers.Dense(16, activation="tanh"),
                layers.Dropout(0.3),
                layers.Dense(n_outputs),
            ]
        )

    X, y = classes()
    fits = [NablaClassifier(model=network, epochs=10, random_state=1).fit(X, y) for _ in range(2)]
    assert np.array_equal(fits[0].predict_proba(X), fits[1].predict_proba(X))
    assert isinstance(fits[0].model_.layers[1], layers.Dropout)


def test_an_nn_module_network_and_a_wrong_output_width():
    X, y = classes()
    clf = NablaClassifier(model=lambda n, k: nn.Sequential(nn.Linear(n, 8), nn.ReLU(), nn.Linear(8, k)), epochs=5)
    assert clf.fit(X, y).predict_proba(X).shape == (len(X), 3)
    bad = NablaClassifier(model=lambda n, k: nn.Sequential(nn.Linear(n, 2)))
    with pytest.raises(ValueError, match=r"expected \(3,\)"):
        bad.fit(X, y)


def test_partial_fit_continues_one_epoch_at_a_time():
    X, y = classes()
    clf = NablaClassifier(hidden_layer_sizes=(16,), learning_rate=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    for _ in range(30):
        clf.partial_fit(X[:60], y[:60], classes=[0, 1, 2])
        clf.partial_fit(X[60:], y[60:])
    assert clf.n_iter_ == 60 and clf.t_ == 60 * 60
    assert clf.loss_curve_[-1] < 0.5 * clf.loss_curve_[0]
    assert clf.score(X, y) > 0.9
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X[:5], np.full(5, 7))


def test_clone_gives_the_same_unfitted_estimator():
    clf = NablaClassifier(hidden_layer_sizes=(4, 2), activation="tanh", random_state=3).fit(*classes())
    copy = clone(clf)
    assert copy.get_params() == clf.get_params() and not hasattr(copy, "model_")


def test_pickling_keeps_predictions_and_partial_fit_continues_identically():
    X, y = classes()
    clf = NablaClassifier(hidden_layer_sizes=(8,), epochs=5, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.get_params() == clf.get_params() and np.array_equal(restored.classes_, clf.classes_)
    # The optimizer's state and the random stream travel too: both continue the same run.
    clf.partial_fit(X, y)
    restored.partial_fit(X, y)
    assert np.array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert isinstance(clf.model_, models.Sequential)  # pickling did not touch the original


def test_early_stopping_keeps_the_best_validation_epoch():
    X, y = make_regression(300, 5, noise=5.0, random_state=0)
    reg = NablaRegressor(hidden_layer_sizes=(32,), early_stopping=True, n_iter_no_change=5, epochs=500, random_state=0)
    reg.fit(X, y / y.std())
    assert reg.n_iter_ < 500 and len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ == max(reg.validation_scores_) > 0.9


def test_regressor_shapes_and_float64_predictions():
    X, y = make_regression(80, 4, n_targets=2, random_state=0)
    reg = NablaRegressor(epochs=5).fit(X, y / 100)
    assert reg.predict(X).shape == (80, 2) and reg.predict(X).dtype == np.float64
    assert NablaRegressor(epochs=5).fit(X, y[:, :1] / 100).predict(X).shape == (80,)


def test_binary_classification_has_one_logit_and_consistent_probabilities():
    X, y = classes(k=2)
    clf = NablaClassifier(epochs=30, random_state=0).fit(X, np.where(y == 1, "yes", "no"))
    assert clf.model_.layers[-1].units == 1 and clf.classes_.tolist() == ["no", "yes"]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba)


def test_bad_input_gets_scikit_learns_messages():
    X, y = classes()
    with pytest.raises(NotFittedError):
        NablaClassifier().predict(X)
    X_nan = X.copy()
    X_nan[3, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        NablaClassifier().fit(X_nan, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        NablaClassifier().fit(X, y + 0.5)
    clf = NablaClassifier(epochs=2).fit(X, y)
    with pytest.raises(ValueError, match="X has 5 features, but NablaClassifier is expecting 6"):
        clf.predict(X[:, :5])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"activation": "swoosh"}, "unknown activation"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": "big"}, "batch_size"),
        ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes"),
        ({"random_state": "x"}, "random_state"),
        ({"early_stopping": True, "validation_fraction": 1.5}, "validation_fraction"),
    ],
)
def test_bad_hyper_parameters_are_refused_at_fit(params, message):
    clf = NablaClassifier(**params)  # as scikit-learn does: __init__ only stores
    with pytest.raises(ValueError, match=message):
        clf.fit(*classes())


def test_in_a_pipeline_with_cross_validation_and_grid_search():
    X, y = classes(200)
    pipe = make_pipeline(StandardScaler(), NablaClassifier(epochs=30, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8
    grid = {"nablaclassifier__hidden_layer_sizes": [(16,), (64,)]}
    results = []
    for n_jobs in (1, 2):
        search = GridSearchCV(pipe, grid, cv=3, n_jobs=n_jobs).fit(X, y)
        results.append(search.cv_results_["mean_test_score"])
        assert search.best_estimator_.score(X, y) > 0.8
    # Each fit is reproducible, in this process or in a worker: the two searches agree exactly.
    assert np.array_equal(*results)


def test_the_trained_network_exports_to_onnx():
    ort = require("onnxruntime")
    require("onnx")
    import nabla.onnx

    X, y = classes()
    clf = NablaClassifier(hidden_layer_sizes=(8,), activation="gelu", epochs=10, random_state=0).fit(X, y)
    proto = nabla.onnx.export(clf.model_)
    logits = ort.InferenceSession(proto.SerializeToString()).run(None, {"input": X.astype(np.float32)})[0]
    np.testing.assert_allclose(nb.softmax(nb.from_numpy(logits), axis=1).numpy(), clf.predict_proba(X), atol=1e-6)


def test_convergence_warning_as_scikit_learn_gives_it():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        NablaClassifier(epochs=2).fit(*classes())
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
