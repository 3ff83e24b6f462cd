"""The pictures of the course: decision boundaries, training curves, activations, graphs, descent paths.

``import nabla.plot`` (or ``from nabla import plot``). Every function
returns a matplotlib Figure (``descent_path`` returns ``(fig, paths)``,
``graph`` a :class:`GraphDrawing`) and saves it when given ``path=``
(the format follows the extension: .png, .svg, .pdf). Figures are made
with matplotlib's object-oriented API, without pyplot: nothing is shown
and no global state is touched; in a notebook a Figure that is a cell's
last value displays itself (:mod:`nabla.plot.notebook`), elsewhere save it.

matplotlib is optional: ``pip install 'nabla[plot]'``. It is imported
when a plot is drawn, not when this module is. ``graph`` needs no
matplotlib; rendering its DOT text to SVG/PNG needs Graphviz's ``dot``.

========================  ================================================================
:func:`decision_boundary`  what a 2-D classifier predicts over the plane, with the data
:func:`history`            loss and metric curves of ``fit``, train and validation (or test)
:func:`regression_fit`     a regression network's curve through the data, or predicted vs true
:func:`activations`        activation functions and their derivatives (by autograd)
:func:`graph`              the computational graph of a result (Graphviz DOT)
:func:`descent_path`       optimizers' paths on a 2-D loss surface, per learning rate
:func:`weights_histogram`  histograms of each parameter tensor, per layer
:func:`confusion_matrix`   the confusion matrix (:func:`confusion_counts` computes it)
:func:`image_grid`         images with true and predicted labels, errors in red
:func:`monitor`            a TrainingMonitor's weight/grad norms and update ratios
:func:`figure`             a blank Figure of your own (constrained layout), drawn inline too
========================  ================================================================

Example::

    import nabla.plot as nbplot
    history = model.fit(X, y, epochs=100, validation_split=0.2, verbose=0)
    nbplot.history(history, path="curves.png")
    nbplot.decision_boundary(model, X, y, path="boundary.png")
"""

from .activation_curves import activations, derivative
from .boundary import decision_boundary
from .classification import confusion_counts, confusion_matrix, image_grid
from .curves import history, monitor, weights_histogram
from .descent import OPTIMIZERS, DescentPath, descent_path
from .dot import GraphDrawing, graph
from .notebook import figure, show_figures_inline
from .regression import regression_fit

__all__ = [
    "OPTIMIZERS",
    "DescentPath",
    "GraphDrawing",
    "activations",
    "confusion_counts",
    "confusion_matrix",
    "decision_boundary",
    "derivative",
    "descent_path",
    "figure",
    "graph",
    "history",
    "image_grid",
    "monitor",
    "regression_fit",
    "weights_histogram",
]

show_figures_inline()
