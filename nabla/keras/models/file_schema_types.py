"""The building blocks of the model file's schema (:mod:`.file_schema`): the format's name, bounded numbers and
sizes, names, shapes, and the schemas of the activations, initializers, regularizers, constraints and dtypes a
layer's config may name, and of one layer's config (:func:`_layer`)."""

from __future__ import annotations

FORMAT = "nabla.model/1"
MAX_INT = 2**31 - 1  # NOTE: a sanity bound only; the real bound on a size is the weights it must match
MAX_NAME = 256


def _integer(minimum: int = 0, maximum: int = MAX_INT) -> dict:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def _number(**bounds) -> dict:
    return {"type": "number", **bounds}


def _optional(schema: dict) -> dict:
    return {"anyOf": [{"type": "null"}, schema]}


def _pair(item: dict) -> dict:
    """Keras's size-or-pair arguments: ``3`` or ``[3, 3]``."""
    return {"anyOf": [item, {"type": "array", "items": item, "minItems": 2, "maxItems": 2}]}


def _single(item: dict) -> dict:
    """Keras's 1-D size arguments: ``3`` or ``[3]``."""
    return {"anyOf": [item, {"type": "array", "items": item, "minItems": 1, "maxItems": 1}]}


NAME = {"type": "string", "maxLength": MAX_NAME}
BOOLEAN = {"type": "boolean"}
SIZE = _integer(1)
SHAPE = {"type": "array", "items": SIZE, "maxItems": 8}  # one sample's shape ([]: a scalar, keras.Input(shape=()))
BATCH_SHAPE = {  # a shape with its batch axis: null, or the batch size of the call that built the model (Keras 3)
    "type": "array",
    "items": {"anyOf": [{"type": "null"}, SIZE]},
    "minItems": 1,
    "maxItems": 9,
}
AXIS = _integer(-9, 8)  # an axis of a batch of samples (batch axis 0), from the end when negative
#: A number, or an array of numbers of up to 3 axes (Rescaling's scale per channel, Normalization's statistics).
NUMBERS = {"anyOf": [_number(), {"type": "array", "items": _number(), "maxItems": 2**20},
                     {"type": "array", "items": {"type": "array", "items": _number()}, "maxItems": 2**20},
                     {"type": "array", "maxItems": 2**20,
                      "items": {"type": "array", "items": {"type": "array", "items": _number()}}}]}  # fmt: skip
SEED = _optional(_integer(-(2**63), 2**63 - 1))

#: Names the registries know (tests check that these lists equal the registries).
ACTIVATIONS = ["celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
               "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu",
               "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
               "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "step", "swish", "tanh",
               "tanh_shrink", "threshold"]  # fmt: skip
INITIALIZERS = ["constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity",
                "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform",
                "truncated_normal", "variance_scaling", "zeros"]  # fmt: skip
INITIALIZER_CLASSES = ["Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
                       "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomNormal", "RandomUniform",
                       "TruncatedNormal", "VarianceScaling", "Zeros"]  # fmt: skip
#: A name, or a function of yours registered with ``register_keras_serializable``, as Keras 3 writes it (its
#: "package>name" is looked up in the registry when the layer is built; an unknown name is refused then).
ACTIVATION = _optional({"anyOf": [
    {"enum": ACTIVATIONS},
    {"type": "object", "required": ["class_name", "config"], "additionalProperties": False, "properties": {
        "module": {"const": "builtins"},
        "class_name": {"const": "function"},
        "config": {"type": "string", "maxLength": 200},
        "registered_name": {"const": "function"},
    }},
]})  # fmt: skip
#: An array as Keras 3 writes one in a config (a Constant initializer's value): nested lists of numbers, at
#: most 4 deep and 65,536 numbers along an axis; the initializer checks the values and the dtype.
NUMPY_VALUE = {"type": "object", "required": ["class_name", "config"], "additionalProperties": False, "properties": {
    "class_name": {"const": "__numpy__"},
    "config": {"type": "object", "required": ["value", "dtype"], "additionalProperties": False, "properties": {
        "value": {"anyOf": [_number(), {"type": "array", "maxItems": 65536, "items": {"anyOf": [
            _number(), {"type": "array", "maxItems": 65536, "items": {"anyOf": [
                _number(), {"type": "array", "maxItems": 65536, "items": {"anyOf": [
                    _number(), {"type": "array", "maxItems": 65536, "items": _number()}]}}]}}]}}]},
        "dtype": {"type": "string", "maxLength": 16},
    }},
}}  # fmt: skip
#: A name, or an instance as Keras 3 writes it. Its config is checked loosely here (a few short keys, each a
#: number, null, a short string or a list of axes); the class's constructor checks the values while building.
INITIALIZER = _optional({"anyOf": [
    {"enum": INITIALIZERS},
    {"type": "object", "required": ["class_name", "config"], "additionalProperties": False, "properties": {
        "module": {"const": "keras.initializers"},
        "class_name": {"enum": INITIALIZER_CLASSES},
        "config": {"type": "object", "propertyNames": {"type": "string", "maxLength": 32},
                   "properties": {"value": {"anyOf": [_number(), NUMPY_VALUE]}},  # (Constant's: an array too)
                   "additionalProperties": {"anyOf": [
                       {"type": "null"}, _number(), {"type": "string", "maxLength": 32},
                       {"type": "array", "items": _integer(-16, 15), "maxItems": 16}]}},
        "registered_name": {"type": "null"},
    }},
]})  # fmt: skip


def _constraint(class_name: str, module: str = "keras.constraints", **fields) -> dict:
    """Keras 3's object form of one constraint (or regularizer) class: its config has exactly ``fields`` (all
    optional)."""
    config = {"type": "object", "properties": fields, "additionalProperties": False}
    return {"type": "object", "required": ["class_name", "config"], "additionalProperties": False,
            "properties": {"module": {"const": module}, "class_name": {"const": class_name},
                           "config": config, "registered_name": {"type": "null"}}}  # fmt: skip


FACTOR = _number(minimum=0)
# Keras 3's object form, the plain {"l1", "l2"} config that nabla wrote before, or a name
REGULARIZER = _optional(
    {"anyOf": [
        {"enum": ["l1", "l2", "l1_l2", "L1", "L2", "L1L2"]},
        {"type": "object", "properties": {"l1": FACTOR, "l2": FACTOR}, "additionalProperties": False},
        _constraint("L1", "keras.regularizers", l1=FACTOR),
        _constraint("L2", "keras.regularizers", l2=FACTOR),
        _constraint("L1L2", "keras.regularizers", l1=FACTOR, l2=FACTOR),
    ]}
)  # fmt: skip


AXES = {"anyOf": [AXIS, {"type": "array", "items": AXIS, "minItems": 1, "maxItems": 8}]}
CONSTRAINT = _optional({"anyOf": [
    _constraint("MaxNorm", max_value=_number(minimum=0), axis=AXES),
    _constraint("MinMaxNorm", min_value=_number(minimum=0), max_value=_number(minimum=0), rate=_number(), axis=AXES),
    _constraint("NonNeg"),
    _constraint("UnitNorm", axis=AXES),
]})  # fmt: skip


# A layer's dtype: Keras 3's DTypePolicy config (what get_config writes), or the name (older files).
def _dtype(*names: str) -> dict:
    name = {"enum": list(names)}
    return _optional({"anyOf": [name, {
        "type": "object", "required": ["class_name", "config"], "additionalProperties": False,
        "properties": {"module": {"const": "keras"}, "class_name": {"const": "DTypePolicy"},
                       "config": {"type": "object", "required": ["name"], "additionalProperties": False,
                                  "properties": {"name": name}},
                       "registered_name": {"type": "null"}},
    }]})  # fmt: skip


FLOAT_NAME = {"enum": ["float32", "float64"]}
DTYPE = _dtype("float32", "float64")


def _layer(required: list[str], **fields) -> dict:
    """A layer's config: the fields every layer has, and its own."""
    common = {"name": _optional(NAME), "trainable": BOOLEAN, "input_shape": _optional(SHAPE), "dtype": DTYPE,
              "activity_regularizer": REGULARIZER}
    return {"type": "object", "required": required, "properties": {**common, **fields},
            "additionalProperties": False}  # fmt: skip


RATE = _number(minimum=0, exclusiveMaximum=1)  # a dropout's


def _weight_fields(*roles: str) -> dict:
    """``<role>_initializer``, ``<role>_regularizer``, ``<role>_constraint`` for each weight role."""
    kinds = (("initializer", INITIALIZER), ("regularizer", REGULARIZER), ("constraint", CONSTRAINT))
    return {f"{role}_{kind}": schema for role in roles for kind, schema in kinds}


def _json_value(depth: int) -> dict:
    """Any JSON value, its lists and dicts nested at most ``depth`` deep (strings and lists bounded)."""
    scalars = ["null", "boolean", "integer", "number", "string"]
    if depth == 0:
        return {"type": scalars, "maxLength": 10_000}
    inner = _json_value(depth - 1)
    return {"type": [*scalars, "array", "object"], "maxLength": 10_000, "items": inner, "maxItems": 10_000,
            "additionalProperties": inner}  # fmt: skip


#: What a layer of yours returned from get_build_config (models/build_configs.py): a dict of JSON values.
BUILD_CONFIG = {"type": "object", "additionalProperties": _json_value(7)}
