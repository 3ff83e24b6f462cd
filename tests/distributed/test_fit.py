"""``fit(..., distributed=True)`` on 2 and 3 ranks does what ``fit`` does in one process.

Reference: the same runs (``fit_workload.py``) in this process, without a launcher. The ranks start
from different weights (fit copies rank 0's), split every batch (100 samples in batches of 32 on
3 ranks: 11/11/10, and a last batch of 4: 2/1/1; batches of 2 on 3 ranks leave one rank idle),
average the gradients weighted by their parts, gather the outputs for the metrics, and stop together
(EarlyStopping); one run reads its data from a chunked file on disk. In float32 the weights agree to
rounding, the metrics exactly, and every rank ends with the same bits and the same History.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from fit_workload import RUNS, run
from mpirun import output, run_mpi


@pytest.fixture(scope="module", params=[2, 3])
def ranks(request, tmp_path_factory):
    n = request.param
    out = tmp_path_factory.mktemp(f"fit{n}")
    proc = run_mpi("fit_workload.py", str(out), n=n, timeout=240)
    assert proc.returncode == 0, output(proc)
    assert proc.stdout.count("Epoch 1/3") == 1, "one progress report, from rank 0 only"
    return n, out


@pytest.mark.parametrize("name", list(RUNS))
def test_distributed_fit_equals_fit_on_one_process(ranks, name, tmp_path):
    n, out = ranks
    model, history = run(name, tmp_path)
    expected = model.get_weights()
    got = [dict(np.load(out / f"{name}-rank{r}.npz")) for r in range(n)]
    logs = [json.loads((out / f"{name}-rank{r}.json").read_text()) for r in range(n)]
    for i, w in enumerate(expected):
        np.testing.assert_allclose(got[0][f"w{i}"], w, rtol=1e-5, atol=1e-6)
        assert all(g[f"w{i}"].tobytes() == got[0][f"w{i}"].tobytes() for g in got[1:]), f"ranks differ in weight {i}"
    assert all(log == logs[0] for log in logs[1:]), "the ranks logged different histories"
    assert set(logs[0]) == set(history.history)
    for key, values in history.history.items():
        assert len(logs[0][key]) == len(values), key  # the same number of epochs (EarlyStopping included)
        tolerance = 0 if "accuracy" in key else 1e-5
        np.testing.assert_allclose(logs[0][key], values, rtol=tolerance, atol=tolerance, err_msg=key)


@pytest.mark.parametrize("name", list(RUNS))
def test_distributed_fit_on_one_process_is_fit(name, tmp_path):
    """Without a launcher ``distributed=True`` changes nothing: the saturated run's cross-entropy metric, from
    the logits gathered beside the outputs, is the loss itself (clipped probabilities would log 5.37, not 25.7)."""
    plain = run(name, tmp_path, distributed=False)[1].history
    parallel = run(name, tmp_path)[1].history
    assert parallel == plain
    if name == "saturated":
        np.testing.assert_allclose(plain["val_sparse_categorical_crossentropy"], plain["val_loss"], rtol=1e-6)
