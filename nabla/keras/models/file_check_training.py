"""Checking a model file's training part before ``load_model`` compiles anything: the compile settings'
optimizer, loss and metric configs, and the optimizer's saved state, against :mod:`.file_schema_training`."""

from __future__ import annotations

from . import file_schema_training as ts
from .file_errors import fail, validate_at
from .file_schema_types import NAME


def _object(properties: dict, required: bool) -> dict:
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": sorted(properties) if required else []}  # fmt: skip


def check_compile(payload: dict, path) -> str | None:
    """The compile settings' optimizer, loss and metric configs; returns the optimizer's class name."""
    spec = payload.get("compile")
    if spec is None:
        return None
    optimizer = spec["optimizer"]
    if isinstance(optimizer, str):
        class_name = ts.OPTIMIZER_CLASSES[optimizer]
    elif "custom" in optimizer:  # (a class of yours: its own from_config reads its config; no state is saved)
        class_name = None
    else:
        class_name = optimizer["class_name"]
        configs = ts.KERAS_OPTIMIZER_CONFIGS if "module" in optimizer else ts.OPTIMIZER_CONFIGS
        validate_at(optimizer["config"], _object(configs[class_name], False), "compile.optimizer.config", path)
    losses = spec["loss"] if isinstance(spec["loss"], list) else [spec["loss"]]  # (a list: one per output)
    for i, loss in enumerate(losses):
        if isinstance(loss, dict) and "custom" not in loss:  # (a loss of yours: its class reads its own config)
            options = {"name": NAME, **ts.LOSS_CONFIGS[loss["class_name"]]}
            at = f"compile.loss[{i}].config" if isinstance(spec["loss"], list) else "compile.loss.config"
            validate_at(loss["config"], _object(options, False), at, path)
    for field in ("metrics", "weighted_metrics"):
        for at, metric in metric_entries(spec.get(field), f"compile.{field}"):
            if isinstance(metric, dict) and "class_name" in metric:
                options = ts.METRIC_CONFIGS[metric["class_name"]]
                validate_at(metric["config"], _object(options, False), f"{at}.config", path)
    return class_name


def metric_entries(saved, at: str):
    """``(where, entry)`` for each metric of a file's ``metrics``: a list, or one per output (a list or a dict)."""
    if isinstance(saved, dict):
        for name, group in saved.items():
            yield from metric_entries(group, f"{at}.{name}")
    elif isinstance(saved, list):
        for i, entry in enumerate(saved):
            yield from metric_entries(entry, f"{at}[{i}]") if isinstance(entry, list) else [(f"{at}[{i}]", entry)]


def check_optimizer_state(payload: dict, path, class_name: str | None) -> None:
    """The saved optimizer state: of the class compiled with, each parameter's and group's fields from its list."""
    saved = payload.get("optimizer")
    if saved is None:
        return
    if class_name is None:
        fail(path, "optimizer", "optimizer state without compile settings to rebuild the optimizer from")
    if saved["class_name"] != class_name:
        fail(path, "optimizer.class_name", f"{saved['class_name']!r}, but the model was compiled with {class_name}")
    allowed = ts.OPTIMIZER_STATE_KEYS[class_name]
    per_parameter = _object({k: ts.STEP if k == "step" else ts.STATE_ARRAY for k in allowed}, False)
    for key, values in saved["state"]["state"].items():
        validate_at(values, per_parameter, f"optimizer.state.state[{key}]", path)
    group = _object({**ts.OPTIMIZER_CONFIGS[class_name], "params": {"type": "array"}}, True)
    for i, values in enumerate(saved["state"]["param_groups"]):
        validate_at(values, group, f"optimizer.state.param_groups[{i}]", path)
