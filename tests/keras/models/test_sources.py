"""``fit(dataset)``: a dataset of (x, y[, sample_weight]) samples, in memory or on disk, trains as its arrays do."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import nabla as nb
from nabla import layers, models


def _data(n=120):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    return x, y, rng.random(n).astype(np.float32)


def _fit(x, y=None, **kwargs):
    nb.manual_seed(0)
    model = models.Sequential([layers.Dense(8, activation="tanh", input_shape=(3,)), layers.Dense(2)])
    model.compile(
        optimizer="adam", loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, **kwargs)
    return model.get_weights(), history.history


def _same(a, b):
    (wa, ha), (wb, hb) = a, b
    assert all(u.tobytes() == v.tobytes() for u, v in zip(wa, wb)) and ha == hb


def test_a_tensor_dataset_trains_as_its_arrays():
    x, y, w = _data()
    _same(_fit(nb.data.TensorDataset(x, y)), _fit(x, y))
    _same(_fit(nb.data.TensorDataset(x, y, w)), _fit(x, y, sample_weight=w))
    _same(_fit(nb.data.TensorDataset(x, y), class_weight={0: 1.0, 1: 3.0}), _fit(x, y, class_weight={0: 1.0, 1: 3.0}))
    _same(
        _fit(nb.data.TensorDataset(x, y), validation_data=(x[:20], y[:20])),
        _fit(x, y, validation_data=(x[:20], y[:20])),
    )


def test_a_dataset_on_disk_trains_as_the_arrays_it_holds(tmp_path):
    x, y, _ = _data()
    disk = nb.data.ChunkedDataset(nb.data.write_chunked(tmp_path / "d.nbd", (x.astype(np.float64), y), chunk_rows=32))
    _same(_fit(disk, shuffle=False), _fit(x, y, shuffle=False))  # float64 on disk: float32 in fit, as for arrays
    weights, history = _fit(disk)  # shuffled chunk-wise
    assert len(history["loss"]) == 3 and history["loss"][-1] < history["loss"][0]


def test_the_next_batch_is_read_in_the_background(tmp_path):
    x, y, _ = _data()
    threads = set()

    class Recording(nb.data.ChunkedDataset):
        def read_batch(self, indices):
            threads.add(threading.current_thread().name)
            return super().read_batch(indices)

    _fit(Recording(nb.data.write_chunked(tmp_path / "d.nbd", (x, y))))
    assert "nabla-prefetch" in threads


def test_what_a_dataset_cannot_do_is_refused():
    x, y, w = _data()
    with pytest.raises(ValueError, match="validation_split splits arrays"):
        _fit(nb.data.TensorDataset(x, y), validation_split=0.2)
    with pytest.raises(ValueError, match="third field"):
        _fit(nb.data.TensorDataset(x, y), sample_weight=w)
    with pytest.raises(ValueError, match=r"1 field\(s\); fit on a dataset needs \(x, y\)"):
        _fit(nb.data.TensorDataset(x))
    with pytest.raises(ValueError, match="fit needs x and y, or a nabla.data dataset"):
        _fit(x)
