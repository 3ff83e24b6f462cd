"""``keras.datasets.boston_housing``: the Boston housing prices, Keras's regression dataset (Chollet's chapter 4)."""

from __future__ import annotations

from ._housing import check_test_split, read_table, split
from ._images import Split


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113) -> tuple[Split, Split]:
    """Boston housing: 506 suburbs, 13 features (crime rate, rooms per dwelling...), the median home value in $1000s.

    Args:
        path: accepted for Keras's signature and not used (nabla keeps the file in its data folder).
        test_split: the fraction of rows held out for testing, in [0, 1).
        seed: the shuffle's seed, Keras's default 113.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``(404, 13)``, ``(404,)``, ``(102, 13)``, ``(102,)`` with
        the defaults, as Keras gives them.

    Raises:
        nabla.datasets.DatasetError: the file is missing and cannot be downloaded (offline, read-only
            folder), or it is damaged; the message names the file and where to put it.

    Example::

        >>> (x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
        >>> mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    """
    check_test_split(test_split)
    return split(*read_table("boston_housing.npz"), test_split, seed)
