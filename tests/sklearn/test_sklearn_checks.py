"""NablaClassifier and NablaRegressor pass scikit-learn's estimator checks, with no expected failure.

Keras 3's wrappers (``keras/src/wrappers/sklearn_test.py``, Keras 3.15) list eight expected failures for
``SKLearnClassifier`` and one for ``SKLearnRegressor``:

==================================================  ============================================  =========
check                                               Keras's reason                                nabla
==================================================  ============================================  =========
check_classifiers_regression_target                 "not an issue in sklearn>=1.6"                passes
check_parameters_default_constructible (both)       "not an issue in sklearn>=1.6"                passes
check_classifiers_one_label_sample_weights          "0 sample weight is not ignored"              not run:
                                                                                                  no sample_weight
check_classifiers_classes                           "returns not all classes sometimes"           passes
check_classifier_data_not_an_array                  "assumes reproducibility in fit"              passes
check_supervised_y_2d                               "assumes reproducibility in fit"              passes
check_fit_idempotent                                "assumes reproducibility in fit"              passes
check_classifiers_train                             "decision_function can return logits"         passes
==================================================  ============================================  =========

nabla needs none: ``random_state`` makes ``fit`` reproducible bit for bit, and the networks train to
scikit-learn's accuracy thresholds with the default hyper-parameters. The estimators take no
``sample_weight``, so the sample-weight checks are not generated for them (as for MLPClassifier before
scikit-learn 1.7).

Every generated check must run: a check that skips (scikit-learn skips some when an optional package is
missing, such as pandas) fails here, but for the one in ``NOT_APPLICABLE`` (the estimators, as scikit-learn's
MLPs, have no ``decision_function``), and the number of checks is asserted, so that a green run cannot
hide a check that never ran. The array-API check needs ``SCIPY_ARRAY_API=1``, which is set for it.
Both take sparse matrices and the classifier multilabel targets, as MLPClassifier: their checks run too.
"""

from __future__ import annotations

import unittest
import warnings

import pytest
from conftest import require

require("sklearn")
require("pandas")  # some checks pass data frames
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from nabla.sklearn import NablaClassifier, NablaRegressor  # noqa: E402

EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {"NablaClassifier": {}, "NablaRegressor": {}}

#: Checks that skip themselves because they are about a method the estimators do not have, with why.
NOT_APPLICABLE = {
    "check_classifiers_multilabel_output_format_decision_function": "no decision_function, as MLPClassifier",
}

#: How many checks scikit-learn generates for each (scikit-learn 1.9); at least these must run.
AT_LEAST = {"NablaClassifier": 59, "NablaRegressor": 53}

CHECKS = parametrize_with_checks(
    [NablaClassifier(), NablaRegressor()],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS[type(estimator).__name__],
)


def _name(check) -> str:
    return getattr(check, "func", check).__name__


@CHECKS
def test_scikit_learn_estimator_checks(estimator, check, monkeypatch):
    if _name(check) == "check_array_api_input":
        monkeypatch.setenv("SCIPY_ARRAY_API", "1")  # read when the check enables array-API dispatch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the checks' tiny data sets; not what is checked
        try:
            check(estimator)
        except unittest.SkipTest as skip:  # scikit-learn's way of not running a check
            if _name(check) in NOT_APPLICABLE:
                pytest.skip(NOT_APPLICABLE[_name(check)])
            pytest.fail(f"{_name(check)} did not run: {skip}")


def test_the_number_of_checks():
    estimators, _ = zip(*CHECKS.args[1])
    counts = {name: sum(type(e).__name__ == name for e in estimators) for name in AT_LEAST}
    assert all(counts[name] >= AT_LEAST[name] for name in AT_LEAST), counts
    assert all(not expected for expected in EXPECTED_FAILED_CHECKS.values())
