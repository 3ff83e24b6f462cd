"""The step view: one training step's computational graph, each node with its value and its gradient.

The "step" button trains one mini-batch eagerly (not captured), so that nabla records the graph:
from the inputs and the weights through every layer to the loss. Before ``backward`` the graph is
walked from the loss (through ``grad_fn`` and its inputs) and every intermediate tensor is asked to
keep its gradient (``retain_grad``); after ``backward`` each node carries ``d loss / d node``, the
numbers the course writes under each box of its drawings. The optimizer's update follows, so the
step view shows exactly the gradient that moved the weights.

Each node is sent with its value and gradient, cut to at most :data:`ROWS` rows (samples of the
batch) and :data:`COLUMNS` columns (units), and its depth (the longest path from an input) for the
layout. Additions of the constant 0 (how a sum of penalties starts) are left out of the drawing.
"""

from __future__ import annotations

import numpy as np

import nabla as nb

from .. import layers
from .session import Session

ROWS = 16
COLUMNS = 16

# How the drawing names nabla's primitives.
FORMULAS = {
    "linear": "x·W + b",
    "matmul": "x·W",
    "add": "+",
    "sub": "−",
    "mul": "×",
    "sum": "Σ",
    "mean": "mean",
    "abs": "|·|",
    "tanh": "tanh",
    "relu": "relu",
    "sigmoid": "σ",
    "leaky_relu": "leaky relu",
    "elu": "elu",
    "gelu": "gelu",
    "silu": "swish",
    "softplus": "softplus",
    "binary_cross_entropy_with_logits": "BCE(z, y)",
    "softmax_cross_entropy": "cross-entropy(z, y)",
    "mse_loss": "(o − y)²",
}


def _cut(values: np.ndarray) -> dict:
    """An array for the page: its shape, its norm, and its first rows and columns."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 0:
        shown = v
    elif v.ndim == 1:
        shown = v[:COLUMNS]
    else:
        shown = v.reshape(v.shape[0], -1)[:ROWS, :COLUMNS]
    significant = np.vectorize(lambda x: float(f"{x:.7g}"), otypes=[np.float64])  # float32 digits, however small
    return {
        "shape": list(v.shape),
        "values": significant(np.nan_to_num(shown)).tolist(),
        "norm": float(np.sqrt(np.sum(np.nan_to_num(v) ** 2))),
    }


def _names(session: Session) -> dict[int, str]:
    """W1, b1, W2, ... for the weights of the Dense layers."""
    names, index = {}, 0
    for layer in session.network.model.layers:
        if isinstance(layer, layers.Dense):
            index += 1
            names[id(layer.kernel)] = f"W{index}"
            names[id(layer.bias)] = f"b{index}"
    return names


def _is_zero_constant(x) -> bool:
    return not isinstance(x, nb.Tensor) and np.ndim(x) == 0 and float(x) == 0.0


def _walk(loss: nb.Tensor) -> tuple[list[nb.Tensor], dict[int, list[nb.Tensor]], dict[int, list[str]]]:
    """The tensors of the graph in topological order (inputs first), each one's tensor inputs, and the
    numbers each operation applies (the rate of a penalty), read before ``backward`` frees the graph.

    An ``add`` of the constant 0 is replaced by its other input, so that the drawing shows the sum of
    penalties as the math writes it.
    """

    def skip(t: nb.Tensor) -> nb.Tensor:
        while t.grad_fn is not None and t.grad_fn.name == "add":
            inputs = t.grad_fn.input_tensors()
            others = [i for i in inputs if not _is_zero_constant(i)]
            if len(others) != 1 or not isinstance(others[0], nb.Tensor) or len(inputs) != 2:
                break
            t = others[0]
        return t

    root = skip(loss)
    inputs: dict[int, list[nb.Tensor]] = {}
    constants: dict[int, list[str]] = {}
    order: list[nb.Tensor] = []
    stack = [(root, False)]
    while stack:  # iterative post-order: a node after all its inputs
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        if id(t) in inputs:
            continue
        fn = t.grad_fn
        given = fn.input_tensors() if fn is not None else ()
        children = [skip(i) for i in given if isinstance(i, nb.Tensor)]
        inputs[id(t)] = children
        constants[id(t)] = [f"{float(c):g}" for c in given if not isinstance(c, nb.Tensor) and np.ndim(c) == 0]
        stack.append((t, True))
        stack.extend((c, False) for c in reversed(children) if id(c) not in inputs)
    seen, unique = set(), []
    for t in order:
        if id(t) not in seen:
            seen.add(id(t))
            unique.append(t)
    return unique, inputs, constants


def record_step(session: Session, x: np.ndarray, target: np.ndarray) -> dict:
    """Forward and backward of one mini-batch (``x``: features, ``target``: labels), described for the page."""
    net = session.network
    inputs = nb.tensor(x)
    out = inputs
    for layer in net.logit_layers:
        out = layer(out, training=True)
    data_loss = net.data_loss(out, target)
    loss = data_loss + net.penalty()
    tensors, edges, constants = _walk(loss)
    for t in tensors:
        if t.grad_fn is not None:
            t.retain_grad()
    loss.backward()

    names = {**_names(session), id(inputs): "x", id(out): "logits" if net.output != "linear" else "output"}
    names[id(data_loss)] = "data loss"
    names[id(tensors[-1])] = "loss"
    numbers = {id(t): i for i, t in enumerate(tensors)}
    depth: dict[int, int] = {}
    nodes = []
    for t in tensors:
        children = edges[id(t)]
        depth[id(t)] = 1 + max((depth[id(c)] for c in children), default=-1)
        op = t.grad_fn.name if t.grad_fn is not None else None
        if id(t) in names:
            label = names[id(t)]
        elif op is not None:  # the operation, with the numbers it applies (the rate of a penalty)
            label = " ".join([FORMULAS.get(op, op), *[c for c in constants[id(t)] if c != "0"]])
        else:  # a tensor made inside the step that needs no gradient: the labels, or dropout's mask
            consumers = [u for u in tensors if any(c is t for c in edges[id(u)])]
            label = "mask" if consumers and consumers[0].grad_fn.name == "mul" else "y"
        nodes.append(
            {
                "id": numbers[id(t)],
                "label": label,
                "op": op,
                "formula": FORMULAS.get(op, op) if op else None,
                "kind": "op" if op else ("param" if t.requires_grad else "input"),
                "inputs": [numbers[id(c)] for c in edges[id(t)]],
                "depth": depth[id(t)],
                "value": _cut(t.detach().numpy()),
                "grad": None if t.grad is None else _cut(t.grad.numpy()),
            }
        )
    for node in nodes:  # a product with dropout's mask, and a square, said in words
        if node["op"] == "mul" and len(node["inputs"]) == 2:
            first, second = (nodes[i] for i in node["inputs"])
            if first is second:
                node["label"] = f"{first['label']}²" if first["kind"] == "param" else "(·)²"
            elif "mask" in (first["label"], second["label"]):
                node["label"] = "× mask (dropout)"
    return {
        "type": "graph",
        "batch": int(len(x)),
        "rows_shown": min(ROWS, int(len(x))),
        "loss": float(loss.item()),
        "nodes": nodes,
        "backward_order": [n["id"] for n in reversed(nodes) if n["grad"] is not None],
    }
