"""``nabla.onnx``: export models to ONNX, to run them where nabla is not installed (ONNX Runtime, ...).

::

    import nabla.onnx
    nabla.onnx.export(model, example_batch, "model.onnx")       # an nn.Sequential, a Keras-style Sequential
    model.export("model.onnx", format="onnx")                    # the same, for a Keras-style model
    nabla export nabla-run/model.nabla model.onnx                # from the command line

Needs the ``onnx`` package (``pip install 'nabla[onnx]'``); PyTorch is not involved. See
:func:`export` for what exports and how, and :func:`register` to export a layer of your own.
"""

from .export import export
from .graph import ExportError, Graph, Value
from .table import identity, register

__all__ = ["ExportError", "Graph", "Value", "export", "identity", "register"]
