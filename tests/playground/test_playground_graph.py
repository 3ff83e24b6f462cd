"""The step view: the graph of one training step, every node's value and gradient checked against PyTorch."""

from __future__ import annotations

import numpy as np
from conftest import require

from nabla.playground import Session
from nabla.playground.graph import record_step


def test_the_step_graph_holds_pytorchs_values_and_gradients_and_the_step_is_taken():
    torch = require("torch")
    session = Session(
        {
            "dataset": "moons",
            "hidden": [3],
            "regularization": "l2",
            "reg_rate": 0.01,
            "batch_size": 6,
            "optimizer": "sgd",
            "lr": 0.1,
        }
    )
    kernel1, bias1, kernel2, bias2 = (a.copy() for pair in session.dense_weights() for a in pair)
    seen = {}

    def spy(s, x, target):
        seen["x"], seen["target"] = x, target
        return record_step(s, x, target)

    graph = session.eager_step(spy)
    nodes = {n["label"]: n for n in graph["nodes"]}

    W1, b1, W2, b2 = (
        torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (kernel1, bias1, kernel2, bias2)
    )
    z1 = torch.tensor(seen["x"], dtype=torch.float64) @ W1 + b1
    h1 = torch.tanh(z1)
    logits = h1 @ W2 + b2
    data_loss = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, torch.tensor(seen["target"], dtype=torch.float64)
    )
    loss = data_loss + 0.01 * ((W1 * W1).sum() + (W2 * W2).sum())
    for t in (z1, h1, logits, data_loss):
        t.retain_grad()
    loss.backward()

    assert abs(graph["loss"] - loss.item()) < 1e-5
    expect = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "tanh": h1, "logits": logits, "data loss": data_loss}
    for label, tensor in expect.items():
        node = nodes[label]
        np.testing.assert_allclose(node["value"]["values"], tensor.detach().numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(node["grad"]["values"], tensor.grad.numpy(), rtol=1e-4, atol=1e-6)
    assert nodes["x"]["grad"] is None and nodes["x"]["kind"] == "input"
    assert nodes["W1"]["kind"] == "param" and nodes["tanh"]["kind"] == "op"
    assert nodes["loss"]["grad"]["values"] == 1.0
    assert {"W1²", "W2²", "× 0.01"} <= set(nodes)  # the penalty's terms, said as the math writes them
    assert graph["backward_order"][0] == nodes["loss"]["id"]
    # the update that followed is SGD's with exactly these gradients
    np.testing.assert_allclose(session.dense_weights()[0][0], kernel1 - 0.1 * W1.grad.numpy(), rtol=1e-5, atol=1e-6)
    assert session.steps == 1


def test_big_tensors_are_cut_for_the_page():
    session = Session({"dataset": "moons", "hidden": [40], "batch_size": 50, "dropout": 0.2})
    graph = session.eager_step(record_step)
    nodes = {n["label"]: n for n in graph["nodes"]}
    assert nodes["W2"]["value"]["shape"] == [40, 1]
    assert np.shape(nodes["W2"]["value"]["values"]) == (16, 1)
    assert np.shape(nodes["tanh"]["value"]["values"]) == (16, 16)
    assert graph["batch"] == 50 and graph["rows_shown"] == 16
    assert "× mask (dropout)" in nodes and "mask" in nodes
    depths = {n["id"]: n["depth"] for n in graph["nodes"]}
    for n in graph["nodes"]:
        assert all(depths[i] < n["depth"] for i in n["inputs"])  # inputs come before
