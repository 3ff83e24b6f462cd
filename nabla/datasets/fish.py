"""The Fish Market table: 159 fish of 7 species from lake Laengelmavesi (1917), for regression or classification.

Read from ``<data folder>/fish/Fish.csv`` (see :mod:`nabla.datasets.cache`). The
file has no canonical download URL: get the CSV of Kaggle's "Fish market" dataset
(159 rows; columns Species, Weight, Length1, Length2, Length3, Height, Width) and
put it at that path, or point ``NABLA_DATA_DIR`` at a folder whose ``fish/``
holds it. When it is missing the error says the same.
"""

from __future__ import annotations

import csv
import io
import os
from typing import Literal

import numpy as np

from .cache import fetch

__all__ = ["FISH_MEASUREMENTS", "FISH_SPECIES", "fish_market", "fish_market_columns"]

FISH_SPECIES: tuple[str, ...] = ("Bream", "Roach", "Whitefish", "Parkki", "Perch", "Pike", "Smelt")
"""The species in the order of their first appearance in the file; a species' code is its index here."""
FISH_MEASUREMENTS: tuple[str, ...] = ("Length1", "Length2", "Length3", "Height", "Width")
"""The measurement columns, in cm: nose to start / notch / end of tail, maximum height, maximum width."""
_HEADER = ("Species", "Weight", *FISH_MEASUREMENTS)


def fish_market_columns(data_dir: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """The Fish.csv table as a dict of columns, in file order.

    Returns:
        ``{"Species": str array, "Weight": float64 (grams), "Length1", "Length2", "Length3",
        "Height", "Width": float64 (cm)}``, each of shape ``(159,)``.

    Example::

        >>> cols = fish_market_columns()
        >>> cols["Species"][:2].tolist(), float(cols["Weight"][0])
        (['Bream', 'Bream'], 242.0)
    """
    path = fetch("fish/Fish.csv", data_dir)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    if not rows or tuple(rows[0]) != _HEADER:
        raise ValueError(
            f"{path}: expected the header {','.join(_HEADER)}, got {','.join(rows[0]) if rows else 'nothing'}"
        )
    body = rows[1:]
    for line, row in enumerate(body, start=2):
        if len(row) != len(_HEADER):
            raise ValueError(f"{path}, line {line}: expected {len(_HEADER)} fields, got {len(row)}: {row!r}")
    columns: dict[str, np.ndarray] = {"Species": np.array([row[0] for row in body])}
    for j, name in enumerate(_HEADER[1:], start=1):
        columns[name] = np.array([float(row[j]) for row in body], dtype=np.float64)
    return columns


def fish_market(
    target: Literal["Weight", "Species"] = "Weight",
    one_hot: bool = True,
    drop_zero_weight: bool = False,
    data_dir: str | os.PathLike | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The Fish Market data as ``(X, y, feature_names)``: predict a fish's weight (or species) from its measurements.

    Layout with ``target="Weight"`` (regression, the default):

        ``X`` float32 ``(N, 12)``: ``Length1, Length2, Length3, Height, Width`` (cm), then the species
        one-hot over :data:`FISH_SPECIES` (``Species=Bream, ..., Species=Smelt``);
        with ``one_hot=False``, ``(N, 6)``: the five measurements, then the species code 0-6 as a float.
        ``y`` float32 ``(N, 1)``: the weight in grams.

    Layout with ``target="Species"`` (7-class classification):

        ``X`` float32 ``(N, 6)``: ``Weight, Length1, Length2, Length3, Height, Width``;
        ``y`` int64 ``(N,)``: the species code, an index into :data:`FISH_SPECIES`.

    ``N`` is 159, in file order. Row 41 (a Roach) has weight 0, which is not a real
    weight: ``drop_zero_weight=True`` leaves it out (``N = 158``).

    Args:
        target: ``"Weight"`` or ``"Species"``. Default ``"Weight"``.
        one_hot: with ``target="Weight"``, encode the species one-hot (else as one code column). Default True.
        drop_zero_weight: drop the fish whose weight is 0. Default False.
        data_dir: the data folder; ``$NABLA_DATA_DIR`` or the user cache folder when None.

    Example::

        >>> X, y, names = fish_market(drop_zero_weight=True)
        >>> X.shape, y.shape, names[:2], names[-1]
        ((158, 12), (158, 1), ['Length1', 'Length2'], 'Species=Smelt')
    """
    if target not in ("Weight", "Species"):
        raise ValueError(f"fish_market: target must be 'Weight' or 'Species', got {target!r}")
    cols = fish_market_columns(data_dir)
    unknown = sorted(set(cols["Species"].tolist()) - set(FISH_SPECIES))
    if unknown:
        raise ValueError(f"fish_market: unknown species {unknown} in Fish.csv; expected only {list(FISH_SPECIES)}")
    code = np.array([FISH_SPECIES.index(s) for s in cols["Species"]], dtype=np.int64)
    keep = cols["Weight"] > 0 if drop_zero_weight else np.ones(len(code), dtype=bool)
    measurements = np.stack([cols[name] for name in FISH_MEASUREMENTS], 1)
    if target == "Species":
        X = np.concatenate([cols["Weight"][:, None], measurements], 1)
        return X[keep].astype(np.float32), code[keep], ["Weight", *FISH_MEASUREMENTS]
    if one_hot:
        species = np.eye(len(FISH_SPECIES))[code]
        names = [*FISH_MEASUREMENTS, *(f"Species={s}" for s in FISH_SPECIES)]
    else:
        species = code[:, None].astype(np.float64)
        names = [*FISH_MEASUREMENTS, "Species"]
    X = np.concatenate([measurements, species], 1)
    return X[keep].astype(np.float32), cols["Weight"][keep, None].astype(np.float32), names
