"""On real data, in a Pipeline with StandardScaler, nabla's estimators match scikit-learn's own MLPs of the
same architecture and training settings (Adam, learning rate 1e-3, alpha 1e-4, batches of 200, at most 200
epochs with the same stopping rule):

* digits (1,797 8x8 images, 30% held out, stratified): a 64-unit ReLU layer; nabla's test accuracy within
  2 points of MLPClassifier's (measured: 0.972-0.981 for nabla, 0.974-0.978 for scikit-learn, seeds 0-2);
* Fish Market weight (159 fish, 25% held out, targets standardised by TransformedTargetRegressor): 64-32
  ReLU layers; nabla's mean test R^2 over three seeds within 0.05 of MLPRegressor's (measured: 0.94 for
  nabla, 0.90 for scikit-learn).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FISH_FILES, real_data, require

require("sklearn")
from sklearn.compose import TransformedTargetRegressor  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import nabla as nb  # noqa: E402
from nabla.sklearn import NablaClassifier, NablaRegressor  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.DataConversionWarning"),  # MLPRegressor in TTR
]


def test_digits_classifier_matches_mlpclassifier():
    X, y = nb.datasets.digits(flatten=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    scores = {}
    for est in (MLPClassifier(hidden_layer_sizes=(64,), random_state=0), NablaClassifier((64,), random_state=0)):
        pipe = make_pipeline(StandardScaler(), est).fit(X_train, y_train)
        scores[type(est).__name__] = pipe.score(X_test, y_test)
    assert scores["NablaClassifier"] >= scores["MLPClassifier"] - 0.02, scores
    assert scores["NablaClassifier"] > 0.95, scores


def test_fish_market_regressor_matches_mlpregressor():
    real_data(*FISH_FILES)
    X, y, _ = nb.datasets.fish_market()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    scores = {}
    for cls, budget in ((MLPRegressor, "max_iter"), (NablaRegressor, "epochs")):
        r2 = []
        for seed in range(3):
            net = cls(hidden_layer_sizes=(64, 32), random_state=seed, **{budget: 1000})
            model = TransformedTargetRegressor(make_pipeline(StandardScaler(), net), transformer=StandardScaler())
            r2.append(model.fit(X_train, y_train).score(X_test, y_test))
        scores[cls.__name__] = float(np.mean(r2))
    assert scores["NablaRegressor"] >= scores["MLPRegressor"] - 0.05, scores
    assert scores["NablaRegressor"] > 0.85, scores
