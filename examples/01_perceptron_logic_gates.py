# %% [markdown]
# # Lab 1: a single neuron learns AND and OR, and cannot learn XOR
#
# One neuron computes ``step(w1 x1 + w2 x2 + b)`` (Rosenblatt's perceptron) or
# ``sigmoid(w1 x1 + w2 x2 + b)``: either way its decision boundary is the
# straight line ``w1 x1 + w2 x2 + b = 0``. AND and OR are linearly separable:
# the perceptron rule ``w += lr (y - y_hat) x`` stops making mistakes after a
# few epochs, and gradient descent on the cross-entropy drives the sigmoid
# neuron's loss towards 0. XOR is not (no line puts (0,1) and (1,0) on one
# side and (0,0) and (1,1) on the other): the perceptron keeps cycling with at
# least one mistake per epoch, and the sigmoid neuron's best answer is
# ``p = 0.5`` everywhere, with loss ``ln 2 = 0.693``, a coin flip.
#
#     python examples/01_perceptron_logic_gates.py [--quick] [--out DIR]
#
# Prints the perceptron's mistakes per epoch and the sigmoid neuron's weights and
# loss for each gate; writes ``logic_gates.png`` (the four points and each
# perceptron's final decision line, over the sigmoid neuron's probabilities).


# %%
import argparse
import os
import shlex
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.plot as nbplot
from nabla import datasets

# %%
GATES = {"AND": datasets.and_gate, "OR": datasets.or_gate, "XOR": datasets.xor_gate}


# %%
def perceptron(X: np.ndarray, y: np.ndarray, epochs: int, lr: float = 0.1, seed: int = 0):
    """Rosenblatt's rule, one point at a time, from small random weights; returns (w, b, mistakes per epoch)."""
    rng = np.random.default_rng(seed)
    w, b = rng.normal(0.0, 0.1, size=2), float(rng.normal(0.0, 0.1))
    mistakes = []
    for _ in range(epochs):
        wrong = 0
        for xi, yi in zip(X, y):
            y_hat = float(xi @ w + b > 0)
            w += lr * (yi - y_hat) * xi
            b += lr * (yi - y_hat)
            wrong += int(y_hat != yi)
        mistakes.append(wrong)
    return w, b, mistakes


# %%
def sigmoid_neuron(X: np.ndarray, y: np.ndarray, steps: int, lr: float = 1.0, seed: int = 0):
    """Full-batch gradient descent on the cross-entropy of one sigmoid neuron, by backprop; returns (w, b, loss)."""
    nb.manual_seed(seed)
    x = nb.tensor(X)
    target = nb.tensor(y.astype(np.float32)[:, None])
    w = nb.randn(2, 1, requires_grad=True)
    b = nb.zeros(1, requires_grad=True)
    for _ in range(steps):
        loss = nb.binary_cross_entropy_with_logits(x @ w + b, target)
        w.grad = b.grad = None
        loss.backward()
        with nb.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
    return w.detach().numpy()[:, 0], b.item(), loss.item()


# %%
def draw(results: dict, path: Path):
    fig = nbplot.figure(figsize=(12, 4.2))
    axes = fig.subplots(1, len(results))
    xs = np.linspace(-0.5, 1.5, 50)
    gx, gy = np.meshgrid(np.linspace(-0.5, 1.5, 200), np.linspace(-0.5, 1.5, 200))
    for ax, (name, r) in zip(axes, results.items()):
        sw, sb = r["sigmoid"]
        p = 1 / (1 + np.exp(-np.clip(sw[0] * gx + sw[1] * gy + sb, -30, 30)))
        ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
        w, b = r["perceptron"]
        if abs(w[1]) > 1e-12:
            ax.plot(xs, -(w[0] * xs + b) / w[1], "k-", lw=2, label="perceptron's line")
        elif abs(w[0]) > 1e-12:
            ax.axvline(-b / w[0], color="k", lw=2, label="perceptron's line")
        X, y = r["data"]
        for c, color in ((0, "tab:blue"), (1, "tab:red")):
            ax.scatter(*X[y == c].T, s=160, color=color, edgecolors="black", zorder=3, label=f"target {c}")
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(-0.5, 1.5)
        ax.set_aspect("equal")
        ax.set_title(f"{name}: perceptron {r['accuracy']:.0%} right, sigmoid loss {r['loss']:.3f}", fontsize=10)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=9)
    fig.suptitle("shading: the sigmoid neuron's P(output = 1)")
    fig.savefig(path, dpi=110)
    return fig


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(description="Lab 1: a single neuron learns AND and OR, and cannot learn XOR")
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/01", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## Each gate: the perceptron's rule and the sigmoid neuron's gradient descent

# %%
epochs, steps = (20, 300) if args.quick else (50, 3000)

results = {}
for name, gate in GATES.items():
    X, y = gate()
    w, b, mistakes = perceptron(X, y, epochs)
    accuracy = float(((X @ w + b > 0).astype(int) == y).mean())
    sw, sb, loss = sigmoid_neuron(X, y, steps)
    results[name] = {"data": (X, y), "perceptron": (w, b), "sigmoid": (sw, sb), "accuracy": accuracy, "loss": loss}
    print(
        f"{name:3}  perceptron mistakes per epoch {mistakes[:8]}... last {mistakes[-1]}; "
        f"sigmoid neuron w = ({sw[0]:+.2f}, {sw[1]:+.2f}), b = {sb:+.2f}, loss {loss:.3f}"
    )
print(
    "XOR is not linearly separable: the perceptron never finishes an epoch without a mistake, and the "
    f"sigmoid neuron ends at p = 0.5 everywhere (loss ln 2 = {np.log(2):.3f}). Lab 2 adds a hidden layer."
)


# %% [markdown]
# ## The picture: each perceptron's line, over the sigmoid neuron's probabilities

# %%
fig = draw(results, out / "logic_gates.png")
print(f"wrote {out / 'logic_gates.png'}")
fig
