"""Keras 3's initializer classes, against Keras 3 itself (on PyTorch): their distributions and fans, configs,
names and seeds; and every form in which a layer, ``add_weight`` or ``keras.Variable`` takes one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras
from nabla.keras import initializers

DENSE, CONV = (300, 500), (5, 5, 64, 128)  # 150,000 and 204,800 values; a Conv2D kernel is (kh, kw, in, out)

#: (class name, arguments): every class, the VarianceScaling options included.
CASES = [
    ("Zeros", {}),
    ("Ones", {}),
    ("Constant", {"value": 0.3}),
    ("RandomNormal", {"mean": 0.1, "stddev": 0.2}),
    ("TruncatedNormal", {"mean": -0.1, "stddev": 0.3}),
    ("RandomUniform", {"minval": -0.2, "maxval": 0.4}),
    ("VarianceScaling", {}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"}),
    ("VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal"}),
    ("VarianceScaling", {"mode": "fan_avg", "distribution": "normal", "input_axes": [0], "output_axes": [-1]}),
    ("GlorotUniform", {}),
    ("GlorotNormal", {}),
    ("HeUniform", {}),
    ("HeNormal", {}),
    ("LecunUniform", {}),
    ("LecunNormal", {}),
    ("Orthogonal", {"gain": 1.5}),
]
SEEDED = {"RandomNormal", "TruncatedNormal", "RandomUniform", "VarianceScaling", "GlorotUniform", "GlorotNormal",
          "HeUniform", "HeNormal", "LecunUniform", "LecunNormal", "Orthogonal"}  # fmt: skip
IDS = [f"{name}-{'-'.join(map(str, kwargs.values()))}" if kwargs else name for name, kwargs in CASES]


def _ours(name: str, kwargs: dict, seed: int | None = None):
    return getattr(initializers, name)(**kwargs, **({"seed": seed} if name in SEEDED else {}))


def _keras_draw(name: str, kwargs: dict, shape: tuple, seed: int) -> np.ndarray:
    keras_ref = keras_on_torch()
    init = getattr(keras_ref.initializers, name)(**kwargs, **({"seed": seed} if name in SEEDED else {}))
    return keras_ref.ops.convert_to_numpy(init(shape)).astype(np.float64)


def _ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical CDFs."""
    a, b = np.sort(a.ravel()), np.sort(b.ravel())
    points = np.concatenate([a, b])
    return float(
        np.abs(np.searchsorted(a, points, "right") / a.size - np.searchsorted(b, points, "right") / b.size).max()
    )


@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_the_draws_follow_keras_s_distribution_and_fans(name, kwargs, shape):
    """Same distribution as Keras's own draws (KS distance under 0.01: at these sizes a wrong fan, scale or
    truncation is 0.05 or more), same range, mean and std within sampling error."""
    w = _ours(name, kwargs, seed=1)(shape)
    assert isinstance(w, nb.Tensor) and w.shape == shape and w.dtype == np.float32
    ours, reference = w.numpy().astype(np.float64), _keras_draw(name, kwargs, shape, seed=2)
    assert _ks_distance(ours, reference) < 0.01
    std = reference.std()
    assert abs(ours.mean() - reference.mean()) <= 6 * std * math.sqrt(2 / ours.size) + 1e-7
    assert ours.std() == pytest.approx(std, rel=0.03, abs=1e-7)
    if _bounded(name, kwargs):  # the same bounds (for a constant: none)
        spread, expected = np.abs(ours - ours.mean()).max(), np.abs(reference - reference.mean()).max()
        assert spread == pytest.approx(expected, rel=0.02, abs=1e-6)


def _bounded(name: str, kwargs: dict) -> bool:
    """Whether the draws have hard bounds: uniform, truncated normal, or constant."""
    return name not in ("RandomNormal", "Orthogonal") and kwargs.get("distribution") != "untruncated_normal"


@pytest.mark.parametrize(
    "name, shape, limit",
    [("HeUniform", CONV[:2] + (16, 32), math.sqrt(6 / (5 * 5 * 16))),
     ("GlorotUniform", (3, 3, 16, 32), math.sqrt(6 / (9 * 16 + 9 * 32))),
     ("LecunUniform", (7,), math.sqrt(3 / 7)), ("HeUniform", (), math.sqrt(6))],
)  # fmt: skip
def test_fans_follow_keras_s_layout(name, shape, limit):
    """fan_in = prod(shape[:-1]), fan_out = prod(shape[:-2]) * shape[-1]; a vector's fans are its length,
    a scalar's 1."""
    w = getattr(initializers, name)(seed=0)(shape).numpy()
    assert np.abs(w).max() <= limit * (1 + 1e-6)
    if w.size > 100:
        assert np.abs(w).max() > 0.95 * limit


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_get_config_is_keras_s_and_each_side_reads_the_other_s(name, kwargs):
    keras_ref = keras_on_torch()
    ours = _ours(name, kwargs, seed=5)
    theirs = getattr(keras_ref.initializers, name)(**kwargs, **({"seed": 5} if name in SEEDED else {}))
    expected = theirs.get_config()
    assert ours.get_config() == expected
    assert initializers.serialize(ours) == {**keras_ref.initializers.serialize(theirs), "config": expected}
    assert initializers.deserialize(keras_ref.initializers.serialize(theirs)).get_config() == expected
    assert keras_ref.initializers.deserialize(initializers.serialize(ours)).get_config() == theirs.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == expected
    assert repr(ours).startswith(f"{name}(")


def test_get_resolves_the_names_keras_resolves():
    """Keras's table of names (its class names, their snake_case, a few aliases) gives the same classes here,
    by name or as a config's class_name (Keras's own get("constant") fails: Constant needs a value)."""
    keras_ref = keras_on_torch()
    from keras.src.initializers import ALL_OBJECTS_DICT

    not_offered = {"STFT", "stft", "STFTInitializer", "Initializer", "initializer"}  # the abstract base; STFT
    for name in sorted(set(ALL_OBJECTS_DICT) - not_offered):
        expected = ALL_OBJECTS_DICT[name].__name__
        assert type(initializers.get(name)).__name__ == expected, name
        assert type(initializers.get({"class_name": name, "config": {}})).__name__ == expected, name
        if expected != "Constant":
            assert type(keras_ref.initializers.get(name)).__name__ == expected, name
    for name in sorted(not_offered) + ["Glorot_Uniform", "GLOROT_UNIFORM", "xavier", ""]:
        with pytest.raises(ValueError, match=rf"unknown initializer '{name}'; valid names: constant, glorot_normal"):
            initializers.get(name)
    for name in ("Glorot_Uniform", "xavier"):
        with pytest.raises(ValueError, match="Could not interpret"):
            keras_ref.initializers.get(name)
    assert keras.initializers.glorot_uniform is keras.initializers.GlorotUniform
    assert keras.initializers.IdentityInitializer is keras.initializers.Identity
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)  # a class: built
    init = initializers.Ones()
    assert initializers.get(init) is init and initializers.get(None) is None


@pytest.mark.parametrize("shape, gain", [((300, 500), 1.0), ((500, 300), 1.5), ((3, 3, 16, 32), 0.5)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape, gain):
    w = initializers.Orthogonal(gain=gain, seed=3)(shape).numpy().astype(np.float64).reshape(-1, shape[-1])
    gram = w @ w.T if w.shape[0] < w.shape[1] else w.T @ w  # the fewer of the two are orthonormal
    np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), atol=1e-5)


def test_identity_is_keras_s():
    keras_ref = keras_on_torch()
    for shape in [(3, 3), (3, 5), (4, 2)]:
        expected = keras_ref.ops.convert_to_numpy(keras_ref.initializers.Identity(gain=2.0)(shape))
        np.testing.assert_array_equal(initializers.Identity(gain=2.0)(shape).numpy(), expected)
    # Keras 3's Identity writes {} as its config, and so forgets its gain: nabla keeps it (and reads Keras's).
    assert initializers.Identity(gain=2.0).get_config() == {"gain": 2.0}
    assert keras_ref.initializers.Identity(gain=2.0).get_config() == {}
    assert initializers.deserialize(keras_ref.initializers.serialize(keras_ref.initializers.Identity())).gain == 1.0
    with pytest.raises(ValueError, match=r"Identity: the shape must have 2 axes, got \(2, 2, 2\)"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize("name, kwargs", [case for case in CASES if case[0] in SEEDED], ids=IDS[3:])
def test_a_seed_repeats_itself_and_no_seed_follows_manual_seed(name, kwargs):
    """As Keras 3, a seeded initializer gives the same values at every call (and so does a second one with the
    same seed); an unseeded one draws new values each call (as Keras 2) from nabla's generator, which
    nb.manual_seed resets."""
    seeded = _ours(name, kwargs, seed=42)
    first = seeded((20, 30)).numpy()
    np.testing.assert_array_equal(seeded((20, 30)).numpy(), first)
    np.testing.assert_array_equal(_ours(name, kwargs, seed=42)((20, 30)).numpy(), first)
    assert not np.array_equal(_ours(name, kwargs, seed=43)((20, 30)).numpy(), first)
    unseeded = _ours(name, kwargs)
    nb.manual_seed(7)
    a, b = unseeded((20, 30)).numpy(), unseeded((20, 30)).numpy()
    assert not np.array_equal(a, b)
    nb.manual_seed(7)
    np.testing.assert_array_equal(unseeded((20, 30)).numpy(), a)


def test_an_unseeded_instance_draws_anew_unlike_keras_3():
    """The one deliberate difference (see the module's notes): Keras 3 fixes an unseeded initializer's seed
    when it is made, so it repeats itself; nabla draws anew, as Keras 2 did."""
    keras_ref = keras_on_torch()
    theirs = keras_ref.initializers.GlorotUniform()
    first = keras_ref.ops.convert_to_numpy(theirs((4, 4)))
    np.testing.assert_array_equal(keras_ref.ops.convert_to_numpy(theirs((4, 4))), first)
    ours = initializers.GlorotUniform()
    assert not np.array_equal(ours((4, 4)).numpy(), ours((4, 4)).numpy())


def test_dtype_is_float32_unless_asked():
    for init in (initializers.Zeros(), initializers.Constant(2), initializers.GlorotUniform(seed=1)):
        assert init((2, 3)).dtype == np.float32
        assert init((2, 3), dtype="float64").dtype == np.float64
        assert init((2, 3), dtype=nb.float64).dtype == np.float64
    np.testing.assert_array_equal(initializers.Constant(3)((2,), dtype="int32").numpy(), np.array([3, 3], np.int32))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: initializers.RandomNormal(seed=-1), r"seed must be None or a non-negative integer, got -1"),
        (lambda: initializers.RandomUniform(seed=1.5), r"seed must be None or a non-negative integer, got 1.5"),
        (lambda: initializers.RandomNormal(stddev="wide"), r"RandomNormal: stddev must be a finite number, got 'wide'"),
        (lambda: initializers.Constant(float("nan")), r"Constant: value must be a finite number, got nan"),
        (lambda: initializers.VarianceScaling(scale=0), r"VarianceScaling: scale must be positive, got 0.0"),
        (lambda: initializers.VarianceScaling(mode="fan"), r"mode must be one of fan_in, fan_out, fan_avg, got 'fan'"),
        (lambda: initializers.HeNormal(input_axes="0"), r"HeNormal: input_axes must be None or a list of axes"),
        (lambda: initializers.VarianceScaling(distribution="cauchy"), r"distribution must be one of truncated_normal"),
        (lambda: initializers.VarianceScaling(input_axes=[5], output_axes=[0])((2, 3)), r"axis 5 is outside a shape"),
        (lambda: initializers.Orthogonal()((4,)), r"Orthogonal: the shape must have at least 2 axes, got \(4,\)"),
        (lambda: initializers.get({"class_name": "Evil", "config": {}}), r"unknown initializer 'Evil'"),
        (lambda: initializers.get({"config": {}}), r"an initializer config is a dict with a class_name"),
        (lambda: initializers.get({"class_name": "Zeros", "config": [1]}), r"the config of initializer Zeros must"),
        (lambda: initializers.get({"class_name": "Ones", "config": {"value": 1}}), r"Ones: unknown config keys"),
        (lambda: initializers.get(3), r"an initializer must be a name, a config dict, a callable or an array, got a"),
        (lambda: initializers.get(np.ones((2, 2)))((3,)), r"values of shape \(2, 2\) cannot fill shape \(3,\)"),
        (lambda: initializers.serialize(lambda shape: None), r"only keras.initializers classes can be saved, got a f"),
    ],
)  # fmt: skip
def test_bad_arguments_are_one_line_errors(make, message):
    with pytest.raises(ValueError, match=message) as caught:
        make()
    assert "\n" not in str(caught.value)


# --- what takes an initializer ------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        initializers.RandomNormal(stddev=0.01, seed=1),
        {"module": "keras.initializers", "class_name": "RandomNormal", "config": {"stddev": 0.01, "seed": 1}},
        {"class_name": "RandomNormal", "config": {"stddev": 0.01, "seed": 1}},  # Keras 2's form
    ],
    ids=["instance", "keras-3-config", "keras-2-config"],
)
def test_layers_add_weight_and_variable_take_an_instance_or_its_config(given):
    expected = initializers.RandomNormal(stddev=0.01, seed=1)((3, 4)).numpy()
    dense = keras.layers.Dense(4, kernel_initializer=given, bias_initializer=given, input_shape=(3,))
    np.testing.assert_array_equal(dense.kernel.numpy(), expected)
    np.testing.assert_array_equal(dense.bias.numpy(), initializers.RandomNormal(stddev=0.01, seed=1)((4,)).numpy())
    conv = keras.layers.Conv2D(4, 1, kernel_initializer=given)
    conv.build((None, 5, 5, 3))
    np.testing.assert_array_equal(conv.kernel.numpy(), expected.reshape(1, 1, 3, 4))
    np.testing.assert_array_equal(keras.Variable(initializer=given, shape=(3, 4)).numpy(), expected)
    embedding = keras.layers.Embedding(3, 4, embeddings_initializer=given)
    embedding.build()
    np.testing.assert_array_equal(embedding.embeddings.numpy(), expected)
    prelu = keras.layers.PReLU(alpha_initializer=given)
    prelu.build((None, 3, 4))
    np.testing.assert_array_equal(prelu.alpha.numpy(), expected)

    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(3, 4), initializer=given)

    layer = Scale()
    layer.build((None, 3))
    np.testing.assert_array_equal(layer.w.numpy(), expected)


def test_a_layer_s_config_writes_an_instance_as_keras_does():
    keras_ref = keras_on_torch()
    kwargs = {"kernel_initializer": "Orthogonal", "bias_initializer": "Constant"}
    for make in (lambda k: k.initializers.RandomNormal(stddev=0.01, seed=1), lambda k: k.initializers.Orthogonal(2.0)):
        theirs = keras_ref.layers.Dense(3, kernel_initializer=make(keras_ref)).get_config()["kernel_initializer"]
        assert keras.layers.Dense(3, kernel_initializer=make(keras)).get_config()["kernel_initializer"] == theirs
    config = keras.layers.Dense(3, **kwargs).get_config()  # a name is kept as its snake_case name
    assert (config["kernel_initializer"], config["bias_initializer"]) == ("orthogonal", "constant")
    assert keras.layers.Embedding(3, 4).get_config()["embeddings_initializer"] == "random_uniform"  # Keras's "uniform"
    with pytest.raises(ValueError, match="cannot save .* use a name"):
        keras.layers.Dense(3, kernel_initializer=lambda shape, dtype=None: nb.ones(shape)).get_config()


def test_functions_remain_initializers():
    """A function ``f(shape, dtype=None)``, or ``f(shape)``, returning an array or a tensor."""
    dense = keras.layers.Dense(2, kernel_initializer=lambda shape: np.full(shape, 0.5), input_shape=(3,))
    np.testing.assert_array_equal(dense.kernel.numpy(), np.full((3, 2), 0.5, dtype=np.float32))
    seen = []

    def ones(shape, dtype=None):
        seen.append(dtype)
        return nb.ones(shape, dtype=dtype)

    variable = keras.Variable(initializer=ones, shape=(2,), dtype="float64")
    assert variable.dtype == np.float64 and seen == [np.float64]


def test_an_array_or_a_tensor_is_an_initializer_of_its_own_shape():
    """As Keras's get: the values, cast to the weight's dtype."""
    values = np.arange(6.0).reshape(3, 2)
    for given in (values, nb.tensor(values)):
        dense = keras.layers.Dense(2, kernel_initializer=given, input_shape=(3,))
        np.testing.assert_array_equal(dense.kernel.numpy(), values.astype(np.float32))
        assert initializers.get(given)((3, 2), dtype="float64").dtype == np.float64


def test_an_initializer_class_of_your_own_works_and_is_refused_when_saved():
    """Keras's pattern: subclass Initializer and write __call__ (nabla's own classes write draw instead)."""

    class Halves(keras.initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return keras.ops.ones(shape, dtype=dtype) * 0.5

    dense = keras.layers.Dense(2, kernel_initializer=Halves(), input_shape=(3,))
    np.testing.assert_array_equal(dense.kernel.numpy(), np.full((3, 2), 0.5, np.float32))
    with pytest.raises(ValueError, match="only keras.initializers classes can be saved, got a Halves"):
        dense.get_config()


def test_layers_draw_from_the_seeded_generator_unless_seeded():
    nb.manual_seed(3)
    a = keras.layers.Dense(400, kernel_initializer="he_normal", input_shape=(300,))
    nb.manual_seed(3)
    b = keras.layers.Dense(400, kernel_initializer="he_normal", input_shape=(300,))
    np.testing.assert_array_equal(a.kernel.numpy(), b.kernel.numpy())
    assert a.kernel.numpy().std() == pytest.approx(math.sqrt(2 / 300), rel=0.01)
    c = keras.layers.Dense(400, kernel_initializer="he_normal", input_shape=(300,))
    assert not np.array_equal(a.kernel.numpy(), c.kernel.numpy())
    seeded = initializers.HeNormal(seed=0)
    d, e = (keras.layers.Dense(4, kernel_initializer=seeded, input_shape=(3,)) for _ in range(2))
    np.testing.assert_array_equal(d.kernel.numpy(), e.kernel.numpy())  # as in Keras 3: a seed repeats


@pytest.mark.parametrize(
    "value, shape",
    [(np.log([0.1]), (1,)), (np.log([0.1]), (3,)), ([1.0, 2.0, 3.0], (2, 3)), (np.float64(2.5), (2,)),
     (np.array(2.0), (2,)), (np.arange(4, dtype=np.float32).reshape(2, 2), (2, 2))],
)  # fmt: skip
def test_a_constant_array_fills_and_saves_as_keras_s(value, shape):
    """TensorFlow's "imbalanced data" tutorial: ``bias_initializer=Constant(np.log([pos / neg]))``."""
    keras_ref = keras_on_torch()
    ours, theirs = initializers.Constant(value), keras_ref.initializers.Constant(value)
    np.testing.assert_allclose(ours(shape).numpy(), keras_ref.ops.convert_to_numpy(theirs(shape)), rtol=1e-7)
    assert ours(shape).dtype == nb.float32
    config = ours.get_config()
    assert keras_ref.initializers.Constant.from_config(config)(shape).numpy().tolist() == ours(shape).numpy().tolist()
    assert initializers.Constant.from_config(theirs.get_config())(shape).numpy().tolist() == ours(shape).tolist()
    if isinstance(theirs.get_config()["value"], dict):  # an array: Keras 3's "__numpy__" form, the same
        assert config == theirs.get_config()


def test_a_model_with_a_constant_array_bias_saves_and_loads(tmp_path):
    bias = np.log([21.0 / 979.0])
    output = keras.layers.Dense(1, activation="sigmoid", bias_initializer=initializers.Constant(bias))
    model = keras.Sequential([keras.Input((3,)), output])
    np.testing.assert_allclose(model.layers[-1].bias.numpy(), bias.astype(np.float32))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[-1].get_config()["bias_initializer"] == model.layers[-1].get_config()["bias_initializer"]
    theirs = keras_on_torch().layers.Dense(1, bias_initializer=keras_on_torch().initializers.Constant(bias))
    assert loaded.layers[-1].get_config()["bias_initializer"] == theirs.get_config()["bias_initializer"]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: initializers.Constant([1.0, float("inf")]), r"Constant: value must be a finite number or an array"),
        (lambda: initializers.Constant(["a"]), r"Constant: value must be a finite number or an array"),
        (lambda: initializers.Constant([[1.0], [2.0, 3.0]]), r"Constant: value must be a finite number or an array"),
        (lambda: initializers.Constant([1.0, 2.0])((3,)), r"value of shape \(2,\) cannot fill a weight of shape"),
        (lambda: initializers.Constant({"class_name": "__numpy__", "config": {"value": [1], "dtype": "object"}}),
         r"a value given as a dict must be Keras 3's"),
    ],
)  # fmt: skip
def test_a_bad_constant_value_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()
