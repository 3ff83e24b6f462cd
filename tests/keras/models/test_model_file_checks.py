"""load_model and load_weights against damaged and hostile files: one ValueError naming the file and the field,
raised before anything is built or allocated; and the schema of the model file against the code it describes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nabla as nb
from nabla import activations, initializers, losses, optim
from nabla.keras import optimizers
from nabla.keras.models import file_schema, file_schema_training, file_schema_types
from nabla.layers import LAYERS, BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from nabla.models import Sequential, load_model
from nabla.schema import validate

ROOT = Path(__file__).resolve().parents[3]


def _saved(tmp_path, optimizer="adam") -> tuple[Path, dict]:
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)), BatchNormalization(), Dense(2, "softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(np.random.default_rng(0).random((8, 3)), np.arange(8) % 2, epochs=1, verbose=0)
    path = tmp_path / "model.nabla"
    model.save(path)
    return path, nb.load(path)


def _rewrite(path: Path, payload: dict, change) -> Path:
    change(payload)
    out = path.with_name("changed.nabla")
    nb.save(payload, out)
    return out


def _init(class_name: str, config: dict) -> dict:
    return {"module": "keras.initializers", "class_name": class_name, "config": config, "registered_name": None}


def _layer(payload, i):
    return payload["config"]["layers"][i]["config"]


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda p: p.pop("class_name"), r"class_name: missing"),
        (lambda p: p.pop("config"), r"config: missing"),
        (lambda p: p.pop("weights"), r"weights: missing"),
        (lambda p: p["config"].pop("layers"), r"config.layers: missing"),
        (lambda p: p["config"]["layers"][0].pop("config"), r"config.layers\[0\].config: missing"),
        (lambda p: p["config"]["layers"][1].update(class_name="Optimizer"), r"layers\[1\].class_name: unknown layer"),
        (lambda p: _layer(p, 0).update(units="4"), r"layers\[0\].config.units: expected an integer >= 1"),
        (lambda p: _layer(p, 0).update(units=10**9), r"layers\[0\].config: the layer needs a weight 0.kernel of "
                                                     r"shape \(3, 1000000000\), but the file stores \(3, 4\)"),
        (lambda p: _layer(p, 1).update(axis=100), r"layers\[1\].config.axis: expected an integer >= -8"),
        (lambda p: _layer(p, 1).update(axis=0), r"layers\[1\]: BatchNormalization: axis 0 is not a feature axis"),
        (lambda p: _layer(p, 0).update(activation="__import__"), r"layers\[0\].config.activation: expected null"),
        (lambda p: _layer(p, 0).update(extra=1), r"layers\[0\].config.extra: unexpected field"),
        (lambda p: p.update(build_input_shape=[None, 10**9]), r"build_input_shape: the input shape"),
        (lambda p: p["weights"].pop("2.bias"), r"weights.2.bias: missing: the layer at config.layers\[2\].config"),
        (lambda p: p["weights"].update(extra=nb.ones(1)), r"weights.extra: a weight that no layer"),
        (lambda p: _layer(p, 0).update(kernel_initializer="__import__"), r"layers\[0\].config.kernel_initializer: "
                                                                         r"expected null or one of 'constant'"),
        (lambda p: _layer(p, 0).update(kernel_initializer=_init("Evil", {})),
         r"layers\[0\].config.kernel_initializer.class_name: expected one of 'Constant'"),
        (lambda p: _layer(p, 0).update(kernel_initializer=_init("RandomNormal", {"stddev": {"a": 1}})),
         r"kernel_initializer.config.stddev: expected null or a finite number or a string"),
        (lambda p: _layer(p, 0).update(kernel_initializer=_init("RandomNormal", {"x" * 100: 1})),
         r"kernel_initializer.config\[key 'x+\.\.\.\]: expected a string of at most 32"),
        (lambda p: _layer(p, 0).update(kernel_initializer=_init("RandomNormal", {"stddev": "wide"})),
         r"building the model: ValueError: RandomNormal: stddev must be a finite number, got 'wide'"),
        (lambda p: _layer(p, 0).update(kernel_initializer=_init("RandomNormal", {"sttdev": 0.1})),
         r"building the model: ValueError: RandomNormal: unknown config keys \['sttdev'\]"),
        (lambda p: _layer(p, 0).update(kernel_initializer=_init("HeNormal", {"input_axes": [9], "output_axes": [0]})),
         r"building the model: ValueError: HeNormal: axis 9 is outside a shape of 2 axes"),
        (lambda p: p["compile"].update(optimizer={"class_name": "lr_scheduler", "config": {}}),
         r"compile.optimizer.class_name: expected one of 'Adadelta', 'Adagrad', 'Adam', 'AdamW', 'Adamax', 'Ftrl'"),
        (lambda p: p["compile"].update(jit_compile="yes"), r"compile.jit_compile: expected one of True, False"),
        (lambda p: p["compile"].update(metrics=["no_such_metric"]), r"compiling: ValueError: .*no_such_metric"),
        (lambda p: p["compile"].update(metrics=[{"class_name": "Evil", "config": {}}]),
         r"compile.metrics\[0\].class_name: expected one of 'AUC', 'Accuracy'"),
        (lambda p: p["compile"].update(metrics={"out": [{"class_name": "AUC", "config": {"num_thresholds": 10**9}}]}),
         r"compile.metrics.out\[0\].config.num_thresholds: expected null or an integer >= 2 and <= 100000"),
        (lambda p: p["compile"].update(metrics=[[{"class_name": "Recall", "config": {"top": 1}}]]),
         r"compile.metrics\[0\]\[0\].config.top: unexpected field"),
        (lambda p: p["compile"].update(weighted_metrics=[{"class_name": "AUC", "config": {"thresholds": [2.0]}}]),
         r"compile.weighted_metrics\[0\].config.thresholds\[0\]: expected a finite number >= 0 and <= 1"),
        (lambda p: p["compile"].update(metrics={"dense_1": [None, "no_such_metric"]}),
         r"compile.metrics.dense_1\[0\]: expected a string"),
        (lambda p: p["optimizer"].update(class_name="SGD"), r"optimizer.class_name: 'SGD', but the model was "
                                                            r"compiled with Adam"),
        (lambda p: p["optimizer"]["state"]["state"][0].update(step=-1), r"optimizer.state.state\[0\].step: expected"),
        (lambda p: p["optimizer"]["state"]["state"][0].update(exp_avg=np.full((3, 4), 1e300)),
         r"restoring the optimizer's state: ValueError: .*exp_avg.*cannot be read as float32"),
        (lambda p: p["optimizer"]["state"]["param_groups"][0].pop("lr"), r"param_groups\[0\].lr: missing"),
    ],
)  # fmt: skip
def test_every_damage_is_one_value_error_naming_the_file_and_the_field(tmp_path, change, where):
    path, payload = _saved(tmp_path)
    changed = _rewrite(path, payload, change)
    with pytest.raises(ValueError, match=rf"^load_model: {changed}: .*{where}") as info:
        load_model(changed)
    assert "\n" not in str(info.value)


SIZES = """
import resource, sys, tracemalloc
import nabla as nb
from nabla.models import load_model
tracemalloc.start()
try:
    load_model(sys.argv[1])
    print("loaded")
except ValueError as e:
    print("ValueError", tracemalloc.get_traced_memory()[1])
"""


@pytest.mark.parametrize(
    "change",
    [
        lambda p: _layer(p, 0).update(units=10**9),  # 29.8 GiB of kernel, before the fix
        lambda p: p.update(build_input_shape=[None, 10**8]) or _layer(p, 0).pop("input_shape"),
        lambda p: p["config"].update(build_input_shape=[None, 50_000, 50_000]) or _layer(p, 0).pop("input_shape"),
    ],
    ids=["units", "input", "input-rank"],
)
def test_sizes_are_checked_before_anything_is_allocated(tmp_path, change):
    path, payload = _saved(tmp_path)
    changed = _rewrite(path, payload, change)
    done = subprocess.run(
        [sys.executable, "-c", SIZES, str(changed)], capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}
    )
    outcome, peak = done.stdout.split()
    assert outcome == "ValueError" and int(peak) < 5 << 20, done.stderr  # a few MB of checking, nothing built


def test_conv_sizes_follow_the_input_through_the_layers(tmp_path):
    model = Sequential([Conv2D(4, 3, input_shape=(10, 10, 1)), MaxPooling2D(), Flatten(), Dense(2)])
    path = tmp_path / "cnn.nabla"
    model.save(path)
    payload = nb.load(path)
    bigger = _rewrite(path, payload, lambda p: p["config"]["layers"][0]["config"].update(input_shape=[12, 12, 1]))
    with pytest.raises(ValueError, match=r"layers\[0\].config.input_shape: the input shape \[12, 12, 1\] disagrees"):
        load_model(bigger)
    payload = nb.load(path)
    payload["build_input_shape"] = payload["config"]["build_input_shape"] = [None, 12, 12, 1]
    _layer(payload, 0)["input_shape"] = [12, 12, 1]
    with pytest.raises(ValueError, match=r"layers\[3\].config: the layer needs a weight 3.kernel of shape \(100, 2\), "
                       r"but the file stores \(64, 2\)"):  # fmt: skip
        load_model(_rewrite(path, payload, lambda p: None))
    payload = nb.load(path)
    payload["build_input_shape"] = payload["config"]["build_input_shape"] = [None, 2, 2, 1]
    _layer(payload, 0)["input_shape"] = [2, 2, 1]
    with pytest.raises(ValueError, match=r"layers\[0\]: the 3x3 window does not fit in images of shape \(2, 2, 1\)"):
        load_model(_rewrite(path, payload, lambda p: None))


def test_an_adamw_object_reloads_and_training_continues_identically(tmp_path):
    """An AdamW object failed to reload: its saved hyper-parameters hold decoupled_weight_decay, its constructor not."""
    path, _ = _saved(tmp_path, optimizer=optim.AdamW(lr=0.01, weight_decay=0.1))
    original = load_model(path)
    assert type(original.optimizer) is optim.AdamW and original.optimizer.defaults["weight_decay"] == 0.1
    x, y = np.random.default_rng(1).random((8, 3)), np.arange(8) % 2
    again = load_model(path)
    nb.manual_seed(3)
    original.fit(x, y, epochs=1, verbose=0)
    nb.manual_seed(3)  # the same shuffles
    again.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(original.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["Adam", "RMSPROP", "sgd"])
def test_an_optimizer_named_in_any_letter_case_reloads(tmp_path, name):
    """compile takes "Adam" as "adam"; the file must name it as load_model's allow-list does."""
    path, _ = _saved(tmp_path, optimizer=name)
    model = load_model(path)
    assert type(model.optimizer) is optimizers.OPTIMIZERS[name.lower()]


def test_load_weights_into_a_model_built_by_its_input_shape(tmp_path):
    source = Sequential([Dense(2, input_shape=(3,))])
    source.save_weights(tmp_path / "w.st")
    fresh = Sequential([Dense(2, input_shape=(3,))])  # its one layer built at construction; never called on data
    fresh.load_weights(tmp_path / "w.st")
    for a, b in zip(source.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(RuntimeError, match="build the model first"):
        Sequential([Dense(2)]).load_weights(tmp_path / "w.st")


def test_load_weights_names_the_file_and_never_changes_weights_on_failure(tmp_path):
    path, _ = _saved(tmp_path)
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)), BatchNormalization(), Dense(2)])
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=rf"load_weights: {path} holds a whole model \(model.save\)"):
        model.load_weights(path)
    nb.save([nb.ones(2)], tmp_path / "list.st")
    with pytest.raises(ValueError, match=r"list.st does not hold weights \(a flat dict of names to tensors"):
        model.load_weights(tmp_path / "list.st")
    other = Sequential([Dense(5, input_shape=(3,)), BatchNormalization(), Dense(2)])
    other.save_weights(tmp_path / "other.st")
    with pytest.raises(ValueError, match=r"other.st does not fit this model: .*0.kernel: checkpoint \(3, 5\) vs model"):
        model.load_weights(tmp_path / "other.st")
    state = {k: v.numpy() for k, v in other.state_dict().items()}
    del state["2.bias"]
    nb.save({k: nb.tensor(v) for k, v in state.items()}, tmp_path / "missing.st")
    with pytest.raises(ValueError, match=r"missing.st does not fit this model: .*missing keys \[2.bias\]"):
        model.load_weights(tmp_path / "missing.st")
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


# --- the schema against the code it describes: a layer, name or option added later fails here until described ---


def test_every_layer_class_has_a_schema_that_its_own_configs_pass():
    assert sorted(file_schema.LAYER_CONFIGS) == sorted(LAYERS)
    examples = [Dense(3), Dense(2, activation="softmax", use_bias=False, kernel_regularizer="l1", input_shape=(4,)),
                Conv2D(2, (3, 1), strides=2, padding="same", dilation_rate=1), BatchNormalization(axis=1),
                Dropout(0.5), Flatten(), MaxPooling2D(3, strides=1)]  # fmt: skip
    examples += [cls(**_required(name)) for name, cls in LAYERS.items()]
    for layer in examples:
        config = json.loads(json.dumps(layer.get_config()))  # as a file holds it
        validate(config, file_schema.LAYER_CONFIGS[type(layer).__name__], type(layer).__name__)


def _required(name: str) -> dict:
    return {"InputLayer": {"shape": (3,)}, "Dense": {"units": 2}, "Activation": {"activation": "relu"},
            "Dropout": {"rate": 0.1}, "GaussianNoise": {"stddev": 0.1}, "GaussianDropout": {"rate": 0.1},
            "RandomTranslation": {"height_factor": 0.1, "width_factor": (-0.1, 0.2)},
            "Conv2D": {"filters": 2, "kernel_size": 3}, "Reshape": {"target_shape": (2, -1)},
            "Permute": {"dims": (2, 1)},
            "Rescaling": {"scale": 1 / 255},
            "RandomRotation": {"factor": 0.1}, "RandomZoom": {"height_factor": (-0.2, 0.1)},
            "RandomContrast": {"factor": 0.2}, "RandomBrightness": {"factor": (-0.2, 0.1)},
            "Embedding": {"input_dim": 5, "output_dim": 2},
            "RepeatVector": {"n": 3}, "SpatialDropout2D": {"rate": 0.2},
            "MultiHeadAttention": {"num_heads": 2, "key_dim": 3},
            "Conv1D": {"filters": 2, "kernel_size": 3}, "Conv2DTranspose": {"filters": 2, "kernel_size": 3},
            "Conv1DTranspose": {"filters": 2, "kernel_size": 3}, "Resizing": {"height": 2, "width": 3},
            "CenterCrop": {"height": 2, "width": 3}, "RandomCrop": {"height": 2, "width": 3}, "Dot": {"axes": 1},
            "DepthwiseConv2D": {"kernel_size": 3}, "SeparableConv2D": {"filters": 2, "kernel_size": 3},
            "SpatialDropout1D": {"rate": 0.2}, "SpatialDropout3D": {"rate": 0.2},
            "AlphaDropout": {"rate": 0.2}, "SimpleRNN": {"units": 2}, "LSTM": {"units": 2},
            "GRU": {"units": 2}, "Bidirectional": {"layer": LAYERS["LSTM"](2)},
            "TimeDistributed": {"layer": LAYERS["Dense"](2)}, "SimpleRNNCell": {"units": 2},
            "LSTMCell": {"units": 2}, "GRUCell": {"units": 2}, "RNN": {"cell": [LAYERS["LSTMCell"](2)]},
            "StackedRNNCells": {"cells": [LAYERS["GRUCell"](2)]}, "Hashing": {"num_bins": 3, "salt": 5},
            "Discretization": {"bin_boundaries": [0.5]}, "AveragePooling1D": {"pool_size": 2},
            "AveragePooling2D": {"pool_size": 2},
            "CategoryEncoding": {"num_tokens": 3}}.get(name, {})  # fmt: skip


def test_the_name_lists_are_the_registries():
    assert file_schema_types.ACTIVATIONS == sorted(activations._ACTIVATIONS)
    assert file_schema_types.INITIALIZERS == sorted(initializers._INITIALIZERS)
    assert file_schema_types.INITIALIZER_CLASSES == sorted(initializers.CLASSES)
    assert {k: v.__name__ for k, v in optimizers.OPTIMIZERS.items()} == file_schema_training.OPTIMIZER_CLASSES
    assert sorted(file_schema_training.LOSS_CONFIGS) == sorted(losses._CLASSES)
    for name, cls in losses._CLASSES.items():
        assert set(cls().get_config()) - {"name"} == set(file_schema_training.LOSS_CONFIGS[name]), name


@pytest.mark.parametrize("name", sorted(file_schema_training.OPTIMIZER_CONFIGS))
def test_optimizer_schemas_match_their_hyper_parameters_and_state(name):
    cls = getattr(optim, name, None) or getattr(optimizers, name)  # (Keras's Nadam, Adamax... have no PyTorch class)
    assert set(cls().defaults) == set(file_schema_training.OPTIMIZER_CONFIGS[name])
    options = {"Adam": {"amsgrad": True}, "AdamW": {"amsgrad": True}, "RMSprop": {"centered": True, "momentum": 0.5},
               "SGD": {"momentum": 0.9}}.get(name, {})  # fmt: skip
    p = nb.ones(3, requires_grad=True)
    opt = cls(**options).bind([p])
    (p * p).sum().backward()
    opt.step()
    assert set(opt.state[p]) == set(file_schema_training.OPTIMIZER_STATE_KEYS[name])


def _cnn_payload(tmp_path):
    model = Sequential([Conv2D(2, 3, padding="same", input_shape=(6, 6, 1)), MaxPooling2D(padding="same"), Flatten()])
    model.save(tmp_path / "cnn.nabla")
    return tmp_path / "cnn.nabla", nb.load(tmp_path / "cnn.nabla")


@pytest.mark.parametrize(
    "change, what",
    [
        (
            lambda p: _layer(p, 0).update(dilation_rate=[2**30, 1]),
            "building the model would hold 17,179,869,232 values",
        ),
        (lambda p: _layer(p, 1).update(pool_size=[2**30, 1], strides=[1, 1]), "would hold 12,884,901,948 values"),
    ],
    ids=["dilated-same-padding", "pool-same-padding"],
)
def test_same_padding_cannot_ask_for_a_huge_padded_image(tmp_path, change, what):
    path, payload = _cnn_payload(tmp_path)
    with pytest.raises(ValueError, match=what):
        load_model(_rewrite(path, payload, change))


def test_the_work_of_building_is_bounded(tmp_path, monkeypatch):
    from nabla.keras.models import file_check

    path, _ = _cnn_payload(tmp_path)
    load_model(path)  # 6*6*9*2 + 3*3*2*4 multiply-adds
    monkeypatch.setattr(file_check, "MAX_BUILD_OPERATIONS", 600)
    with pytest.raises(ValueError, match=r"layers\[0\] \(Conv2D\): building the model would take 648 multiply-adds"):
        load_model(path)
