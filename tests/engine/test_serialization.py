"""nb.save / nb.load: safetensors round trips, nested structures, atomic writes, corrupt files, no pickle."""

from __future__ import annotations

import json
import os
import re
import stat
import struct
from pathlib import Path

import numpy as np
import pytest

import nabla as nb
from nabla import nn


def val(t):
    return t.detach().numpy()


class Model(nn.Module):
    def __init__(self, dtype=None):
        super().__init__()
        self.fc = nn.Linear(3, 4, dtype=dtype)
        self.bn = nn.BatchNorm1d(4, dtype=dtype)
        self.emb = nn.Embedding(5, 4, dtype=dtype)
        self.register_buffer("scratch", nb.zeros(2), persistent=False)

    def forward(self, x):
        return self.bn(self.fc(x))


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- state dict round trips ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [nb.float32, nb.float64])
def test_state_dict_round_trip_exact(tmp_path, dtype):
    model = Model(dtype)
    model(nb.randn(6, 3).astype(dtype))  # moves the running statistics and num_batches_tracked
    path = tmp_path / "model.safetensors"
    nb.save(model.state_dict(), path)
    loaded = nb.load(path)
    state = model.state_dict()
    assert list(loaded) == list(state)
    for name, t in state.items():
        assert isinstance(loaded[name], nb.Tensor)
        assert loaded[name].dtype == t.dtype and loaded[name].shape == t.shape, name
        np.testing.assert_array_equal(val(loaded[name]), val(t), err_msg=name)
    assert loaded["bn.num_batches_tracked"].dtype == nb.int64 and loaded["bn.num_batches_tracked"].shape == ()
    assert int(loaded["bn.num_batches_tracked"].item()) == 1
    fresh = Model(dtype)
    fresh.load_state_dict(loaded)  # shapes (including the 0-d counter) fit the model
    x = nb.randn(4, 3).astype(dtype)
    model.eval()
    fresh.eval()
    np.testing.assert_array_equal(val(fresh(x)), val(model(x)))
    assert _files(tmp_path) == ["model.safetensors"]


def test_loaded_tensors_are_writable_and_independent(tmp_path):
    model = Model()
    nb.save(model.state_dict(), tmp_path / "m.st")
    loaded = nb.load(tmp_path / "m.st")
    loaded["fc.bias"] += 1.0
    assert not np.array_equal(val(loaded["fc.bias"]), val(model.fc.bias))


def test_flat_state_dict_is_plain_safetensors(tmp_path):
    from safetensors.numpy import load_file

    model = Model()
    nb.save(model.state_dict(), tmp_path / "m.safetensors")
    plain = load_file(str(tmp_path / "m.safetensors"))
    assert sorted(plain) == sorted(model.state_dict())
    np.testing.assert_array_equal(plain["fc.weight"], val(model.fc.weight))


def test_plain_safetensors_file_loads_as_flat_dict(tmp_path):
    from safetensors.numpy import save_file

    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b.c": np.array([1, 2], dtype=np.int32)}
    save_file(arrays, str(tmp_path / "plain.safetensors"), metadata={"source": "elsewhere"})
    loaded = nb.load(tmp_path / "plain.safetensors")
    assert set(loaded) == {"a", "b.c"}
    for k, a in arrays.items():
        assert isinstance(loaded[k], nb.Tensor) and loaded[k].dtype == a.dtype
        np.testing.assert_array_equal(loaded[k].numpy(), a)


def test_torch_written_safetensors_loads_into_model(tmp_path):
    from reference import torch

    th = torch()
    from safetensors.torch import save_file

    theirs = th.nn.Linear(3, 4)
    save_file(theirs.state_dict(), str(tmp_path / "torch.safetensors"))
    ours = nn.Linear(3, 4)
    ours.load_state_dict(nb.load(tmp_path / "torch.safetensors"))
    np.testing.assert_array_equal(val(ours.weight), theirs.weight.detach().numpy())


# --- nested structures ---------------------------------------------------------------------


def test_nested_structure_round_trip(tmp_path):
    obj = {
        "epoch": 7,
        "lr": 0.125,
        "name": "run-ü",
        "done": False,
        "nothing": None,
        "state": {0: {"momentum_buffer": nb.tensor(np.arange(3.0))}, 1: {"step": 4}},
        "groups": [{"lr": 0.1, "params": [0, 1]}],
        "shape": (2, 3),
        "array": np.arange(4, dtype=np.int16).reshape(2, 2),
        "scalar": np.float64(2.5),
        "zero_d": np.array(3.0),
        "empty": np.zeros((0, 2), np.float32),
        "mask": np.array([True, False]),
        "tensors": (nb.tensor([1.0]), [nb.tensor(np.array([[1, 2]], dtype=np.int64))]),
        "inf": float("inf"),
    }
    nb.save(obj, tmp_path / "ckpt")
    back = nb.load(tmp_path / "ckpt")
    assert set(back) == set(obj)
    for key in ("epoch", "lr", "name", "done", "nothing", "groups", "shape", "inf"):
        assert back[key] == obj[key] and type(back[key]) is type(obj[key]), key
    assert back["scalar"] == 2.5 and type(back["scalar"]) is float  # NumPy scalars come back as Python numbers
    assert isinstance(back["shape"], tuple)
    assert list(back["state"]) == [0, 1] and back["state"][1] == {"step": 4}  # int keys stay ints
    np.testing.assert_array_equal(val(back["state"][0]["momentum_buffer"]), np.arange(3.0))
    assert back["state"][0]["momentum_buffer"].dtype == nb.float64
    for key in ("array", "zero_d", "empty", "mask"):
        assert isinstance(back[key], np.ndarray) and not isinstance(back[key], nb.Tensor)
        assert back[key].dtype == obj[key].dtype and back[key].shape == obj[key].shape, key
        np.testing.assert_array_equal(back[key], obj[key])
    first, rest = back["tensors"]
    assert isinstance(back["tensors"], tuple) and isinstance(rest, list)
    assert first.dtype == nb.float32 and rest[0].dtype == nb.int64 and rest[0].shape == (1, 2)


def test_bare_tensor_and_list_round_trip(tmp_path):
    nb.save(nb.tensor(np.float64(4.0)), tmp_path / "t")
    t = nb.load(tmp_path / "t")
    assert isinstance(t, nb.Tensor) and t.shape == () and t.item() == 4.0
    nb.save([1, "two", [3.0, None]], tmp_path / "l")
    assert nb.load(tmp_path / "l") == [1, "two", [3.0, None]]


def test_colliding_paths_keep_every_tensor(tmp_path):
    obj = {"a.b": nb.tensor([1.0]), "a": {"b": nb.tensor([2.0])}, 1: nb.tensor([3.0]), "1": nb.tensor([4.0])}
    nb.save(obj, tmp_path / "c")
    back = nb.load(tmp_path / "c")
    assert back["a.b"].item() == 1.0 and back["a"]["b"].item() == 2.0
    assert back[1].item() == 3.0 and back["1"].item() == 4.0


def test_non_contiguous_arrays_are_saved_by_value(tmp_path):
    a = np.arange(12.0).reshape(3, 4).T
    nb.save({"t": nb.tensor(a), "a": a[::2]}, tmp_path / "nc")
    back = nb.load(tmp_path / "nc")
    np.testing.assert_array_equal(val(back["t"]), a)
    np.testing.assert_array_equal(back["a"], a[::2])


# --- atomic writes and failures ----------------------------------------------------------------


def test_save_overwrites_atomically_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "m.st"
    nb.save({"x": nb.tensor([1.0])}, path)
    nb.save({"x": nb.tensor([2.0])}, path)
    assert nb.load(path)["x"].item() == 2.0
    assert _files(tmp_path) == ["m.st"]


def test_saved_file_permissions_follow_umask(tmp_path):
    old = os.umask(0o022)
    try:
        nb.save({"x": nb.tensor([1.0])}, tmp_path / "m.st")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.st").st_mode) == 0o644  # not the 0600 of a private temp file


class Unsupported:
    pass


@pytest.mark.parametrize(
    "bad, match",
    [
        ({"x": nb.tensor([1.0]), "obj": Unsupported()}, r"Unsupported.*obj"),
        ({"x": {(1, 2): 3}}, r"keys.*\(1, 2\)"),
        ({"x": {True: 3}}, "keys"),
        ([{1.5: 2}], "keys"),
        ({"s": {1, 2}}, "set"),
        ({"o": np.array([object()])}, "object"),
        ({"c": np.ones(2, np.complex128)}, "safetensors"),
    ],
)
def test_failing_save_raises_type_error_and_keeps_existing_file(tmp_path, bad, match):
    path = tmp_path / "keep.st"
    nb.save({"x": nb.tensor([1.0])}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=match):
        nb.save(bad, path)
    assert path.read_bytes() == before
    assert _files(tmp_path) == ["keep.st"]


def test_save_into_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(FileNotFoundError):
        nb.save({"x": nb.tensor([1.0])}, tmp_path / "no" / "such" / "m.st")
    assert _files(tmp_path) == []


# --- corrupt and foreign files ----------------------------------------------------------------


def _valid_bytes(tmp_path) -> bytes:
    nb.save({"w": nb.tensor(np.arange(10.0)), "n": 3}, tmp_path / "ok.st")
    return (tmp_path / "ok.st").read_bytes()


def _header(metadata: dict, tensors: dict | None = None) -> bytes:
    header = json.dumps({"__metadata__": metadata, **(tensors or {})}).encode()
    return struct.pack("<Q", len(header)) + header


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x01\x02", id="shorter-than-length"),
        pytest.param(np.random.default_rng(0).bytes(4096), id="random"),
        pytest.param(b'{"weights": [1, 2, 3]}', id="json"),
        pytest.param(struct.pack("<Q", 2**40) + b"{}", id="huge-header-length"),
        pytest.param(_header({}, {"w": {"dtype": "F64", "shape": [10], "data_offsets": [0, 80]}}), id="no-data"),
        pytest.param(_header({"nabla": "{not json"}), id="bad-nabla-json"),
        pytest.param(_header({"nabla": '{"__tensor__": "missing"}'}), id="missing-tensor"),
        pytest.param(_header({"nabla": '{"__dict__": 5}'}), id="bad-skeleton"),
    ],
)
def test_corrupt_files_raise_value_error(tmp_path, content):
    path = tmp_path / "bad.st"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=re.escape(str(path))):
        nb.load(path)


@pytest.mark.parametrize("keep", [0.0, 0.3, 0.9, 0.99])
def test_truncated_file_raises_value_error(tmp_path, keep):
    data = _valid_bytes(tmp_path)
    path = tmp_path / "cut.st"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match="nb.load"):
        nb.load(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        nb.load(tmp_path / "nope.st")
    with pytest.raises(FileNotFoundError):
        nb.load(tmp_path)


# --- no pickle ---------------------------------------------------------------------------


def test_no_pickle_anywhere_in_nabla():
    root = Path(nb.__file__).parent
    pattern = re.compile(
        r"^\s*(import|from)\s+(c?pickle|dill|cloudpickle|joblib|shelve|marshal)\b|allow_pickle\s*=\s*True"
        r"|pickle\.(loads?|dumps?|Unpickler)",
        re.MULTILINE,
    )
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []
    assert len(list(root.rglob("*.py"))) > 10  # the search did look at the sources


def test_load_says_a_folder_is_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nb.load: .* is a folder, not a file"):
        nb.load(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"nb.load: no file at .*missing.st"):
        nb.load(tmp_path / "missing.st")


@pytest.mark.parametrize(
    "head, kind",
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "a zip archive (a Keras .keras file"),
        (b"\x89HDF\r\n\x1a\n\x00\x00", "an HDF5 file"),
        (b"\x80\x02\x8a\nl\xfc\x9cF\xf9", "a Python pickle"),
        (b"\x80\x04\x95\x10\x00\x00\x00\x00", "a Python pickle"),
        (b"\x93NUMPY\x01\x00v\x00", "a NumPy .npy file"),
        (b"\x08\x08\x12\x07pytorch", "an ONNX model"),
    ],
)
def test_load_names_the_kind_of_a_foreign_file(tmp_path, head, kind):
    path = tmp_path / "model.bin"
    path.write_bytes(head + bytes(100))
    with pytest.raises(ValueError, match=rf"nb.load: .*model.bin is {re.escape(kind)}.*, not a safetensors file"):
        nb.load(path)


def test_a_damaged_safetensors_file_is_not_taken_for_a_foreign_one(tmp_path):
    nb.save({"w": nb.ones(3)}, tmp_path / "w.st")
    (tmp_path / "w.st").write_bytes((tmp_path / "w.st").read_bytes()[:20])
    with pytest.raises(ValueError, match=r"w.st is not a valid safetensors file \(SafetensorError"):
        nb.load(tmp_path / "w.st")
