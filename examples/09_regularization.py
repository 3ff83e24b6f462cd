# %% [markdown]
# # Lab 9: an overfitting network tamed by L2, dropout, early stopping and noise on the inputs
#
# 100 noisy two-moons points to learn from, 100 more for validation, and
# 1,000 fresh ones for the final test. The network, 2-256-256-2 with ReLU, has
# ~67,000 weights: trained long enough with Adam it memorises the training
# points (training loss -> 0) while the validation loss climbs after its
# minimum, and the decision boundary grows islands around single noisy points.
# Four remedies, each on its own, from the same initial weights:
#
# * L2 (weight decay): ``kernel_regularizer=l2(1e-3)`` adds ``1e-3 * sum(w^2)`` per layer to the loss;
# * dropout: ``Dropout(0.5)`` after each hidden layer, active only while training;
# * early stopping: ``EarlyStopping(patience=40, restore_best_weights=True)`` on the validation loss;
# * input noise: a tiny custom layer adding ``N(0, 0.15^2)`` noise to the inputs while training
#   (Keras's ``GaussianNoise``), so the network never sees the same point twice.
#
#     python examples/09_regularization.py [--quick] [--out DIR]
#
# Prints the training/validation/test loss and accuracy of each; writes
# ``regularization.png`` (train and validation curves, and the decision boundaries).


# %%
import argparse
import os
import shlex
from pathlib import Path

import nabla as nb
import nabla.plot as nbplot
from nabla import callbacks, datasets, layers, models, regularizers


# %%
class GaussianNoise(layers.Layer):
    """Adds ``N(0, stddev^2)`` noise to its input while training; the identity at inference."""

    def __init__(self, stddev: float, **kwargs):
        super().__init__(**kwargs)
        self.stddev = float(stddev)

    def call(self, inputs, training=None):
        if not training:
            return inputs
        return inputs + self.stddev * nb.randn(*inputs.shape, dtype=inputs.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev}


# %%
def network(l2: float = 0.0, dropout: float = 0.0, noise: float = 0.0):
    reg = regularizers.l2(l2) if l2 else None
    stack = [layers.Input(shape=(2,))]
    if noise:
        stack.append(GaussianNoise(noise))
    for _ in range(2):
        stack.append(layers.Dense(256, activation="relu", kernel_regularizer=reg))
        if dropout:
            stack.append(layers.Dropout(dropout))
    stack.append(layers.Dense(2, activation="softmax"))
    model = models.Sequential(stack)
    model.compile(optimizer=nb.optim.Adam(lr=0.005), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# %%
VARIANTS = {
    "no regularization": ({}, False),
    "L2 1e-3": ({"l2": 1e-3}, False),
    "dropout 0.5": ({"dropout": 0.5}, False),
    "early stopping": ({}, True),
    "input noise 0.15": ({"noise": 0.15}, False),
}


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 9: an overfitting network tamed by L2, dropout, early stopping and noise on"
    " the inputs"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/09", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## Four ways to tame an overfitting network, on 100 noisy moons: curves and decision boundaries

# %%
epochs = 10 if args.quick else 400

X, y = datasets.moons(200, noise=0.3, seed=0)
X_train, y_train, X_val, y_val = X[:100], y[:100], X[100:], y[100:]
X_test, y_test = datasets.moons(1000, noise=0.3, seed=1)

fig = nbplot.figure(figsize=(4 * len(VARIANTS), 7.6))
axes = fig.subplots(2, len(VARIANTS))
print(f"{'':18} {'train loss/acc':>16} {'val loss/acc':>16} {'test loss/acc':>16}  epochs")
for col, (name, (kwargs, early)) in enumerate(VARIANTS.items()):
    nb.manual_seed(0)
    model = network(**kwargs)
    cbs = [callbacks.EarlyStopping(patience=40, restore_best_weights=True)] if early else []
    history = model.fit(
        X_train, y_train, epochs=epochs, batch_size=32, validation_data=(X_val, y_val), callbacks=cbs, verbose=0
    )
    scores = [model.evaluate(x, t, verbose=0) for x, t in ((X_train, y_train), (X_val, y_val), (X_test, y_test))]
    ran = len(history.history["loss"])
    print(f"{name:18} " + " ".join(f"{loss:>9.3f}/{acc:<6.1%}" for loss, acc in scores) + f"  {ran}")

    ax = axes[0, col]
    ax.plot(history.history["loss"], label="training loss")
    ax.plot(history.history["val_loss"], label="validation loss")
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 10)
    ax.set_xlabel("epoch")
    ax.set_title(name)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    nbplot.decision_boundary(
        model,
        X_train,
        y_train,
        test=(X_val, y_val),
        ax=axes[1, col],
        resolution=120,
        title=f"test accuracy {scores[2][1]:.1%}",
    )
    axes[1, col].legend().set_visible(False)
for extra in [a for a in fig.axes if a.get_label() == "<colorbar>"]:
    extra.remove()
fig.savefig(out / "regularization.png", dpi=90)
print(f"wrote {out / 'regularization.png'}")
fig
