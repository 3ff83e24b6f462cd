"""The weights of a layer as lists of arrays: Keras's ``count_params``, ``get_weights`` and ``set_weights``, and
Keras 3's saving hooks over a layer's own weights, ``save_own_variables`` and ``load_own_variables``."""

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
        _assign_all(own, weights, "set_weights")

    def save_own_variables(self, store: dict) -> None:
        """Keras 3's hook for ``model.save``: put the layer's own weights (not its inner layers'), trainable
        first, into ``store`` as arrays under ``"0"``, ``"1"``... A layer of yours may override it to save other
        state beside them (``super().save_own_variables(store); store["table"] = array``); ``load_model`` then
        calls its :meth:`load_own_variables` with the same store (see ``models/own_variables.py``)."""
        for i, weight in enumerate(self._own_weights()):
            store[str(i)] = weight._data.copy()

    def load_own_variables(self, store: dict) -> None:
        """Keras 3's hook for ``load_model``: set the layer's own weights from ``store`` as
        :meth:`save_own_variables` filled it; a store of another length is refused, as in Keras."""
        own = self._own_weights()
        if len(store) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expected {len(own)} variables, but received {len(store)} variables during "
                f"loading. Expected: {[getattr(w, 'name', '?') for w in own]}"
            )
        _assign_all(own, [store[str(i)] for i in range(len(own))], "load_own_variables")

    def _own_weights(self) -> list[Tensor]:
        # The weights of this layer itself, as Keras 3's _trainable_variables + _non_trainable_variables
        own = [w for w in self._parameters.values() if w is not None]
        own += [b for b in self._buffers.values() if b is not None and b.dtype.kind == "f"]
        return [w for w in own if w.requires_grad] + [w for w in own if not w.requires_grad]

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


def _assign_all(weights: list, values: list, who: str) -> None:
    """Set each weight to its value, all shapes checked first (nothing is changed on an error)."""
    values = [np.asarray(v._data if isinstance(v, Tensor) else v) for v in values]
    for w, value in zip(weights, values):
        if value.shape != w.shape:
            raise ValueError(f"{who}: a weight of shape {w.shape} got a value of shape {value.shape}")
    with no_grad():
        for w, value in zip(weights, values):
            w._data[...] = value
            w._version.v += 1
