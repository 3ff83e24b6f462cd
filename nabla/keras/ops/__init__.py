"""``keras.ops``: Keras 3's NumPy-like functions, as names over nabla's operations.

``from nabla.keras import ops`` and Keras 3 code runs: ``ops.matmul(x, w)``, ``ops.relu``,
``ops.mean(x, axis=-1)``, ``ops.sparse_categorical_crossentropy(y, logits, from_logits=True)``... Each
function is one of nabla's differentiable operations, or composed from them (``loss.backward()`` reaches
through it), under Keras's name and signature; where Keras's name or defaults differ from nabla's, a line
here adapts them (``gelu`` is the tanh form by default, ``leaky_relu``'s slope is 0.2, ``one_hot`` gives
float32). The functions take tensors, Variables, NumPy arrays and Python numbers, and return nabla tensors;
called on ``keras.Input`` tensors, they add a step to a functional model instead (see ``symbolic.py``).

The functions live by family, as in Keras's source:

===================  ==========================================================================================
``core.py``          conversions, shapes, ``get_item``/``slice``/``scatter``..., control flow (Python's, eagerly)
``elementwise.py``   elementwise math: arithmetic, powers and logs, trigonometry and its inverses, tests
``arrays.py``        creation, diagonals, rearranging, joining and splitting
``reductions.py``    reductions, cumulative sums and products, sorting, searching, counting
``nan_reductions``   the same, skipping NaNs: ``nansum``, ``nanmean``, ``nanmax``...
``nn.py``            ``keras.ops.nn``: activations, normalizations, pooling, convolution, losses
``linalg.py``        ``keras.ops.linalg``: ``det``, ``inv``, ``solve``, ``norm``...
``image.py``         ``keras.ops.image``: ``extract_patches`` (its names stay under ``keras.ops.image``)
===================  ==========================================================================================

Where nabla differs from Keras 3:

- dtypes follow nabla's rules: Python ints become int64 (Keras: int32), NumPy arrays keep their dtype;
  Python floats are float32 as in Keras. Counts (``count_nonzero``, ``bincount``...) are int32 as in Keras.
- ``floor``, ``ceil``, ``round``, ``trunc``, ``floor_divide``, ``argsort`` and the comparisons are not
  differentiable (their gradient is zero almost everywhere: no gradient flows through them, as with
  ``stop_gradient``).
- ``cumsum`` and ``cumprod`` are composed over an (n, n) grid: differentiable, and quadratic in the length
  of the axis (fine for the lengths of course material).
- a name Keras has and nabla lacks raises an ``AttributeError`` that says what to use instead.
"""

from __future__ import annotations

from .._missing import missing as _missing
from . import arrays, core, elementwise, image, linalg, nan_reductions, nn, reductions

for _module in (core, elementwise, arrays, reductions, nan_reductions, nn, linalg):
    globals().update({_n: _f for _n, _f in vars(_module).items() if not _n.startswith("_") and callable(_f)})
del _module
for _name in ("annotations", "record_symbolic_calls", "Tensor"):
    globals().pop(_name, None)


def __getattr__(name: str):
    raise _missing("keras.ops", name)
