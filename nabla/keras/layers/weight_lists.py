"""The weights of a layer as lists of arrays: Keras's ``count_params``, ``get_weights`` and ``set_weights``."""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, no_grad, refuse_in_capture


class WeightLists:
    """Mixed into :class:`~nabla.keras.layers.Layer` (an :class:`nabla.nn.Module`): its weights in Keras's order."""

    def count_params(self) -> int:
        """The number of weight values (the layer must be built)."""
        return sum(w.size for w in self.weights)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight, layer by layer (kernel, bias, then non-trainable statistics)."""
        return [w._data.copy() for w in self._ordered_weights()]

    def set_weights(self, weights) -> None:
        """Set every weight from a list like :meth:`get_weights` returns."""
        refuse_in_capture("sets weights in place (set_weights)")
        own = self._ordered_weights()
        if len(weights) != len(own):
            raise ValueError(f"set_weights: '{self.name}' has {len(own)} weights, got {len(weights)}")
        for w, value in zip(own, weights):
            value = np.asarray(value)
            if value.shape != w.shape:
                raise ValueError(f"set_weights: a weight of shape {w.shape} got a value of shape {value.shape}")
        with no_grad():
            for w, value in zip(own, weights):
                w._data[...] = value
                w._version.v += 1

    def _ordered_weights(self) -> list[Tensor]:
        # Weights of every dtype (Normalization's int64 count, as Keras's get_weights); of the buffers, the
        # float ones (moving statistics), as `weights` lists them
        out, seen = [], set()
        for m in self.modules():
            buffers = [b for b in m._buffers.values() if b is not None and b.dtype.kind == "f"]
            for t in list(m._parameters.values()) + buffers:
                if t is not None and id(t) not in seen:
                    seen.add(id(t))
                    out.append(t)
        return out
