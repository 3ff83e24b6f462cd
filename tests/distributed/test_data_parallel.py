"""N ranks on shards of each batch take the steps one process takes on the whole batch.

The reference is nabla itself in one process on the whole batches (``dp_workload.reference``);
the runs under ``mpiexec -n 2`` and ``-n 3`` (32 samples split 16/16 and 11/11/10) must end with
parameters equal to it within 1e-12 (float64, 20 steps, SGD with momentum and Adam, an MLP and
the CNN), and bit-identical on every rank. A checkpoint written by rank 0 of the 2-rank run
resumes on 3 ranks and ends where the uninterrupted single process does.
"""

from __future__ import annotations

import numpy as np
import pytest
from dp_workload import RUNS, reference
from mpirun import output, run_mpi


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One launch per size: 2 ranks train and write the half-way checkpoint, 3 ranks train and resume it."""
    folders = {}
    for n, modes in ((2, ["train", "checkpoint"]), (3, ["train", "resume"])):
        out = tmp_path_factory.mktemp(f"np{n}")
        if n == 3:  # the 3-rank run resumes the checkpoint the 2-rank run wrote
            (out / "half.nabla").write_bytes((folders[2] / "half.nabla").read_bytes())
        proc = run_mpi("dp_workload.py", str(out), *modes, n=n, timeout=180)
        assert proc.returncode == 0, output(proc)
        assert f"{modes[-1]} done on {n} ranks" in proc.stdout, output(proc)
        assert proc.stdout.count("train done") == 1, "dist.print printed on more than one rank"
        folders[n] = out
    return folders


def _load(folder, stem: str, n: int) -> list[dict[str, np.ndarray]]:
    return [dict(np.load(folder / f"{stem}-rank{r}.npz")) for r in range(n)]


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize(("kind", "opt"), RUNS)
def test_shards_with_averaged_gradients_equal_the_whole_batch(runs, n, kind, opt):
    expected = reference(kind, opt)
    ranks = _load(runs[n], f"{kind}-{opt}", n)
    for name, value in expected.items():
        assert value.dtype == np.float64
        np.testing.assert_allclose(ranks[0][name], value, rtol=0, atol=1e-12, err_msg=name)
        for r in range(1, n):
            assert ranks[r][name].tobytes() == ranks[0][name].tobytes(), f"rank {r} differs from rank 0 in {name}"


def test_an_unweighted_average_of_uneven_shards_is_not_the_whole_batch(runs):
    """11/11/10 samples averaged with equal weights miss the batch mean: the weights are not decoration."""
    expected = reference("mlp", "sgd")
    unweighted = _load(runs[3], "mlp-sgd-unweighted", 3)[0]
    assert max(np.abs(unweighted[k] - expected[k]).max() for k in expected) > 1e-6
    even = _load(runs[2], "mlp-sgd-unweighted", 2)[0]  # 16/16: equal weights are the right ones
    assert max(np.abs(even[k] - expected[k]).max() for k in expected) < 1e-12


def test_a_checkpoint_from_two_ranks_resumes_on_three(runs):
    expected = reference("mlp", "adam")
    ranks = _load(runs[3], "resumed", 3)
    for name, value in expected.items():
        np.testing.assert_allclose(ranks[0][name], value, rtol=0, atol=1e-12, err_msg=name)
        assert all(r[name].tobytes() == ranks[0][name].tobytes() for r in ranks[1:])
