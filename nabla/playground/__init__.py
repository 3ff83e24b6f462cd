"""nabla playground: watch a network learn in the browser, trained by nabla on this machine.

``nabla playground`` (or ``python -m nabla.playground``) starts a local web server and prints the
address to open; the page shows a network learning live, in the manner of TensorFlow Playground,
and more: your own CSV data, many classes, any number of layers and units (up to what trains
interactively), cross-entropy losses, L1/L2 and dropout, SGD, momentum, RMSprop, Adagrad and Adam,
mini-batch sizes from 1 to the whole set, one training step's computational graph with every
node's value and gradient, the loss surface of a two-weight model under each optimizer, a link that
holds the whole setup and seed, and downloads of the trained model (``model.nabla``), Keras-style
code that rebuilds and retrains it, and the data. See docs/playground.md.

The server needs the ``playground`` extra (Starlette, uvicorn and threadpoolctl): ``pip install -e ".[playground]"``.
Its parts:

=====================  ==========================================================================
``config``             a tab's setup and its validation (limits of what trains interactively)
``recipes``            the built-in datasets, as calls to :mod:`nabla.datasets`
``csvdata``            uploaded CSV files: checks and standardisation
``features``           x1, x2, x1^2, x2^2, x1*x2, sin x1, sin x2
``data``               the points of a tab and their train/test split
``network``            the Keras-style network, its loss and optimizer
``session``            one tab's training loop (plain nabla: no web server)
``frames``             what the page draws, as JSON (heatmaps, weights, metrics)
``graph``              the step view: one backward pass, node by node
``surface``            the loss surface of a two-weight model and the optimizers' paths
``exports``            model.nabla, the Keras-style code, the CSV
``protocol``           the WebSocket messages and their checks
``connection``         one tab on the server
``server``             the Starlette app on uvicorn
``command``            ``nabla playground`` and ``python -m nabla.playground``
=====================  ==========================================================================
"""

from __future__ import annotations

from .errors import PlaygroundError
from .session import Session

__all__ = ["PlaygroundError", "Session", "create_app", "main"]


def _server():
    try:
        from . import server
    except ImportError as e:
        if e.name in ("starlette", "uvicorn", "threadpoolctl"):
            raise ImportError(
                f"nabla playground needs {e.name}, which is not installed: pip install -e '.[playground]'"
            ) from e
        raise
    return server


def create_app():
    """The playground's ASGI app (Starlette); see :mod:`nabla.playground.server`."""
    return _server().create_app()


def main(argv=None) -> int:
    """``nabla playground [--host 127.0.0.1] [--port 8000] [--no-browser]``."""
    from .command import main as command

    return command(argv)
