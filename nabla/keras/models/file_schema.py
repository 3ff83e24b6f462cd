"""The schema of a whole-model file (``model.save``), as data: what ``load_model`` accepts before building anything.

Read with :mod:`nabla.schema` (a subset of JSON Schema). The file, once decoded by ``nb.load``, is::

    {"format": "nabla.model/1", "class_name": "Sequential", "config": {...}, "build_input_shape": [null, 784],
     "weights": {"0.kernel": Tensor, ...}, "compile": {...} or null, "optimizer": {...} or null}

Layer classes, optimizers and losses come from allow-lists (:data:`LAYER_CONFIGS`,
:data:`OPTIMIZER_CONFIGS`, :data:`LOSS_CONFIGS`); every field of their configs has a type and a
range. The sizes in a config (units, filters, kernel sizes, input shapes) are checked against the
weights stored in the file by :mod:`nabla.keras.models.file_check`, which also applies these schemas.
"""

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
SHAPE = {"type": "array", "items": SIZE, "minItems": 1, "maxItems": 8}  # one sample's shape
BATCH_SHAPE = {  # a shape with its batch axis, which must be null: the batch size is not the model's
    "type": "array",
    "items": {"anyOf": [{"type": "null"}, SIZE]},
    "minItems": 2,
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
#: compile(optimizer=name) -> the class it builds (the names Keras uses).
OPTIMIZER_CLASSES = {"adagrad": "Adagrad", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop", "sgd": "SGD",
                     "nadam": "Nadam", "adamax": "Adamax", "adadelta": "Adadelta", "lion": "Lion",
                     "ftrl": "Ftrl"}  # fmt: skip

ACTIVATION = _optional({"enum": ACTIVATIONS})
#: A name, or an instance as Keras 3 writes it. Its config is checked loosely here (a few short keys, each a
#: number, null, a short string or a list of axes); the class's constructor checks the values while building.
INITIALIZER = _optional({"anyOf": [
    {"enum": INITIALIZERS},
    {"type": "object", "required": ["class_name", "config"], "additionalProperties": False, "properties": {
        "module": {"const": "keras.initializers"},
        "class_name": {"enum": INITIALIZER_CLASSES},
        "config": {"type": "object", "propertyNames": {"type": "string", "maxLength": 32},
                   "additionalProperties": {"anyOf": [
                       {"type": "null"}, _number(), {"type": "string", "maxLength": 32},
                       {"type": "array", "items": _integer(-16, 15), "maxItems": 16}]}},
        "registered_name": {"type": "null"},
    }},
]})  # fmt: skip
REGULARIZER = _optional(
    {"anyOf": [
        {"enum": ["l1", "l2", "l1_l2"]},
        {"type": "object", "properties": {"l1": _number(minimum=0), "l2": _number(minimum=0)},
         "additionalProperties": False},
    ]}
)  # fmt: skip


def _constraint(class_name: str, **fields) -> dict:
    """Keras 3's object form of one constraint class: its config has exactly ``fields`` (all optional)."""
    config = {"type": "object", "properties": fields, "additionalProperties": False}
    return {"type": "object", "required": ["class_name", "config"], "additionalProperties": False,
            "properties": {"module": {"const": "keras.constraints"}, "class_name": {"const": class_name},
                           "config": config, "registered_name": {"type": "null"}}}  # fmt: skip


AXES = {"anyOf": [AXIS, {"type": "array", "items": AXIS, "minItems": 1, "maxItems": 8}]}
CONSTRAINT = _optional({"anyOf": [
    _constraint("MaxNorm", max_value=_number(minimum=0), axis=AXES),
    _constraint("MinMaxNorm", min_value=_number(minimum=0), max_value=_number(minimum=0), rate=_number(), axis=AXES),
    _constraint("NonNeg"),
    _constraint("UnitNorm", axis=AXES),
]})  # fmt: skip


def _layer(required: list[str], **fields) -> dict:
    """A layer's config: the fields every layer has, and its own."""
    common = {"name": _optional(NAME), "trainable": BOOLEAN, "input_shape": _optional(SHAPE),
              "dtype": _optional({"enum": ["float32", "float64"]})}  # fmt: skip
    return {"type": "object", "required": required, "properties": {**common, **fields},
            "additionalProperties": False}  # fmt: skip


RATE = _number(minimum=0, exclusiveMaximum=1)  # a dropout's


def _weight_fields(*roles: str) -> dict:
    """``<role>_initializer``, ``<role>_regularizer``, ``<role>_constraint`` for each weight role."""
    kinds = (("initializer", INITIALIZER), ("regularizer", REGULARIZER), ("constraint", CONSTRAINT))
    return {f"{role}_{kind}": schema for role in roles for kind, schema in kinds}


KERNEL_FIELDS = {"activation": ACTIVATION, "use_bias": BOOLEAN, **_weight_fields("kernel", "bias")}
NORMALIZATION_FIELDS = {
    "axis": _integer(-8, 8),
    "epsilon": _number(minimum=0),
    "center": BOOLEAN,
    "scale": BOOLEAN,
}
POOLING_FIELDS = {"pool_size": _pair(SIZE), "strides": _optional(_pair(SIZE)), "padding": {"enum": ["valid", "same"]}}
TRANSLATION_FACTOR = _pair(_number(minimum=-1, maximum=1))
IMAGES = _optional({"const": "channels_last"})  # data_format: nabla's images are channels-last
POOLING_1D_FIELDS = {"pool_size": _single(SIZE), "strides": _optional(_single(SIZE)),
                     "padding": {"enum": ["valid", "same"]}, "data_format": IMAGES}  # fmt: skip
BORDERS = {"anyOf": [_integer(), _pair(_integer()), {"type": "array", "items": _pair(_integer()), "minItems": 2,
                                                     "maxItems": 2}]}  # fmt: skip
RESAMPLING_FIELDS = {
    "fill_mode": {"enum": ["reflect", "wrap", "constant", "nearest"]},
    "interpolation": {"enum": ["bilinear", "nearest"]},
    "seed": SEED,
    "fill_value": _number(),
    "data_format": _optional({"const": "channels_last"}),
}

RECURRENT_FIELDS = {
    "units": SIZE,
    "activation": ACTIVATION,
    "use_bias": BOOLEAN,
    **{f"{weight}_initializer": INITIALIZER for weight in ("kernel", "recurrent", "bias")},
    **{f"{weight}_regularizer": REGULARIZER for weight in ("kernel", "recurrent", "bias", "activity")},
    **{f"{weight}_constraint": CONSTRAINT for weight in ("kernel", "recurrent", "bias")},
    "dropout": _number(minimum=0, exclusiveMaximum=1),
    "recurrent_dropout": _number(minimum=0, exclusiveMaximum=1),
    "seed": SEED,
    "return_sequences": BOOLEAN,
    "return_state": {"const": False},  # (a layer of several outputs: refused at save, model_config.py)
    "go_backwards": BOOLEAN,
    "stateful": BOOLEAN,
    "batch_size": _optional(SIZE),  # a stateful layer's fixed batch size
    "unroll": BOOLEAN,
}

LAYER_ENTRY = {
    "type": "object",
    "required": ["class_name", "config"],
    "properties": {"class_name": NAME, "config": {"type": "object"}},
    "additionalProperties": False,
}

#: Layer class name -> the schema of its config. The allow-list of layers a file may name.
LAYER_CONFIGS = {
    "InputLayer": _layer([], shape=SHAPE),
    "Dense": _layer(["units"], units=SIZE, **KERNEL_FIELDS),
    "Activation": _layer(["activation"], activation=ACTIVATION),
    "Softmax": _layer([], axis={"anyOf": [AXIS, {"type": "array", "items": AXIS, "minItems": 1, "maxItems": 8}]}),
    "ReLU": _layer([], max_value=_optional(_number(minimum=0)), negative_slope=_number(minimum=0),
                   threshold=_number(minimum=0)),  # fmt: skip
    "LeakyReLU": _layer([], negative_slope=_number(minimum=0)),
    "PReLU": _layer([], alpha_initializer=INITIALIZER, alpha_regularizer=REGULARIZER, alpha_constraint=CONSTRAINT,
                    shared_axes=_optional({"type": "array", "items": _integer(1, 8), "maxItems": 8})),  # fmt: skip
    "ELU": _layer([], alpha=_number()),
    "Identity": _layer([]),
    "Dropout": _layer(["rate"], rate=_number(minimum=0, exclusiveMaximum=1)),
    "Flatten": _layer([]),
    "GaussianNoise": _layer(["stddev"], stddev=_number(minimum=0, maximum=1), seed=SEED),
    "GaussianDropout": _layer(["rate"], rate=_number(minimum=0, exclusiveMaximum=1), seed=SEED),
    "RandomTranslation": _layer(
        ["height_factor", "width_factor"],
        height_factor=TRANSLATION_FACTOR,
        width_factor=TRANSLATION_FACTOR,
        fill_mode={"enum": ["reflect", "wrap", "constant", "nearest"]},
        interpolation={"enum": ["bilinear", "nearest"]},
        seed=SEED,
        fill_value=_number(),
        data_format=_optional({"const": "channels_last"}),
    ),
    "Rescaling": _layer(["scale"], scale=NUMBERS, offset=NUMBERS),
    "Normalization": _layer([], axis=_optional({"anyOf": [AXIS, {"type": "array", "items": AXIS, "maxItems": 8}]}),
                            invert=BOOLEAN, mean=_optional(NUMBERS), variance=_optional(NUMBERS)),  # fmt: skip
    "RandomFlip": _layer([], mode={"enum": ["horizontal", "vertical", "horizontal_and_vertical"]}, seed=SEED,
                         data_format=_optional({"const": "channels_last"})),  # fmt: skip
    "RandomRotation": _layer(["factor"], factor=TRANSLATION_FACTOR, **RESAMPLING_FIELDS),
    "RandomZoom": _layer(["height_factor"], height_factor=TRANSLATION_FACTOR,
                         width_factor=_optional(TRANSLATION_FACTOR), **RESAMPLING_FIELDS),  # fmt: skip
    "RandomContrast": _layer(["factor"], factor=_pair(_number(minimum=0, maximum=1)), seed=SEED,
                             value_range={"type": "array", "items": _number(), "minItems": 2, "maxItems": 2},
                             data_format=IMAGES),  # fmt: skip
    "Embedding": _layer(["input_dim", "output_dim"], input_dim=SIZE, output_dim=SIZE,
                        embeddings_initializer=INITIALIZER, embeddings_regularizer=REGULARIZER,
                        activity_regularizer=REGULARIZER, embeddings_constraint=CONSTRAINT,
                        mask_zero={"const": False}, quantization_config={"type": "null"}),  # fmt: skip
    "UpSampling2D": _layer([], size=_pair(SIZE), interpolation={"enum": ["nearest", "bilinear"]}, data_format=IMAGES),
    "ZeroPadding2D": _layer([], padding=BORDERS, data_format=IMAGES),
    "Cropping2D": _layer([], cropping=BORDERS, data_format=IMAGES),
    "RepeatVector": _layer(["n"], n=SIZE),
    "UnitNormalization": _layer([], axis={"anyOf": [AXIS, {"type": "array", "items": AXIS, "minItems": 1,
                                                           "maxItems": 8}]}),  # fmt: skip
    "ActivityRegularization": _layer([], l1=_number(minimum=0), l2=_number(minimum=0)),
    "Conv1D": _layer(["filters", "kernel_size"], filters=SIZE, kernel_size=_single(SIZE), strides=_single(SIZE),
                     padding={"enum": ["valid", "same", "causal"]}, dilation_rate=_single(SIZE), data_format=IMAGES,
                     **KERNEL_FIELDS),  # fmt: skip
    "MaxPooling1D": _layer([], **POOLING_1D_FIELDS),
    "AveragePooling1D": _layer([], **POOLING_1D_FIELDS),
    "BatchNormalization": _layer([], momentum=_number(minimum=0, maximum=1), **NORMALIZATION_FIELDS),
    "LayerNormalization": _layer([], **NORMALIZATION_FIELDS),
    "Conv2D": _layer(
        ["filters", "kernel_size"],
        filters=SIZE,
        kernel_size=_pair(SIZE),
        strides=_pair(SIZE),
        padding={"enum": ["valid", "same"]},
        dilation_rate=_pair(SIZE),
        **KERNEL_FIELDS,
    ),
    "MaxPooling2D": _layer([], **POOLING_FIELDS),
    "AveragePooling2D": _layer([], **POOLING_FIELDS),
    **dict.fromkeys(
        ("GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling2D"),
        _layer([], keepdims=BOOLEAN, data_format=IMAGES),
    ),
    **dict.fromkeys(("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"), _layer([])),
    "Concatenate": _layer([], axis=_integer(-9, 8)),
    "Reshape": _layer(
        ["target_shape"],
        target_shape={"type": "array", "items": {"anyOf": [{"const": -1}, SIZE]}, "minItems": 1, "maxItems": 8},
    ),
    **{who: _layer(["filters", "kernel_size"], filters=SIZE, kernel_size=size(SIZE), strides=size(SIZE),
                   padding={"enum": ["valid", "same"]}, output_padding=_optional(size(_integer())),
                   dilation_rate=size(SIZE), data_format=IMAGES, **KERNEL_FIELDS)
       for who, size in (("Conv2DTranspose", _pair), ("Conv1DTranspose", _single))},
    "Resizing": _layer(["height", "width"], height=SIZE, width=SIZE, interpolation={"enum": ["bilinear", "nearest"]},
                       crop_to_aspect_ratio=BOOLEAN, pad_to_aspect_ratio=BOOLEAN, fill_mode={"const": "constant"},
                       fill_value=_number(), antialias={"const": False}, data_format=IMAGES),  # fmt: skip
    "CenterCrop": _layer(["height", "width"], height=SIZE, width=SIZE, data_format=IMAGES),
    "RandomCrop": _layer(["height", "width"], height=SIZE, width=SIZE, seed=SEED, data_format=IMAGES),
    "UpSampling1D": _layer([], size=_single(SIZE)),
    "ZeroPadding1D": _layer([], padding=_pair(_integer()), data_format=IMAGES),
    "Cropping1D": _layer([], cropping=_pair(_integer())),
    "Dot": _layer(["axes"], axes=_pair(_integer(-9, 8)), normalize=BOOLEAN),
    "SpatialDropout1D": _layer(["rate"], rate=RATE, seed=SEED),
    **dict.fromkeys(("SpatialDropout2D", "SpatialDropout3D"), _layer(["rate"], rate=RATE, seed=SEED,
                                                                      data_format=IMAGES)),
    "GroupNormalization": _layer([], groups=SIZE, axis=_integer(-8, 8), epsilon=_number(minimum=0), center=BOOLEAN,
                                 scale=BOOLEAN, **_weight_fields("beta", "gamma")),
    **{who: _layer(required, kernel_size=_pair(SIZE), strides=_pair(SIZE), padding={"enum": ["valid", "same"]},
                   depth_multiplier=SIZE, data_format=IMAGES, dilation_rate=_pair(SIZE), activation=ACTIVATION,
                   use_bias=BOOLEAN, **fields, **_weight_fields(*roles))
       for who, required, roles, fields in (
           ("DepthwiseConv2D", ["kernel_size"], ("depthwise", "bias"), {}),
           ("SeparableConv2D", ["filters", "kernel_size"], ("depthwise", "pointwise", "bias"), {"filters": SIZE}))},
    "AlphaDropout": _layer(["rate"], rate=RATE, seed=SEED,
                           noise_shape=_optional({"type": "array", "items": _optional(SIZE), "maxItems": 9})),
    "Permute": _layer(["dims"], dims={"type": "array", "items": _integer(1, 8), "minItems": 1, "maxItems": 8}),
    "SimpleRNN": _layer(["units"], **RECURRENT_FIELDS),
    "LSTM": _layer(["units"], recurrent_activation=ACTIVATION, unit_forget_bias=BOOLEAN, **RECURRENT_FIELDS),
    "GRU": _layer(["units"], recurrent_activation=ACTIVATION, reset_after=BOOLEAN, **RECURRENT_FIELDS),
    # The wrappers: each nested entry is checked in turn against this table (file_check.py, WRAPPED_FIELDS)
    "Bidirectional": _layer(["layer"], layer=LAYER_ENTRY, backward_layer=_optional(LAYER_ENTRY),
                            merge_mode={"enum": ["concat", "sum", "mul", "ave"]}),  # (None: two outputs, refused)
    "TimeDistributed": _layer(["layer"], layer=LAYER_ENTRY),
}
#: The wrappers' fields that hold a layer entry, the classes such an entry may name, and how deep wrappers nest.
WRAPPED_FIELDS = {"Bidirectional": ("layer", "backward_layer"), "TimeDistributed": ("layer",)}
WRAPPABLE = {"Bidirectional": ("SimpleRNN", "LSTM", "GRU")}  # (TimeDistributed: any layer but an Input)
MAX_WRAPPING = 4

SEQUENTIAL_CONFIG = {
    "type": "object",
    "required": ["layers"],
    "properties": {
        "name": _optional(NAME),
        "layers": {"type": "array", "items": LAYER_ENTRY, "maxItems": 10_000},
        "build_input_shape": _optional(BATCH_SHAPE),
        "trainable": BOOLEAN,
    },
    "additionalProperties": False,
}

MAX_CALLS = 10_000
#: A tensor of a functional model: an input's index, or a call's and which of its outputs.
TENSOR_REF = {
    "anyOf": [
        {"type": "object", "required": ["input"], "properties": {"input": _integer(0, MAX_CALLS)},
         "additionalProperties": False},
        {"type": "object", "required": ["node", "output"],
         "properties": {"node": _integer(0, MAX_CALLS), "output": _integer(0, MAX_CALLS)},
         "additionalProperties": False},
    ]
}  # fmt: skip
_SCALAR = {"type": ["null", "boolean", "integer", "number"]}
_ARGUMENT_LEAF = {"anyOf": [TENSOR_REF, _SCALAR]}
#: An argument of a call: a tensor, a number, or a list of them (a merging layer's inputs), two levels deep.
ARGUMENT = {"anyOf": [_ARGUMENT_LEAF, {"type": "array", "maxItems": MAX_CALLS, "items": {
    "anyOf": [_ARGUMENT_LEAF, {"type": "array", "items": _ARGUMENT_LEAF, "maxItems": MAX_CALLS}]}}]}  # fmt: skip


def _structure(depth: int = 3) -> dict:
    """A model's inputs or outputs: a tensor, a list of them, or ``{"dict": {key: ...}}``, ``depth`` levels deep."""
    if depth == 0:
        return TENSOR_REF
    inner = _structure(depth - 1)
    return {"anyOf": [
        TENSOR_REF,
        {"type": "array", "items": inner, "minItems": 1, "maxItems": MAX_CALLS},
        {"type": "object", "required": ["dict"], "additionalProperties": False,
         "properties": {"dict": {"type": "object", "additionalProperties": inner}}},
    ]}  # fmt: skip


INPUT_SPEC = {
    "type": "object",
    "required": ["name", "batch_shape", "dtype"],
    "properties": {
        "name": NAME,
        "batch_shape": BATCH_SHAPE,
        "dtype": {"enum": ["float32", "float64", "int32", "int64"]},
    },
    "additionalProperties": False,
}
FUNCTIONAL_CONFIG = {
    "type": "object",
    "required": ["input_specs", "layers", "nodes", "inputs", "outputs"],
    "properties": {
        "name": _optional(NAME),
        "trainable": BOOLEAN,
        "input_specs": {"type": "array", "items": INPUT_SPEC, "minItems": 1, "maxItems": 1000},
        "layers": {
            "type": "array",
            "maxItems": MAX_CALLS,
            "items": {
                "type": "object",
                "required": ["class_name", "config", "module"],
                "properties": {"class_name": NAME, "config": {"type": "object"}, "module": NAME},
                "additionalProperties": False,
            },
        },
        "nodes": {
            "type": "array",
            "maxItems": MAX_CALLS,
            "items": {
                "type": "object",
                "required": ["args", "kwargs", "outputs"],
                "properties": {
                    "layer": _integer(0, MAX_CALLS),
                    "op": {"enum": ["add", "sub", "mul", "truediv", "pow", "neg"]},
                    "args": {"type": "array", "items": ARGUMENT, "maxItems": 16},
                    "kwargs": {"type": "object", "additionalProperties": ARGUMENT},
                    "outputs": _integer(1, 1000),
                },
                "additionalProperties": False,
            },
        },
        "inputs": _structure(),
        "outputs": _structure(),
    },
    "additionalProperties": False,
}

_RATE = _number(minimum=0)
_FRACTION = _number(minimum=0, maximum=1)
#: Optimizer class name -> (the schema of its hyper-parameters, the ones its constructor takes).
OPTIMIZER_CONFIGS = {
    "SGD": {"lr": _RATE, "momentum": _RATE, "dampening": _RATE, "weight_decay": _RATE, "nesterov": BOOLEAN,
            "maximize": BOOLEAN},
    "Adam": {"lr": _RATE, "betas": {"type": "array", "items": _number(minimum=0, exclusiveMaximum=1), "minItems": 2,
                                    "maxItems": 2},
             "eps": _RATE, "weight_decay": _RATE, "amsgrad": BOOLEAN, "maximize": BOOLEAN,
             "decoupled_weight_decay": BOOLEAN},
    "RMSprop": {"lr": _RATE, "alpha": _FRACTION, "eps": _RATE, "weight_decay": _RATE, "momentum": _RATE,
                "centered": BOOLEAN, "maximize": BOOLEAN},
    "Adagrad": {"lr": _RATE, "lr_decay": _RATE, "eps": _RATE, "weight_decay": _RATE,
                "initial_accumulator_value": _RATE, "maximize": BOOLEAN},
}  # fmt: skip
OPTIMIZER_CONFIGS["AdamW"] = {**OPTIMIZER_CONFIGS["Adam"], "decoupled_weight_decay": {"const": True}}
# Keras's classes that nabla.optim has no class for keep Keras's names (keras/optimizers/keras_only.py).
_BETAS = {"beta_1": _number(minimum=0, exclusiveMaximum=1), "beta_2": _number(minimum=0, exclusiveMaximum=1)}
OPTIMIZER_CONFIGS["Nadam"] = OPTIMIZER_CONFIGS["Adamax"] = {"lr": _RATE, **_BETAS, "epsilon": _RATE}
OPTIMIZER_CONFIGS["Adadelta"] = {"lr": _RATE, "rho": _number(minimum=0, exclusiveMaximum=1), "epsilon": _RATE}
OPTIMIZER_CONFIGS["Lion"] = {"lr": _RATE, "beta_1": _number(exclusiveMinimum=0, maximum=1),
                             "beta_2": _number(exclusiveMinimum=0, maximum=1)}  # fmt: skip
OPTIMIZER_CONFIGS["Ftrl"] = {"lr": _RATE, "learning_rate_power": _number(maximum=0), "initial_accumulator_value": _RATE,
                             "l1_regularization_strength": _RATE, "l2_regularization_strength": _RATE,
                             "l2_shrinkage_regularization_strength": _RATE, "beta": _number()}  # fmt: skip
#: Hyper-parameters saved with an optimizer that its constructor does not take (AdamW is always decoupled).
FIXED_HYPERPARAMETERS = {"AdamW": ("decoupled_weight_decay",)}
#: What each optimizer keeps per parameter: "step" is a count, the others arrays of the parameter's shape.
OPTIMIZER_STATE_KEYS = {
    "SGD": ["momentum_buffer"],
    "Adam": ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    "AdamW": ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    "RMSprop": ["step", "square_avg", "grad_avg", "momentum_buffer"],
    "Adagrad": ["step", "sum"],
    "Nadam": ["step", "exp_avg", "exp_avg_sq"],
    "Adamax": ["step", "exp_avg", "exp_inf"],
    "Adadelta": ["square_avg", "acc_delta"],
    "Lion": ["exp_avg"],
    "Ftrl": ["accumulator", "linear"],
}

STEP = _integer(0, 2**53)  # an optimizer's step count
STATE_ARRAY = {"type": "tensor", "dtypeKinds": "f"}

#: Loss class name -> the schema of its config (the options its constructor takes).
_REDUCTION = {"reduction": {"enum": ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]}}
_SMOOTHED = {"from_logits": BOOLEAN, "label_smoothing": _FRACTION}
_FOCAL = {"alpha": _FRACTION, "gamma": _number(minimum=0), **_SMOOTHED}
_AXES = _optional({"anyOf": [_integer(-64, 64), {"type": "array", "items": _integer(-64, 64), "maxItems": 64}]})
_OVERLAP = {"alpha": _number(minimum=0), "beta": _number(minimum=0), "axis": _AXES}
LOSS_CONFIGS = {name: {**_REDUCTION, **options} for name, options in {
    "MeanSquaredError": {},
    "MeanAbsoluteError": {},
    "MeanAbsolutePercentageError": {},
    "MeanSquaredLogarithmicError": {},
    "LogCosh": {},
    "CosineSimilarity": {"axis": _integer(-64, 64)},
    "Huber": {"delta": _number(exclusiveMinimum=0)},
    "Hinge": {},
    "SquaredHinge": {},
    "CategoricalHinge": {},
    "KLDivergence": {},
    "Poisson": {},
    "BinaryCrossentropy": _SMOOTHED,
    "CategoricalCrossentropy": _SMOOTHED,
    "SparseCategoricalCrossentropy": {"from_logits": BOOLEAN},
    "BinaryFocalCrossentropy": {"apply_class_balancing": BOOLEAN, **_FOCAL},
    "CategoricalFocalCrossentropy": _FOCAL,
    "Dice": {"axis": _AXES},
    "Tversky": _OVERLAP,
}.items()}  # fmt: skip


def _class_and_config(configs: dict) -> dict:
    """``{"class_name": one of configs, "config": {...}}``; the config is checked against its class's schema later."""
    return {
        "type": "object",
        "required": ["class_name", "config"],
        "properties": {"class_name": {"enum": sorted(configs)}, "config": {"type": "object"}},
        "additionalProperties": False,
    }


COMPILE = {
    "type": "object",
    "required": ["optimizer", "loss"],
    "properties": {
        "optimizer": {"anyOf": [{"enum": sorted(OPTIMIZER_CLASSES)}, _class_and_config(OPTIMIZER_CONFIGS)]},
        "loss": {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 100}, _class_and_config(LOSS_CONFIGS)]},
        "metrics": {"type": "array", "items": {"type": "string", "maxLength": 100}, "maxItems": 64},
        "jit_compile": {"enum": [True, False, "auto"]},
    },
    "additionalProperties": False,
}

OPTIMIZER_STATE = {
    "type": "object",
    "required": ["class_name", "state"],
    "properties": {
        "class_name": {"enum": sorted(OPTIMIZER_CONFIGS)},
        "state": {
            "type": "object",
            "required": ["state", "param_groups"],
            "properties": {
                "state": {"type": "object", "propertyNames": _integer(0), "additionalProperties": {"type": "object"}},
                "param_groups": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 10_000,
                    "items": {
                        "type": "object",
                        "required": ["params"],
                        "properties": {"params": {"type": "array", "items": _integer(0), "maxItems": 10**6}},
                    },
                },
            },
            "additionalProperties": False,
        },
        "iterations": _integer(0),  # the updates made (optimizer.iterations); files before it: from "step"
    },
    "additionalProperties": False,
}

TENSOR = {"type": "tensor", "dtypeKinds": "biuf"}
PAYLOAD = {
    "type": "object",
    "required": ["format", "class_name", "config", "weights"],
    "properties": {
        "format": {"const": FORMAT},
        "class_name": NAME,
        "config": {"type": "object"},
        "build_input_shape": _optional(BATCH_SHAPE),
        "weights": {"type": "object", "additionalProperties": TENSOR},
        "compile": _optional(COMPILE),
        "optimizer": _optional(OPTIMIZER_STATE),
    },
    "additionalProperties": False,
}
