"""``model.to_json()`` and ``keras.models.model_from_json``: a model's architecture as JSON text, and back.

The JSON holds what a model file holds besides its weights and compile settings: ``class_name``
(``"Sequential"``, ``"Functional"`` or your model's class), ``config`` and ``build_input_shape``, with
Keras 3's ``module``, ``keras_version`` and ``backend`` keys beside them, and the ``build_config`` of a
model class of yours that writes ``get_build_config`` / ``build_from_config`` (:mod:`.build_configs`). The
configs are nabla's (the ones ``model.save`` writes), so JSON written by Keras itself is not read.

Reading never runs code from the text: it is parsed with :func:`json.loads`, then checked as
``load_model`` checks a file (:func:`~nabla.keras.models.file_check.check_model_file`: layer classes
from an allow-list or yours, every field against its schema, the sizes building would allocate) before
anything is built. The model comes back with new weights, as in Keras.
"""

from __future__ import annotations

import json

from ..layers.build_config import has_build_hooks
from ..utils.object_registration import classes_by_name
from .build_configs import saved_build_config
from .file_check import check_model_file
from .file_schema_types import FORMAT
from .model_config import check_subclass_config
from .saving import build_from_payload, saved_build_shape

_KERAS_KEYS = {"module", "registered_name", "keras_version", "backend", "build_config"}  # read; ignored (but see below)
_WHERE = "(model_from_json)"


def model_to_json(model, **kwargs) -> str:
    """``model.to_json(**kwargs)``: the architecture as a JSON string (``kwargs`` go to :func:`json.dumps`)."""
    from .functional import Functional

    check_subclass_config(model)
    model._maybe_build()
    shape = None if isinstance(model, Functional) else saved_build_shape(model)
    document = {
        "module": "keras",
        "class_name": type(model).__name__,
        "config": model.get_config(),
        "build_input_shape": shape,
        "keras_version": "3.15.0+nabla",
        "backend": "nabla",
    }
    build_config = saved_build_config(model, model.name)
    if build_config is not None:
        document["build_config"] = build_config
    return json.dumps(document, **kwargs)


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """The model (new weights) a :func:`model_to_json` string describes.

    ``custom_objects``: your layer and model classes by name (or register them, or use a
    ``custom_object_scope``).

    Raises:
        ValueError: the text is not JSON, or not a model's architecture; the message names the field.
    """
    if not isinstance(json_string, (str, bytes)):
        raise TypeError(f"model_from_json: expected a JSON string, got {type(json_string).__name__}")
    try:
        document = json.loads(json_string)
    except json.JSONDecodeError as e:
        raise ValueError(f"model_from_json: the text is not JSON ({e})") from None
    if not isinstance(document, dict) or not {"class_name", "config"} <= document.keys():
        raise ValueError("model_from_json: expected an object with class_name and config, as model.to_json() writes")
    unknown = document.keys() - {"class_name", "config", "build_input_shape"} - _KERAS_KEYS
    if unknown:
        raise ValueError(f"model_from_json: unexpected fields {sorted(unknown)}")
    payload = {"format": FORMAT, "class_name": document["class_name"], "config": document["config"],
               "build_input_shape": document.get("build_input_shape"), "weights": {}}  # fmt: skip
    custom = classes_by_name(custom_objects)
    # (a model class of yours with the hooks gets its build config back; others, Keras's JSON, ignore it)
    if "build_config" in document and has_build_hooks(custom.get(payload["class_name"], object)):
        payload["build_config"] = document["build_config"]
    check_model_file(payload, _WHERE, custom, config_only=True)
    return build_from_payload(payload, custom, _WHERE)
