"""What is fuzzed: for each reader, its valid seed files, how a case is made from them, and its documented errors.

A suite's ``setup(folder)`` builds the valid inputs once per child process; ``make_case(rng, seeds, stem)``
returns ``(description, run, subject)``: ``run()`` calls the reader (and returns None, or a verdict dict
for a wrong result), and ``subject`` is what a clear error's message must name (the file).
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

import mutations as mu
import numpy as np

import nabla as nb
from nabla import nn
from nabla.datasets.idx import IDX_IMAGES, IDX_LABELS, IDXError, read_idx


@dataclass(frozen=True)
class Suite:
    setup: object
    make_case: object
    allowed: tuple


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _returned(result) -> None:
    """A reader's result is not judged, only that it came back."""


# --- nb.load: safetensors files -----------------------------------------------------------------------


def _small_net():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def safetensors_setup(folder: Path) -> list[bytes]:
    net = _small_net()
    opt = nb.optim.Adam(net.parameters(), lr=0.01)
    net(nb.randn(5, 3)).sum().backward()
    opt.step()
    objects = [
        net.state_dict(),
        {
            "model": net.state_dict(),
            "optim": opt.state_dict(),
            "epoch": 3,
            "name": "run",
            "pair": (1, 2.5),
            "none": None,
            "array": np.arange(5, dtype=np.int32),
            "flags": [True, False],
        },
        nb.arange(6.0).reshape(2, 3),
        [nb.ones(2), {"k": nb.zeros(1, dtype=nb.float64)}],
    ]
    seeds = []
    for n, obj in enumerate(objects):
        nb.save(obj, folder / f"seed-{n}.st")
        seeds.append((folder / f"seed-{n}.st").read_bytes())
    return seeds


def mutate_safetensors(rng, data: bytes) -> tuple[bytes, str]:
    """A byte-level mutation, or a structural one of the header, the nabla skeleton or a tensor."""
    level = _pick(rng, ["bytes", "bytes", "header", "skeleton", "skeleton", "tensor"])
    if level == "bytes":
        return mu.mutate_bytes(rng, data)
    header, metadata, body = mu.read_safetensors(data)
    if level == "header":
        header, what = mu.mutate_tree(rng, header)
        return mu.write_safetensors(header if isinstance(header, dict) else {"x": header}, metadata, body), what
    if level == "skeleton" and "nabla" in metadata:
        skeleton, what = mu.mutate_tree(rng, __import__("json").loads(metadata["nabla"]))
        return mu.write_safetensors(header, {**metadata, "nabla": __import__("json").dumps(skeleton)}, body), what
    arrays = mu.tensors_of(header, body)
    name = _pick(rng, sorted(arrays))
    arrays[name], what = mu.mutate_array(rng, arrays[name])
    header, body = mu.pack_tensors(arrays)
    return mu.write_safetensors(header, metadata, body), f"{what} {name}"


def safetensors_case(rng, seeds, stem: Path):
    data, what = mutate_safetensors(rng, _pick(rng, seeds))
    path = stem.with_suffix(".safetensors")
    path.write_bytes(data)
    return what, lambda: _returned(nb.load(path)), path.name


# --- read_idx: IDX files, plain or gzip -------------------------------------------------------------

_IDX_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(">i2"): 0x0B,
    np.dtype(">i4"): 0x0C,
    np.dtype(">f4"): 0x0D,
    np.dtype(">f8"): 0x0E,
}


def idx_bytes(array: np.ndarray) -> bytes:
    array = array.astype(array.dtype.newbyteorder(">"))
    head = bytes([0, 0, _IDX_CODES[array.dtype], array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return head + array.tobytes()


def zero_bomb(mebibytes: int) -> bytes:
    """A gzip member of ``mebibytes`` MiB of zeros, about 1,000 times smaller, made in milliseconds.

    After a full flush the compressor emits the same bytes for every further MiB of zeros, so
    the stream is that block repeated. Its CRC-32 is left zero: a reader that gets that far has
    already decompressed everything, which is what this case is about.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate: the gzip framing is written here
    zeros = bytes(1 << 20)
    first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    repeated = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    size = (mebibytes << 20) % 2**32
    trailer = bytes(4) + size.to_bytes(4, "little")
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + first + repeated * (mebibytes - 1) + c.flush() + trailer


def idx_setup(folder: Path) -> dict:
    rng = np.random.default_rng(0)
    arrays = [
        rng.integers(0, 10, 50).astype(np.uint8),
        rng.integers(0, 256, (5, 4, 3)).astype(np.uint8),
        rng.integers(-128, 128, (7,)).astype(np.int8),
        rng.integers(-3000, 3000, (3, 4)).astype(">i2"),
        rng.integers(-(10**6), 10**6, (2, 3)).astype(">i4"),
        rng.standard_normal((2, 2, 2)).astype(">f4"),
        rng.standard_normal(6).astype(">f8"),
    ]
    # NOTE: 2 GiB of zeros: more than the children's memory budget, so a reader that decompresses
    # before checking sizes fails the case.
    return {"files": [idx_bytes(a) for a in arrays], "bomb": zero_bomb(2048)}


def _mutate_idx_header(rng, raw: bytes) -> tuple[bytes, str]:
    ndim = raw[3]
    field = _pick(rng, ["type", "ndim", "dim", "dim", "zeros"])
    if field == "type":
        return raw[:2] + bytes([int(rng.integers(256))]) + raw[3:], "idx:type"
    if field == "ndim":
        return raw[:3] + bytes([_pick(rng, [0, 1, 2, 3, 4, 255, ndim + 1, max(ndim - 1, 0)])]) + raw[4:], "idx:ndim"
    if field == "dim":
        offset = 4 + 4 * int(rng.integers(max(ndim, 1)))
        value = _pick(rng, mu.INTERESTING_INTS) % 2**32
        return raw[:offset] + value.to_bytes(4, "big") + raw[offset + 4 :], "idx:dim"
    return bytes([int(rng.integers(256)), int(rng.integers(256))]) + raw[2:], "idx:magic"


def _gzip_members(rng, raw: bytes, bomb: bytes) -> tuple[bytes, str]:
    trick = _pick(rng, ["split", "empty-members", "padding", "garbage", "bomb", "mutated"])
    if trick == "split":
        cuts = sorted({int(c) for c in rng.integers(0, len(raw) + 1, size=int(rng.integers(1, 6)))})
        pieces = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)])]
        return b"".join(gzip.compress(p) for p in pieces), "gzip:split"
    if trick == "empty-members":
        return gzip.compress(raw) + gzip.compress(b"") * int(rng.integers(1, 5_000)), "gzip:empty-members"
    if trick == "padding":
        return gzip.compress(raw) + bytes(int(rng.integers(1, 5000))), "gzip:padding"
    if trick == "garbage":
        return gzip.compress(raw) + rng.bytes(int(rng.integers(1, 100))), "gzip:garbage"
    if trick == "bomb":  # the header, then 2 GiB of zeros in a second member
        head = raw[: 4 + 4 * raw[3]] if len(raw) > 3 else raw
        return gzip.compress(head) + bomb, "gzip:bomb"
    data, what = mu.mutate_bytes(rng, gzip.compress(raw))
    return data, "gzip:" + what


def idx_case(rng, seeds, stem: Path):
    raw = _pick(rng, seeds["files"])
    what = []
    if rng.random() < 0.5:
        raw, w = _mutate_idx_header(rng, raw)
        what.append(w)
    if rng.random() < 0.4:
        raw, w = mu.mutate_bytes(rng, raw)
        what.append(w)
    container = _pick(rng, ["plain", "gzip", "gzip-tricks"])
    if container == "gzip":
        raw = gzip.compress(raw)
    elif container == "gzip-tricks":
        raw, w = _gzip_members(rng, raw, seeds["bomb"])
        what.append(w)
    path = stem.with_suffix(".idx")
    path.write_bytes(raw)
    magic = _pick(rng, [None, None, IDX_IMAGES, IDX_LABELS])
    return f"{container} {' '.join(what)} magic={magic}", lambda: _returned(read_idx(path, magic=magic)), path.name


# --- Module.load_state_dict: Python objects ------------------------------------------------------------


class _FailingArray:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("this object cannot become an array")


def _wrong_value(rng, value: np.ndarray):
    options = [
        None,
        "text",
        b"bytes",
        3,
        2.5,
        float("nan"),
        True,
        {"nested": value},
        [value, value],
        value.tolist(),
        [[1.0, 2.0], [3.0]],
        np.array(["a"] * value.size).reshape(value.shape),
        value.astype(np.complex64),
        value.astype(object),
        np.full(value.shape, 1e300),
        np.full(value.shape, np.nan),
        np.full(value.shape, -np.inf),
        value.T if value.ndim == 2 else value[None],
        np.zeros((0,)),
        nb.tensor(value).reshape(-1),
        _FailingArray(),
        set(value.ravel().tolist()),
        np.datetime64("2020-01-01"),
        memoryview(value.tobytes()),
        range(3),
        np.zeros(value.shape, np.float16) + 65504,
        nb.zeros(*value.shape, dtype=nb.int64) if value.ndim else 1,
    ]
    return _pick(rng, options)


def state_dict_case(rng, seeds, stem: Path):
    model = _small_net()
    model(nb.randn(4, 3))  # moves the running statistics, so that a partial copy would show
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    state = {k: v + 1 for k, v in before.items()}
    level = _pick(rng, ["argument", "key", "value", "value", "value", "several"])
    what = level
    if level == "argument":
        state = _pick(
            rng,
            [
                None,
                list(state.items()),
                nb.ones(3),
                [[1, 2], [3]],
                "state",
                7,
                set(state),
                b"x",
                np.ones(3),
                (v for v in state.values()),
                {"0": state},
            ],
        )
        what = f"argument {type(state).__name__}"
    for _ in range(1 if level != "several" else int(rng.integers(2, 5))):
        if not isinstance(state, dict) or not state:
            break
        key = _pick(rng, sorted(state, key=str))
        kind = _pick(rng, ["delete", "add", "value"]) if level in ("key", "several") else "value"
        if kind == "delete":
            del state[key]
        elif kind == "add":
            state[_pick(rng, ["extra", 7, None, ("a", 1), str(key).upper(), f"{key}.x"])] = np.zeros(2)
        else:
            state[key] = _wrong_value(rng, before.get(key, np.zeros(2)))
        what += f" {kind}:{key}"
    strict = bool(rng.integers(2))

    def run():
        try:
            model.load_state_dict(state, strict=strict)
        except BaseException:
            after = model.state_dict()
            if any(not np.array_equal(after[k].numpy(), v, equal_nan=True) for k, v in before.items()):
                return {"outcome": "changed weights on failure", "error": ""}
            raise
        return None

    return f"{what} strict={strict}", run, "load_state_dict into"


# --- models.load_model and model.load_weights: whole-model and weight files ---------------------------


def _models() -> list:
    """Trained models of every layer class, compiled in every way a file records (names, objects, dict losses)."""
    from nabla import layers as L
    from nabla import losses
    from nabla.models import Sequential

    rng = np.random.default_rng(0)
    mlp = Sequential(
        [
            L.Dense(8, activation="relu", input_shape=(3,), kernel_regularizer="l2"),
            L.BatchNormalization(),
            L.Dropout(0.3),
            L.Dense(3, activation="softmax"),
        ]
    )
    mlp.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    cnn = Sequential(
        [
            L.Conv2D(4, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
            L.MaxPooling2D(),
            L.Conv2D(2, (2, 2), strides=2),
            L.AveragePooling2D(2, padding="same"),  # (pool_size is required, as in Keras 3)
            L.Flatten(),
            L.Dense(3),
        ]
    )
    cnn.compile(
        optimizer=nb.optim.SGD(lr=0.1, momentum=0.9),
        loss=losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    noisy = Sequential(
        [
            L.Input((6, 6, 2)),
            L.RandomTranslation(0.1, (-0.2, 0.1), fill_mode="constant"),
            L.GaussianNoise(0.1),
            L.LayerNormalization(),
            L.Flatten(),
            L.GaussianDropout(0.2),
            L.Dense(4),
            L.Activation("tanh"),
            L.Dense(1),
        ]
    )
    noisy.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    decoupled = Sequential([L.Dense(5, input_shape=(4,), use_bias=False), L.Dense(1, activation="sigmoid")])
    decoupled.compile(optimizer=nb.optim.AdamW(lr=0.01), loss=losses.BinaryCrossentropy(label_smoothing=0.1))
    plain = Sequential([L.Dense(2, input_shape=(2,), bias_initializer="ones")])
    unfitted = Sequential([L.Dense(3, input_shape=(2,)), L.BatchNormalization(axis=1)])
    unfitted.compile(optimizer="adagrad", loss="huber")
    data = {
        mlp: (rng.random((16, 3)), rng.integers(0, 3, 16)),
        cnn: (rng.random((8, 8, 8, 1)), rng.integers(0, 3, 8)),
        noisy: (rng.random((8, 6, 6, 2)), rng.random((8, 1))),
        decoupled: (rng.random((8, 4)), rng.random((8, 1))),
    }
    for model, (x, y) in data.items():
        model.fit(x.astype(np.float32), y, epochs=1, batch_size=4, verbose=0)
    return [mlp, cnn, noisy, decoupled, plain, unfitted]


def model_setup(folder: Path) -> list[bytes]:
    seeds = []
    for n, model in enumerate(_models()):
        model.save(folder / f"seed-{n}.nabla")
        seeds.append((folder / f"seed-{n}.nabla").read_bytes())
    return seeds


def _plain(node):
    """A decoded file as plain data to mutate: Tensors become arrays, tuples lists."""
    if isinstance(node, nb.Tensor):
        return node.numpy().copy()
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_plain(v) for v in node]
    return node


def mutate_payload(rng, tree) -> tuple[object, str]:
    """A structural mutation of a decoded model file: a field's value, presence or nesting, or a stored array."""
    whats = []
    if rng.random() < 0.75:
        tree, what = mu.mutate_tree(rng, tree)
        whats.append(what)
    arrays = [p for p in mu.paths(tree) if isinstance(mu.get_at(tree, p), np.ndarray)]
    if arrays and (not whats or rng.random() < 0.3):
        path = _pick(rng, arrays)
        parent = mu.get_at(tree, path[:-1])
        parent[path[-1]], what = mu.mutate_array(rng, parent[path[-1]])
        whats.append(f"{what} {'/'.join(map(str, path))}")
    return tree, " ".join(whats)


def model_case(rng, seeds, stem: Path):
    path = stem.with_suffix(".nabla")
    seed = _pick(rng, seeds)
    if rng.random() < 0.3:
        data, what = mutate_safetensors(rng, seed)
        path.write_bytes(data)
    else:
        path.write_bytes(seed)
        tree, what = mutate_payload(rng, _plain(nb.load(path)))
        if isinstance(tree, dict) and isinstance(tree.get("weights"), dict):
            tree["weights"] = {k: nb.tensor(v) if isinstance(v, np.ndarray) else v for k, v in tree["weights"].items()}
        try:
            nb.save(tree, path)
        except (TypeError, RecursionError):  # a mutation nb.save cannot write (too deep): mutate the bytes instead
            data, what = mutate_safetensors(rng, seed)
            path.write_bytes(data)
    from nabla.models import load_model

    return what, lambda: _returned(load_model(path)), path.name


def weights_setup(folder: Path) -> list[tuple]:
    seeds = []
    for n, model in enumerate(_models()[:4]):
        model.save_weights(folder / f"seed-{n}.st")
        seeds.append((n, (folder / f"seed-{n}.st").read_bytes()))
    model.save(folder / "whole.nabla")
    seeds.append((3, (folder / "whole.nabla").read_bytes()))  # a whole-model file where weights are expected
    return seeds


def weights_case(rng, seeds, stem: Path):
    n, data = _pick(rng, seeds)
    data, what = mutate_safetensors(rng, data) if rng.random() < 0.9 else (data, "unchanged")
    path = stem.with_suffix(".st")
    path.write_bytes(data)
    nb.manual_seed(0)
    target = _fresh(n)

    def run():
        before = [w.copy() for w in target.get_weights()]
        try:
            target.load_weights(path)
        except BaseException:
            if any(not np.array_equal(a, b, equal_nan=True) for a, b in zip(before, target.get_weights())):
                return {"outcome": "changed weights on failure", "error": ""}
            raise
        return None

    return what, run, path.name


_FRESH: dict = {}


def _fresh(n: int):
    """A new, built, untrained model of the same architecture as ``_models()[n]`` (its weights file's target)."""
    from nabla.models import Sequential

    if n not in _FRESH:
        _FRESH[n] = _models()[n].get_config()
    return Sequential.from_config(_FRESH[n])


# --- the harness's own check: one case of each outcome ----------------------------------------------


def _selftest_case(rng, seeds, stem: Path):
    import os
    import signal
    import time

    def allowed():
        raise ValueError(f"{stem.name}: clear")

    def crash():
        os.kill(os.getpid(), signal.SIGSEGV)

    index = int(stem.name.split("-")[1])
    behaviours = [
        lambda: None,
        allowed,
        lambda: {}["missing"],
        lambda: (_ for _ in ()).throw(ValueError("says nothing of the file")),
        crash,
        lambda: time.sleep(60),
        lambda: np.ones(1 << 31),  # 16 GiB
        lambda: np.float32(3e38) * np.float32(10),  # an overflow warning, turned into an error
    ]
    return f"behaviour {index}", behaviours[index], stem.name


SUITES = {
    "selftest": Suite(lambda folder: None, _selftest_case, (ValueError,)),
    "safetensors": Suite(safetensors_setup, safetensors_case, (ValueError,)),
    "idx": Suite(idx_setup, idx_case, (IDXError,)),
    "state_dict": Suite(lambda folder: None, state_dict_case, (TypeError, ValueError, KeyError)),
    "model": Suite(model_setup, model_case, (ValueError,)),
    "weights": Suite(weights_setup, weights_case, (ValueError,)),
}
