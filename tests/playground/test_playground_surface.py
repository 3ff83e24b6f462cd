"""The loss surface of the two-weight model and the optimizers' paths, checked by hand and by scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

from nabla.playground import PlaygroundError, Session
from nabla.playground.frames import decode
from nabla.playground.surface import GRID, surface_message, two_weight_problem


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_the_surface_is_the_mean_binary_cross_entropy_of_the_training_points():
    require("sklearn")
    from sklearn.metrics import log_loss

    session = Session({"dataset": "moons", "lr": 0.1})
    message = surface_message(session, [1.0, -2.0], 5)
    A, t, loss, _ = two_weight_problem(session)
    assert loss == "bce" and len(t) == len(session.data.train)
    surface = decode(message["surface"]).reshape(GRID, GRID)
    low, high = message["bounds"]
    axis = np.linspace(low, high, GRID)
    for row, col in ((0, 0), (10, 45), (GRID - 1, 30)):
        w = np.array([axis[col], axis[::-1][row]])
        assert surface[row, col] == pytest.approx(log_loss(t, sigmoid(A @ w), labels=[0, 1]), rel=1e-4)


def test_sgds_first_step_is_the_start_minus_the_learning_rate_times_the_gradient():
    session = Session({"dataset": "circles", "lr": 0.5, "batch_size": 2000})  # full batch: no noise
    message = surface_message(session, [2.0, 3.0], 3)
    A, t, _, _ = two_weight_problem(session)
    w = np.array([2.0, 3.0])
    gradient = A.T @ (sigmoid(A @ w) - t) / len(t)
    paths = {p["optimizer"]: p for p in message["paths"]}
    np.testing.assert_allclose(paths["sgd"]["points"][1], w - 0.5 * gradient, rtol=1e-5)
    np.testing.assert_allclose(paths["momentum"]["points"][1], paths["sgd"]["points"][1], rtol=1e-6)  # v0 = g
    assert set(paths) == {"sgd", "momentum", "rmsprop", "adagrad", "adam"}
    assert all(len(p["points"]) == 4 and len(p["losses"]) == 4 for p in paths.values())
    assert paths["sgd"]["losses"][-1] < paths["sgd"]["losses"][0]


def test_regression_in_1d_fits_a_slope_and_an_intercept_with_squared_error():
    session = Session({"dataset": "sine", "features": ["x1"], "lr": 0.05, "batch_size": 2000})
    A, t, loss, formula = two_weight_problem(session)
    assert loss == "mse" and formula == "o = w1·x + w2" and np.all(A[:, 1] == 1)
    message = surface_message(session, [0.0, 0.0], 200)
    best = np.linalg.lstsq(A, t, rcond=None)[0]
    adam = next(p for p in message["paths"] if p["optimizer"] == "adam")
    np.testing.assert_allclose(adam["points"][-1], best, atol=0.05)


def test_a_path_that_explodes_is_stopped_and_marked():
    session = Session({"dataset": "sine", "features": ["x1"], "lr": 10.0, "batch_size": 2000})
    sgd = next(p for p in surface_message(session, [3.0, 3.0], 100)["paths"] if p["optimizer"] == "sgd")
    assert sgd["diverged"] and len(sgd["points"]) < 101


@pytest.mark.parametrize("start", [[1.0], "here", [float("nan"), 0.0], [1e9, 0.0], [True, 0]])
def test_bad_starts_are_refused(start):
    with pytest.raises(PlaygroundError):
        surface_message(Session({}), start, 10)


def test_the_minimum_is_where_scikit_learn_fits_the_same_model():
    require("sklearn")
    from sklearn.linear_model import LogisticRegression

    session = Session({"dataset": "blobs", "classes": 3, "noise": 0.6})
    A, t, _, _ = two_weight_problem(session)
    message = surface_message(session, [0.0, 0.0], 1)
    fitted = LogisticRegression(fit_intercept=False, C=1e8, tol=1e-10, max_iter=10_000).fit(A, t)
    np.testing.assert_allclose(message["minimum"], fitted.coef_[0], rtol=1e-3)
    low, high = message["bounds"]
    assert low <= min(message["minimum"]) and max(message["minimum"]) <= high
