"""What the page draws, as JSON messages: the ``state`` after a (re)build and a ``frame`` per update.

Pictures travel as base64 arrays: a heatmap is ``{"b64": ..., "dtype": "u8", "shape": [...]}`` whose
bytes code values in [-1, 1] as ``round((v + 1) * 127.5)`` (TensorFlow Playground's colour scale is
clamped to [-1, 1] too); weights and 1-D curves are float32 (``"f32"``, little-endian).

The 2-D heatmaps sample the network on a ``GRID x GRID`` lattice over the domain (TensorFlow
Playground's density of 100; ``COARSE_GRID`` for networks of more than ``COARSE_ABOVE`` weights, whose
forward pass over 10,000 points would cost more than their training), row 0 at the top (x2 largest);
each hidden unit's small heatmap is the same lattice read every ``grid // NODE_GRID`` points. For 1-D
data the network is sampled at ``CURVE`` values of x1 and drawn as curves.
"""

from __future__ import annotations

import base64

import numpy as np

from .config import ACTIVATIONS, LIMITS, OPTIMIZERS, OUTPUTS, REGULARIZATIONS, Config
from .features import FEATURES, available, feature_matrix
from .recipes import RECIPES
from .session import Session

GRID = 100
COARSE_GRID = 50
COARSE_ABOVE = 1000
NODE_GRID = 25
CURVE = 200
NODE_CURVE = 50


def encode(values: np.ndarray, dtype: str = "u8") -> dict:
    """A base64 array: "u8" codes values clamped to [-1, 1] in one byte each; "f32" keeps float32."""
    values = np.asarray(values)
    if dtype == "u8":
        raw = np.round((np.clip(np.nan_to_num(values), -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    else:
        raw = np.nan_to_num(values.astype("<f4"), posinf=3e38, neginf=-3e38)
    return {"b64": base64.b64encode(raw.tobytes()).decode("ascii"), "dtype": dtype, "shape": list(values.shape)}


def decode(array: dict) -> np.ndarray:
    """The inverse of :func:`encode` (u8 arrays come back as float32 values in [-1, 1], rounded to 1/127.5)."""
    raw = base64.b64decode(array["b64"])
    if array["dtype"] == "u8":
        values = np.frombuffer(raw, dtype=np.uint8).astype(np.float32) / 127.5 - 1.0
    else:
        values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    return values.reshape(array["shape"])


def grid_size(session: Session) -> int:
    """Points per side of the 2-D lattice: :data:`GRID`, or :data:`COARSE_GRID` for a large network."""
    weights = sum(k.size + b.size for k, b in session.dense_weights())
    return GRID if weights <= COARSE_ABOVE else COARSE_GRID


def lattice(session: Session) -> np.ndarray:
    """The points the heatmaps sample: ``(n * n, 2)`` row-major from the top left (n = :func:`grid_size`),
    or ``(CURVE, 1)`` for 1-D data."""
    domain = session.data.domain
    if session.task.dims == 1:
        return np.linspace(*domain[0], CURVE, dtype=np.float32)[:, None]
    n = grid_size(session)
    x1 = np.linspace(*domain[0], n, dtype=np.float32)
    x2 = np.linspace(*domain[1], n, dtype=np.float32)[::-1]
    a, b = np.meshgrid(x1, x2)
    return np.stack([a.ravel(), b.ravel()], axis=1)


def _thumbnail(values: np.ndarray, dims: int) -> np.ndarray:
    """``(n_points, units)`` on the lattice -> ``(units, NODE_GRID, NODE_GRID)`` or ``(units, NODE_CURVE)``."""
    if dims == 1:
        return values.T[:, :: CURVE // NODE_CURVE]
    n = int(round(np.sqrt(len(values))))
    stride = n // NODE_GRID
    grid = values.T.reshape(-1, n, n)
    return grid[:, stride // 2 :: stride, stride // 2 :: stride]


def _output_picture(session: Session, output: np.ndarray) -> dict:
    """The big heatmap: for two classes 2p - 1 (p of the second class); for more, the winning class and
    its confidence, (p_max - 1/K) / (1 - 1/K), as two channels; for values, the value scaled to the domain."""
    task, dims = session.task, session.task.dims
    n = int(round(np.sqrt(len(output))))
    if task.kind == "regression":
        if dims == 1:
            return {"kind": "curve", "values": encode(output, "f32")}
        low, high = float(session.data.y.min()), float(session.data.y.max())
        middle, half = (low + high) / 2, max((high - low) / 2, 1e-6)
        return {"kind": "value", "map": encode(((output - middle) / half).reshape(n, n))}
    if task.classes == 2:
        return {"kind": "binary", "map": encode((2 * output[:, 1] - 1).reshape(n, n))}
    winner = output.argmax(axis=1)
    confidence = (output.max(axis=1) - 1 / task.classes) / (1 - 1 / task.classes)
    return {
        "kind": "classes",
        "winner": encode((winner / 127.5 - 1).reshape(n, n)),  # byte = class index
        "confidence": encode((2 * confidence - 1).reshape(n, n)),
    }


def frame_message(session: Session) -> dict:
    """The live view of the network now: counters, losses and metrics, heatmaps, weights."""
    points = lattice(session)
    hidden, output = session.activations(feature_matrix(points, session.config.features))
    dims = session.task.dims
    kind = "f32" if dims == 1 else "u8"
    return {
        "type": "frame",
        "generation": session.generation,
        "epoch": session.epoch,
        "steps": session.steps,
        "samples": session.epoch * len(session.data.train) + session.cursor,
        "metrics": session.evaluate(),
        "output": _output_picture(session, output),
        "nodes": [encode(_thumbnail(h, dims), kind) for h in hidden],
        "weights": [[encode(k, "f32"), encode(b, "f32")] for k, b in session.dense_weights()],
    }


def state_message(session: Session, reason: str, notice: str | None = None) -> dict:
    """Everything the page draws that does not change while training: data, domain, features, layer sizes."""
    data, config, task = session.data, session.config, session.task
    points = lattice(session)
    names = available(task.dims)  # every feature the data allows, on or off, as TensorFlow Playground shows them
    features = feature_matrix(points, tuple(names))
    scale = np.maximum(np.abs(features).max(axis=0), 1e-6)  # each input's thumbnail spans [-1, 1]
    dims = task.dims
    kind = "f32" if dims == 1 else "u8"
    sizes = [len(config.features), *config.hidden, session.dense_weights()[-1][0].shape[1]]
    split = np.zeros(len(data.y), dtype=np.int8)
    split[data.test] = 1
    return {
        "type": "state",
        "generation": session.generation,
        "reason": reason,
        "notice": notice,
        "config": config.to_json(),
        "task": {"kind": task.kind, "classes": task.classes, "dims": dims, "class_names": list(data.class_names)},
        "output": session.network.output,
        "domain": [list(d) for d in data.domain],
        "points": {
            "x": np.round(data.X, 5).tolist(),
            "y": data.y.tolist(),
            "test": split.tolist(),
        },
        "features": [
            {"name": name, "picture": encode(_thumbnail(features[:, [i]] / scale[i], dims)[0], kind)}
            for i, name in enumerate(names)
        ],
        "layers": sizes,
        "weights_count": int(sum(p.size for p in session.network.model.parameters())),
        "n_train": len(data.train),
        "n_test": len(data.test),
        "batch_size": session.batch_size,
        "batches_per_epoch": session.batches_per_epoch,
        "grid": {"size": CURVE if dims == 1 else grid_size(session), "node": NODE_CURVE if dims == 1 else NODE_GRID},
    }


def hello_message() -> dict:
    """The page's first message: the choices, the limits, the defaults, and a preview of every dataset."""
    previews = []
    for recipe in RECIPES.values():
        classes = 3 if recipe.uses_classes else 2
        X, y = recipe.generate(120, recipe.noise or 0.0, classes, 0)
        previews.append(
            {
                "name": recipe.name,
                "label": recipe.label,
                "task": recipe.task,
                "dims": recipe.dims,
                "noise": recipe.noise,
                "uses_classes": recipe.uses_classes,
                "preview": {"x": np.round(X, 3).tolist(), "y": np.round(y, 3).tolist()},
            }
        )
    return {
        "type": "hello",
        "defaults": Config().to_json(),
        "limits": LIMITS,
        "choices": {
            "activation": list(ACTIVATIONS),
            "optimizer": list(OPTIMIZERS),
            "output": list(OUTPUTS),
            "regularization": list(REGULARIZATIONS),
            "features": list(FEATURES),
        },
        "datasets": previews,
    }
