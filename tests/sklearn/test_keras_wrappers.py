"""Keras 2's ``keras.wrappers.scikit_learn`` (``KerasClassifier(build_fn=..., epochs=...)``, ``KerasRegressor``),
which course material written for Keras 2 hands to scikit-learn's ``cross_val_score`` and ``GridSearchCV``.

TensorFlow dropped the wrappers in 2.12, so there is no library to run beside them: each behaviour of
TensorFlow 2.11's wrapper (its source is the specification) is checked against the same model trained by
hand with the same seed, and against scikit-learn's own machinery (``clone``, ``cross_val_score``,
``GridSearchCV``, ``Pipeline``)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla as nb
import nabla.keras as keras
import nabla.keras as nk

sklearn = require("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from nabla.keras.wrappers.scikit_learn import KerasClassifier, KerasRegressor  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.standard_normal((60, 4)).astype(np.float32)
LABELS = np.array(["cat", "dog", "eel"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)]


def three_classes(units=8, loss="categorical_crossentropy"):
    model = keras.Sequential([keras.layers.Dense(units, input_dim=4, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])  # fmt: skip
    model.compile(loss=loss, optimizer="adam", metrics=["accuracy"])
    return model


def by_hand(y, loss="categorical_crossentropy", epochs=3):
    """The wrapper's model trained directly, with the seed the wrapper's fit starts from."""
    nb.manual_seed(5)
    model = three_classes(loss=loss)
    model.fit(X, y, epochs=epochs, batch_size=8, verbose=0)
    return model


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_classifier_maps_labels_to_classes_and_back(loss):
    estimator = KerasClassifier(build_fn=three_classes, loss=loss, epochs=3, batch_size=8, verbose=0)
    nb.manual_seed(5)
    estimator.fit(X, LABELS)
    indices = np.searchsorted(np.unique(LABELS), LABELS)
    model = by_hand(keras.utils.to_categorical(indices) if loss == "categorical_crossentropy" else indices, loss)
    proba = model.predict(X, verbose=0)
    assert list(estimator.classes_) == ["cat", "dog", "eel"] and estimator.n_classes_ == 3
    np.testing.assert_array_equal(estimator.predict_proba(X), proba)
    np.testing.assert_array_equal(estimator.predict(X), estimator.classes_[proba.argmax(-1)])
    expected = model.evaluate(X, indices if loss != "categorical_crossentropy" else keras.utils.to_categorical(indices),
                              verbose=0, return_dict=True)["accuracy"]  # fmt: skip
    assert estimator.score(X, LABELS) == pytest.approx(expected)


def test_one_hot_targets_and_a_sigmoid_output():
    def binary():
        model = keras.Sequential([keras.layers.Dense(1, input_shape=(4,), activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["acc"])
        return model

    estimator = KerasClassifier(build_fn=binary, epochs=1, verbose=0)
    history = estimator.fit(X, (X[:, 0] > 0).astype(int))  # (Keras 2's fit returns the History)
    assert list(history.history) == ["acc", "loss"]
    p = estimator.model.predict(X, verbose=0)
    np.testing.assert_array_equal(estimator.predict_proba(X), np.hstack([1 - p, p]))
    np.testing.assert_array_equal(estimator.predict(X), (p[:, 0] > 0.5).astype(int))
    one_hot = KerasClassifier(build_fn=three_classes, epochs=1, verbose=0)
    one_hot.fit(X, keras.utils.to_categorical(np.searchsorted(np.unique(LABELS), LABELS)))
    assert list(one_hot.classes_) == [0, 1, 2]


def test_cross_val_score_is_a_loop_of_fits_by_hand():
    estimator = KerasClassifier(build_fn=three_classes, epochs=2, batch_size=8, verbose=0)
    folds = KFold(n_splits=3)
    nb.manual_seed(11)
    scores = cross_val_score(estimator, X, LABELS, cv=folds)
    nb.manual_seed(11)
    expected = []
    for train, test in folds.split(X):
        copy = clone(estimator)
        copy.fit(X[train], LABELS[train])
        expected.append(copy.score(X[test], LABELS[test]))
    np.testing.assert_allclose(scores, expected)


def test_grid_search_and_pipeline_use_the_parameters():
    grid = GridSearchCV(KerasClassifier(build_fn=three_classes, verbose=0), {"units": [2, 6], "epochs": [1]}, cv=2)
    grid.fit(X, LABELS)
    assert (
        grid.best_params_["units"] in (2, 6)
        and grid.best_estimator_.model.layers[0].units == grid.best_params_["units"]
    )

    def regression():
        model = keras.Sequential([keras.layers.Dense(1, input_shape=(4,))])
        model.compile(loss="mean_squared_error", optimizer="sgd")
        return model

    pipeline = Pipeline(
        [("scale", StandardScaler()), ("mlp", KerasRegressor(build_fn=regression, epochs=2, verbose=0))]
    )
    target = X[:, 0] * 2.0
    pipeline.fit(X, target)
    regressor = pipeline.named_steps["mlp"]
    scaled = pipeline.named_steps["scale"].transform(X)
    assert pipeline.score(X, target) == pytest.approx(-regressor.model.evaluate(scaled, target, verbose=0))
    np.testing.assert_array_equal(pipeline.predict(X), regressor.model.predict(scaled, verbose=0)[:, 0])


def test_parameters_are_checked_and_cloned():
    with pytest.raises(ValueError, match="epoch is not a legal parameter"):
        KerasClassifier(build_fn=three_classes, epoch=3)
    estimator = KerasClassifier(build_fn=three_classes, epochs=4, units=5)
    assert estimator.get_params() == {"build_fn": three_classes, "epochs": 4, "units": 5}
    assert clone(estimator).set_params(units=7).get_params()["units"] == 7
    with pytest.raises(ValueError, match="accuracy"):
        model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,), activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
        estimator = KerasClassifier(build_fn=lambda: model, epochs=1, verbose=0)
        estimator.fit(X, LABELS)
        estimator.score(X, LABELS)


def test_found_under_tf_keras_and_keras_3_s_names_say_what_to_use():
    import nabla.tf as tf

    assert tf.keras.wrappers.scikit_learn.KerasClassifier is KerasClassifier
    with pytest.raises(AttributeError, match="keras.wrappers.scikit_learn Keras 2's KerasClassifier"):
        keras.wrappers.KerasClassifier  # noqa: B018


# --- Keras 3's keras.wrappers: SKLearnClassifier, SKLearnRegressor, SKLearnTransformer -----------------------

XC = RNG.standard_normal((45, 5)).astype(np.float32)
YC = (XC[:, 0] > 0).astype(int) + (XC[:, 1] > 0.3).astype(int)


def dynamic_model(k):
    """Keras 3's docstring example (a model built from the data's shapes), with fixed initial weights."""

    def build(X, y, loss, units=6):
        inputs = k.Input((X.shape[1],))
        hidden = k.layers.Dense(units, activation="relu", kernel_initializer=k.initializers.Constant(0.1))(inputs)
        outputs = k.layers.Dense(y.shape[1], activation="softmax", kernel_initializer=k.initializers.Constant(0.05))
        model = k.Model(inputs, outputs(hidden))
        model.compile(loss=loss, optimizer="sgd")
        return model

    return build


def linear(k, units=1):
    def build(X, y):
        model = k.Sequential([k.Input((X.shape[1],)), k.layers.Dense(units, kernel_initializer="ones")])
        model.compile(loss="mse", optimizer="sgd")
        return model

    return build


def test_keras_3_wrappers_give_keras_s_numbers(keras):
    runs = []
    for k in (nk, keras):
        fit = {"epochs": 3, "batch_size": 45, "shuffle": False, "verbose": 0}
        classifier = k.wrappers.SKLearnClassifier(
            model=dynamic_model(k), model_kwargs={"loss": "categorical_crossentropy"}, fit_kwargs=fit
        ).fit(XC, np.array(["a", "b", "c"])[YC])
        regressor = k.wrappers.SKLearnRegressor(model=linear(k), fit_kwargs=fit).fit(XC, XC[:, 0])
        transformer = k.wrappers.SKLearnTransformer(model=linear(k), fit_kwargs=fit).fit(XC, XC[:, 1])
        runs.append([
            classifier.classes_, classifier.predict(XC), classifier.decision_function(XC),
            classifier.score(XC, np.array(["a", "b", "c"])[YC]), regressor.predict(XC), regressor.score(XC, XC[:, 0]),
            transformer.transform(XC), classifier.n_features_in_,
        ])  # fmt: skip
    for ours, theirs in zip(*runs):
        if np.asarray(theirs).dtype.kind in "US":
            np.testing.assert_array_equal(ours, theirs)
        else:
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_keras_3_wrappers_check_the_model_and_the_target(keras):
    model = nk.Sequential([nk.Input((5,)), nk.layers.Dense(3, activation="softmax")])
    with pytest.raises(RuntimeError, match="needs to be compiled"):
        nk.wrappers.SKLearnClassifier(model=model).fit(XC, YC, verbose=0)
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    fitted = nk.wrappers.SKLearnClassifier(model=model).fit(XC, YC, verbose=0)
    assert fitted.model_ is not model and fitted.model_.compiled  # (a clone, compiled alike, as Keras's)
    with pytest.raises(ValueError, match="Only binary and multiclass target types are supported"):
        nk.wrappers.SKLearnClassifier(model=model).fit(XC, XC[:, 0], verbose=0)


def test_keras_3_wrappers_clone_with_their_fit_arguments():
    estimator = nk.wrappers.SKLearnClassifier(
        model=dynamic_model(nk), model_kwargs={"loss": "categorical_crossentropy"},
        fit_kwargs={"epochs": 2, "verbose": 0},
    )  # fmt: skip
    scores = cross_val_score(estimator, XC, YC, cv=3)
    assert scores.shape == (3,) and clone(estimator).get_params()["fit_kwargs"] == {"epochs": 2, "verbose": 0}
