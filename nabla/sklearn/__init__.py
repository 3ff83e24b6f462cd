"""``nabla.sklearn``: nabla networks as scikit-learn estimators, ``NablaClassifier`` and ``NablaRegressor``.

::

    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from nabla.sklearn import NablaClassifier

    clf = make_pipeline(StandardScaler(), NablaClassifier(hidden_layer_sizes=(64,), random_state=0))
    clf.fit(X_train, y_train).score(X_test, y_test)

They follow scikit-learn's conventions (hyper-parameters in ``__init__``, ``fit``/``predict``/
``score``/``partial_fit``, fitted attributes ending in ``_``, cloning, pickling), and pass its
``check_estimator`` suite. ``random_state`` makes ``fit`` reproducible bit for bit. Needs
scikit-learn (``pip install 'nabla[sklearn]'``).
"""

try:
    import sklearn  # noqa: F401
except ImportError:
    raise ImportError("nabla.sklearn needs scikit-learn: pip install 'nabla[sklearn]'") from None

from .classifier import NablaClassifier
from .regressor import NablaRegressor

__all__ = ["NablaClassifier", "NablaRegressor"]
