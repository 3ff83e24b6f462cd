"""The loss surface of a two-weight model on the tab's training data, and each optimizer's path over it.

A network has too many weights to draw its loss, so this view takes the smallest model of the task
that has two: for classes, a logistic regression through the origin, ``p = sigmoid(w1 x1 + w2 x2)``,
one class (the last) against the others, with binary cross-entropy; for values, ``o = w1 x1 + w2 x2``
(``o = w1 x + w2`` for 1-D data) with squared error. The loss is the mean over the training points.

From one start, each optimizer of the page (SGD, momentum, RMSprop, Adagrad, Adam: nabla.optim, as in
training) takes ``steps`` steps with the tab's learning rate and batch size, on the *same* sequence of
mini-batches (drawn from the seed), so that the paths differ only by the update rule: full batch draws
smooth paths, small batches the noisy descent of SGD. A path that overflows is stopped and marked. The
surface spans the start and the minimum (a cross on the page).
"""

from __future__ import annotations

import numpy as np

import nabla as nb

from .errors import PlaygroundError
from .frames import encode
from .network import OPTIMIZER_RECIPES
from .session import Session

GRID = 60
MAX_STEPS = 500
REACH_CAP = 20.0  # the surface never spans more than [-20, 20]: beyond, only a separable data's flat ridge
_BLOWUP = 1e6


def two_weight_problem(session: Session) -> tuple[np.ndarray, np.ndarray, str, str]:
    """``(A, t, loss, formula)``: the design matrix ``(n_train, 2)``, targets ``(n_train,)``, "bce" or "mse"."""
    data = session.data
    X, y = data.X[data.train].astype(np.float64), data.y[data.train]
    if session.task.dims == 1:
        A, formula = np.stack([X[:, 0], np.ones(len(X))], axis=1), "o = w1·x + w2"
    else:
        A, formula = X, "o = w1·x1 + w2·x2"
    if session.task.kind == "classification":
        last = session.task.classes - 1
        t = (y == last).astype(np.float64)
        formula = "p = σ(w1·x1 + w2·x2)" + (f", class {data.class_names[last]} against the others" if last > 1 else "")
        return A, t, "bce", formula
    return A, y.astype(np.float64), "mse", formula


def _surface(A: np.ndarray, t: np.ndarray, loss: str, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """The mean loss at every ``(w1[i], w2[i])``, in NumPy (no graph needed)."""
    z = np.outer(w1, A[:, 0]) + np.outer(w2, A[:, 1])
    if loss == "bce":
        return np.mean(np.logaddexp(0.0, z) - t * z, axis=1)  # NOTE: softplus(z) - t z, stable for any z
    return np.mean((z - t) ** 2, axis=1)


def minimum(A: np.ndarray, t: np.ndarray, loss: str) -> np.ndarray:
    """Where the mean loss is lowest: least squares for "mse"; Newton's method for "bce" (stopped at
    |w| = :data:`REACH_CAP`, where separable classes would send it off to infinity)."""
    if loss == "mse":
        return np.linalg.lstsq(A, t, rcond=None)[0]
    w = np.zeros(2)
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(A @ w, -30, 30)))
        gradient = A.T @ (p - t) / len(t)
        hessian = (A * (p * (1 - p))[:, None]).T @ A / len(t) + 1e-6 * np.eye(2)
        w = w - np.linalg.solve(hessian, gradient)
        if np.abs(w).max() > REACH_CAP:
            return w * (REACH_CAP / np.abs(w).max())
    return w


def _batches(n: int, batch_size: int, steps: int, seed: int) -> list[np.ndarray]:
    """``steps`` mini-batches of epochs' permutations (the last batch of an epoch smaller)."""
    rng, out = np.random.default_rng([seed, 2]), []
    while len(out) < steps:
        order = rng.permutation(n)
        out.extend(order[i : i + batch_size] for i in range(0, n, batch_size))
    return out[:steps]


def _path(name: str, A, t, loss: str, start, lr: float, batches) -> dict:
    w = nb.tensor(np.asarray(start, dtype=np.float64), requires_grad=True)
    opt = OPTIMIZER_RECIPES[name].make(lr, [w])
    points, diverged = [list(start)], False
    with np.errstate(all="ignore"):
        for batch in batches:
            opt.zero_grad()
            z = nb.tensor(A[batch]) @ w
            target = nb.tensor(t[batch])
            value = nb.binary_cross_entropy_with_logits(z, target) if loss == "bce" else nb.mse_loss(z, target)
            value.backward()
            opt.step()
            now = w.detach().numpy()
            if not np.all(np.isfinite(now)) or np.abs(now).max() > _BLOWUP:
                diverged = True
                break
            points.append([float(now[0]), float(now[1])])
    p = np.asarray(points)
    losses = _surface(A, t, loss, p[:, 0], p[:, 1])
    return {"optimizer": name, "points": np.round(p, 6).tolist(), "losses": losses.tolist(), "diverged": diverged}


def surface_message(session: Session, start, steps: int) -> dict:
    """The surface, every optimizer's path from ``start`` (two numbers) for ``steps`` steps, and the model."""
    numbers = isinstance(start, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in start)
    if not numbers or len(start) != 2:
        raise PlaygroundError("surface: start must be two numbers [w1, w2]")
    start = [float(v) for v in start]
    if not all(np.isfinite(start)) or max(abs(v) for v in start) > 100:
        raise PlaygroundError("surface: start must be two finite numbers between -100 and 100")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise PlaygroundError(f"surface: steps must be a whole number from 1 to {MAX_STEPS}")
    A, t, loss, formula = two_weight_problem(session)
    batches = _batches(len(t), session.batch_size, steps, session.config.seed)
    paths = [_path(name, A, t, loss, start, session.config.lr, batches) for name in OPTIMIZER_RECIPES]
    best = minimum(A, t, loss)
    reach = min(REACH_CAP, max([4.0, *(abs(v) * 1.25 for v in start), *(abs(v) * 1.5 for v in best)]))
    axis = np.linspace(-reach, reach, GRID)
    w1, w2 = np.meshgrid(axis, axis[::-1])  # row 0 at the top: w2 largest
    values = _surface(A, t, loss, w1.ravel(), w2.ravel()).reshape(GRID, GRID)
    return {
        "type": "surface",
        "formula": formula,
        "loss": "binary cross-entropy" if loss == "bce" else "squared error",
        "bounds": [-reach, reach],
        "surface": encode(values.astype(np.float32), "f32"),
        "start": start,
        "minimum": [float(v) for v in best],
        "lr": session.config.lr,
        "batch_size": session.batch_size,
        "steps": steps,
        "paths": paths,
    }
