"""DistributedSampler: PyTorch's shards (checked against torch's sampler), and the DataLoader's sampler option."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla as nb
from nabla.distributed import DistributedSampler


@pytest.mark.parametrize("n", [0, 1, 7, 10, 12])
@pytest.mark.parametrize("replicas", [1, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_unshuffled_shards_match_pytorch(n, replicas, drop_last):
    torch = require("torch")
    data = list(range(n))
    for rank in range(replicas):
        ours = DistributedSampler(data, num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(
            data, num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last
        )
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_shuffled_shards_cover_the_data_and_agree_across_ranks():
    data = list(range(10))
    shards = [DistributedSampler(data, num_replicas=3, rank=r, seed=7) for r in range(3)]
    got = [s.indices() for s in shards]
    assert all(len(g) == 4 for g in got)  # ceil(10 / 3), padded
    union = np.concatenate(got)
    assert sorted(set(union.tolist())) == data and len(union) == 12
    # the k-th indices of the ranks, side by side, are consecutive entries of one shared order
    order = np.stack(got, axis=1).reshape(-1)
    assert sorted(order[:10].tolist()) == data and order[10:].tolist() == order[:2].tolist()
    before = got[0].copy()
    for s in shards:
        s.set_epoch(1)
    assert not np.array_equal(shards[0].indices(), before)
    assert np.array_equal(DistributedSampler(data, 3, 0, seed=7).indices(), before)  # seed + epoch, not nb's RNG


def test_the_sampler_checks_its_arguments():
    with pytest.raises(ValueError, match=r"rank must be in \[0, 2\)"):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(TypeError, match="must have a length"):
        DistributedSampler(iter(range(4)))
    assert "rank 0 of 1" in repr(DistributedSampler(range(4)))


def test_a_dataloader_reads_the_samplers_indices_in_its_order():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    ds = nb.data.TensorDataset(x, np.arange(10))
    sampler = DistributedSampler(ds, num_replicas=2, rank=1, shuffle=False)
    loader = nb.data.DataLoader(ds, batch_size=2, sampler=sampler)
    assert len(loader) == 3
    assert [yb.tolist() for _, yb in loader] == [[1, 3], [5, 7], [9]]
    with pytest.raises(ValueError, match="exclusive"):
        nb.data.DataLoader(ds, sampler=sampler, shuffle=True)
    with pytest.raises(TypeError, match="iterable of indices with a length"):
        nb.data.DataLoader(ds, sampler=5)


def test_n_ranks_with_batch_b_see_the_batches_of_one_process_with_batch_n_b():
    ds = nb.data.TensorDataset(np.arange(24))
    whole = DistributedSampler(ds, num_replicas=1, rank=0, seed=3)
    one = [b[0].tolist() for b in nb.data.DataLoader(ds, batch_size=6, sampler=whole)]
    parts = [
        [b[0].tolist() for b in nb.data.DataLoader(ds, batch_size=2, sampler=DistributedSampler(ds, 3, r, seed=3))]
        for r in range(3)
    ]
    for k, batch in enumerate(one):
        assert sorted(batch) == sorted(sum((p[k] for p in parts), []))


def test_shards_of_a_dataset_on_disk_follow_its_chunk_wise_order(tmp_path):
    """Each rank's indices come from the chunk-then-window order, so a rank's batch reads a window's chunks."""
    path = nb.data.write_chunked(tmp_path / "d.nbd", (np.arange(1000),), chunk_rows=50)
    ds = nb.data.ChunkedDataset(path, shuffle_buffer=100)  # windows of 2 chunks
    shards = [DistributedSampler(ds, num_replicas=2, rank=r, seed=5).indices() for r in range(2)]
    order = np.stack(shards, axis=1).reshape(-1)
    assert np.array_equal(order, ds.epoch_order(np.random.default_rng(5)))
    for start in range(0, 1000, 100):  # each window: the rows of 2 chunks
        assert len(set((order[start : start + 100] // 50).tolist())) == 2
