"""Whole-model files: architecture (JSON config), weights, compile settings and optimizer state.

One safetensors file written atomically by :func:`nabla.save`: no pickle, so
loading a model from someone else cannot run code. The name must end in ``.keras``, ``.h5`` (Keras 3's
two) or ``.nabla`` (nabla's own); the content is nabla's format whatever the extension, not Keras's zip.
A name without one of these is refused before anything is written, as Keras 3 refuses it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from .. import losses
from .._engine import Tensor, load, save
from ..utils.object_registration import CustomObjectScope, classes_by_name
from .assets import load_assets, saved_assets
from .build_configs import build_from_saved, saved_build_config
from .file_check import ModelFileError, check_model_file
from .file_check_training import metric_entries
from .file_schema_training import FIXED_HYPERPARAMETERS
from .file_schema_types import FORMAT
from .model_config import check_subclass_config
from .own_variables import load_own_variables, saved_own_variables

MODEL_EXTENSIONS = (".keras", ".h5", ".nabla")


def save_model(model, path, overwrite: bool = True) -> None:
    """``model.save(path)``: a Sequential, a functional model, or a subclassed one with a config (see ``load_model``).

    Also ``keras.saving.save_model(model, path)``; with ``overwrite=False`` an existing file is refused
    (Keras asks at a prompt instead). The hooks of your layers are called as Keras 3 calls them:
    ``get_build_config`` (see ``build_configs.py``), ``save_own_variables`` and ``save_assets``.

    ``path`` must end in ``.keras``, ``.h5`` or ``.nabla`` (Keras 3 accepts its two; ``.nabla`` is nabla's own
    name for the same file): any other name raises ValueError, as in Keras 3.

    Raises:
        ValueError: ``path`` has none of the extensions above.
        FileExistsError: ``overwrite=False`` and the file exists.
        NotImplementedError: a subclassed model whose ``__init__`` takes arguments and that has no ``get_config``.
        TypeError: a model holding what a file cannot (a ``Lambda``, a ``keras.ops`` call). Models nested as
            layers are saved with their configs (see ``model_config.layer_entry``).
        Nothing is written then.
    """
    from .functional import Functional

    check_model_path(path)
    if not overwrite and Path(path).exists():
        raise FileExistsError(f"save_model: {path} exists; pass overwrite=True to replace it")
    check_subclass_config(model)
    model._maybe_build()
    config = model.get_config()
    # A functional model's inputs carry their shapes (in its config).
    shape = None if isinstance(model, Functional) else saved_build_shape(model)
    payload = {
        "format": FORMAT,
        "class_name": type(model).__name__,
        "config": config,
        "build_input_shape": shape,
        "weights": model.state_dict(),
        "compile": model._compile_config,
        "optimizer": None,
    }
    recorded = (model._compile_config or {}).get("optimizer")
    custom = isinstance(recorded, dict) and "custom" in recorded  # (a class of yours: its state is not saved)
    if model.optimizer is not None and not custom and any(g["params"] for g in model.optimizer.param_groups):
        optimizer = model.optimizer
        payload["optimizer"] = {"class_name": type(optimizer).__name__, "state": optimizer.state_dict(),
                                "iterations": optimizer._step_calls}  # fmt: skip
    build_config = saved_build_config(model, model.name)
    if build_config is not None:  # (a subclassed model whose class writes the hooks: see build_configs.py)
        payload["build_config"] = build_config
    stores = saved_own_variables(model)
    if stores:  # (only then, as assets: other files stay as they were)
        payload["own_variables"] = stores
    assets = saved_assets(model)
    if assets:  # (only then: files without assets stay as they were)
        payload["assets"] = assets
    save(payload, path)


def check_model_path(path) -> None:
    """Refuse a model file name without a known extension (Keras 3's words, with nabla's ``.nabla`` added)."""
    if not str(path).endswith(MODEL_EXTENSIONS):
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension (or nabla's `.nabla`) "
            f"or a `.h5` extension. Received: filepath={path}."
        )


def saved_build_shape(model) -> list | None:
    """The input shape a file records (JSON lists): one batch shape, or a list of them (a subclassed model
    first called on several inputs)."""
    shape = model._build_input_shape
    if shape is None:
        return None
    return [list(s) for s in shape] if isinstance(shape, list) else list(shape)


class _Step:
    """Turns an error raised while ``load_model`` does one step into a ModelFileError naming the file and the step.

    The file was checked before any step (file_check.py), so this only catches what the checks could not
    foresee: code of your own from ``custom_objects``, or a config the checks let through wrongly.
    """

    def __init__(self, path, what: str):
        self.path, self.what = path, what

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if error is None or isinstance(error, ModelFileError) or not isinstance(error, _STEP_ERRORS):
            return False
        text = " ".join(f"{type(error).__name__}: {error.args[0] if error.args else error}".split())[:500]
        raise ModelFileError(f"load_model: {self.path}: {self.what}: {text}") from error


_STEP_ERRORS = (TypeError, ValueError, KeyError, IndexError, ArithmeticError, RuntimeError)


def _optimizer(spec: dict):
    """An optimizer from its saved class name (one of an allow-list, checked before) and hyper-parameters.

    Keras's classes saved as Keras writes them (``"module": "keras.optimizers"``) reload as those. Otherwise
    the classes :mod:`nabla.optim` has reload as those; Keras's others (Nadam, Adamax, Adadelta, Lion, Ftrl)
    as Keras's, whose groups hold Keras's names (``lr`` is their Keras 2 name for the learning rate).
    """
    from ... import optim
    from .. import optimizers

    name = spec["class_name"]
    if "module" in spec:  # one of Keras's classes, as Keras writes it (see compile_utils.saved_optimizer)
        return optimizers.get({"class_name": name, "config": spec["config"]})
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in spec["config"].items()}
    for fixed in FIXED_HYPERPARAMETERS.get(name, ()):
        config.pop(fixed, None)
    return {"SGD": optim.SGD, "Adam": optim.Adam, "AdamW": optim.AdamW, "RMSprop": optim.RMSprop,
            "Adagrad": optim.Adagrad, "Nadam": optimizers.Nadam, "Adamax": optimizers.Adamax,
            "Adadelta": optimizers.Adadelta, "Lion": optimizers.Lion,
            "Ftrl": optimizers.Ftrl}[name](**config)  # fmt: skip


def _iterations(saved: dict) -> int:
    """The updates the saved optimizer had made (Keras restores ``optimizer.iterations``): as saved, or, in a
    file from before it was saved, the largest per-variable ``step`` (0 for an optimizer that keeps none)."""
    if "iterations" in saved:
        return int(saved["iterations"])
    return max((int(s.get("step", 0)) for s in saved["state"]["state"].values()), default=0)


def _arrays(state: dict) -> dict:
    """An optimizer state dict with NumPy arrays where the file holds Tensors."""
    per_parameter = {
        key: {k: v.numpy() if isinstance(v, Tensor) else v for k, v in values.items()}
        for key, values in state["state"].items()
    }
    return {"state": per_parameter, "param_groups": state["param_groups"]}


def build_from_payload(payload: dict, custom_objects: dict, path):
    """The model a checked payload's architecture describes (``class_name``, ``config``, ``build_input_shape``)."""
    class_name = payload["class_name"]
    # (in a scope of your classes, as Keras 3 loads: a from_config of yours that deserializes a layer finds them)
    with _Step(path, "building the model"), CustomObjectScope(custom_objects):
        if class_name == "Sequential":
            from .sequential import Sequential

            model = Sequential.from_config(payload["config"], custom_objects)
        elif class_name == "Functional":
            from .functional import Functional

            model = Functional.from_config(payload["config"], custom_objects)
        else:
            model = custom_objects[class_name].from_config(payload["config"])
        if "build_config" in payload:  # (Keras 3's order: built from it, then its variables loaded)
            build_from_saved(model, payload["build_config"])
        elif payload.get("build_input_shape") and not any(True for _ in model.parameters()):
            model.build(tuple(payload["build_input_shape"]))
        model._maybe_build()  # a Sequential whose first layer knows the input shape builds the others
    return model


def load_model(path, custom_objects: dict | None = None, compile: bool = True):
    """Rebuild a model saved with ``model.save(path)``: same architecture, weights and (if compiled) optimizer state.

    Sequential and functional models (``keras.Model(inputs, outputs)``) are rebuilt from their config;
    subclassed models need their class in ``custom_objects={"MyModel": MyModel}``, and layers
    of your own theirs (or the class decorated with ``keras.saving.register_keras_serializable()``, or
    given in a ``keras.saving.custom_object_scope``: :mod:`nabla.keras.utils.object_registration`).
    The loaded model predicts exactly as the saved one, and ``fit`` continues the same run
    (optimizer moments and step counts included).

    Keras 3's hooks of your classes run in Keras 3's order: ``build_from_config`` as each layer is made
    from its config (:mod:`~nabla.keras.models.build_configs`), then the weights are loaded, then
    ``load_own_variables`` and ``load_assets``, then the model is compiled.

    Nothing is built before the whole file is checked (:mod:`nabla.keras.models.file_check`): its
    structure against the schema of :mod:`nabla.keras.models.file_schema` (types, required fields,
    layer, optimizer and loss classes from allow-lists), and each layer's sizes against the
    weights the file stores, so a damaged or hostile file cannot make nabla allocate more than
    its weights (and one sample of at most ``MAX_SAMPLE_VALUES`` values per layer while building).

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: the file is not a valid model file; the message names the file and the
            field (``load_model: m.nabla: config.layers[1].config.units: ...``).
        TypeError: ``custom_objects`` is not a dict of names to classes.
    """
    if custom_objects is None:
        custom_objects = {}
    if not isinstance(custom_objects, dict) or not all(isinstance(k, str) for k in custom_objects):
        raise TypeError(f"load_model: custom_objects must be a dict of class names to classes, got {custom_objects!r}")
    functions = {k: v for k, v in custom_objects.items() if not isinstance(v, type)}
    custom_objects = classes_by_name(custom_objects)
    payload = load(path)
    check_model_file(payload, path, custom_objects)
    model = build_from_payload(payload, custom_objects, path)
    with _Step(path, "loading the weights"):
        model.load_state_dict(_by_position(model.state_dict(), payload["weights"]))
    if payload.get("own_variables"):
        with _Step(path, "loading the variables of save_own_variables"):
            load_own_variables(model, payload["own_variables"])
    if payload.get("assets"):
        with _Step(path, "loading the assets"):
            load_assets(model, payload["assets"])
    spec = payload.get("compile")
    if compile and spec:
        if spec.get("loss") is None:
            warnings.warn(
                "load_model: the loss was a lambda, which cannot be saved, so the model is loaded uncompiled; "
                "call compile() again with the same loss",
                stacklevel=2,
            )
            return model
        named = {**custom_objects, **functions}
        losses = spec["loss"] if isinstance(spec["loss"], list) else [spec["loss"]]
        metrics = [entry for _, entry in metric_entries(spec.get("metrics"), "metrics")]
        entries = [*losses, *metrics, *spec.get("weighted_metrics", []), spec["optimizer"]]
        missing = [e["custom"] for e in entries if _unknown(e, named)]
        if missing:
            warnings.warn(
                f"load_model: the model was compiled with {missing} of yours; give them in custom_objects= to "
                "load it compiled (it is loaded uncompiled: call compile() again)",
                stacklevel=2,
            )
            return model
        with _Step(path, "compiling"):
            compile_from_record(model, spec, named)
            model._bind_optimizer()
        if isinstance(spec["optimizer"], dict) and "custom" in spec["optimizer"]:
            warnings.warn(
                f"load_model: the optimizer is {spec['optimizer']['custom']}, a class of yours: it is rebuilt from its "
                "config, and its state (what its build() makes) starts afresh, where Keras 3 restores it",
                stacklevel=2,
            )
        if payload.get("optimizer") is not None:
            with _Step(path, "restoring the optimizer's state"):
                model.optimizer.load_state_dict(_arrays(payload["optimizer"]["state"]))
                model.optimizer._step_calls = _iterations(payload["optimizer"])
    return model


def compile_from_record(model, spec: dict, named: dict) -> None:
    """``model.compile`` with the arguments a compile record holds (a model file's, or ``get_compile_config``'s
    of nabla or of Keras 3): the optimizer rebuilt from its config, losses and metrics of yours from ``named``."""
    optimizer, loss = spec["optimizer"], spec.get("loss")
    model.compile(
        optimizer=_optimizer(optimizer) if isinstance(optimizer, dict) and "custom" not in optimizer
        else _custom(optimizer, named),
        loss=[_loss(e, named) for e in loss] if isinstance(loss, list) else _loss(loss, named),
        loss_weights=spec.get("loss_weights"),
        metrics=_rebuilt_metrics(spec.get("metrics"), named),
        weighted_metrics=[_custom(m, named) for m in spec.get("weighted_metrics") or []],
        run_eagerly=spec.get("run_eagerly") or False,
        jit_compile=spec.get("jit_compile", "auto"),
    )


def _loss(entry, named: dict):
    """A loss of a compile record as Keras 3 gives it back to ``compile`` (and so as ``model.loss``): a name as
    it is, a config (``{"class_name": ...}``) as the loss object it rebuilds, each output's of a dict so too."""
    entry = _custom(entry, named)
    if isinstance(entry, dict) and "class_name" in entry:
        return losses.get(entry)
    if isinstance(entry, dict):
        return {name: _loss(e, named) for name, e in entry.items()}
    return entry


def _unknown(entry, named: dict) -> bool:
    """Whether ``entry`` names a loss or metric of yours that ``custom_objects`` does not give."""
    return isinstance(entry, dict) and "custom" in entry and entry["custom"] not in named


def _rebuilt_metrics(saved, named: dict):
    """A file's ``metrics`` as ``compile`` takes them, in the same structure (see :func:`_custom`)."""
    if isinstance(saved, dict):
        return {name: _rebuilt_metrics(group, named) for name, group in saved.items()}
    if isinstance(saved, list):
        return [_rebuilt_metrics(m, named) if isinstance(m, list) else _custom(m, named) for m in saved]
    return saved  # (None: an output without metrics)


def _custom(entry, named: dict):
    """A compile entry as ``compile`` takes it: a loss or metric of yours rebuilt from its name (a class from its
    config, with ``from_config`` as Keras 3 does; a function as it is); anything else as it was saved."""
    if not (isinstance(entry, dict) and "custom" in entry):
        return entry
    found = named[entry["custom"]]
    if not isinstance(found, type):
        return found
    config = entry.get("config") or {}
    return found.from_config(config) if hasattr(found, "from_config") else found(**config)


def _by_position(own: dict, state: dict) -> dict:
    """``state`` keyed as the model's ``own`` state when it holds the same weights in the same order under
    other layer names: Keras loads weights by the model's structure, and a second instance of the same
    architecture (``create_model()`` called again) names its layers ``dense_2``, ``dense_3`` where the first
    had ``dense``, ``dense_1``. The kinds (``kernel``, ``bias``...) and shapes must agree one by one; else
    ``state`` is returned as it is, and the names decide (and a mismatch is reported)."""
    if own.keys() == state.keys() or len(own) != len(state):
        return state
    pairs = list(zip(own.items(), state.items()))
    for (key, value), (file_key, file_value) in pairs:
        if key.rsplit(".", 1)[-1] != file_key.rsplit(".", 1)[-1] or tuple(value.shape) != tuple(file_value.shape):
            return state
    return {key: file_value for (key, _), (_, file_value) in pairs}


def load_weights(model, path) -> None:
    """``model.load_weights(path)``: the weights ``save_weights`` wrote, into a built model of the same architecture.

    Raises:
        ValueError: the file is not a valid safetensors file, holds something else than
            weights (a whole model, a checkpoint), or weights that do not fit the model; the
            message names the file. The model is unchanged when anything fails.
        RuntimeError: the model is not built yet.
    """
    state = load(path)
    if isinstance(state, dict) and state.get("format") == FORMAT:
        raise ValueError(f"load_weights: {path} holds a whole model (model.save): load it with models.load_model")
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, Tensor) for k, v in state.items()):
        raise ValueError(
            f"load_weights: {path} does not hold weights (a flat dict of names to tensors, as save_weights writes)"
        )
    model._maybe_build()
    # NOTE: not model.built: a Sequential whose layers built at construction (input_shape=) was never called
    if not any(True for _ in model.parameters()):
        raise RuntimeError("load_weights: build the model first (give input_shape, or call it on data)")
    try:
        model.load_state_dict(_by_position(model.state_dict(), state))
    except (KeyError, ValueError, TypeError) as e:
        raise ValueError(f"load_weights: {path} does not fit this model: {e.args[0]}") from None
