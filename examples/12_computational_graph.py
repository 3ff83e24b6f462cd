# %% [markdown]
# # Lab 12: a small expression as a computational graph: forward values, backpropagated gradients, and a drawing
#
# The neuron of Karpathy's micrograd lecture: ``o = tanh(x1 w1 + x2 w2 + b)``
# with ``x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432`` (chosen so
# that ``n = x1 w1 + x2 w2 + b = 0.8814`` and ``o = tanh(n) = 0.7071``).
# Backpropagation walks the graph from ``o`` back to the leaves, multiplying
# local derivatives (the chain rule):
#
#     do/dn  = 1 - o^2 = 0.5
#     do/dw1 = do/dn * x1 = 1.0        do/dx1 = do/dn * w1 = -1.5
#     do/dw2 = do/dn * x2 = 0.0        do/dx2 = do/dn * w2 = 0.5
#     do/db  = do/dn = 0.5
#
# The script checks these against the hand-computed values and against finite
# differences (``nb.numerical_grad``), then draws the graph with every node's
# gradient (``nabla.plot.graph``). A second drawing shows the graph of a tiny
# MLP's loss after ``backward(retain_graph=True)``, with the parameters named
# and their gradients.
#
#     python examples/12_computational_graph.py [--quick] [--out DIR]
#
# Writes, for each graph, a PNG drawn with matplotlib (``drawing.figure()``, no
# Graphviz needed), the DOT text, and, when Graphviz's ``dot`` program is
# installed, an SVG in Graphviz's layout: ``neuron_graph.png``, ``.dot`` (``.svg``)
# and ``mlp_graph.png``, ``.dot`` (``.svg``).


# %%
import argparse
import math
import os
import shlex
import shutil
from pathlib import Path

import nabla as nb
import nabla.plot as nbplot
from nabla import nn

# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 12: a small expression as a computational graph: forward values,"
    " backpropagated gradients, and a drawing"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run (the same: it is quick)")
parser.add_argument("--out", default="lab-output/12", help="folder for the drawings")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## One neuron, o = tanh(x1 w1 + x2 w2 + b): forward, backward, and its graph

# %%
can_render = shutil.which("dot") is not None

leaves = {
    "x1": nb.tensor(2.0, dtype=nb.float64, requires_grad=True),
    "x2": nb.tensor(0.0, dtype=nb.float64, requires_grad=True),
    "w1": nb.tensor(-3.0, dtype=nb.float64, requires_grad=True),
    "w2": nb.tensor(1.0, dtype=nb.float64, requires_grad=True),
    "b": nb.tensor(6.8813735870195432, dtype=nb.float64, requires_grad=True),
}
x1, x2, w1, w2, b = leaves.values()
n = x1 * w1 + x2 * w2 + b
o = nb.tanh(n)
print(f"forward: n = {n.item():.4f}, o = tanh(n) = {o.item():.4f}")

labels = {**{t: name for name, t in leaves.items()}, n: "n", o: "o"}
drawing = nbplot.graph(o, labels=labels, compute_grads=True)  # before backward, which frees the graph
o.backward()
expected = {"x1": -1.5, "x2": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5}
numeric = nb.numerical_grad(lambda *ts: nb.tanh(ts[0] * ts[2] + ts[1] * ts[3] + ts[4]), *leaves.values())
for (name, t), fd in zip(leaves.items(), numeric):
    g = t.grad.item()
    assert math.isclose(g, expected[name], abs_tol=1e-9), (name, g)
    print(f"do/d{name:2} = {g:+.6f}   by hand {expected[name]:+.1f}   finite differences {float(fd):+.6f}")
print(f"graph: {drawing.num_tensors} tensors, {drawing.num_ops} operations")
drawing.figure()  # the graph drawn with matplotlib (no Graphviz needed)


# %% [markdown]
# ## A tiny MLP's loss, with its parameters named

# %%
nb.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
x = nb.tensor([[0.5, -1.0], [1.0, 2.0]])
target = nb.tensor([[1.0], [0.0]])
loss = nn.functional.mse_loss(model(x), target)
loss.backward(retain_graph=True)  # keep the graph, so that the drawing shows the parameters' .grad
mlp_drawing = nbplot.graph(loss, labels={**dict(model.named_parameters()), "x": x, "target": target, "loss": loss})
print(
    f"MLP loss {loss.item():.4f}; gradient norms: "
    + ", ".join(
        f"{name} {float((p.grad * p.grad).sum().sqrt().item()):.3f}" for name, p in model.named_parameters()
    )
)
mlp_drawing.figure()


# %% [markdown]
# ## The drawings as files: PNG, DOT text, and SVG with Graphviz

# %%
written = []
for name, d in (("neuron_graph", drawing), ("mlp_graph", mlp_drawing)):
    d.figure(path=out / f"{name}.png")  # matplotlib's drawing: no Graphviz needed
    (out / f"{name}.dot").write_text(d.dot, encoding="utf-8")
    written += [out / f"{name}.png", out / f"{name}.dot"]
    if can_render:
        d.save(out / f"{name}.svg")
        written.append(out / f"{name}.svg")
if not can_render:
    print(
        "Graphviz's 'dot' is not installed: the PNGs are drawn with matplotlib; install Graphviz for "
        "SVGs in its layout (apt-get install graphviz, brew install graphviz)"
    )
print("wrote " + ", ".join(str(p) for p in written))
