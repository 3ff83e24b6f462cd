"""Whole-model files: architecture (JSON config), weights, compile settings and optimizer state.

One safetensors file written atomically by :func:`nabla.save`: no pickle, so
loading a model from someone else cannot run code. Any file name works
(``model.keras``, ``model.nabla``...); the content is nabla's format, not Keras's zip.
"""

from __future__ import annotations

import warnings

from .._engine import load, save

FORMAT = "nabla.model/1"


def save_model(model, path) -> None:
    model._maybe_build()
    config = model.get_config()
    payload = {
        "format": FORMAT,
        "class_name": type(model).__name__,
        "config": config,
        "build_input_shape": None if model._build_input_shape is None else list(model._build_input_shape),
        "weights": model.state_dict(),
        "compile": model._compile_config,
        "optimizer": None,
    }
    if model.optimizer is not None and any(g["params"] for g in model.optimizer.param_groups):
        payload["optimizer"] = {"class_name": type(model.optimizer).__name__, "state": model.optimizer.state_dict()}
    save(payload, path)


def load_model(path, custom_objects: dict | None = None, compile: bool = True):
    """Rebuild a model saved with ``model.save(path)``: same architecture, weights and (if compiled) optimizer state.

    Subclassed models need their class in ``custom_objects={"MyModel": MyModel}``.
    The loaded model predicts exactly as the saved one, and ``fit`` continues
    the same run (optimizer moments and step counts included).
    """
    from ... import optim
    from .sequential import Sequential

    payload = load(path)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"load_model: {path} is not a nabla model file (use nb.load for plain state dicts)")
    class_name = payload["class_name"]
    custom_objects = custom_objects or {}
    if class_name == "Sequential":
        model = Sequential.from_config(payload["config"], custom_objects)
    elif class_name in custom_objects:
        model = custom_objects[class_name].from_config(payload["config"])
    else:
        raise ValueError(
            f"load_model: the file holds a subclassed model '{class_name}'; pass custom_objects={{'{class_name}': "
            f"{class_name}}} so that it can be rebuilt"
        )
    if payload.get("build_input_shape") and not any(True for _ in model.parameters()):
        model.build(tuple(payload["build_input_shape"]))
    model.load_state_dict(payload["weights"])
    spec = payload.get("compile")
    if compile and spec:
        if spec.get("loss") is None:
            warnings.warn(
                "load_model: the loss was a Python function, which cannot be saved, so the model is loaded "
                "uncompiled; call compile() again with the same loss",
                stacklevel=2,
            )
            return model
        state = payload.get("optimizer")
        optimizer = spec.get("optimizer")
        if isinstance(optimizer, dict):
            config = {k: tuple(v) if isinstance(v, list) else v for k, v in optimizer["config"].items()}
            optimizer = getattr(optim, optimizer["class_name"])(**config)
        model.compile(
            optimizer=optimizer,
            loss=spec["loss"],
            metrics=spec.get("metrics"),
            jit_compile=spec.get("jit_compile", "auto"),
        )
        model._bind_optimizer()
        if state is not None:
            model.optimizer.load_state_dict(state["state"])
    return model
