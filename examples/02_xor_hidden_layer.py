# %% [markdown]
# # Lab 2: XOR with two hidden neurons: the hidden layer makes the problem linearly separable
#
# A 2-2-1 network, ``sigmoid(w2 . tanh(W1 x + b1) + b2)``, trained by full-batch
# gradient descent on the cross-entropy. The hidden layer maps the four
# corners to new points ``h = tanh(W1 x + b1)``, where one straight line (the
# output neuron's) separates the two classes: the left figure shows the
# curved boundary in the input plane, the middle one the same points (and a
# bent copy of the input grid) in the hidden plane with the output's line.
#
# With only two hidden units the loss surface has local minima: some random
# starts get stuck (two of the four points at p = 0.5, loss ~0.35).
# The script trains from ten random starts, reports which got stuck and draws the
# first that solved it.
#
#     python examples/02_xor_hidden_layer.py [--quick] [--out DIR]
#
# Writes ``xor_hidden_layer.png``.


# %%
import argparse
import os
import shlex
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.plot as nbplot
from nabla import datasets, nn


# %%
def train(X, y, seed: int, epochs: int, lr: float = 0.5):
    """A 2-2-1 tanh network by full-batch gradient descent; returns (model, losses)."""
    nb.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    for layer in (model[0], model[2]):  # weights N(0, 1), biases 0: large enough to break the symmetry quickly
        nn.init.normal_(layer.weight)
        nn.init.zeros_(layer.bias)
    x, target = nb.tensor(X), nb.tensor(y.astype(np.float32)[:, None])
    optimizer = nb.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = nn.functional.binary_cross_entropy_with_logits(model(x), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses


# %%
def hidden(model, X: np.ndarray) -> np.ndarray:
    with nb.no_grad():
        return model[1](model[0](nb.tensor(X.astype(np.float32)))).numpy()


# %%
def draw(model, X, y, runs: dict, solved: dict, shown: int, path: Path):
    fig = nbplot.figure(figsize=(15, 4.6))
    ax_in, ax_h, ax_loss = fig.subplots(1, 3)
    nbplot.decision_boundary(model, X, y, ax=ax_in, bounds=(-0.5, 1.5, -0.5, 1.5), title="input plane: P(XOR = 1)")

    # The input grid, bent by the hidden layer.
    for t in np.linspace(-0.5, 1.5, 11):
        line = np.linspace(-0.5, 1.5, 100)
        for pts in (np.column_stack([line, np.full(100, t)]), np.column_stack([np.full(100, t), line])):
            ax_h.plot(*hidden(model, pts).T, color="0.8", lw=0.7)
    H = hidden(model, X)
    for c, color in ((0, "tab:blue"), (1, "tab:red")):
        ax_h.scatter(*H[y == c].T, s=160, color=color, edgecolors="black", zorder=3, label=f"XOR = {c}")
    names: dict = {}  # points that land on the same hidden point share one label
    for (a, b), h in zip(X, H):
        names.setdefault(tuple(np.round(h, 2)), []).append(f"({a:.0f},{b:.0f})")
    for h, labels in names.items():
        ax_h.annotate(" and ".join(labels), h, textcoords="offset points", xytext=(-20, 10), fontsize=9)
    w = model[2].weight.detach().numpy()[0]
    b = model[2].bias.detach().numpy()[0]
    hs = np.linspace(-1.1, 1.1, 50)
    if abs(w[1]) > 1e-9:
        ax_h.plot(hs, -(w[0] * hs + b) / w[1], "k-", lw=2, label="output neuron's line")
    ax_h.set_xlim(-1.1, 1.1)
    ax_h.set_ylim(-1.1, 1.1)
    ax_h.set_aspect("equal")
    ax_h.set_xlabel("$h_1$")
    ax_h.set_ylabel("$h_2$")
    ax_h.set_title("hidden plane: h = tanh(W1 x + b1)")
    ax_h.legend(fontsize=8, loc="upper left")

    for seed, losses in runs.items():
        label = f"seed {seed}: {'solved' if solved[seed] else 'stuck'}" + (" (drawn)" if seed == shown else "")
        ax_loss.plot(losses, "-" if seed == shown else ":", lw=2 if seed == shown else 1.2, label=label)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_title("cross-entropy")
    ax_loss.grid(alpha=0.3)
    ax_loss.legend(fontsize=8)
    fig.savefig(path, dpi=110)
    return fig


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 2: XOR with two hidden neurons: the hidden layer makes the problem linearly"
    " separable"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/02", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## A 2-2-1 tanh network from several random starts

# %%
epochs = 600 if args.quick else 3000

X, y = datasets.xor_gate()
runs, models = {}, {}
for seed in range(4 if args.quick else 10):
    model, losses = train(X, y, seed, epochs)
    with nb.no_grad():
        p = nb.sigmoid(model(nb.tensor(X))).numpy()[:, 0]
    solved = bool(np.all((p > 0.5) == (y == 1)))
    runs[seed], models[seed] = losses, (model, solved)
    probabilities = ", ".join(f"{v:.3f}" for v in p)
    print(f"seed {seed}: loss {losses[-1]:.4f}, P(XOR = 1) = [{probabilities}]", "solved" if solved else "stuck")
solved_seeds = [s for s, (_, ok) in models.items() if ok]
print(f"{len(solved_seeds)} of {len(models)} random starts solved XOR; the others stopped in a local minimum")


# %% [markdown]
# ## What the hidden layer does: it moves the four points so that one line separates them

# %%
seed = solved_seeds[0] if solved_seeds else min(runs, key=lambda s: runs[s][-1])
model = models[seed][0]
H = hidden(model, X)
points = "; ".join(f"({a:.0f},{b:.0f}) -> ({h1:+.2f}, {h2:+.2f})" for (a, b), (h1, h2) in zip(X, H))
print(f"hidden representation: {points}")
fig = draw(model, X, y, runs, {s: ok for s, (_, ok) in models.items()}, seed, out / "xor_hidden_layer.png")
print(f"wrote {out / 'xor_hidden_layer.png'}")
fig
