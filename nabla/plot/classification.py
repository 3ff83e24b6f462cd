"""Classification results: the confusion matrix, and a grid of images with their true and predicted labels."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np

from ._common import as_class_indices, new_figure, save, to_numpy, trim_axes


def _as_labels(y, what: str) -> np.ndarray:
    """Labels as a 1-D array. Rows of scores (N, K) become their argmax; probabilities of class 1 are thresholded."""
    y = as_class_indices(y, what)
    if y.dtype.kind == "f" and y.size and not np.all(y == np.round(y)):
        if y.min() < 0 or y.max() > 1:
            raise ValueError(f"{what} holds non-integer values outside [0, 1]: pass class labels or probabilities")
        return (y >= 0.5).astype(np.int64)  # P(class 1) of a sigmoid output
    if y.dtype.kind == "f":
        return y.astype(np.int64)
    return y


def confusion_counts(y_true, y_pred, labels: Sequence | None = None) -> np.ndarray:
    """The confusion matrix: ``C[i, j]`` counts the samples of class ``labels[i]`` predicted as ``labels[j]``.

    Rows are true classes, columns predicted ones (scikit-learn's
    convention), so the diagonal holds the correct predictions and
    ``C.sum(axis=1)`` the number of samples of each class. ``y_pred`` may be
    class labels, rows of scores (N, K) (their argmax is taken) or
    probabilities of class 1 (thresholded at 0.5). Samples whose label is
    not in ``labels`` are left out.

    Args:
        y_true: true labels, shape (N,) (or one-hot (N, K)).
        y_pred: predicted labels, scores (N, K) or probabilities (N,).
        labels: the classes, in the order of the rows (default: every value
            seen in ``y_true`` or ``y_pred``, sorted).

    Returns:
        An int64 array of shape (K, K).

    Example::

        confusion_counts([0, 1, 1, 2], [0, 2, 1, 2])
        # array([[1, 0, 0],
        #        [0, 1, 1],
        #        [0, 0, 1]])
    """
    t, p = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    if len(t) != len(p):
        raise ValueError(f"confusion_counts: y_true has {len(t)} labels but y_pred has {len(p)}")
    classes = np.unique(np.concatenate([t, p])) if labels is None else np.asarray(labels)
    k = len(classes)
    if k == 0:
        return np.zeros((0, 0), dtype=np.int64)
    order = np.argsort(classes, kind="stable")
    sorted_classes = classes[order]

    def index(y):
        pos = np.clip(np.searchsorted(sorted_classes, y), 0, k - 1)
        found = sorted_classes[pos] == y
        return order[pos], found

    ti, t_ok = index(t)
    pi, p_ok = index(p)
    keep = t_ok & p_ok
    return np.bincount(ti[keep] * k + pi[keep], minlength=k * k).reshape(k, k).astype(np.int64)


def confusion_matrix(
    y_true,
    y_pred,
    labels: Sequence | None = None,
    normalize: bool | str = False,
    path: str | os.PathLike | None = None,
    names: Sequence[str] | None = None,
    ax=None,
):
    """Draw the confusion matrix, each cell annotated with its count (or fraction).

    Args:
        y_true, y_pred, labels: as in :func:`confusion_counts`.
        normalize: False (counts), True or "true" (each row sums to 1: the
            recall of each class on the diagonal), "pred" (each column sums
            to 1: precision) or "all".
        path: file to save the figure to (.png, .svg, .pdf).
        names: the class names on the axes (default: the labels), e.g. Fashion-MNIST's.
        ax: a matplotlib Axes to draw on (default: a new figure).

    Returns:
        The matplotlib Figure; the matrix drawn is ``fig.axes[0].images[0].get_array()``.

    Example::

        nabla.plot.confusion_matrix(y_test, model.predict(x_test), normalize=True, path="confusion.png")
    """
    t = _as_labels(y_true, "y_true")
    p = _as_labels(y_pred, "y_pred")
    classes = np.unique(np.concatenate([t, p])) if labels is None else np.asarray(labels)
    counts = confusion_counts(t, p, classes)
    if normalize is True:
        normalize = "true"
    if normalize not in (False, "true", "pred", "all"):
        raise ValueError(f"confusion_matrix: normalize must be False, True, 'true', 'pred' or 'all', got {normalize!r}")
    values = counts.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        if normalize == "true":
            values = values / values.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            values = values / values.sum(axis=0, keepdims=True)
        elif normalize == "all":
            values = values / values.sum()
    values = np.nan_to_num(values)
    names = [str(c) for c in classes] if names is None else [str(n) for n in names]
    if len(names) != len(classes):
        raise ValueError(f"confusion_matrix: {len(classes)} classes but {len(names)} names")

    k = len(classes)
    if ax is None:
        size = max(4.0, 0.55 * k + 2.5)
        fig, axes = new_figure(figsize=(size + 1.0, size))
        ax = axes[0, 0]
    fig = ax.figure
    vmax = 1.0 if normalize else max(values.max(), 1.0)
    image = ax.imshow(values, cmap="Blues", vmin=0.0, vmax=vmax, interpolation="nearest")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fontsize = 10 if k <= 10 else 7 if k <= 20 else 5
    for i in range(k):
        for j in range(k):
            text = f"{values[i, j]:.2f}" if normalize else f"{counts[i, j]:d}"
            if normalize and counts[i, j] == 0:
                text = "0"
            color = "white" if values[i, j] > 0.55 * vmax else "black"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=fontsize)
    if max(map(len, names), default=0) > 3:
        ax.set_xticks(range(k), names, rotation=45, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    title = "confusion matrix" + (
        {"true": " (rows sum to 1)", "pred": " (columns sum to 1)", "all": ""}.get(normalize, "")
    )
    ax.set_title(f"{title}\naccuracy {accuracy:.1%} on {counts.sum()} samples", fontsize=10)
    return save(fig, path)


def _as_images(images) -> np.ndarray:
    """Images as (N, H, W) or (N, H, W, C); flat square images (N, 784) and channels-first (N, C, H, W) are reshaped."""
    x = to_numpy(images).astype(np.float64)
    if x.ndim == 2:
        side = math.isqrt(x.shape[1])
        if side * side != x.shape[1]:
            raise ValueError(
                f"image_grid: flat images of {x.shape[1]} pixels are not square; reshape them to (N, H, W)"
            )
        return x.reshape(len(x), side, side)
    if x.ndim == 4 and x.shape[1] in (1, 3) and x.shape[-1] not in (1, 3):
        x = x.transpose(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim not in (3, 4):
        raise ValueError(f"image_grid: images must be (N, H, W), (N, H, W, C), (N, C, H, W) or (N, H*W); got {x.shape}")
    return x


def image_grid(
    images,
    labels=None,
    predictions=None,
    ncols: int = 8,
    path: str | os.PathLike | None = None,
    names: Sequence[str] | None = None,
    max_images: int = 64,
    cmap: str = "gray_r",
    title: str | None = None,
):
    """Show images in a grid with their labels; with predictions, the misclassified ones in red.

    Each image's title is its label, or "pred p (true t)" when predictions
    are given; a misclassified image gets a red title and a red frame.

    Args:
        images: (N, H, W), (N, H, W, C), (N, C, H, W) or flat square (N, H*W), e.g. MNIST digits.
        labels: true labels (N,) or one-hot (N, K).
        predictions: predicted labels (N,) or scores (N, K) (argmax is taken).
        ncols: images per row (default 8).
        path: file to save the figure to (.png, .svg, .pdf).
        names: class names to show instead of the class numbers.
        max_images: show at most this many (default 64), the first ones.
        cmap: colour map of one-channel images (default "gray_r": dark ink on white; "RdBu_r"
            for signed values such as filters, whose range is then made symmetric about 0).
        title: the figure's title; by default, with predictions, how many of the images shown
            are misclassified (say what the images are when you chose them, e.g. "the first 32
            of the 145 misclassified test digits").

    Returns:
        The matplotlib Figure, one Axes per image.

    Example::

        wrong = np.flatnonzero(model.predict(x_test).argmax(1) != y_test)
        nabla.plot.image_grid(x_test[wrong], y_test[wrong], model.predict(x_test[wrong]), path="errors.png")
    """
    suptitle = title  # NOTE: the loop below names each image's own title
    x = _as_images(images)[:max_images]
    n = len(x)
    if n == 0:
        raise ValueError("image_grid: no images to show")
    t = None if labels is None else _as_labels(labels, "labels")[:n]
    p = None if predictions is None else _as_labels(predictions, "predictions")[:n]
    for what, arr in (("labels", t), ("predictions", p)):
        if arr is not None and len(arr) != n:
            raise ValueError(f"image_grid: {n} images but {len(arr)} {what}")

    def name(c) -> str:
        return str(names[int(c)]) if names is not None else str(c)

    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    title_lines = (t is not None) + (p is not None)
    fig, axes = new_figure(nrows, ncols, figsize=(1.35 * ncols, (1.35 + 0.22 * title_lines) * nrows))
    lo, hi = float(x.min()), float(x.max())
    if lo < 0 < hi:  # signed values (filters, differences): a range symmetric about 0, so 0 is the middle colour
        lo, hi = -max(-lo, hi), max(-lo, hi)
    for i, ax in enumerate(trim_axes(fig, axes, n)):
        img = x[i]
        if img.ndim == 3:
            ax.imshow(np.clip((img - lo) / (hi - lo or 1.0), 0, 1))
        else:
            ax.imshow(img, cmap=cmap, vmin=lo, vmax=hi)
        ax.set_xticks([])
        ax.set_yticks([])
        wrong = p is not None and t is not None and p[i] != t[i]
        if p is not None and t is not None:
            title = f"pred {name(p[i])}\ntrue {name(t[i])}"
        elif p is not None:
            title = f"pred {name(p[i])}"
        elif t is not None:
            title = name(t[i])
        else:
            title = None
        if title is not None:
            ax.set_title(title, fontsize=8, color="red" if wrong else "black", fontweight="bold" if wrong else None)
        for spine in ax.spines.values():
            spine.set_color("red" if wrong else "0.7")
            spine.set_linewidth(2.5 if wrong else 0.6)
    if suptitle is None and p is not None and t is not None:
        suptitle = f"{int((p != t).sum())} of the {n} images shown are misclassified (in red)"
    if suptitle is not None:
        fig.suptitle(suptitle, fontsize=10)
    return save(fig, path)


__all__ = ["confusion_counts", "confusion_matrix", "image_grid"]
