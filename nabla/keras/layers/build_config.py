"""Keras 3's build config: the input shape a layer was built with, and building a layer again from it.

``layer.get_build_config()`` is ``{"input_shape": shape}``, the shape given to ``build`` (as given: a list stays
a list) or the first call's input shape (its batch size included, ``(5, 7)``), and None while the layer is
unbuilt or was built at construction (Dropout: nothing to build). ``build_from_config(config)`` builds the
layer from such a dict, creating its weights, as ``keras.saving`` does when it loads a layer.
"""

from __future__ import annotations


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
