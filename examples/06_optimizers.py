# %% [markdown]
# # Lab 6: SGD, momentum, RMSprop, Adagrad, Adam and AdamW on the same problem, from the same starting weights
#
# The problem: a 2-64-64-3 tanh MLP classifying the three-arm spiral (600
# points), mini-batches of 32, cross-entropy. Every optimizer starts from the
# same initial weights and sees the batches in the same order (both come from
# ``nb.manual_seed``), so the curves differ only by the update rule:
#
# * SGD:       ``w -= lr * g``
# * momentum:  ``v = 0.9 v + g;  w -= lr * v``
# * RMSprop:   ``s = 0.9 s + 0.1 g^2;  w -= lr * g / (sqrt(s) + eps)``
# * Adagrad:   ``s += g^2;  w -= lr * g / (sqrt(s) + eps)``  (the step shrinks for ever)
# * Adam:      momentum and RMSprop together, with bias correction
# * AdamW:     Adam with the weight decay applied to the weights directly (decoupled)
#
# Each gets a learning rate typical for it (given in the legend). AdamW's curve
# is drawn dashed over Adam's wide pale one: its decay takes lr * 0.01 of each
# weight per step, too little to separate the two in a few epochs. A second
# figure shows the optimizers' paths on a 2-D loss surface (a long narrow
# valley, curvatures 1 and 20), for three learning rates: plain SGD zig-zags
# across the valley and diverges above lr = 2/20 = 0.1; the adaptive methods
# rescale each coordinate and stay stable.
#
#     python examples/06_optimizers.py [--quick] [--out DIR]
#
# Prints the final training loss, test accuracy and time of each; writes
# ``optimizers_loss.png`` and ``optimizers_paths.png``.


# %%
import argparse
import os
import shlex
import time
from pathlib import Path

from matplotlib.ticker import MaxNLocator

import nabla as nb
import nabla.plot as nbplot
from nabla import datasets, layers, models, optim
from nabla.data import train_test_split

# %%
OPTIMIZERS = {
    "SGD": lambda: optim.SGD(lr=0.1),
    "momentum": lambda: optim.SGD(lr=0.01, momentum=0.9),
    "RMSprop": lambda: optim.RMSprop(lr=0.003, alpha=0.9),
    "Adagrad": lambda: optim.Adagrad(lr=0.05),
    "Adam": lambda: optim.Adam(lr=0.003),
    "AdamW": lambda: optim.AdamW(lr=0.003, weight_decay=0.01),
}


# %%
def mlp():
    return models.Sequential(
        [
            layers.Input(shape=(2,)),
            layers.Dense(64, activation="tanh"),
            layers.Dense(64, activation="tanh"),
            layers.Dense(3, activation="softmax"),
        ]
    )


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 6: SGD, momentum, RMSprop, Adagrad, Adam and AdamW on the same problem,"
    " from the same starting weights"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/06", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## Every optimizer on the spiral, from the same initial weights

# %%
epochs = 3 if args.quick else 60

X, y = datasets.spiral(600, classes=3, noise=0.2, seed=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, seed=0)
curves = {}
for name, make in OPTIMIZERS.items():
    nb.manual_seed(0)  # the same initial weights and the same batch order for every optimizer
    model = mlp()
    optimizer = make()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(X_test, y_test, verbose=0)
    lr = optimizer.defaults["lr"]
    decay = optimizer.defaults.get("weight_decay", 0.0)
    curves[f"{name} (lr {lr:g}" + (f", weight decay {decay:g})" if decay else ")")] = history.history["loss"]
    final = history.history["loss"][-1]
    print(f"{name:9} lr {lr:<6g} final training loss {final:.4f}, test accuracy {accuracy:.1%}, {seconds:.1f}s")

fig = nbplot.figure(figsize=(7, 4.5))
ax = fig.subplots()
# NOTE: each optimizer has its own line style and marker: over a short run AdamW's decoupled decay
# (lr * 0.01 of each weight per step) barely moves it from Adam, and the two curves would hide each other.
styles = [
    {"linestyle": "-", "marker": "o"},
    {"linestyle": "--", "marker": "s"},
    {"linestyle": "-.", "marker": "^"},
    {"linestyle": ":", "marker": "D"},
    {"linestyle": "-", "marker": "v", "linewidth": 4.0, "alpha": 0.45},  # Adam: wide and pale, under AdamW
    {"linestyle": "--", "marker": "x", "linewidth": 1.3, "color": "black"},
]
for (label, losses), style in zip(curves.items(), styles):
    epochs_axis = range(1, len(losses) + 1)
    ax.plot(epochs_axis, losses, markevery=max(1, len(losses) // 12), label=label, **style)
ax.xaxis.set_major_locator(MaxNLocator(integer=True))
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (cross-entropy)")
ax.set_title("spiral, 2-64-64-3 tanh MLP, same initial weights")
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
fig.savefig(out / "optimizers_loss.png", dpi=110)
fig


# %% [markdown]
# ## Their paths down a long, narrow valley, at three learning rates

# %%

def valley(w):  # a long narrow valley: curvature 1 along w0, 20 along w1
    return 0.5 * w[0] ** 2 + 10.0 * w[1] ** 2

fig, paths = nbplot.descent_path(
    valley,
    starts=[(-4.0, 1.0)],
    lrs=[0.03, 0.09, 0.3],
    optimizer=["sgd", "momentum", "rmsprop", "adagrad", "adam", "adamw"],
    steps=10 if args.quick else 60,
    path=out / "optimizers_paths.png",
)
for p in paths:
    end = "diverged" if p.diverged else f"{p.losses[-1]:.2e}"
    print(f"valley, {p.optimizer:17} lr {p.lr:<4g}: loss {p.losses[0]:.2f} -> {end}")
fig
