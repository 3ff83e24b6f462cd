"""Checking a model file's configs against their schemas (:mod:`.file_schema`), before any shape is walked.

A Sequential's or functional model's config, each layer entry in it against the allow-list and its
layer's schema, a wrapper's layers in turn, and the models nested as layers (``{"class_name":
"Sequential" or "Functional", "config": {...}}``, as Keras 3 nests them) in turn, at most
``fs.MAX_NESTING`` deep. Entries of your own classes (``custom_objects``) are passed on as they are, their
``build_config`` too (once its form is checked: JSON values); nabla's own layers have none.
"""

from __future__ import annotations

from . import file_schema as fs
from .file_errors import fail, validate_at
from .file_vocabulary import vocabulary_problem

MERGING_LAYERS = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}
#: The models a file may nest as layers, by class name, and the schemas of their configs.
MODEL_CONFIGS = {"Sequential": fs.SEQUENTIAL_CONFIG, "Functional": fs.FUNCTIONAL_CONFIG}


def is_custom(entry: dict, custom: dict) -> bool:
    """A layer of yours, or an RNN of a cell of yours (its weights and output are the cell's: not predicted)."""
    if entry["class_name"] in custom:
        return True
    config = entry.get("config")
    if entry["class_name"] not in ("RNN", "StackedRNNCells") or not isinstance(config, dict):
        return False
    inner = config.get("cell") if entry["class_name"] == "RNN" else config.get("cells")
    inner = inner if isinstance(inner, list) else [inner]
    return any(isinstance(e, dict) and "class_name" in e and is_custom(e, custom) for e in inner)


def check_model_config(name: str, config: dict, where: str, path, custom: dict, depth: int = 0) -> None:
    """A Sequential's or functional model's config (``name``), its layers and the models nested in it.

    ``depth``: how many models hold this one (0 for the file's own model)."""
    validate_at(config, MODEL_CONFIGS[name], where, path)
    layers = config["layers"]
    for i, entry in enumerate(layers):
        at, inner = f"{where}.layers[{i}]", entry["class_name"]
        if is_custom(entry, custom):
            continue
        if "build_config" in entry:
            fail(path, f"{at}.build_config", f"a build config is kept for layers of yours only (their class writes "
                                             f"get_build_config / build_from_config), not for {inner}")  # fmt: skip
        if inner in MODEL_CONFIGS:
            if depth + 1 >= fs.MAX_NESTING:
                fail(path, at, f"models nest at most {fs.MAX_NESTING} deep in a model file")
            check_model_config(inner, entry["config"], f"{at}.config", path, custom, depth + 1)
            continue
        if inner not in fs.LAYER_CONFIGS:
            fail(path, f"{at}.class_name", f"unknown layer class {inner!r}; if it is yours, pass it in "
                                           f"custom_objects={{{inner!r}: cls}}")  # fmt: skip
        if inner == "InputLayer" and (name == "Functional" or i > 0):
            functional = name == "Functional"
            fail(path, f"{at}.class_name", f"a functional model's inputs are in {where}.input_specs" if functional
                 else "an Input can only come first")  # fmt: skip
        validate_layer(inner, entry["config"], f"{at}.config", path)
    if name == "Functional":
        modules = [entry["module"] for entry in layers]
        for i, module in enumerate(modules):
            if not module.isidentifier() or module in modules[:i]:
                fail(path, f"{where}.layers[{i}].module", f"{module!r} is not a name of its own (a Python identifier)")


def _wrapped_entries(name: str, config: dict, where: str):
    """``(field, where, entry)`` for each layer entry a wrapper's config holds (a list field: one per item)."""
    for field in fs.WRAPPED_FIELDS.get(name, ()):
        value = config.get(field)
        for i, entry in enumerate(value if isinstance(value, list) else [] if value is None else [value]):
            yield field, f"{where}.{field}" + (f"[{i}]" if isinstance(value, list) else ""), entry


def validate_layer(name: str, config: dict, where: str, path, depth: int = 0) -> None:
    """A layer's config against its schema; a wrapper's layers in turn (nabla's own only: ``from_config``
    makes a wrapped layer from nabla's layers), at most ``fs.MAX_WRAPPING`` wrappers deep."""
    validate_at(config, fs.LAYER_CONFIGS[name], where, path)
    problem = vocabulary_problem(name, config) if name in fs.VOCABULARY_CONFIGS else None
    if problem is not None:
        fail(path, f"{where}.{problem[0]}", problem[1])
    for _field, at, entry in _wrapped_entries(name, config, where):
        inner = entry["class_name"]
        allowed = fs.WRAPPABLE.get(name)
        if allowed is not None and inner not in allowed:
            yours = f"; if it is yours, pass it in custom_objects={{{inner!r}: cls}}" if name in fs.CELL_HOLDERS else ""
            fail(path, f"{at}.class_name", f"a {name} wraps one of {', '.join(allowed)}, not {inner!r}{yours}")
        if inner not in fs.LAYER_CONFIGS or inner == "InputLayer" or inner in MERGING_LAYERS:
            fail(path, f"{at}.class_name", f"a {name} wraps one of nabla's layers of one input, not {inner!r}")
        if depth + 1 >= fs.MAX_WRAPPING:
            fail(path, at, f"wrappers nest at most {fs.MAX_WRAPPING} deep in a model file")
        validate_layer(inner, entry["config"], f"{at}.config", path, depth + 1)
