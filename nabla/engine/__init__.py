"""The engine: tensors, automatic differentiation and the operations, on NumPy arrays.

One module per concept, bottom to top (docs/architecture.md draws them):

- ``dtypes``: nabla's dtypes (NumPy's, with PyTorch's defaults);
  ``backend``: the array layer, the functions the primitives call;
  ``random``: the one generator every draw comes from.
- ``grad_mode`` (``no_grad``...), ``anomaly_mode`` (``detect_anomaly``) and
  ``tracing`` (the hook a step compiler listens on: see ``nabla.capture``).
- ``graph``: the nodes of the graph and the version counters that guard them.
- ``tensor``: the Tensor; ``ops``: the primitives (a forward and its
  gradient rule, side by side) and the operations composed from them;
  ``backward``: the walk from a result back to the leaves. These three form
  the engine's one import circle: a Tensor's methods are the operations and
  the walk, which are built on Tensor.
- ``creation`` (``nb.tensor``, ``nb.zeros``, ``nb.randn``...), ``gradcheck``
  and ``serialization`` (``nb.save``/``nb.load``), on top.

Nothing here imports from the rest of nabla.
"""
