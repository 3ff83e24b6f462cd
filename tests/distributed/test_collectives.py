"""Horovod's collectives under mpiexec -n 3, against values computed here by hand."""

from __future__ import annotations

import json

import numpy as np
from mpirun import output, run_mpi

N = 3


def test_every_collective_on_three_ranks(tmp_path):
    proc = run_mpi("collectives_check.py", str(tmp_path), n=N, timeout=120)
    assert proc.returncode == 0, output(proc)
    got = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(N)]
    assert [g["rank"] for g in got] == [0, 1, 2] and {g["size"] for g in got} == {N}
    assert sorted(g["local_rank"] for g in got) == [0, 1, 2] and {g["local_size"] for g in got} == {N}
    x = [np.arange(4) + 10 * r for r in range(N)]
    for g in got:
        np.testing.assert_allclose(g["average"], np.mean(x, axis=0), rtol=1e-6)
        assert g["average_dtype"] == "float32"
        assert g["sum_int"] == [0 + 1 + 2, N]
        assert g["min"] == x[0].tolist() and g["max"] == x[-1].tolist()
        assert g["weighted"] == (0 * 1 + 1 * 2 + 2 * 3) / (1 + 2 + 3)
        assert g["tensor"] == [1.0] and g["inplace"] == [1.0 + 2.0 + 3.0]
        assert g["broadcast"] == [N - 1] * 3
        assert g["float16"] == [0.5 + 1.0 + 1.5]
        assert g["allgather"] == [[0, 0], [1, 1], [1, 1], [2, 2], [2, 2], [2, 2]]
        assert g["object"] == {"from": 1, "tuple": [1, 2]}
        assert g["objects"] == [{"r": 0}, {"r": 1}, {"r": 2}]
        assert "use op=Sum" in g["int_average_error"]
        assert "rank 2: 'weight' is (3, 3) float32, rank 0's is (2, 3) float32" in g["model_mismatch"]
        assert g["grads"] == [[2.0, 2.0], [1.0], True]  # mean(1, 2, 3); (3 + 0 + 0) / 3; no gradient anywhere
        assert g["after_step"] == [[-1.0, 0.0], [2.0]]
        assert g["summed"] == [6.0, 6.0]
    # Reduce-scatter then all-gather: every rank holds the same bits.
    assert len({g["big_bytes"] for g in got}) == 1
