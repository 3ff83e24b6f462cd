# %% [markdown]
# # Lab 10: universal approximation with one hidden layer, and the linear regions of deeper ReLU networks
#
# Part A: a network with one hidden layer of n ReLU units computes a
# piecewise-linear function of x with at most n kinks; as n grows it can
# follow any continuous function on an interval as closely as we like (the
# universal approximation theorem). Here ``f(x) = sin(2x) + 0.5 x`` on
# [-3, 3] is fitted with n = 1, 2, 4, 8, 16, 64 (Adam, full batch) and the
# error falls with n.
#
# Part B: how many linear pieces can depth buy? Along the input line the
# network is linear between the points where some unit's pre-activation
# changes sign; we count the pieces exactly from the activation patterns on
# a fine grid. For random networks (width 8, He-normal weights, N(0, 1)
# biases) the count grows only about linearly with the number of units, not
# exponentially with depth (Hanin & Rolnick, 2019). A hand-built network
# (Telgarsky's sawtooth: each layer of 2 units folds [0, 1] onto itself,
# ``t(x) = 2 relu(x) - 4 relu(x - 1/2)``) reaches 2^L pieces with 2L units:
# depth can be exponentially expressive, even if random or trained networks
# rarely use it.
#
#     python examples/10_universal_approximation.py [--quick] [--out DIR]
#
# Prints the fit error per width and the piece counts per depth; writes
# ``universal_approximation.png`` and ``linear_regions.png``.


# %%
import argparse
import os
import shlex
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.plot as nbplot
from nabla import layers, models


# %%
def target(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * x) + 0.5 * x


# %%
def fit_one_hidden_layer(x, y, width: int, epochs: int):
    nb.manual_seed(0)
    model = models.Sequential(
        [
            layers.Input(shape=(1,)),
            layers.Dense(width, activation="relu", kernel_initializer="he_uniform"),
            layers.Dense(1),
        ]
    )
    # NOTE: with zero biases every unit's kink starts at x = 0 and the units move together; spread the
    # kinks over the interval instead: bias = -w * c with c uniform in [-3, 3].
    kernel, bias, *rest = model.get_weights()
    kinks = np.random.default_rng(width).uniform(-3, 3, width).astype(np.float32)
    model.set_weights([kernel, -kernel[0] * kinks, *rest])
    model.compile(optimizer=nb.optim.Adam(lr=0.01), loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=epochs, verbose=0)
    return model


# %%
def forward(weights: list, x: np.ndarray) -> np.ndarray:
    h = x[:, None]
    for W, b in weights[:-1]:
        h = np.maximum(h @ W + b, 0)
    W, b = weights[-1]
    return (h @ W + b)[:, 0]


# %%
def count_pieces(weights: list, x: np.ndarray) -> int:
    """Linear pieces of a ReLU net's output along the sorted, evenly spaced 1-D inputs ``x``.

    The slope between neighbouring grid points changes at each kink; a kink
    strictly inside a grid cell changes it twice in a row (the cell's own
    slope is a blend), so runs of consecutive changes count as one kink.
    """
    y = forward(weights, x)
    slope = np.diff(y) / np.diff(x)
    changed = np.abs(np.diff(slope)) > 1e-6 * (1.0 + np.abs(slope[:-1]))
    starts = changed & ~np.concatenate([[False], changed[:-1]])
    return 1 + int(starts.sum())


# %%
def random_relu_net(depth: int, width: int, rng) -> list:
    sizes = [1] + [width] * depth + [1]
    return [(rng.normal(0, np.sqrt(2.0 / m), (m, n)), rng.normal(0, 1.0, n)) for m, n in zip(sizes[:-1], sizes[1:])]


# %%
def sawtooth_net(depth: int) -> list:
    """Telgarsky's construction: L layers of 2 ReLUs, each computing the tent map t(x) = 2 relu(x) - 4 relu(x - 1/2)."""
    first = (np.array([[1.0, 1.0]]), np.array([0.0, -0.5]))
    fold = (np.array([[2.0, 2.0], [-4.0, -4.0]]), np.array([0.0, -0.5]))  # t(h) fed into the next layer's two units
    last = (np.array([[2.0], [-4.0]]), np.array([0.0]))
    return [first] + [fold] * (depth - 1) + [last]


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 10: universal approximation with one hidden layer, and the linear regions"
    " of deeper ReLU networks"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/10", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## Sizes

# %%
widths = [2, 16] if args.quick else [1, 2, 4, 8, 16, 64]
epochs = 100 if args.quick else 3000
depths = [1, 2, 3] if args.quick else [1, 2, 3, 4, 5, 6, 7, 8]
seeds = 2 if args.quick else 20


# %% [markdown]
# ## Part A: one hidden layer of growing width approximates f(x) = sin(2x) + x/2

# %%
x = np.linspace(-3, 3, 400, dtype=np.float32)[:, None]
y = target(x).astype(np.float32)
fig = nbplot.figure(figsize=(12, 4.5))
ax_fit, ax_err = fig.subplots(1, 2)
ax_fit.plot(x[:, 0], y[:, 0], "k", lw=3, alpha=0.3, label="f(x) = sin(2x) + x/2")
errors = []
for width in widths:
    model = fit_one_hidden_layer(x, y, width, epochs)
    y_hat = model.predict(x)
    mse = float(np.mean((y_hat - y) ** 2))
    errors.append(mse)
    ax_fit.plot(x[:, 0], y_hat[:, 0], lw=1.3, label=f"{width} units: MSE {mse:.1e}")
    print(f"A. one hidden layer of {width:3d} ReLU units: MSE {mse:.2e}")
ax_fit.set_title("one hidden layer, growing width")
ax_fit.set_xlabel("x")
ax_fit.legend(fontsize=8)
ax_fit.grid(alpha=0.3)
ax_err.loglog(widths, errors, "o-")
ax_err.set_xlabel("hidden units")
ax_err.set_ylabel("mean squared error")
ax_err.set_title("error against width")
ax_err.grid(alpha=0.3, which="both")
fig.savefig(out / "universal_approximation.png", dpi=110)
fig


# %% [markdown]
# ## Part B: the linear pieces of ReLU networks, against depth

# %%
rng = np.random.default_rng(0)
line = np.linspace(-4, 4, 200_001)
unit = np.linspace(0, 1, 200_001)
random_counts = [np.mean([count_pieces(random_relu_net(d, 8, rng), line) for _ in range(seeds)]) for d in depths]
saw_counts = [count_pieces(sawtooth_net(d), unit) for d in depths]
for d, r, s in zip(depths, random_counts, saw_counts):
    print(
        f"B. depth {d}: random width-8 nets {r:5.1f} pieces on [-4, 4] ({8 * d} units); sawtooth {s} pieces (2^{d})"
    )
fig = nbplot.figure(figsize=(12, 4.5))
ax_count, ax_saw = fig.subplots(1, 2)
ax_count.semilogy(depths, random_counts, "o-", label=f"random ReLU nets, width 8 (mean of {seeds})")
ax_count.semilogy(depths, saw_counts, "s-", label="sawtooth construction, width 2")
ax_count.semilogy(depths, [2**d for d in depths], "k:", label="2^depth")
ax_count.set_xlabel("depth (hidden layers)")
ax_count.set_ylabel("linear pieces along the input line")
ax_count.legend(fontsize=8)
ax_count.grid(alpha=0.3, which="both")
for d in depths[:4]:
    ax_saw.plot(
        unit, forward(sawtooth_net(d), unit) + 1.2 * (d - 1), label=f"depth {d}: {saw_counts[d - 1]} pieces"
    )
ax_saw.set_title("the sawtooth: each layer doubles the pieces (curves shifted up)")
ax_saw.set_xlabel("x")
ax_saw.legend(fontsize=8, loc="upper right")
fig.savefig(out / "linear_regions.png", dpi=110)
print(f"wrote {out / 'universal_approximation.png'}, {out / 'linear_regions.png'}")
fig
