"""Where a Keras model's weights live, and where ``fit`` / ``evaluate`` / ``predict`` send each batch.

``model.to("cuda")`` (or ``.cuda()``, ``.cpu()``, ``.to("array_api_strict:device1")``) moves the weights,
in place, as :meth:`nabla.nn.Module.to` does; after it, the training and inference loops place each
batch of inputs on the model's device, as Keras on a GPU places NumPy data for you (one host-to-device
copy per batch, or, in ``fit``, the whole arrays once when they fit: :mod:`.device_data`; targets join the
outputs' device inside the loss). Outputs come back to the host for
the metrics and for ``predict``'s NumPy result. A model on another library runs its steps eagerly
(``nb.capture``'s replays are NumPy code: see docs/devices.md).
"""

from __future__ import annotations

from .._engine import Tensor, backend, devices
from ..layers import Layer
from ..strings import is_text_array
from .input_structures import Columns


class Placement:
    """The device half of :class:`nabla.keras.Model`: :meth:`to` and the batches' placement."""

    _placement = "cpu"  # the device the weights were last moved to

    def to(self, *args, **kwargs):
        """Move the weights to a device and/or dtype, as :meth:`nabla.nn.Module.to`; later batches follow.

        A model whose input shape is known (``keras.Input``, ``input_shape=``) is built first, so that its
        weights exist to be moved; one that cannot be built yet is refused (its weights would be made on
        the host at the first call): build it (``model.build((None, 784))``) or call it once, then move it.
        """
        self._maybe_build()
        super().to(*args, **kwargs)
        weight = next(iter(self.parameters()), None)
        if weight is not None:
            self._placement = weight.device
        elif devices.to_arguments(args, kwargs.get("device"))[0] not in (None, "cpu") and any(
            isinstance(m, Layer) and not m.built for m in self.modules() if m is not self
        ):
            raise ValueError(
                f"model '{self.name}' has no weights yet and no known input shape, so they cannot be moved: "
                "build it first (model.build(input_shape), or give it keras.Input(shape)), then call .to()"
            )
        return self

    @property
    def device(self) -> str:
        """The device of the model's weights: "cpu", "cuda:0", ... (set by :meth:`to`)."""
        return self._placement

    def _placed(self, data):
        """A batch of inputs (an array or a list of them) as tensors on the model's device; the
        :class:`.input_structures.Columns` of a dict, list or tuple as that structure, for ``call``."""
        if isinstance(data, list):
            placed = [self._placed(a) for a in data]
            return data.rebuilt(placed) if isinstance(data, Columns) else placed
        if is_text_array(data):  # a string input's texts: the layers that read them take NumPy arrays
            return data
        if self._placement == "cpu":
            return Tensor._make(data)
        return Tensor._make(backend.to_device(data, self._placement))

