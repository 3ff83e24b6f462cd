"""The schema of a whole-model file (``model.save``), as data: what ``load_model`` accepts before building anything.

Read with :mod:`nabla.schema` (a subset of JSON Schema). The file, once decoded by ``nb.load``, is::

    {"format": "nabla.model/1", "class_name": "Sequential", "config": {...}, "build_input_shape": [null, 784],
     "weights": {"0.kernel": Tensor, ...}, "compile": {...} or null, "optimizer": {...} or null}

This module holds the architecture's part (its building blocks are in :mod:`.file_schema_types`): layer
classes come from an allow-list (:data:`LAYER_CONFIGS`)
and every field of their configs has a type and a range; the training part (optimizers, losses, the
compile settings, the optimizer's state) and the whole payload are in
:mod:`nabla.keras.models.file_schema_training`. The sizes in a config (units, filters, kernel sizes,
input shapes) are checked against the weights stored in the file by :mod:`nabla.keras.models.file_check`,
which also applies these schemas.
"""

from __future__ import annotations

from .file_schema_types import (
    ACTIVATION,
    AXIS,
    BATCH_SHAPE,
    BOOLEAN,
    BUILD_CONFIG,
    CONSTRAINT,
    DTYPE,
    INITIALIZER,
    NAME,
    NUMBERS,
    RATE,
    REGULARIZER,
    SEED,
    SHAPE,
    SIZE,
    _dtype,
    _integer,
    _layer,
    _number,
    _optional,
    _pair,
    _single,
    _weight_fields,
)

KERNEL_FIELDS = {"activation": ACTIVATION, "use_bias": BOOLEAN, **_weight_fields("kernel", "bias"),
                 "activity_regularizer": REGULARIZER}
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
    "return_state": BOOLEAN,  # (the output, then the states: file_shapes.returned_states)
    "go_backwards": BOOLEAN,
    "stateful": BOOLEAN,
    "batch_size": _optional(SIZE),  # a stateful layer's fixed batch size
    "unroll": BOOLEAN,
}

SEQUENCE_FIELDS = ("return_sequences", "return_state", "go_backwards", "stateful", "batch_size", "unroll")
CELL_FIELDS = {k: v for k, v in RECURRENT_FIELDS.items() if k not in SEQUENCE_FIELDS and k != "activity_regularizer"}

# The vocabulary layers: their vocabularies and idf weights are in their configs (see layers/index_lookup.py);
# file_vocabulary.py checks what a schema cannot say (no repeats, sizes that agree) and their shapes.
MAX_VOCABULARY = 2**22
TOKEN = {"type": "string", "maxLength": 4096}
INT64 = _integer(-(2**63), 2**63 - 1)
IDF_WEIGHTS = _optional({"type": "array", "items": _number(minimum=0), "maxItems": MAX_VOCABULARY + 1})
SALT = _optional({"type": "array", "items": INT64, "minItems": 2, "maxItems": 2})
_LOOKUP = {"max_tokens": _optional(_integer(2)), "num_oov_indices": _integer(0, MAX_VOCABULARY), "invert": BOOLEAN,
           "oov_method": {"enum": ["floormod", "farmhash"]}, "salt": SALT,
           "output_mode": {"enum": ["int", "one_hot", "multi_hot", "count", "tf_idf"]}, "sparse": {"const": False},
           "pad_to_max_tokens": BOOLEAN, "idf_weights": IDF_WEIGHTS, "vocabulary_size": _optional(SIZE)}  # fmt: skip
ENCODING = {"enum": ["utf-8", "utf8", "ascii"]}


def _vocabulary(token: dict) -> dict:
    return _optional({"type": "array", "items": token, "maxItems": MAX_VOCABULARY})


VOCABULARY_CONFIGS = {
    "StringLookup": _layer([], **_LOOKUP, oov_token=TOKEN, mask_token=_optional(TOKEN), vocabulary=_vocabulary(TOKEN),
                           encoding=ENCODING),  # fmt: skip
    "IntegerLookup": _layer([], **_LOOKUP, oov_token=INT64, mask_token=_optional(INT64), vocabulary=_vocabulary(INT64),
                            vocabulary_dtype={"enum": ["int64", "int32"]}),  # fmt: skip
    "TextVectorization": _layer(
        [], max_tokens=_LOOKUP["max_tokens"], pad_to_max_tokens=BOOLEAN, sparse={"const": False},
        ragged=BOOLEAN, output_mode={"enum": ["int", "multi_hot", "count", "tf_idf"]},
        standardize=_optional({"enum": ["lower_and_strip_punctuation", "lower", "strip_punctuation"]}),
        split=_optional({"enum": ["whitespace", "character"]}),
        ngrams=_optional({"anyOf": [_integer(1, 16), {"type": "array", "items": _integer(1, 16), "minItems": 1,
                                                      "maxItems": 16}]}),
        output_sequence_length=_optional(SIZE), vocabulary=_vocabulary(TOKEN), idf_weights=IDF_WEIGHTS,
        encoding=ENCODING, vocabulary_size=_optional(SIZE)),  # fmt: skip
}

# The category layers without a vocabulary: ids hashed, numbers bucketed, ids encoded (file_vocabulary.py's
# CATEGORY_SHAPES gives their shapes).
_ENCODINGS = ["one_hot", "multi_hot", "count"]
CATEGORY_CONFIGS = {
    "Hashing": _layer(["num_bins"], num_bins=SIZE, mask_value=_optional({"anyOf": [TOKEN, INT64]}),
                      salt=SALT,
                      output_mode={"enum": ["int", *_ENCODINGS]}, sparse={"const": False},
                      dtype=_dtype("float32", "float64", "int32", "int64")),  # fmt: skip
    "Discretization": _layer([], num_bins=_optional(_integer(0)), epsilon=_number(minimum=0, maximum=1),
                             bin_boundaries=_optional({"type": "array", "items": _number(),
                                                       "maxItems": MAX_VOCABULARY}),
                             output_mode={"enum": ["int", *_ENCODINGS]}, sparse={"const": False}),  # fmt: skip
    "CategoryEncoding": _layer(["num_tokens"], num_tokens=SIZE, output_mode={"enum": _ENCODINGS},
                               sparse={"const": False}),  # fmt: skip
}

#: A layer a wrapper holds (Bidirectional's, TimeDistributed's): one of nabla's, made from its config alone.
WRAPPED_ENTRY = {
    "type": "object",
    "required": ["class_name", "config"],
    "properties": {"class_name": NAME, "config": {"type": "object"}},
    "additionalProperties": False,
}
#: A layer of a Sequential; a layer of yours may have its build config beside (file_check_configs.py refuses
#: one for nabla's layers, which build from their configs).
LAYER_ENTRY = {**WRAPPED_ENTRY, "properties": {**WRAPPED_ENTRY["properties"], "build_config": BUILD_CONFIG}}
# A cell as serialize_keras_object writes it (Keras's form: the module and a registered name too)
CELL_ENTRY = {**WRAPPED_ENTRY, "properties": {**WRAPPED_ENTRY["properties"], "module": _optional(NAME),
                                              "registered_name": _optional(NAME)}}  # fmt: skip

#: Layer class name -> the schema of its config. The allow-list of layers a file may name.
LAYER_CONFIGS = {
    "InputLayer": _layer([], shape=SHAPE, dtype={"anyOf": [DTYPE, {"const": "string"}]}),
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
    "Masking": _layer([], mask_value=_number()),
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
    "RandomBrightness": _layer(["factor"], factor=TRANSLATION_FACTOR, seed=SEED, data_format=IMAGES,
                               value_range={"type": "array", "items": _number(), "minItems": 2, "maxItems": 2}),
    "Embedding": _layer(["input_dim", "output_dim"], input_dim=SIZE, output_dim=SIZE,
                        embeddings_initializer=INITIALIZER, embeddings_regularizer=REGULARIZER,
                        activity_regularizer=REGULARIZER, embeddings_constraint=CONSTRAINT,
                        mask_zero=BOOLEAN, quantization_config={"type": "null"}),  # fmt: skip
    "UpSampling2D": _layer([], size=_pair(SIZE), interpolation={"enum": ["nearest", "bilinear"]}, data_format=IMAGES),
    "ZeroPadding2D": _layer([], padding=BORDERS, data_format=IMAGES),
    "Cropping2D": _layer([], cropping=BORDERS, data_format=IMAGES),
    "RepeatVector": _layer(["n"], n=SIZE),
    "Attention": _layer([], use_scale=BOOLEAN, score_mode={"enum": ["dot", "concat"]}, dropout=RATE, seed=SEED),
    "AdditiveAttention": _layer([], use_scale=BOOLEAN, dropout=RATE, seed=SEED),
    "MultiHeadAttention": _layer(["num_heads", "key_dim"], num_heads=SIZE, key_dim=SIZE, value_dim=_optional(SIZE),
                                 dropout=RATE, use_bias=BOOLEAN, output_shape=_optional(SIZE), seed=SEED,
                                 attention_axes={"type": "null"}, use_gate={"const": False},
                                 sliding_window={"type": "null"}, activity_regularizer={"type": "null"},
                                 **_weight_fields("kernel", "bias")),  # fmt: skip
    "UnitNormalization": _layer([], axis={"anyOf": [AXIS, {"type": "array", "items": AXIS, "minItems": 1,
                                                           "maxItems": 8}]}),  # fmt: skip
    "ActivityRegularization": _layer([], l1=_number(minimum=0), l2=_number(minimum=0)),
    "Conv1D": _layer(["filters", "kernel_size"], filters=SIZE, kernel_size=_single(SIZE), strides=_single(SIZE),
                     padding={"enum": ["valid", "same", "causal"]}, dilation_rate=_single(SIZE), data_format=IMAGES,
                     **KERNEL_FIELDS),  # fmt: skip
    "MaxPooling1D": _layer([], **POOLING_1D_FIELDS),
    "AveragePooling1D": _layer(["pool_size"], **POOLING_1D_FIELDS),  # (required, as in Keras 3)
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
    "MaxPooling2D": _layer([], **POOLING_FIELDS, data_format=IMAGES),
    "AveragePooling2D": _layer(["pool_size"], **POOLING_FIELDS, data_format=IMAGES),
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
                   use_bias=BOOLEAN, activity_regularizer=REGULARIZER, **fields, **_weight_fields(*roles))
       for who, required, roles, fields in (
           ("DepthwiseConv2D", ["kernel_size"], ("depthwise", "bias"), {}),
           ("SeparableConv2D", ["filters", "kernel_size"], ("depthwise", "pointwise", "bias"), {"filters": SIZE}))},
    "AlphaDropout": _layer(["rate"], rate=RATE, seed=SEED,
                           noise_shape=_optional({"type": "array", "items": _optional(SIZE), "maxItems": 9})),
    "Permute": _layer(["dims"], dims={"type": "array", "items": _integer(1, 8), "minItems": 1, "maxItems": 8}),
    "SimpleRNN": _layer(["units"], **RECURRENT_FIELDS),
    "LSTM": _layer(["units"], recurrent_activation=ACTIVATION, unit_forget_bias=BOOLEAN, **RECURRENT_FIELDS),
    "GRU": _layer(["units"], recurrent_activation=ACTIVATION, reset_after=BOOLEAN, **RECURRENT_FIELDS),
    # The cells of keras.layers.RNN (their configs are the recurrent layers' without the sequence options)
    **{name: _layer(["units"], **extra, **CELL_FIELDS) for name, extra in (
        ("SimpleRNNCell", {}), ("LSTMCell", {"recurrent_activation": ACTIVATION, "unit_forget_bias": BOOLEAN}),
        ("GRUCell", {"recurrent_activation": ACTIVATION, "reset_after": BOOLEAN}))},  # fmt: skip
    "StackedRNNCells": _layer(["cells"], cells={"type": "array", "items": CELL_ENTRY, "minItems": 1, "maxItems": 64}),
    "RNN": _layer(["cell"], cell=CELL_ENTRY, zero_output_for_mask=BOOLEAN,
                  **{k: RECURRENT_FIELDS[k] for k in SEQUENCE_FIELDS}),  # fmt: skip
    # The wrappers: each nested entry is checked in turn against this table (file_check.py, WRAPPED_FIELDS)
    "Bidirectional": _layer(["layer"], layer=WRAPPED_ENTRY, backward_layer=_optional(WRAPPED_ENTRY),
                            merge_mode={"enum": ["concat", "sum", "mul", "ave"]}),  # (None: two outputs, refused)
    "TimeDistributed": _layer(["layer"], layer=WRAPPED_ENTRY),
    **VOCABULARY_CONFIGS,
    **CATEGORY_CONFIGS,
}
#: The wrappers' fields that hold a layer entry, the classes such an entry may name, and how deep wrappers nest.
WRAPPED_FIELDS = {"Bidirectional": ("layer", "backward_layer"), "TimeDistributed": ("layer",), "RNN": ("cell",),
                  "StackedRNNCells": ("cells",)}  # fmt: skip
CELL_CLASSES = ("SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells")
CELL_HOLDERS = ("RNN", "StackedRNNCells")
WRAPPABLE = {"Bidirectional": ("SimpleRNN", "LSTM", "GRU"), "RNN": CELL_CLASSES, "StackedRNNCells": CELL_CLASSES[:3]}
# (TimeDistributed: any layer but an Input; a cell of yours makes its RNN a layer of yours: file_check.py)
MAX_WRAPPING = 4
#: How deep models nest as layers (a model in a model in ...): Keras sets no bound; a file asking for more is absurd.
MAX_NESTING = 8

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
        "dtype": {"enum": ["float32", "float64", "int32", "int64", "string"]},
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
                "properties": {"class_name": NAME, "config": {"type": "object"}, "module": NAME,
                               "build_config": BUILD_CONFIG},
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
