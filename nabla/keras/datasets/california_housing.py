"""``keras.datasets.california_housing``: California house prices by census block group (1990), for regression."""

from __future__ import annotations

from ._housing import check_test_split, read_table, split
from ._images import Split


def load_data(version: str = "large", path: str = "california_housing.npz", test_split: float = 0.2,
                         seed: int = 113) -> tuple[Split, Split]:  # fmt: skip
    """California housing (1990 census): 20,640 block groups, 8 features, the median house value in dollars.

    Args:
        version: ``"large"`` (all 20,640 rows) or ``"small"`` (the first 600, as Keras's quick version).
        path: accepted for Keras's signature and not used.
        test_split: the fraction of rows held out for testing, in [0, 1).
        seed: the shuffle's seed, Keras's default 113.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` as Keras gives them: ``(16512, 8)`` and ``(4128, 8)``
        for the large version, ``(480, 8)`` and ``(120, 8)`` for the small.
    """
    check_test_split(test_split)
    if version not in ("large", "small"):
        raise ValueError(f"california_housing.load_data: version must be 'large' or 'small', got {version!r}")
    x, y = read_table("california_housing.npz")
    if version == "small":
        x, y = x[:600], y[:600]
    return split(x, y, test_split, seed)
