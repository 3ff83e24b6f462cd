"""``Dataset.sample_from_datasets`` and ``Dataset.choose_from_datasets``: elements drawn from several datasets.

TensorFlow's "imbalanced data" tutorial balances its classes this way::

    resampled = tf.data.Dataset.sample_from_datasets([pos_ds, neg_ds], weights=[0.5, 0.5])

Each output element is the next element of one of the datasets: picked at random with probabilities
``weights`` (``sample_from_datasets``), or named by the next element of a ``choice_dataset`` of int64
scalars (``choose_from_datasets``). The datasets must have elements of the same structure and dtypes; a
dimension that differs between them is None in ``element_spec``.

When a picked dataset has run out: with ``stop_on_empty_dataset=True`` the output ends there; otherwise the
pick is dropped (``choose_from_datasets``) or drawn again among the datasets that are left, their weights
renormalized (``sample_from_datasets``), and the output ends when all have run out. Both are TensorFlow's
rules, and so are the defaults (False for ``sample_from_datasets``, True for ``choose_from_datasets``).

Seeds: as ``shuffle``'s (see :mod:`nabla.tf.data.shuffling`): the picks depend on ``seed`` and the global
seed, or on nabla's generator when the dataset is built; every pass picks in the same order unless
``rerandomize_each_iteration=True``. The picks are nabla's draws, not TensorFlow's: the proportions and the
guarantees are TensorFlow's, the particular order is not.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..errors import InvalidArgumentError
from .node import INFINITE, UNKNOWN, Node
from .shuffling import seed_key
from .structure import Spec, merged_spec


def _nodes(datasets, who: str) -> list[Node]:
    nodes = [getattr(d, "_node", None) for d in datasets] if isinstance(datasets, (list, tuple)) else []
    if not nodes or not all(isinstance(node, Node) for node in nodes):
        raise TypeError(f"{who}: `datasets` must be a non-empty list of tf.data.Dataset, got {datasets!r:.200}")
    return nodes


class _Interleave(Node):
    """Elements of ``nodes``, each from the dataset that :meth:`picks` names next."""

    name = "_DirectedInterleaveDataset"

    def __init__(self, nodes: list[Node], stop_on_empty: bool, who: str):
        self.nodes, self.stop_on_empty, self.who = nodes, bool(stop_on_empty), who
        self.spec()  # (refuses datasets of different structures or dtypes now, as TensorFlow does)

    def picks(self, alive: list[bool]) -> Iterator[int]:
        """One pass's picks (indices into ``nodes``); ``alive`` says which datasets still have elements."""
        raise NotImplementedError

    def elements(self) -> Iterator[tuple]:
        sources = [node.elements() for node in self.nodes]
        alive = [True] * len(sources)
        for pick in self.picks(alive):
            if not 0 <= pick < len(sources):
                raise InvalidArgumentError(f"Selector index out of range: {pick} >= {len(sources)}")
            element = next(sources[pick], None) if alive[pick] else None
            if element is not None:
                yield element
                continue
            alive[pick] = False
            if self.stop_on_empty or not any(alive):
                return

    def _spec(self) -> Spec:
        return merged_spec([node.spec() for node in self.nodes], self.who)

    def template(self) -> object:
        return self.nodes[0].template()


class Sample(_Interleave):
    """``Dataset.sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
    rerandomize_each_iteration=None)``: each element from a dataset drawn with probabilities ``weights``
    (equal by default; normalized to sum to 1)."""

    def __init__(self, datasets, weights=None, seed=None, stop_on_empty_dataset=False, rerandomize=None):
        nodes = _nodes(datasets, "sample_from_datasets")
        if weights is None:
            weights = np.ones(len(nodes))
        if hasattr(weights, "_node"):
            raise TypeError("sample_from_datasets: nabla takes `weights` as a list of numbers, not as a dataset")
        weights = np.asarray(getattr(weights, "_data", weights), dtype=np.float64).reshape(-1)
        if len(weights) != len(nodes):
            raise ValueError(
                "Invalid `weights`. `weights` should have the same length as `datasets` but got "
                f"`len(weights)={len(weights)}` vs. `len(datasets)={len(nodes)}`."
            )
        if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
            raise ValueError(f"sample_from_datasets: `weights` must be finite, at least 0 and not all 0, got {weights}")
        super().__init__(nodes, stop_on_empty_dataset, "sample_from_datasets")
        self.weights, self.key, self.rerandomize, self.passes = weights, seed_key(seed), bool(rerandomize), 0

    def picks(self, alive: list[bool]) -> Iterator[int]:
        rng = np.random.default_rng([*self.key, self.passes if self.rerandomize else 0])
        self.passes += 1
        while True:
            weights = self.weights * alive
            if not weights.any():  # (the datasets left all have weight 0)
                return
            cumulative = np.cumsum(weights)
            yield int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))

    def cardinality(self) -> int:
        return INFINITE if INFINITE in [node.cardinality() for node in self.nodes] else UNKNOWN


class Choose(_Interleave):
    """``Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True)``: element ``i``
    from ``datasets[c_i]``, ``c_i`` the ``i``-th element of ``choice_dataset`` (int64 scalars)."""

    def __init__(self, datasets, choice_dataset, stop_on_empty_dataset=True):
        nodes = _nodes(datasets, "choose_from_datasets")
        choice = getattr(choice_dataset, "_node", None)
        spec = choice.spec() if isinstance(choice, Node) else None
        if spec is None or spec.shapes != [()] or spec.dtypes != [np.dtype(np.int64)]:
            raise TypeError(
                "Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar of type `tf.int64`, got "
                f"{'no dataset' if spec is None else spec.element_spec()}"
            )
        super().__init__(nodes, stop_on_empty_dataset, "choose_from_datasets")
        self.choice = choice

    def picks(self, alive: list[bool]) -> Iterator[int]:
        return (int(element[0]) for element in self.choice.elements())

    def cardinality(self) -> int:
        counts = [node.cardinality() for node in self.nodes]
        return INFINITE if self.choice.cardinality() == INFINITE and INFINITE in counts else UNKNOWN
