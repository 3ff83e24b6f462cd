"""``Discretization``: numbers into bins between boundaries, given or learned from the data's quantiles."""

from __future__ import annotations

import numpy as np

from .categorical import BIN_OUTPUT_MODES, RawInputLayer, as_array, encode
from .index_lookup import data_batches


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """A batch as a weighted quantile summary: row 0 every ``step``-th sorted value, row 1 its weight ``step``.

    ``step`` is ``size * epsilon`` (at least 1), so about ``1 / epsilon`` values stand for the batch.
    """
    values = np.sort(values.reshape(-1))
    step = max(values.size * epsilon, 1)
    picked = values[int(step - 1) :: int(step)]
    return np.stack([picked, np.full_like(picked, step)])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """A summary resampled at the cumulative-weight fractions ``epsilon, 2 epsilon, ..., 1`` (linear
    interpolation), when it holds more than ``1 / epsilon`` points; each new weight is the cumulative
    weight gained since the previous point."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = np.arange(0.0, 1.0, epsilon) + epsilon
    cumulative = summary[1].cumsum()
    share = cumulative / cumulative[-1]
    points = np.interp(fractions, share, summary[0])
    reached = np.interp(fractions, share, cumulative)
    return np.stack([points, np.diff(reached, prepend=0.0)]).astype(np.float32)


class Discretization(RawInputLayer):
    """Bucket numbers by boundaries: ``x`` goes to bin ``i`` when ``b[i-1] <= x < b[i]``, as Keras 3.

    Args:
        bin_boundaries: the sorted boundaries; ``len(bin_boundaries) + 1`` bins.
        num_bins: instead of boundaries, how many bins :meth:`adapt` makes from the data's quantiles.
        epsilon: the quantile summary's error tolerance (default 0.01): ``adapt`` keeps about ``1 / epsilon``
            weighted points per batch and merges them batch by batch, Keras 3's approximate algorithm (so the
            boundaries are Keras's, not NumPy's exact quantiles).
        output_mode: ``"int"`` (the bins, int32, of the input's shape), ``"one_hot"``, ``"multi_hot"`` or
            ``"count"`` (float32 vectors; see :mod:`.categorical` for the shapes).
        sparse: False only (nabla has no sparse tensors).

    Inputs are taken as float32, as Keras does.

    Example::

        keras.layers.Discretization(bin_boundaries=[0.0, 1.0])([[-1.5, 0.0, 0.5, 2.0]])  # [[0, 1, 1, 2]]
    """

    def __init__(self, bin_boundaries=None, num_bins: int | None = None, epsilon: float = 0.01,
                 output_mode: str = "int", sparse: bool = False, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if output_mode not in BIN_OUTPUT_MODES:
            raise ValueError(f"Discretization: output_mode must be one of {', '.join(BIN_OUTPUT_MODES)}, "
                             f"got {output_mode!r}")  # fmt: skip
        if sparse:
            raise ValueError("Discretization: sparse=True is not offered by nabla (no sparse tensors); use dense")
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 1):
            raise ValueError(f"Discretization: num_bins must be a positive integer, got {num_bins!r}")
        if (num_bins is None) == (bin_boundaries is None):
            raise ValueError("Discretization: give either bin_boundaries or num_bins (then call adapt), "
                             f"got bin_boundaries={bin_boundaries!r} and num_bins={num_bins!r}")  # fmt: skip
        if bin_boundaries is not None:
            bin_boundaries = [float(b) for b in bin_boundaries]
            if any(b > a for b, a in zip(bin_boundaries, bin_boundaries[1:])):
                raise ValueError(f"Discretization: bin_boundaries must be sorted, got {bin_boundaries}")
        self.bin_boundaries, self.num_bins, self.epsilon = bin_boundaries, num_bins, float(epsilon)
        self.output_mode, self.sparse = output_mode, False
        self.summary = np.zeros((2, 0), np.float32)

    def adapt(self, data, batch_size=None, steps: int | None = None) -> None:
        """Learn ``num_bins - 1`` boundaries from the quantiles of ``data`` (an array, or an iterable of
        batches; ``steps`` caps the number of batches read)."""
        if self.num_bins is None:
            raise ValueError("Discretization: adapt learns boundaries for num_bins; this layer was given "
                             "bin_boundaries instead (build it with num_bins=... to adapt)")  # fmt: skip
        summary = np.zeros((2, 0), np.float32)
        for i, batch in enumerate(data_batches(data)):
            if steps is not None and i >= steps:
                break
            merged = np.concatenate([_summarize(np.asarray(batch, np.float32), self.epsilon), summary], axis=1)
            summary = _compress(merged[:, np.argsort(merged[0])], self.epsilon)
        self.summary = summary
        self.bin_boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def compute(self, inputs) -> np.ndarray:
        if self.bin_boundaries is None:
            raise ValueError("Discretization: no bin boundaries yet; call adapt(data) first or give bin_boundaries")
        ids = np.digitize(np.asarray(as_array(inputs), np.float32), np.asarray(self.bin_boundaries, np.float32))
        if self.output_mode == "int":
            return ids.astype(np.int32)
        return encode(ids.astype(np.int64), len(self.bin_boundaries) + 1, self.output_mode, "Discretization",
                      dtype=self.dtype)  # fmt: skip

    def get_config(self) -> dict:
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": self.sparse}  # fmt: skip

    @classmethod
    def from_config(cls, config: dict):
        """An adapted layer's config holds both ``bin_boundaries`` and ``num_bins``, which ``__init__``
        refuses together: build from ``num_bins`` and set the learned boundaries, as Keras does."""
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None) if config.get("num_bins") is not None else None
        layer = super().from_config(config)
        if boundaries is not None:
            layer.bin_boundaries = [float(b) for b in boundaries]
        return layer
