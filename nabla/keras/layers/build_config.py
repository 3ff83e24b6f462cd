"""Keras 3's build config: the input shape a layer was built with, and building a layer again from it.

``layer.get_build_config()`` is ``{"input_shape": shape}``, the shape given to ``build`` (as given: a list stays
a list) or the first call's input shape (its batch size included, ``(5, 7)``), and None while the layer is
unbuilt or was built at construction (Dropout: nothing to build). ``build_from_config(config)`` builds the
layer from such a dict, creating its weights, as ``keras.saving`` does when it loads a layer.

A layer of yours may write both (keras.io's saving guide: state created in an unusual way, a number its
weights' shapes depend on): ``model.save`` then keeps what its ``get_build_config()`` returns, and
``load_model`` calls its ``build_from_config(config)`` before the model's weights are loaded
(``models/build_configs.py``); :func:`has_build_hooks` tells such a class.
"""

from __future__ import annotations

from ..symbolic import KerasTensor, flatten


def has_build_hooks(kind: type) -> bool:
    """Whether the class ``kind`` writes its own ``get_build_config`` or ``build_from_config``: a class defined
    outside nabla overrides one (nabla's models write their own, which are not hooks of yours)."""
    for name in ("get_build_config", "build_from_config"):
        owner = next((k for k in kind.__mro__ if name in k.__dict__), None)
        if owner is not None and not owner.__module__.startswith("nabla."):
            return True
    return False


def unbuilt_layers(layer) -> list:
    """``layer`` and the layers inside it that are not built yet (see :func:`record_batch_axis`)."""
    return [m for m in layer.modules() if isinstance(m, BuildConfig) and not m.built]


def record_batch_axis(layers: list, batch) -> None:
    """Give the layers of ``layers`` that are built now the batch axis ``batch`` in their build shapes.

    A model builds its layers on a probe batch (one sample of zeros, or the functional probe's: see
    ``symbolic.py``), where Keras 3 builds them on symbolic tensors: their build configs record the batch axis
    of what they were built for (None for ``keras.Input(shape=...)``, the size given to ``build``), not the
    probe's. The other axes are the probe's (an unknown length is one of its lengths)."""
    for layer in layers:
        if layer.built and layer._build_shape is not None:
            layer._build_shape = _with_batch(layer._build_shape, batch)


def symbolic_batch(inputs):
    """The batch axis of the first symbolic tensor among ``inputs`` (None: any batch size)."""
    tensors = [t for t in flatten(inputs) if isinstance(t, KerasTensor) and len(t.shape)]
    return tensors[0].shape[0] if tensors else None


def _with_batch(shape, batch):
    if isinstance(shape, dict):
        return {key: _with_batch(value, batch) for key, value in shape.items()}
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple, dict)):
        return [_with_batch(one, batch) for one in shape]
    if isinstance(shape, (list, tuple)) and shape:
        return type(shape)((batch, *shape[1:]))
    return shape


class BuildConfig:
    """Mixed into :class:`~nabla.keras.layers.Layer`: ``get_build_config`` and ``build_from_config``."""

    _build_shape = None  # the shape of the first build (Layer._ensure_built and a direct build record it)

    def get_build_config(self) -> dict | None:
        """``{"input_shape": shape}`` once the layer is built on a shape (Keras 3's), else None."""
        shape = self._build_config_shape()
        return None if shape is None else {"input_shape": shape}

    def _build_config_shape(self):
        """The shape :meth:`get_build_config` reports (a model records its own: see ``FileMethods``)."""
        return self._build_shape if self.built else None  # (a build that failed recorded its shape)

    @property
    def input_shape(self) -> tuple:
        """Keras 2's ``layer.input_shape``, which Keras 3 dropped and tf.keras 2 material reads (Géron ch. 17's
        tied decoder: ``self.dense.input_shape[-1]``): the shape the layer was first called (built) on, batch axis
        included, as Keras 2's after an eager call. A layer not built on one input raises AttributeError, as
        Keras 2's for a layer never called."""
        shape = self._build_config_shape()
        if not isinstance(shape, tuple) or not shape:
            raise AttributeError(f"The layer {getattr(self, 'name', type(self).__name__)!r} has never been called "
                                 "on one input and thus has no defined input shape")  # fmt: skip
        return shape

    def build_from_config(self, config: dict | None) -> None:
        """Build the layer (its weights created) on ``config["input_shape"]``; an empty or None config does
        nothing, as in Keras 3."""
        if not config:
            return
        if not isinstance(config, dict) or "input_shape" not in config:
            raise ValueError(
                f"{type(self).__name__}.build_from_config: expected a dict with 'input_shape' (what "
                f"get_build_config returns), got {config!r}"
            )
        self.build(config["input_shape"])
