# %% [markdown]
# # Lab 8: training by finite differences (the naive approach) against backpropagation, on the same model
#
# The gradient of the loss with respect to every weight can be estimated
# without any calculus: nudge the weight by ``+eps`` and ``-eps``, run the
# network twice, ``(L(w + eps) - L(w - eps)) / 2 eps``. With P weights that is
# 2P forward passes per step (``nb.numerical_grad``). Backpropagation gets all
# P derivatives exactly from one forward and one backward pass, whose cost is
# a small multiple of the forward pass whatever P is.
#
# The same tanh MLP on two moons, in float64, from the same initial weights,
# is trained both ways with the same learning rate: the loss curves coincide
# (the gradients agree to ~1e-10, and ``nb.gradcheck`` passes), but a step costs
# tens of times more by finite differences for ~100 weights, hundreds of
# times more for ~1,000: the gap grows in proportion to P.
#
#     python examples/08_finite_differences_vs_backprop.py [--quick] [--out DIR]
#
# Prints the gradient agreement, the time per step of both methods, and a
# table of time per gradient against the number of weights; writes
# ``fd_vs_backprop.png``.


# %%
import argparse
import os
import shlex
import time
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.plot as nbplot
from nabla import datasets


# %%
def init(sizes, seed: int = 0) -> list:
    """Weights and biases of an MLP with layer sizes ``sizes``, float64, Glorot-uniform weights."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        params.append(nb.tensor(rng.uniform(-bound, bound, (fan_in, fan_out)), dtype=nb.float64, requires_grad=True))
        params.append(nb.zeros(fan_out, dtype=nb.float64, requires_grad=True))
    return params


# %%
def make_loss(X: np.ndarray, y: np.ndarray):
    x = nb.tensor(X, dtype=nb.float64)
    target = nb.tensor(y[:, None], dtype=nb.float64)

    def loss(*params):
        h = x
        for i in range(0, len(params) - 2, 2):
            h = nb.tanh(h @ params[i] + params[i + 1])
        return nb.binary_cross_entropy_with_logits(h @ params[-2] + params[-1], target)

    return loss


# %%
def backprop_grads(loss_fn, params) -> list:
    return [g.numpy() for g in nb.grad(loss_fn(*params), params)]


# %%
def fd_grads(loss_fn, params) -> list:
    return nb.numerical_grad(loss_fn, *params, eps=1e-6)


# %%
def train(loss_fn, sizes, grad_fn, steps: int, lr: float):
    params = init(sizes)
    losses, seconds = [], 0.0
    for _ in range(steps):
        start = time.perf_counter()
        grads = grad_fn(loss_fn, params)
        with nb.no_grad():
            for p, g in zip(params, grads):
                p -= lr * nb.tensor(g, dtype=nb.float64)
        seconds += time.perf_counter() - start
        with nb.no_grad():
            losses.append(loss_fn(*params).item())
    return np.array(losses), seconds / steps


# %%
def time_per_gradient(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


# %% [markdown]
# ## Settings
#
# From the command line: `--quick` for a seconds-long run, `--out DIR` for the figures (see the top).
# In Jupyter, change the defaults here, or start Jupyter with `NABLA_LAB_ARGS="--quick"` in the environment.

# %%
parser = argparse.ArgumentParser(
    description="Lab 8: training by finite differences (the naive approach) against"
    " backpropagation, on the same model"
)
parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
parser.add_argument("--out", default="lab-output/08", help="folder for the figures")
# A notebook has no __file__, and its kernel's command line is not the lab's: there the options come from
# $NABLA_LAB_ARGS. A script (also under IPython's %run) reads its own command line.
args = parser.parse_args(None if "__file__" in globals() else shlex.split(os.environ.get("NABLA_LAB_ARGS", "")))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# %% [markdown]
# ## The model: an MLP on two moons, its loss a function of a list of weight arrays

# %%
steps = 5 if args.quick else 100
widths = [2, 4] if args.quick else [2, 4, 8, 16, 32]

X, y = datasets.moons(200, noise=0.2, seed=0)
loss_fn = make_loss(X, y.astype(np.float64))
sizes = (2, 8, 8, 1)
params = init(sizes)
n_params = sum(p.size for p in params)


# %% [markdown]
# ## The two gradients at the initial weights

# %%
exact, estimate = backprop_grads(loss_fn, params), fd_grads(loss_fn, params)
diff = max(float(np.max(np.abs(a - b))) for a, b in zip(exact, estimate))
scale = max(float(np.max(np.abs(a))) for a in exact)
print(
    f"MLP {'-'.join(map(str, sizes))}: {n_params} weights; largest |backprop - finite differences| = {diff:.2e} "
    f"(largest gradient {scale:.2e})"
)
print("nb.gradcheck(loss, *params):", nb.gradcheck(loss_fn, *params))


# %% [markdown]
# ## Training both ways

# %%
lr = 0.5
bp_losses, bp_step = train(loss_fn, sizes, backprop_grads, steps, lr)
fd_losses, fd_step = train(loss_fn, sizes, fd_grads, steps, lr)
print(
    f"{steps} steps of gradient descent, lr {lr}: final loss backprop {bp_losses[-1]:.6f}, "
    f"finite differences {fd_losses[-1]:.6f} (largest difference along the way "
    f"{np.max(np.abs(bp_losses - fd_losses)):.1e})"
)
print(
    f"time per step: backprop {bp_step * 1e3:.2f} ms, finite differences {fd_step * 1e3:.1f} ms "
    f"({fd_step / bp_step:.0f}x slower, {2 * n_params} forward passes per step)"
)


# %% [markdown]
# ## The cost of one gradient against the number of weights

# %%
rows = []
print(f"{'hidden width':>12} {'weights':>8} {'backprop ms':>12} {'finite diff. ms':>16} {'ratio':>7}")
for width in widths:
    p = init((2, width, width, 1))
    count = sum(t.size for t in p)
    t_bp = time_per_gradient(lambda p=p: backprop_grads(loss_fn, p), 20)
    t_fd = time_per_gradient(lambda p=p: fd_grads(loss_fn, p), 1)
    rows.append((count, t_bp, t_fd))
    print(f"{width:>12} {count:>8} {t_bp * 1e3:>12.2f} {t_fd * 1e3:>16.1f} {t_fd / t_bp:>7.0f}")


# %% [markdown]
# ## The picture

# %%
fig = nbplot.figure(figsize=(11, 4.2))
ax_loss, ax_time = fig.subplots(1, 2)
ax_loss.plot(np.arange(1, steps + 1), bp_losses, lw=3, alpha=0.6, label=f"backprop ({bp_step * 1e3:.2f} ms/step)")
ax_loss.plot(np.arange(1, steps + 1), fd_losses, "k--", label=f"finite differences ({fd_step * 1e3:.0f} ms/step)")
ax_loss.set_xlabel("gradient-descent step")
ax_loss.set_ylabel("training loss")
ax_loss.set_title(f"same model ({n_params} weights), same start: the same curve")
ax_loss.legend(fontsize=8)
ax_loss.grid(alpha=0.3)
counts, t_bp, t_fd = (np.array(c) for c in zip(*rows))
ax_time.loglog(counts, t_bp * 1e3, "o-", label="backprop: ~constant")
ax_time.loglog(counts, t_fd * 1e3, "s-", label="finite differences: ~ number of weights")
ax_time.set_xlabel("number of weights P")
ax_time.set_ylabel("ms per gradient")
ax_time.set_title("cost of one gradient")
ax_time.legend(fontsize=8)
ax_time.grid(alpha=0.3, which="both")
fig.savefig(out / "fd_vs_backprop.png", dpi=110)
print(f"wrote {out / 'fd_vs_backprop.png'}")
fig
