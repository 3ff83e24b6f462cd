# %% [markdown]
# # Lab 11: double descent: test error against model size, with a second descent past the interpolation threshold
#
# The model: random ReLU features, ``phi_j(x) = relu(w_j . x + b_j)`` with
# ``w_j, b_j`` drawn once and frozen, and a trained linear read-out on top:
# a two-layer network whose first layer is left at its random
# initialisation. The read-out is the minimum-norm least-squares solution
# (``lstsq``), which is also where gradient descent from zero converges (its
# steps never leave the row space of the features; the script checks this
# with nabla on one width). The data: n = 100 training
# points in 5 dimensions, a smooth nonlinear target plus noise, and 2,000
# test points.
#
# Classical picture (p < n): more features fit better, until the variance
# takes over and the test error rises. At p = n the model can just
# interpolate the noisy training set, with enormous weights: the test error
# peaks. Past it (p > n), among the many interpolating solutions the
# minimum-norm one gets smoother as p grows, and the test error descends
# again (Belkin et al., PNAS 2019; Hastie et al., 2022). A little ridge
# (``lambda = 1e-3``) removes the peak. Each point is the mean of 20 draws of
# the features. The same shape appears for trained MLPs, but takes hours of
# CPU; random features show it in seconds.
#
#     python examples/11_double_descent.py [--quick] [--out DIR]
#
# Prints the test error at a few widths; writes ``double_descent.png``.


# %%
import argparse
import os
import shlex
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.plot as nbplot

# %%
N_TRAIN, N_TEST, DIM, NOISE = 100, 2000, 5, 0.3


# %%
def make_data(rng):
    teacher = rng.normal(size=(DIM,)) / np.sqrt(DIM)

    def f(x):
        return np.sin(2.0 * x @ teacher) + 0.5 * np.cos(x[:, 0] * x[:, 1])

    x_train, x_test = rng.normal(size=(N_TRAIN, DIM)), rng.normal(size=(N_TEST, DIM))
    return x_train, f(x_train) + NOISE * rng.normal(size=N_TRAIN), x_test, f(x_test)


# %%
def features(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """relu(x W + b) / sqrt(p), computed with nabla."""
    return nb.relu(nb.tensor(x) @ nb.tensor(W) + nb.tensor(b)).numpy() / np.sqrt(W.shape[1])


# %%
def fit(phi: np.ndarray, y: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    if ridge == 0.0:
        return np.linalg.lstsq(phi, y, rcond=None)[0]  # the minimum-norm least-squares solution
    # NOTE: the dual form phi^T (phi phi^T + ridge I)^-1 y equals (phi^T phi + ridge I)^-1 phi^T y and
    # solves an n x n system instead of p x p (100 x 100 rather than up to 3000 x 3000).
    return phi.T @ np.linalg.solve(phi @ phi.T + ridge * np.eye(phi.shape[0]), y)


# %%
def gradient_descent_check(phi: np.ndarray, y: np.ndarray, steps: int) -> tuple[float, float]:
    """Full-batch gradient descent from zero on the squared error, with nabla.

    Each gradient ``phi^T (phi theta - y)`` lies in the row space of ``phi``, so
    starting from 0 the iterates never leave it; the only interpolating
    solution in that space is the minimum-norm one, so that is where gradient
    descent goes. Returns (training MSE reached, relative size of the part of
    theta outside the row space).
    """
    X, target = nb.tensor(phi), nb.tensor(y[:, None])
    theta = nb.zeros(phi.shape[1], 1, dtype=nb.float64, requires_grad=True)
    lr = 1.0 / float(np.linalg.norm(phi, 2) ** 2)  # 1 / largest eigenvalue of phi^T phi: stable
    optimizer = nb.optim.SGD([theta], lr=lr, momentum=0.9)
    for _ in range(steps):
        loss = 0.5 * ((X @ theta - target) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    t = theta.detach().numpy()[:, 0]
    outside = t - np.linalg.pinv(phi) @ (phi @ t)
    return float(np.mean((phi @ t - y) ** 2)), float(np.linalg.norm(outside) / np.linalg.norm(t))


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 11: double descent: test error against model size, with a second descent"
    " past the interpolation threshold"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/11", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## Test error against the number of random features, averaged over feature draws

# %%
widths = np.unique(np.round(np.geomspace(5, 3000, 12 if args.quick else 40)).astype(int))
draws = 3 if args.quick else 20

rng = np.random.default_rng(0)
x_train, y_train, x_test, y_test = make_data(rng)
curves = {"min-norm": np.zeros(len(widths)), "ridge 1e-3": np.zeros(len(widths)), "train": np.zeros(len(widths))}
for _ in range(draws):
    W_all, b_all = rng.normal(size=(DIM, widths[-1])) / np.sqrt(DIM), rng.normal(size=widths[-1])
    for i, p in enumerate(widths):
        W, b = W_all[:, :p], b_all[:p]
        phi_train, phi_test = features(x_train, W, b), features(x_test, W, b)
        theta = fit(phi_train, y_train)
        curves["min-norm"][i] += np.mean((phi_test @ theta - y_test) ** 2) / draws
        curves["train"][i] += np.mean((phi_train @ theta - y_train) ** 2) / draws
        theta_r = fit(phi_train, y_train, ridge=1e-3)
        curves["ridge 1e-3"][i] += np.mean((phi_test @ theta_r - y_test) ** 2) / draws

peak = int(np.argmax(curves["min-norm"]))
best_under = int(np.argmin(np.where(widths < N_TRAIN, curves["min-norm"], np.inf)))
print(f"n = {N_TRAIN} training points, {DIM} inputs, noise {NOISE}, mean of {draws} feature draws")
for i in sorted({best_under, peak, len(widths) - 1}):
    print(
        f"p = {widths[i]:5d} features: test MSE {curves['min-norm'][i]:8.3f} (min-norm), "
        f"{curves['ridge 1e-3'][i]:.3f} (ridge), train MSE {curves['train'][i]:.3f}"
    )
print(
    f"the test error peaks at p = {widths[peak]} (interpolation threshold p = n = {N_TRAIN}), "
    "and descends again after it"
)


# %% [markdown]
# ## Gradient descent from zero finds the minimum-norm interpolant

# %%
p_check = 1000
steps = 200 if args.quick else 3000
mse, outside = gradient_descent_check(features(x_train, W_all[:, :p_check], b_all[:p_check]), y_train, steps)
print(
    f"gradient descent from zero (nabla, p = {p_check}, {steps} steps): train MSE {mse:.2e}, part of theta "
    f"outside the row space of phi {outside:.1e}: it heads for the minimum-norm interpolant"
)


# %% [markdown]
# ## The double-descent curve

# %%
fig = nbplot.figure(figsize=(7.5, 4.8))
ax = fig.subplots()
ax.loglog(widths, curves["min-norm"], "o-", markersize=3, label="test, min-norm least squares")
ax.loglog(widths, curves["ridge 1e-3"], "s-", markersize=3, label="test, ridge 1e-3")
ax.loglog(widths, np.maximum(curves["train"], 1e-6), "--", color="0.5", label="train, min-norm (0 drawn at 1e-6)")
ax.axvline(N_TRAIN, color="black", lw=1, ls=":", label=f"p = n = {N_TRAIN}")
ax.set_xlabel("number of random features p (model width)")
ax.set_ylabel("mean squared error")
ax.set_title("double descent with random ReLU features")
ax.legend(fontsize=8)
ax.grid(alpha=0.3, which="both")
fig.savefig(out / "double_descent.png", dpi=110)
print(f"wrote {out / 'double_descent.png'}")
fig
