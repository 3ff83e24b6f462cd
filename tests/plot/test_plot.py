"""nabla.plot: each picture's content (axes, lines, contours, points), its numbers, and its files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import require

import nabla as nb
import nabla.plot as nbplot
from nabla import diagnostics
from nabla.layers import Dense
from nabla.models import Sequential

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def mpl():
    """matplotlib with the Agg backend (a missing matplotlib skips locally, fails in CI)."""
    matplotlib = require("matplotlib")
    matplotlib.use("Agg")
    return matplotlib


def contour_sets(ax) -> list:
    from matplotlib.contour import ContourSet

    return [c for c in ax.collections if isinstance(c, ContourSet)]


def scatters(ax) -> list:
    from matplotlib.collections import PathCollection

    return [c for c in ax.collections if isinstance(c, PathCollection)]


def two_blobs(n: int = 40, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(size=(n, 2)) * 0.4 + np.where(y[:, None] == 1, 1.0, -1.0)
    return x.astype(np.float32), y


def fitted_model(epochs: int = 4, validation: bool = True, callbacks=()):
    x, y = two_blobs()
    nb.manual_seed(0)
    model = Sequential([Dense(8, activation="tanh", input_shape=(2,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=nb.optim.Adam(lr=0.05), loss="binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(
        x, y, epochs=epochs, batch_size=16, validation_split=0.25 if validation else 0.0, verbose=0, callbacks=callbacks
    )
    return model, hist, x, y


# --- confusion matrix ---------------------------------------------------------------------------


def test_confusion_counts_equals_a_hand_count():
    y_true = [0, 0, 1, 1, 1, 2, 2, 2, 2]
    y_pred = [0, 1, 1, 1, 2, 2, 2, 0, 2]
    # Rows true, columns predicted, counted by hand from the pairs above.
    expected = np.array([[1, 1, 0], [0, 2, 1], [1, 0, 3]])
    counts = nbplot.confusion_counts(y_true, y_pred)
    np.testing.assert_array_equal(counts, expected)
    assert counts.dtype == np.int64 and counts.sum() == len(y_true)


def test_confusion_counts_takes_scores_probabilities_and_an_order_of_labels():
    y_true = np.array([2, 0, 1, 2])
    scores = np.array([[0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.0, 0.9, 0.1]])  # argmax 2, 0, 0, 1
    np.testing.assert_array_equal(nbplot.confusion_counts(y_true, scores), [[1, 0, 0], [1, 0, 0], [0, 1, 1]])
    # labels: the order of rows and columns; samples of unlisted classes are left out.
    np.testing.assert_array_equal(nbplot.confusion_counts(y_true, scores, labels=[2, 0]), [[1, 0], [0, 1]])
    # Probabilities of class 1 (a sigmoid output) are thresholded at 0.5; one-hot truths become labels.
    np.testing.assert_array_equal(
        nbplot.confusion_counts(np.eye(2)[[1, 1, 0]], np.array([[0.9], [0.2], [0.4]])), [[1, 0], [1, 1]]
    )
    with pytest.raises(ValueError, match="y_true has 2 labels but y_pred has 3"):
        nbplot.confusion_counts([0, 1], [0, 1, 1])


def test_confusion_matrix_draws_the_counts_with_one_text_per_cell(mpl, tmp_path):
    y_true, y_pred = [0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 2, 2]
    fig = nbplot.confusion_matrix(y_true, y_pred, names=["cat", "dog", "bird"], path=tmp_path / "cm.png")
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), nbplot.confusion_counts(y_true, y_pred))
    assert sorted(t.get_text() for t in ax.texts) == sorted(["1", "1", "0", "0", "2", "1", "0", "0", "1"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "bird"]
    assert (tmp_path / "cm.png").read_bytes().startswith(PNG_MAGIC)
    normalized = nbplot.confusion_matrix(y_true, y_pred, normalize=True).axes[0].images[0].get_array()
    np.testing.assert_allclose(np.asarray(normalized).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="normalize"):
        nbplot.confusion_matrix(y_true, y_pred, normalize="rows")


# --- decision boundary --------------------------------------------------------------------------


def test_decision_boundary_of_a_keras_model_has_shading_a_line_and_the_points(mpl, tmp_path):
    model, _, x, y = fitted_model()
    x_test, y_test = two_blobs(10, seed=1)
    fig = nbplot.decision_boundary(model, x, y, resolution=40, test=(x_test, y_test), path=tmp_path / "db.png")
    ax = fig.axes[0]
    sets = contour_sets(ax)
    assert len(sets) == 2  # the probability shading (contourf) and the decision line at 0.5
    assert any(list(s.levels) == [0.5] for s in sets)
    points = scatters(ax)
    assert sum(len(p.get_offsets()) for p in points) == len(x) + len(x_test)
    assert [p.get_paths()[0] for p in points] and any(t.get_text() == "test" for t in ax.get_legend().get_texts())
    assert (tmp_path / "db.png").read_bytes().startswith(PNG_MAGIC)


def test_decision_boundary_of_logits_is_where_the_logit_is_zero(mpl):
    # One logit x1 - x2 (NumPy function): the line P = 0.5 is the diagonal x1 = x2.
    x = np.array([[1.0, -1.0], [-1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
    y = np.array([1, 0, 1, 0])
    fig = nbplot.decision_boundary(lambda pts: pts[:, 0] - pts[:, 1], x, y, resolution=60)
    ax = fig.axes[0]
    (line,) = [s for s in contour_sets(ax) if list(s.levels) == [0.5]]
    vertices = np.concatenate([p.vertices for p in line.get_paths()])
    assert len(vertices) > 10
    np.testing.assert_allclose(vertices[:, 0], vertices[:, 1], atol=1e-6)
    assert ax.get_title() == "train accuracy 100%"


def test_decision_boundary_of_a_multiclass_module_colours_the_predicted_class(mpl):
    # Three logits from an nn.Linear with fixed weights: class = argmax(x1, x2, -x1 - x2).
    lin = nb.nn.Linear(2, 3, bias=False)
    lin.weight.data = nb.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    x = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, -2.0]])
    y = np.array([0, 1, 2])
    fig = nbplot.decision_boundary(lin, x, y, resolution=30, proba=False)
    ax = fig.axes[0]
    assert lin.training  # the module's mode is restored
    rgba = ax.images[0].get_array()
    x0, x1, y0, y1 = ax.images[0].get_extent()
    corner = rgba[0, 0, :3]  # the lower-left corner (x1, x2 both low) is class 2's
    from matplotlib.colors import to_rgb

    np.testing.assert_allclose(corner, to_rgb(nbplot._common.class_colors(3)[2]))
    assert len(contour_sets(ax)) == 3  # one boundary line per class
    assert sum(len(p.get_offsets()) for p in scatters(ax)) == 3


def test_decision_boundary_draws_on_a_given_axes_and_checks_shapes(mpl):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    x, y = two_blobs(8)
    assert nbplot.decision_boundary(lambda p: p[:, :1], x, y, ax=ax, resolution=20) is fig
    assert len(fig.axes) == 2 and ax.get_legend() is not None  # the axes and its colour bar
    bare = Figure()
    ax = bare.subplots()
    nbplot.decision_boundary(lambda p: p[:, :1], x, y, ax=ax, resolution=20, colorbar=False, legend=False)
    assert len(bare.axes) == 1 and ax.get_legend() is None
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        nbplot.decision_boundary(lambda p: p, np.zeros((4, 3)), y[:4])
    with pytest.raises(ValueError, match="8 points but y has 7"):
        nbplot.decision_boundary(lambda p: p[:, 0], x, y[:7])


# --- training curves ----------------------------------------------------------------------------


def test_history_has_one_line_per_series(mpl, tmp_path):
    _, hist, _, _ = fitted_model(epochs=5)
    assert set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    fig = nbplot.history(hist, path=tmp_path / "h.svg")
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    for ax, key in zip(fig.axes, ["loss", "accuracy"]):
        assert len(ax.lines) == 2
        np.testing.assert_allclose(ax.lines[0].get_ydata(), hist.history[key])
        np.testing.assert_allclose(ax.lines[1].get_ydata(), hist.history["val_" + key])
        np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3, 4, 5])
    assert (tmp_path / "h.svg").read_text().lstrip().startswith("<?xml")


def test_history_takes_the_dict_and_a_choice_of_metrics():
    require("matplotlib")
    logs = {"loss": [1.0, 0.5, 0.2], "mae": [0.9, 0.6, 0.4], "learning_rate": [0.1, 0.1, 0.01]}
    fig = nbplot.history(logs)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "mae", "learning_rate"]
    assert [len(ax.lines) for ax in fig.axes] == [1, 1, 1]
    assert fig.axes[2].get_yscale() == "log"
    only = nbplot.history(logs, metrics=["val_mae"])
    assert len(only.axes) == 1 and only.axes[0].get_title() == "mae"
    with pytest.raises(ValueError, match="no values recorded for \\['accuracy'\\]"):
        nbplot.history(logs, metrics=["accuracy"])
    with pytest.raises(TypeError, match="History"):
        nbplot.history([1.0, 0.5])


def test_monitor_plots_norms_per_parameter_on_log_scales(mpl, tmp_path):
    x, _ = two_blobs()
    mon = diagnostics.TrainingMonitor()
    model, _, _, _ = fitted_model(epochs=3, validation=False, callbacks=[mon])
    names = [name for name, _ in model.named_parameters()]
    fig = nbplot.monitor(mon, path=tmp_path / "m.png")
    assert [ax.get_title() for ax in fig.axes] == ["weight norm ‖w‖", "gradient norm ‖g‖", "update / weight ratio"]
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
    assert [line.get_label() for line in fig.axes[0].lines] == names
    np.testing.assert_allclose(fig.axes[1].lines[0].get_ydata(), [e["grad_norm"][names[0]] for e in mon.record])
    assert len(fig.axes[2].lines) == len(names) + 1  # and the 1e-3 reference
    assert (tmp_path / "m.png").read_bytes().startswith(PNG_MAGIC)
    # With a probe batch the monitor records dead ReLUs: a fourth subplot.
    probe = diagnostics.TrainingMonitor(x_probe=x[:8])
    nb.manual_seed(0)
    relu_model = Sequential([Dense(4, activation="relu", input_shape=(2,)), Dense(1)])
    relu_model.compile(optimizer="sgd", loss="mse")
    relu_model.fit(x, x[:, :1], epochs=2, verbose=0, callbacks=[probe])
    assert len(nbplot.monitor(probe.record).axes) == 4
    with pytest.raises(ValueError, match="empty"):
        nbplot.monitor([])


def test_weights_histogram_has_one_axes_per_parameter(mpl, tmp_path):
    model, _, x, y = fitted_model(epochs=1)
    named = dict(model.named_parameters())
    fig = nbplot.weights_histogram(model, path=tmp_path / "w.png")
    assert len(fig.axes) == len(named) == 4
    for ax, (name, p) in zip(fig.axes, named.items()):
        assert ax.get_title().startswith(f"{name} {tuple(p.shape)}")
        assert sum(patch.get_height() for patch in ax.patches) == p.size  # every weight in a bar
    assert (tmp_path / "w.png").read_bytes().startswith(PNG_MAGIC)
    assert len(nbplot.weights_histogram({"a": np.zeros(3), "b.w": np.ones((2, 2))}).axes) == 2
    with pytest.raises(ValueError, match="no parameter has a gradient"):
        model.zero_grad()
        nbplot.weights_histogram(model, grads=True)


# --- activations --------------------------------------------------------------------------------


def test_activations_draws_each_function_and_its_autograd_derivative(mpl, tmp_path):
    fig = nbplot.activations(path=tmp_path / "a.png")
    assert len(fig.axes) == 2 * len(nbplot.activation_curves.COURSE_ACTIVATIONS) == 18
    assert (tmp_path / "a.png").read_bytes().startswith(PNG_MAGIC)
    fig = nbplot.activations(["sigmoid", "tanh", "relu", "step"])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["sigmoid(x)", "sigmoid'(x)", "tanh(x)", "tanh'(x)", "relu(x)", "relu'(x)", "step(x)", "step'(x)"]
    curves = [ax.lines[-1] for ax in fig.axes]  # the last line of each axes is the curve (before: the axes at 0)
    x = curves[0].get_xdata()
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(curves[1].get_ydata(), s * (1 - s), atol=1e-12)
    np.testing.assert_allclose(curves[3].get_ydata(), 1 - np.tanh(x) ** 2, atol=1e-12)
    np.testing.assert_array_equal(curves[5].get_ydata()[x > 0], 1.0)
    np.testing.assert_array_equal(curves[7].get_ydata(), 0.0)  # no gradient through the step


def test_activations_accepts_callables_and_refuses_softmax(mpl):
    fig = nbplot.activations([nb.exp])
    np.testing.assert_allclose(fig.axes[1].lines[-1].get_ydata(), np.exp(fig.axes[0].lines[-1].get_xdata()))
    with pytest.raises(ValueError, match="not elementwise"):
        nbplot.activations(["softmax"])
    with pytest.raises(ValueError, match="unknown activation"):
        nbplot.activations(["sigmoidd"])


# --- descent paths ------------------------------------------------------------------------------


def bowl(w):
    return w[0] ** 2 + 10 * w[1] ** 2


def test_descent_path_follows_sgd_exactly(mpl):
    start, lr = np.array([-4.0, 1.5]), 0.01
    fig, paths = nbplot.descent_path(bowl, starts=start, lrs=lr, steps=3)
    (p,) = paths
    grad = np.array([2 * start[0], 20 * start[1]])
    np.testing.assert_allclose(p.points[1], start - lr * grad)
    w = start.copy()
    for _ in range(3):
        w = w - lr * np.array([2 * w[0], 20 * w[1]])
    np.testing.assert_allclose(p.final, w)
    np.testing.assert_allclose(p.losses, [bowl(q) for q in p.points])
    assert p.points.shape == (4, 2) and not p.diverged
    assert len(fig.axes) == 1 and len(contour_sets(fig.axes[0])) == 1


def test_descent_path_runs_every_optimizer_start_and_learning_rate(mpl, tmp_path):
    fig, paths = nbplot.descent_path(
        bowl,
        starts=[(-4.0, 1.5), (3.0, -1.0)],
        lrs=[0.01, 0.05, 0.11],
        optimizer=["sgd", "momentum", "adam"],
        steps=30,
        path=tmp_path / "d.png",
    )
    assert len(paths) == 3 * 2 * 3 and len(fig.axes) == 3
    assert [p.optimizer for p in paths[::6]] == ["SGD", "SGD, momentum 0.9", "Adam"]
    # Each panel: one line per path, the start markers, the minimum's star.
    assert all(len(ax.lines) == 6 + 2 for ax in fig.axes)
    sgd = {(p.start, p.lr): p for p in paths[:6]}
    assert sgd[((-4.0, 1.5), 0.11)].diverged  # lr above 2/20 = 0.1 (2 / the largest curvature): it blows up
    assert sgd[((-4.0, 1.5), 0.05)].losses[-1] < 0.05  # from 36: a good learning rate
    assert sgd[((-4.0, 1.5), 0.01)].losses[-1] > 1.0  # too small: still on its way
    # Momentum differs from plain SGD from the second step on; Adam's first step is lr per coordinate.
    mom = paths[6]
    np.testing.assert_allclose(mom.points[1], paths[0].points[1])
    assert not np.allclose(mom.points[2], paths[0].points[2])
    adam = paths[12]
    np.testing.assert_allclose(np.abs(adam.points[1] - adam.points[0]), [0.01, 0.01], rtol=1e-5)
    assert (tmp_path / "d.png").read_bytes().startswith(PNG_MAGIC)


def test_descent_path_takes_optimizer_classes_and_non_elementwise_losses(mpl):
    a = nb.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=nb.float64)
    fig, (p,) = nbplot.descent_path(lambda w: w @ a @ w, [(1.0, 1.0)], [0.1], optimizer=nb.optim.RMSprop, steps=5)
    assert p.optimizer == "RMSprop" and p.points.shape == (6, 2)
    levels = contour_sets(fig.axes[0])[0].levels
    assert levels.min() >= 0
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        nbplot.descent_path(bowl, [(1.0, 1.0)], [0.1], optimizer="adamm")
    with pytest.raises(ValueError, match="positive"):
        nbplot.descent_path(bowl, [(1.0, 1.0)], [0.0])


# --- image grid ---------------------------------------------------------------------------------


def test_image_grid_marks_the_misclassified_in_red(mpl, tmp_path):
    rng = np.random.default_rng(0)
    images = rng.random((10, 28 * 28))  # flat MNIST-like rows are reshaped to 28x28
    labels = np.arange(10)
    predictions = labels.copy()
    predictions[[2, 7]] = [3, 1]
    fig = nbplot.image_grid(images, labels, np.eye(10)[predictions], ncols=4, path=tmp_path / "g.png")
    assert len(fig.axes) == 10
    assert fig.axes[0].images[0].get_array().shape == (28, 28)
    red = [i for i, ax in enumerate(fig.axes) if ax.title.get_color() == "red"]
    assert red == [2, 7]
    assert fig.axes[2].get_title() == "pred 3\ntrue 2"
    assert (tmp_path / "g.png").read_bytes().startswith(PNG_MAGIC)
    # Channels-first colour images, labels only, class names.
    fig = nbplot.image_grid(rng.random((3, 3, 5, 5)), [0, 1, 0], names=["cat", "dog"])
    assert [ax.get_title() for ax in fig.axes] == ["cat", "dog", "cat"]
    assert fig.axes[0].images[0].get_array().shape == (5, 5, 3)
    with pytest.raises(ValueError, match="not square"):
        nbplot.image_grid(np.zeros((2, 10)))


# --- computational graph ------------------------------------------------------------------------


def small_graph():
    x = nb.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    w = nb.tensor([[0.5], [-1.0], [0.25]], requires_grad=True)
    out = nb.tanh(x @ w).sum()
    return x, w, out


def test_graph_dot_text_names_the_operations_and_shapes():
    x, w, out = small_graph()
    drawing = nbplot.graph(out, labels={x: "x", "w": w})
    dot = drawing.dot
    assert dot.startswith("digraph") and dot.rstrip().endswith("}") and dot.count("{") == dot.count("}")
    for text in ("matmul", "tanh", "sum", "(1, 3) float32", "(3, 1) float32", "(1, 1) float32", "{ x |", "{ w |"):
        assert text in dot, text
    assert (drawing.num_tensors, drawing.num_ops) == (5, 3) and not drawing.freed
    assert dot.count(" -> ") == 2 + 1 + 1 + 3  # x, w -> matmul -> t -> tanh -> t -> sum -> out
    assert "grad" not in dot  # no backward yet
    assert str(drawing) == dot and "5 tensors" in repr(drawing)


def test_graph_of_large_tensors_shows_each_tensor_once_with_its_label():
    """Nodes keep placeholders for large inputs their rule does not read; the picture shows the originals."""
    x = nb.tensor(np.ones(2048), requires_grad=True)
    c = nb.tensor(np.ones(2048))
    h = x * 2.0
    y = ((h + c) * h).sum()
    drawing = nbplot.graph(y, labels={h: "h", c: "c", x: "x"})
    assert (drawing.num_tensors, drawing.num_ops) == (6, 4)  # x, c, h, h + c, the product, the sum
    for text in ("{ h = mul |", "{ c |", "{ x |"):
        assert drawing.dot.count(text) == 1, text


def test_graph_shows_gradients_after_backward_with_retain_graph():
    x, w, out = small_graph()
    out.backward(retain_graph=True)
    dot = nbplot.graph(out, labels={x: "x", w: "w"}).dot
    assert f"‖grad‖ {np.linalg.norm(x.grad.numpy()):.4g}" in dot
    # compute_grads: every tensor's gradient, .grad untouched (intermediate tensors keep none).
    x2, w2, out2 = small_graph()
    dot = nbplot.graph(out2, compute_grads=True).dot
    assert x2.grad is None and w2.grad is None
    assert "grad 1 }" in dot  # d out / d out = 1
    xa, wa = np.asarray(x2), np.asarray(w2)
    dw = xa.T * (1 - np.tanh(xa @ wa) ** 2)  # d sum(tanh(x w)) / dw
    assert f"‖grad‖ {np.linalg.norm(dw):.4g}" in dot


def test_graph_after_a_plain_backward_says_the_graph_was_freed():
    _, _, out = small_graph()
    out.backward()
    drawing = nbplot.graph(out)
    assert drawing.freed and "retain_graph=True" in drawing.dot and "(freed)" in drawing.dot
    with pytest.raises(RuntimeError, match="freed"):
        nbplot.graph(out, compute_grads=True)


def test_graph_of_a_deep_chain_and_constants():
    x = nb.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(3000):  # deeper than Python's recursion limit
        y = y * 1.0001
    drawing = nbplot.graph(y)
    assert drawing.num_ops == 3000 and drawing.dot.count('label="1"') == 3000


def test_graph_saves_dot_text_without_graphviz_and_names_graphviz_when_missing(tmp_path, monkeypatch):
    _, _, out = small_graph()
    drawing = nbplot.graph(out, path=tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == drawing.dot
    monkeypatch.setattr(nbplot.dot.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="Graphviz"):
        drawing.render("png")
    assert drawing._repr_svg_() is None
    with pytest.raises(ValueError, match="format"):
        nbplot.graph(out, format="jpeg")
    with pytest.raises(TypeError, match="labels"):
        nbplot.graph(out, labels={"x": "y"})


# Graphviz is a system program: .ci/run installs it, so in CI its absence is a failure, not a skip.
@pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI", "").lower() != "true",
    reason="Graphviz's dot is not installed",
)
def test_graph_renders_svg_and_png_with_graphviz(tmp_path):
    x, w, out = small_graph()
    out.backward(retain_graph=True)
    drawing = nbplot.graph(out, labels={x: "x", w: "w"}, path=tmp_path / "g.svg")
    svg = (tmp_path / "g.svg").read_text()
    assert "<svg" in svg and "matmul" in svg and "tanh" in svg
    nbplot.graph(out, path=tmp_path / "g.png")
    assert (tmp_path / "g.png").read_bytes().startswith(PNG_MAGIC)
    assert drawing.render("pdf").startswith(b"%PDF")
    assert "<svg" in drawing._repr_svg_()


# --- optional dependency ------------------------------------------------------------------------


def test_importing_nabla_plot_does_not_import_matplotlib_and_plots_leave_pyplot_alone():
    require("matplotlib")
    code = (
        "import sys, nabla.plot as p\n"
        "assert 'matplotlib' not in sys.modules, 'imported at import time'\n"
        "p.confusion_matrix([0, 1], [0, 1])\n"
        "assert 'matplotlib' in sys.modules and 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"nabla\[plot\]"):
        nbplot.history({"loss": [1.0]})
