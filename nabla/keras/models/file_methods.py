"""The file methods of every Keras-style model: ``save``, ``save_weights``, ``load_weights``, ``export``, configs
(the architecture's, the build's and the compile's, as ``keras.saving`` reads them).

Mixed into :class:`~nabla.keras.models.Model`; the work is done in :mod:`nabla.keras.models.saving`
(model files), :mod:`nabla.keras.models.model_config` (configs) and :mod:`nabla.onnx` (export).
"""

from __future__ import annotations

from .._engine import save
from ..utils.traceback_utils import warn
from .compile_utils import saved_optimizer
from .json_config import model_to_json
from .model_config import functional_from_config
from .saving import compile_from_record, load_weights, save_model


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

    # --- the build and compile configs (Keras 3's, for keras.saving and custom serialization) --------------

    def _build_config_shape(self):
        """The input shape :meth:`get_build_config` reports: the one given to ``build`` or the first call's."""
        return self._build_input_shape

    def build_from_config(self, config: dict | None) -> None:
        """Build the model on ``config["input_shape"]`` (what :meth:`get_build_config` returns); a config
        without a shape (a functional model's, whose inputs give it) builds nothing, as in Keras 3."""
        if config and config.get("input_shape") is not None:
            super().build_from_config(config)

    def get_compile_config(self) -> dict:
        """Keras 3's compile config: ``{}`` before ``compile``, else its arguments, the optimizer serialized
        as it is now (``{"module": "keras.optimizers", "class_name": "Adam", "config": {...}, ...}``), from
        the record a model file keeps (``compile_utils.compile_config``); :meth:`compile_from_config` takes it.

        ``jit_compile`` is nabla's (``"auto"`` unless given; Keras 3 reports the value it resolved).
        """
        record = self._compile_config
        if record is None:
            return {}
        optimizer = saved_optimizer(self.optimizer)
        if "module" in optimizer:  # (Keras's serialized form names the registered class too)
            optimizer["registered_name"] = optimizer["class_name"]
        return {
            "optimizer": optimizer,
            "loss": _keras_form(record["loss"], "keras.losses"),
            "loss_weights": record.get("loss_weights"),
            "metrics": _keras_form(record["metrics"] or None, "keras.metrics"),
            "weighted_metrics": _keras_form(record.get("weighted_metrics"), "keras.metrics"),
            "run_eagerly": record.get("run_eagerly", False),
            "steps_per_execution": 1,
            "jit_compile": record["jit_compile"],
        }

    def compile_from_config(self, config: dict) -> None:
        """``compile`` with what :meth:`get_compile_config` (of nabla or of Keras 3) returned; a model whose
        class writes its own ``compile`` is left uncompiled with a warning, as in Keras 3."""
        from .model import Model

        if type(self).compile is not Model.compile:
            warn(
                "`compile()` was not called as part of model loading because the model's `compile()` method is "
                "custom: override get_compile_config() and compile_from_config(config), or call compile() after "
                "loading"
            )
            return
        if not isinstance(config, dict) or "optimizer" not in config:
            raise ValueError(f"compile_from_config: expected what get_compile_config returns, got {config!r}")
        if config.get("steps_per_execution", 1) != 1:
            raise ValueError("compile_from_config: nabla runs one step per execution; steps_per_execution must be 1")
        compile_from_record(self, config, {})


def _keras_form(entry, module: str):
    """A compile record's losses or metrics with each ``{"class_name", "config"}`` of nabla's classes as Keras 3
    serializes the object (``module`` first, ``registered_name`` None); names and entries of yours as they are."""
    if isinstance(entry, list):
        return [_keras_form(e, module) for e in entry]
    if isinstance(entry, dict) and "class_name" in entry:
        return {"module": module, **entry, "registered_name": None}
    if isinstance(entry, dict) and "custom" not in entry:  # one per output, keyed by name
        return {name: _keras_form(e, module) for name, e in entry.items()}
    return entry
