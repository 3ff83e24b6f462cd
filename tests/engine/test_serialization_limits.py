"""nb.load against structure headers that would take gigabytes to read: refused, with the memory measured."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

import nabla as nb

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def _write(path, header: str) -> None:
    """A safetensors file as nb.save writes it, with ``header`` as the structure around the arrays."""
    metadata = {"format": "nabla.save/1", "nabla": header}
    path.write_bytes(safetensors_numpy.save({"x": np.zeros(1, np.float32)}, metadata=metadata))


def test_a_header_of_millions_of_items_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "many.st"
    _write(path, "[" + "[]," * 4_999_999 + "[]]")  # 15 MB that json.loads would turn into 5M lists (~400 MB)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"many.st has a nabla header of more than 4,194,304 items"):
            nb.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * path.stat().st_size  # the header's text, not 5M Python objects


def test_a_long_header_of_few_items_still_loads(tmp_path):
    path = tmp_path / "long.st"
    _write(path, json.dumps(["a" * 20_000_000, [[] for _ in range(100_000)]]))
    text, lists = nb.load(path)
    assert len(text) == 20_000_000 and len(lists) == 100_000
