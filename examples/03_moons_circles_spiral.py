# %% [markdown]
# # Lab 3: decision boundaries of MLPs of different depth, width and activation on moons, circles and a spiral
#
# The same training (Adam, cross-entropy, mini-batches of 64) for each network;
# the figure is a grid: one row per dataset, one column per network, each cell
# the decision boundary with the train (circles) and test (triangles) points.
# What to look for: with no hidden layer the boundary is a straight line
# (logistic regression); a few ReLU units give a boundary made of a few
# straight pieces; more units or layers bend it around the data; tanh gives
# smooth curves; sigmoid hidden units learn slowest with the same budget
# (their derivative is at most 1/4, so the gradient shrinks layer after
# layer); and the spiral needs enough width or depth.
#
#     python examples/03_moons_circles_spiral.py [--quick] [--out DIR]
#
# Prints a table of test accuracies; writes ``boundaries.png``.


# %%
import argparse
import os
import shlex
import time
from pathlib import Path

import nabla as nb
import nabla.plot as nbplot
from nabla import datasets, layers, models
from nabla.data import train_test_split

# %%
NETWORKS = {
    "no hidden layer": ((), "relu"),
    "1 x 4 relu": ((4,), "relu"),
    "1 x 32 relu": ((32,), "relu"),
    "3 x 32 relu": ((32, 32, 32), "relu"),
    "3 x 32 tanh": ((32, 32, 32), "tanh"),
    "3 x 32 sigmoid": ((32, 32, 32), "sigmoid"),
}


# %%
DATA = {
    "moons": lambda: datasets.moons(600, noise=0.2, seed=0),
    "circles": lambda: datasets.circles(600, noise=0.1, factor=0.5, seed=0),
    "spiral": lambda: datasets.spiral(600, classes=3, noise=0.2, seed=0),
}


# %%
def mlp(hidden, activation: str, classes: int):
    stack = [layers.Input(shape=(2,))]
    stack += [layers.Dense(units, activation=activation) for units in hidden]
    stack.append(layers.Dense(classes, activation="softmax"))
    model = models.Sequential(stack)
    model.compile(optimizer=nb.optim.Adam(lr=0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 3: decision boundaries of MLPs of different depth, width and activation on"
    " moons, circles and a spiral"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/03", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## Every network on every dataset: test accuracy and decision boundary

# %%
networks = dict(list(NETWORKS.items())[1:4:2]) if args.quick else NETWORKS
epochs = 10 if args.quick else 150

fig = nbplot.figure(figsize=(3.3 * len(networks), 3.2 * len(DATA)))
axes = fig.subplots(len(DATA), len(networks), squeeze=False)
print(f"{'test accuracy':15}" + "".join(f"{name:>17}" for name in networks))
for row, (data_name, load) in enumerate(DATA.items()):
    X, y = load()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, seed=0)
    classes = int(y.max()) + 1
    scores = []
    for col, (net_name, (hidden, activation)) in enumerate(networks.items()):
        nb.manual_seed(0)
        model = mlp(hidden, activation, classes)
        start = time.perf_counter()
        model.fit(X_train, y_train, epochs=epochs, batch_size=64, verbose=0)
        seconds = time.perf_counter() - start
        _, accuracy = model.evaluate(X_test, y_test, verbose=0)
        scores.append(accuracy)
        ax = axes[row, col]
        nbplot.decision_boundary(model, X_train, y_train, test=(X_test, y_test), ax=ax, resolution=120, title="")
        ax.set_title(f"{data_name}, {net_name}\ntest accuracy {accuracy:.1%} ({seconds:.1f}s)", fontsize=9)
        ax.legend().set_visible(False)
    print(f"{data_name:15}" + "".join(f"{a:>17.1%}" for a in scores))
for im in fig.axes:  # the colour bars of the binary panels take room from the pictures; drop them
    if im.get_label() == "<colorbar>":
        im.remove()
fig.savefig(out / "boundaries.png", dpi=90)
print(f"wrote {out / 'boundaries.png'}")
fig
