"""The training part of a model file's schema, and the whole file's payload.

What ``model.save`` writes beside the architecture (:mod:`nabla.keras.models.file_schema`): the compile
settings (optimizer, loss and metric objects from allow-lists, :data:`OPTIMIZER_CONFIGS`, :data:`LOSS_CONFIGS`,
:data:`METRIC_CONFIGS`, with a type and a range for every hyper-parameter) and the optimizer's state per
parameter. :data:`PAYLOAD` is the file as ``nb.load`` decodes it; :mod:`nabla.keras.models.file_check`
applies these schemas.
"""

from __future__ import annotations

from .file_schema_types import BATCH_SHAPE, BOOLEAN, BUILD_CONFIG, FORMAT, NAME, _integer, _number, _optional

#: compile(optimizer=name) -> the class it builds (the names Keras uses).
OPTIMIZER_CLASSES = {"adagrad": "Adagrad", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop", "sgd": "SGD",
                     "nadam": "Nadam", "adamax": "Adamax", "adadelta": "Adadelta", "lion": "Lion",
                     "ftrl": "Ftrl"}  # fmt: skip

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
#: A Keras optimizer object given to compile() is saved as Keras writes it, ``{"module": "keras.optimizers",
#: "class_name": "SGD", "config": optimizer.get_config()}``, and reloads as that Keras class (its update
#: formulas, clipping, decoupled weight decay, schedule): Keras's names for each class's hyper-parameters.
_FRACTION_OPEN = _number(minimum=0, exclusiveMaximum=1)
_SCHEDULE = {
    "type": "object",
    "required": ["class_name", "config"],
    "properties": {
        "module": {"const": "keras.optimizers.schedules"},
        "class_name": {"enum": ["CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay",
                                "PiecewiseConstantDecay", "PolynomialDecay"]},
        "config": {"type": "object", "propertyNames": {"enum": [
            "alpha", "boundaries", "cycle", "decay_rate", "decay_steps", "end_learning_rate", "first_decay_steps",
            "initial_learning_rate", "m_mul", "name", "power", "staircase", "t_mul", "values", "warmup_steps",
            "warmup_target"]}, "additionalProperties": {"anyOf": [
            {"type": ["null", "boolean", "number"]}, {"type": "string", "maxLength": 256},
            {"type": "array", "items": _number(), "maxItems": 10_000}]}},  # (the class checks the values)
        "registered_name": {"type": "null"},
    },
    "additionalProperties": False,
}  # fmt: skip
_KERAS_COMMON = {
    "name": _optional(NAME), "learning_rate": {"anyOf": [_RATE, _SCHEDULE]}, "weight_decay": _optional(_RATE),
    "clipnorm": _optional(_RATE), "global_clipnorm": _optional(_RATE), "clipvalue": _optional(_RATE),
    "use_ema": {"const": False}, "ema_momentum": _FRACTION, "ema_overwrite_frequency": {"type": "null"},
    "loss_scale_factor": {"type": "null"}, "gradient_accumulation_steps": {"type": "null"},
}  # fmt: skip
_KERAS_BETAS = {"beta_1": _FRACTION_OPEN, "beta_2": _FRACTION_OPEN, "epsilon": _RATE}
KERAS_OPTIMIZER_CONFIGS = {name: {**_KERAS_COMMON, **own} for name, own in {
    "SGD": {"momentum": _RATE, "nesterov": BOOLEAN},
    "Adam": {**_KERAS_BETAS, "amsgrad": BOOLEAN},
    "AdamW": {**_KERAS_BETAS, "amsgrad": BOOLEAN},
    "RMSprop": {"rho": _FRACTION, "momentum": _RATE, "epsilon": _RATE, "centered": BOOLEAN},
    "Adagrad": {"initial_accumulator_value": _RATE, "epsilon": _RATE},
    "Nadam": _KERAS_BETAS,
    "Adamax": _KERAS_BETAS,
    "Adadelta": {"rho": _FRACTION_OPEN, "epsilon": _RATE},
    "Lion": {"beta_1": _number(exclusiveMinimum=0, maximum=1), "beta_2": _number(exclusiveMinimum=0, maximum=1)},
    "Ftrl": {"learning_rate_power": _number(maximum=0), "initial_accumulator_value": _RATE,
             "l1_regularization_strength": _RATE, "l2_regularization_strength": _RATE,
             "l2_shrinkage_regularization_strength": _RATE, "beta": _number()},
}.items()}  # fmt: skip
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
    "SparseCategoricalCrossentropy": {"from_logits": BOOLEAN, "ignore_class": _optional(_integer())},
    "BinaryFocalCrossentropy": {"apply_class_balancing": BOOLEAN, **_FOCAL},
    "CategoricalFocalCrossentropy": _FOCAL,
    "Dice": {"axis": _AXES},
    "Tversky": _OVERLAP,
}.items()}  # fmt: skip


def _class_and_config(configs: dict, module: str | None = None) -> dict:
    """``{"class_name": one of configs, "config": {...}}`` (with ``"module": module`` when given, required); the
    config is checked against its class's schema later."""
    properties = {"class_name": {"enum": sorted(configs)}, "config": {"type": "object"}}
    if module is not None:
        properties["module"] = {"const": module}
    required = ["class_name", "config"] + ([] if module is None else ["module"])
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


#: A loss or metric of yours, by the name load_model's custom_objects give it (its config goes to your class).
CUSTOM = {
    "type": "object",
    "required": ["custom"],
    "properties": {"custom": {"type": "string", "maxLength": 100}, "config": {"type": "object"}},
    "additionalProperties": False,
}

ONE_LOSS = [{"type": "string", "maxLength": 100}, _class_and_config(LOSS_CONFIGS), CUSTOM]

#: Metric class name -> the schema of its config, for a metric object given to compile() that its name does not
#: rebuild (``SparseCategoricalAccuracy(name="acc")``, ``AUC(curve="PR")``), saved by class and config as Keras
#: saves it. Sizes are bounded; the constructors check the values (an unknown ``curve``...) and say what is wrong.
_WORD = {"type": "string", "maxLength": 32}
_FRACTIONS = {"type": "array", "items": _FRACTION, "minItems": 1, "maxItems": 100_000}
_THRESHOLDS = {"thresholds": _optional({"anyOf": [_FRACTION, _FRACTIONS]})}
_TOP_K = {"k": _integer(1)}
_F_SCORE = {"average": _optional(_WORD), "threshold": _optional(_FRACTION)}
_DTYPE = {"enum": ["float16", "float32", "float64", "int32", "int64"]}  # (int: IoU's counts, as Keras's config)
METRIC_CONFIGS = {name: {"name": _optional(NAME), "dtype": _optional(_DTYPE), **options} for name, options in {
    **dict.fromkeys(["Accuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "Hinge", "SquaredHinge",
                     "CategoricalHinge", "KLDivergence", "Poisson", "LogCoshError", "MeanAbsoluteError",
                     "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError",
                     "RootMeanSquaredError"], {}),
    "BinaryAccuracy": {"threshold": _number()},
    "BinaryCrossentropy": _SMOOTHED,
    "CategoricalCrossentropy": {**_SMOOTHED, "axis": _integer(-64, 64)},
    "SparseCategoricalCrossentropy": {"from_logits": BOOLEAN, "ignore_class": _optional(_integer()),
                                      "axis": _integer(-64, 64)},
    "CosineSimilarity": {"axis": _integer(-64, 64)},
    "TopKCategoricalAccuracy": _TOP_K,
    "SparseTopKCategoricalAccuracy": _TOP_K,
    **dict.fromkeys(["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"], _THRESHOLDS),
    **dict.fromkeys(["Precision", "Recall"], {**_THRESHOLDS, "top_k": _optional(_integer(1)),
                                              "class_id": _optional(_integer())}),
    "F1Score": _F_SCORE,
    "FBetaScore": {**_F_SCORE, "beta": _number(exclusiveMinimum=0)},
    "R2Score": {"class_aggregation": _optional(_WORD), "num_regressors": _integer()},
    "AUC": {"num_thresholds": _optional(_integer(2, 100_000)), "curve": _WORD, "summation_method": _WORD,
            "thresholds": _optional(_FRACTIONS), "multi_label": BOOLEAN, "num_labels": _optional(_integer(1)),
            "label_weights": _optional({"type": "array", "items": _number(minimum=0), "maxItems": 100_000}),
            "from_logits": BOOLEAN},
}.items()}  # fmt: skip
_ONE_METRIC = [{"type": "string", "maxLength": 100}, _class_and_config(METRIC_CONFIGS), CUSTOM]
_METRIC_LIST = {"type": "array", "items": {"anyOf": _ONE_METRIC}, "maxItems": 64}
_PER_OUTPUT = {"anyOf": [{"type": "null"}, _METRIC_LIST]}
#: One list of metrics; for a model of several outputs, one per output, in a list or keyed by output name.
METRICS = {"anyOf": [_METRIC_LIST, {"type": "array", "items": _PER_OUTPUT, "maxItems": 64},
                     {"type": "object", "additionalProperties": _PER_OUTPUT, "maxProperties": 64}]}  # fmt: skip

COMPILE = {
    "type": "object",
    "required": ["optimizer", "loss"],
    "properties": {
        "optimizer": {"anyOf": [{"enum": sorted(OPTIMIZER_CLASSES)}, _class_and_config(OPTIMIZER_CONFIGS),
                                _class_and_config(KERAS_OPTIMIZER_CONFIGS, module="keras.optimizers"), CUSTOM]},
        "loss": {"anyOf": [{"type": "null"}, *ONE_LOSS, {"type": "array", "maxItems": 64,  # (one per output)
                                                          "items": {"anyOf": [{"type": "null"}, *ONE_LOSS]}}]},
        "loss_weights": {"anyOf": [{"type": "number"}, {"type": "object", "additionalProperties": {"type": "number"},
                                                         "maxProperties": 64},
                                   {"type": "array", "items": {"anyOf": [{"type": "null"}, {"type": "number"}]},
                                    "maxItems": 64}]},
        "metrics": METRICS,
        "weighted_metrics": _METRIC_LIST,
        "jit_compile": {"enum": [True, False, "auto"]},
        "run_eagerly": {"enum": [True]},  # (written only when given: compile_utils.compile_config)
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
        # (a list of them: a subclassed model first called on a list or tuple of inputs, Géron's Wide & Deep)
        "build_input_shape": _optional({"anyOf": [BATCH_SHAPE, {"type": "array", "items": BATCH_SHAPE,
                                                                "minItems": 1, "maxItems": 64}]}),
        "weights": {"type": "object", "additionalProperties": TENSOR},
        "compile": _optional(COMPILE),
        "optimizer": _optional(OPTIMIZER_STATE),
        # what get_build_config of a subclassed model of yours returned (models/build_configs.py)
        "build_config": BUILD_CONFIG,
        # the stores of layers' save_own_variables (models/own_variables.py): layer path -> key -> array
        "own_variables": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": TENSOR}},
        # the files of layers' save_assets (models/assets.py): layer path -> file name -> its bytes
        "assets": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": {"type": "tensor", "dtypeKinds": "u", "ndim": 1}}},  # fmt: skip
    },
    "additionalProperties": False,
}
