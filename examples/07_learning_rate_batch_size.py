# %% [markdown]
# # Lab 7: the learning rate (too small, right, too big) and the batch size (1, mini-batch, full batch)
#
# Part A, the learning rate, with plain SGD on two moons (a 2-32-32-2 ReLU MLP,
# mini-batches of 32, the same initial weights): too small (0.002) and the
# loss crawls; too big (5) and it jumps around far above the others (bigger
# still, it overflows or kills every ReLU); in between (0.1) it falls fast and
# steadily. The same three regimes are drawn on a 2-D valley (curvatures
# 1 and 20), where gradient descent is stable only for ``lr < 2 / 20 = 0.1``.
#
# Part B, the batch size, with the same SGD learning rate and number of
# epochs: B = 1 (one update per sample: many noisy steps, slow in Python
# because each step has a fixed cost), a mini-batch of 32, and the full batch
# (one exact but expensive step per epoch). The curves are drawn against
# epochs, against updates and against wall-clock time. The loss plotted is
# the loss on the whole training set at the end of each epoch (the training
# set passed as ``validation_data``), so that every run is measured the same way.
#
#     python examples/07_learning_rate_batch_size.py [--quick] [--out DIR]
#
# Prints the final losses and the time per epoch; writes ``learning_rates.png``,
# ``learning_rate_valley.png`` and ``batch_sizes.png``.


# %%
import argparse
import os
import shlex
import time
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.plot as nbplot
from nabla import callbacks, datasets, layers, models, optim
from nabla.data import train_test_split


# %%
def mlp():
    return models.Sequential(
        [
            layers.Input(shape=(2,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(2, activation="softmax"),
        ]
    )


# %%
def train(X, y, lr: float, batch_size: int, epochs: int):
    """SGD from the same initial weights; returns (full training loss per epoch, seconds at each epoch end, steps)."""
    nb.manual_seed(0)
    model = mlp()
    model.compile(optimizer=optim.SGD(lr=lr), loss="sparse_categorical_crossentropy")
    times = []
    start = time.perf_counter()
    clock = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: times.append(time.perf_counter() - start))
    with np.errstate(all="ignore"):  # a diverging run overflows on purpose
        history = model.fit(
            X, y, batch_size=batch_size, epochs=epochs, validation_data=(X, y), callbacks=[clock], verbose=0
        )
    steps_per_epoch = -(-len(X) // batch_size)
    return np.array(history.history["val_loss"]), np.array(times), steps_per_epoch


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 7: the learning rate (too small, right, too big) and the batch size (1,"
    " mini-batch, full batch)"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/07", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## The data: two moons

# %%
epochs = 3 if args.quick else 40

X, y = datasets.moons(600, noise=0.2, seed=0)
X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, stratify=y, seed=0)


# %% [markdown]
# ## Part A: the learning rate (too small, right, too big)

# %%
fig = nbplot.figure(figsize=(6.5, 4.3))
ax = fig.subplots()
for label, lr in (("too small", 0.002), ("right", 0.1), ("too big", 5.0)):
    losses, _, _ = train(X_train, y_train, lr, 32, epochs)
    shown = np.where(np.isfinite(losses), losses, np.nan)
    ax.plot(np.arange(1, epochs + 1), shown, marker="o", markersize=3, label=f"lr {lr:g} ({label})")
    end = f"{losses[-1]:.4f}" if np.isfinite(losses[-1]) else "inf/NaN (diverged)"
    print(f"A. lr {lr:<6g} ({label:9}): training loss after epoch 1 {losses[0]:.4f}, after {epochs}: {end}")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("SGD, batch 32, three learning rates")
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
fig.savefig(out / "learning_rates.png", dpi=110)
fig


# %% [markdown]
# ## Part A on a valley: SGD's path, below and above the largest stable learning rate

# %%

def valley(w):
    return 0.5 * w[0] ** 2 + 10.0 * w[1] ** 2

fig, paths = nbplot.descent_path(
    valley,
    starts=[(-4.0, 1.0)],
    lrs=[0.01, 0.09, 0.105],
    optimizer="sgd",
    steps=40,
    path=out / "learning_rate_valley.png",
)
for p in paths:
    print(
        f"A. valley, SGD lr {p.lr:<5g}: loss {p.losses[0]:.1f} -> {p.losses[-1]:.3g}"
        + (" (diverged)" if p.diverged else "")
    )
fig


# %% [markdown]
# ## Part B: the batch size (1, 32, the whole training set), by epoch, by update and by time

# %%
fig = nbplot.figure(figsize=(14, 4.2))
by_epoch, by_step, by_time = fig.subplots(1, 3, sharey=True)
n = len(X_train)
for batch in (1, 32, n):
    x_b, y_b = (X_train[:150], y_train[:150]) if args.quick and batch == 1 else (X_train, y_train)
    losses, times, steps = train(x_b, y_b, 0.05, batch, epochs)
    label = "full batch" if batch == n else f"B = {batch}"
    epochs_axis = np.arange(1, epochs + 1)
    by_epoch.plot(epochs_axis, losses, label=label)
    by_step.plot(epochs_axis * steps, losses, label=label)
    by_time.plot(times, losses, label=label)
    print(
        f"B. {label:10}: {steps:4d} updates/epoch, {times[-1] / epochs * 1000:7.1f} ms/epoch, "
        f"training loss after {epochs} epochs {losses[-1]:.4f}"
    )
for ax, xlabel in ((by_epoch, "epoch"), (by_step, "updates (log scale)"), (by_time, "seconds (log scale)")):
    ax.set_xlabel(xlabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
by_step.set_xscale("log")
by_time.set_xscale("log")
by_epoch.set_yscale("log")
by_epoch.set_ylabel("training loss")
fig.suptitle("SGD, lr 0.05: batch size 1, 32 and the whole training set")
fig.savefig(out / "batch_sizes.png", dpi=110)
fig
