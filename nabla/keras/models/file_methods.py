"""The file methods of every Keras-style model: ``save``, ``save_weights``, ``load_weights``, ``export``, configs.

Mixed into :class:`~nabla.keras.models.Model`; the work is done in :mod:`nabla.keras.models.saving`
(model files), :mod:`nabla.keras.models.model_config` (configs) and :mod:`nabla.onnx` (export).
"""

from __future__ import annotations

from .._engine import save
from .json_config import model_to_json
from .model_config import functional_from_config
from .saving import load_weights, save_model


class FileMethods:
    """Mixed into :class:`~nabla.keras.models.Model`: whole-model files, weight files, ONNX export, configs."""

    def save_weights(self, path) -> None:
        """Write the weights (``state_dict``) to a safetensors file, atomically."""
        self._maybe_build()  # NOTE: layers after the first build lazily; a known input shape builds them all
        save(self.state_dict(), path)

    def load_weights(self, path) -> None:
        """Load weights written by :meth:`save_weights` (the model must have the same architecture)."""
        load_weights(self, path)

    def save(self, path) -> None:
        """Save architecture, weights, compile settings and optimizer state to one file (see ``load_model``)."""
        save_model(self, path)

    def export(
        self, filepath, format: str = "onnx", opset_version: int = 17, input_shape=None, verbose: bool | None = None
    ) -> None:
        """Write the model for runtimes without nabla: ``format="onnx"``, as :func:`nabla.onnx.export` does.

        ``input_shape``: one sample's shape, for a model whose input shape is not known yet. ``verbose``
        (None or True, as in Keras 3) prints ``Saved artifact at '<filepath>'.`` once the file is written.
        """
        if format != "onnx":
            raise ValueError(f"export: nabla writes format='onnx', got {format!r} (save() writes a nabla model file)")
        import nabla.onnx  # an optional extra: imported when used

        nabla.onnx.export(self, None, filepath, opset_version=opset_version, input_shape=input_shape)
        if verbose is None or verbose:
            print(f"Saved artifact at '{filepath}'.")

    def to_json(self, **kwargs) -> str:
        """The architecture as JSON text (``kwargs`` go to ``json.dumps``); ``keras.models.model_from_json``
        rebuilds it with new weights."""
        return model_to_json(self, **kwargs)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """The model ``config`` describes; ``keras.Model.from_config`` of a functional model's config rebuilds
        that functional model, as in Keras (``custom_objects``: your layer classes by name)."""
        from .model import Model

        if cls is Model and "input_specs" in config and "nodes" in config:
            return functional_from_config(config, custom_objects)
        return super().from_config(config)
