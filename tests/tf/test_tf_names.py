"""The facade's namespace: what it offers under TensorFlow's names, what it refuses (an AttributeError that
names nabla's alternative), tf.keras as nabla.keras, and the small top-level helpers."""

from __future__ import annotations

import importlib
import importlib.machinery
import io
import subprocess
import sys

import numpy as np
import pytest
from tf_parity import same, tensorflow

import nabla.tf as tf

# Names course material uses, which TensorFlow has and nabla.tf offers.
OFFERED = {
    "": "constant Variable GradientTape function Module Tensor TensorShape TensorSpec DType convert_to_tensor "
    "zeros ones zeros_like ones_like fill eye range linspace one_hot reshape transpose concat stack unstack split "
    "squeeze expand_dims tile gather gather_nd boolean_mask where pad reverse broadcast_to shape size rank cast "
    "identity stop_gradient clip_by_value clip_by_norm clip_by_global_norm sort argsort repeat meshgrid slice "
    "matmul tensordot einsum norm add subtract multiply divide truediv pow square sqrt exp sin cos tan tanh "
    "sigmoid abs negative sign round floor maximum minimum add_n cumsum equal not_equal less less_equal greater "
    "greater_equal logical_and logical_or logical_not reduce_sum reduce_mean reduce_max reduce_min reduce_prod "
    "reduce_all reduce_any reduce_logsumexp argmax argmin print device name_scope is_tensor executing_eagerly "
    "newaxis float16 float32 float64 double half int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool string "
    "as_dtype "
    "UnconnectedGradients constant_initializer ones_initializer random_normal_initializer random_uniform_initializer "
    "zeros_initializer",
    "math": "log exp log1p expm1 sqrt rsqrt square abs sign floor ceil round reciprocal sigmoid softplus tanh erf "
    "reduce_sum reduce_mean reduce_std reduce_variance reduce_max reduce_min reduce_prod reduce_logsumexp argmax "
    "argmin count_nonzero cumsum top_k l2_normalize confusion_matrix is_nan is_inf is_finite floordiv floormod mod "
    "divide_no_nan squared_difference maximum minimum equal greater logical_and logical_xor",
    "nn": "relu relu6 leaky_relu elu selu gelu softsign silu swish sigmoid tanh softplus softmax log_softmax "
    "sigmoid_cross_entropy_with_logits weighted_cross_entropy_with_logits softmax_cross_entropy_with_logits "
    "sparse_softmax_cross_entropy_with_logits l2_loss bias_add dropout moments batch_normalization "
    "embedding_lookup l2_normalize top_k",
    "random": "set_seed uniform normal truncated_normal shuffle categorical",
    "linalg": "matmul matvec norm eye diag diag_part trace tensordot einsum matrix_transpose global_norm l2_normalize "
    "inv det logdet solve triangular_solve cholesky eigh eigvalsh qr svd pinv lstsq",
    "config": "list_physical_devices list_logical_devices run_functions_eagerly functions_run_eagerly",
    "errors": "OpError InvalidArgumentError",
    "nest": "flatten pack_sequence_as map_structure",
    "debugging": "assert_equal assert_near assert_all_finite check_numerics",
    "dtypes": "DType as_dtype float32 int32",
    "data": "Dataset AUTOTUNE INFINITE_CARDINALITY UNKNOWN_CARDINALITY experimental",
    "compat": "as_bytes as_text as_str as_str_any path_to_str",
}


@pytest.mark.parametrize("namespace", sorted(OFFERED))
def test_every_offered_name_is_also_tensorflows(namespace):
    real = tensorflow()
    for name in OFFERED[namespace].split():
        ours = getattr(getattr(tf, namespace) if namespace else tf, name)
        assert ours is not None or name == "newaxis"
        theirs = getattr(real, namespace) if namespace else real
        assert hasattr(theirs, name), f"tf.{namespace}.{name} is not a TensorFlow name"


@pytest.mark.parametrize(
    "name, advice",
    [
        ("saved_model", "model.save"),
        ("log", "tf.math.log"),
        ("Session", "TensorFlow 1"),
        ("tensor", "docs/tf.md"),
        ("variable", "docs/tf.md"),
        ("no_such_thing", "does not offer tf.no_such_thing"),
    ],
)
def test_a_name_not_offered_raises_and_says_what_to_use(name, advice):
    with pytest.raises(AttributeError, match="nabla.tf does not offer") as error:
        getattr(tf, name)
    assert advice in str(error.value)
    assert not hasattr(tf, name)


def test_namespaces_refuse_too():
    for namespace, name, advice in [
        ("linalg", "eig", "tf.linalg.eigh"),
        ("nn", "max_pool2d", "MaxPooling2D"),
        ("random", "Generator", "set_seed"),
        ("math", "lgamma", "docs/tf.md"),
        ("config", "optimizer", "docs/tf.md"),
        ("errors", "AbortedError", "docs/tf.md"),
        ("compat", "v1", "TensorFlow 1"),
    ]:
        with pytest.raises(AttributeError, match=advice):
            getattr(getattr(tf, namespace), name)


@pytest.mark.parametrize("name", ["as_bytes", "as_text", "as_str", "as_str_any", "path_to_str"])
def test_compat_string_helpers_are_tensorflows(name):
    """keras-io's image classification example filters JPEGs with ``tf.compat.as_bytes("JFIF") in header``:
    each helper gives TensorFlow's value, and its TypeError where TensorFlow raises one."""
    import pathlib

    real = tensorflow()
    for value in ["JFIF", "é", b"\xc3\xa9", bytearray(b"ab"), pathlib.Path("a/../b"), 3, None]:
        try:
            want = getattr(real.compat, name)(value)
        except TypeError:
            with pytest.raises(TypeError, match="Expected binary or unicode string"):
                getattr(tf.compat, name)(value)
            continue
        got = getattr(tf.compat, name)(value)
        assert got == want and type(got) is type(want), (name, value)


def test_keras_is_nabla_keras():
    try:
        keras = importlib.import_module("nabla.keras")
    except ModuleNotFoundError:
        with pytest.raises(AttributeError, match="nabla.keras"):
            tf.keras  # noqa: B018
        with pytest.raises(ModuleNotFoundError, match="nabla.keras"):
            importlib.import_module("nabla.tf.keras.layers")
        pytest.skip("nabla.keras is not in this nabla yet: tf.keras says so")
    assert tf.keras is keras
    layers = importlib.import_module("nabla.tf.keras.layers")
    assert layers is keras.layers
    assert tf.losses is keras.losses and tf.optimizers is keras.optimizers
    assert importlib.import_module("nabla.keras").__spec__.name == "nabla.keras"


def test_the_alias_hands_out_the_keras_modules_themselves(monkeypatch):
    """With stand-ins for nabla.keras and a submodule: every spelling reaches the very same objects."""
    import types

    keras, layers = types.ModuleType("nabla.keras"), types.ModuleType("nabla.keras.layers")
    keras.__path__, keras.layers, layers.Dense = [], layers, type("Dense", (), {})
    keras.__spec__ = importlib.machinery.ModuleSpec("nabla.keras", None, is_package=True)
    monkeypatch.setitem(sys.modules, "nabla.keras", keras)
    monkeypatch.setitem(sys.modules, "nabla.keras.layers", layers)
    for name in ("nabla.tf.keras", "nabla.tf.keras.layers"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.delattr(tf, "keras", raising=False)
    try:
        assert tf.keras is keras and tf.keras.layers.Dense is layers.Dense
        from nabla.tf.keras.layers import Dense

        assert Dense is layers.Dense and importlib.import_module("nabla.tf.keras.layers") is layers
        assert keras.__spec__.name == "nabla.keras"  # the alias gave the module its own spec back
    finally:
        for name in ("nabla.tf.keras", "nabla.tf.keras.layers"):
            sys.modules.pop(name, None)
        tf.__dict__.pop("keras", None)


def test_importing_nabla_tf_does_not_import_tensorflow_or_keras():
    code = "import sys, nabla.tf; print(any(m.split('.')[0] in ('tensorflow', 'keras') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_print_as_tensorflow_prints():
    stream = io.StringIO()
    tf.print("loss:", tf.constant(2.5), tf.range(10), tf.constant([True, False]), output_stream=stream)
    tf.print(tf.reshape(tf.range(100), (10, 10)), output_stream=stream, end="")
    assert stream.getvalue().splitlines()[0] == "loss: 2.5 [0 1 2 ... 7 8 9] [1 0]"
    assert stream.getvalue().splitlines()[1:4] == [
        "[[0 1 2 ... 7 8 9]",
        " [10 11 12 ... 17 18 19]",
        " [20 21 22 ... 27 28 29]",
    ]


def test_small_helpers():
    with tf.device("/GPU:0"), tf.name_scope("block"):
        x = tf.constant(1.0)
    assert x.device.endswith("CPU:0") and tf.executing_eagerly()
    assert tf.config.list_physical_devices("GPU") == [] and tf.config.list_physical_devices()[0].device_type == "CPU"
    assert tf.nest.flatten({"b": [1, 2], "a": 3}) == [3, 1, 2]
    assert tf.nest.map_structure(lambda a, b: a + b, [1, (2,)], [10, (20,)]) == [11, (22,)]
    tf.debugging.assert_near(tf.constant(1.0), 1.0 + 1e-7)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.debugging.check_numerics(tf.constant([np.nan]), "loss")
    spec = tf.TensorSpec(shape=[None, 3], dtype=tf.float32)
    assert spec.is_compatible_with(tf.zeros((5, 3))) and not spec.is_compatible_with(tf.zeros((5, 2)))


def test_dtypes_interoperate_with_tensorflows():
    same(lambda tf: tf.as_dtype(np.float32) == tf.float32)
    assert tf.as_dtype(tensorflow().float64) == tf.float64


@pytest.mark.parametrize("cls", ["MLP", "Dense", "NaiveDense", "MaxPooling2D", "HTTPServer", "ABCNet", "Conv2DLayer"])
def test_a_modules_default_name_is_tensorflows(cls):
    reference = tensorflow()
    assert type(cls, (tf.Module,), {})().name == type(cls, (reference.Module,), {})().name


def test_the_version_is_the_tensorflow_release_followed():
    """Notebooks print tf.__version__ / tf.version.VERSION first: both name the release nabla.tf is tested against."""
    real = tensorflow()
    assert tf.version.VERSION == tf.__version__
    release, underneath = tf.version.VERSION.split("+")
    assert (release, underneath) == (real.version.VERSION, "nabla")


def test_tf_string_names_text_as_tensorflow_does():
    """tf.string: TensorFlow's name, repr and conversions; the dtype of a Keras text input and of string tensors."""
    real = tensorflow()
    assert (repr(tf.string), str(tf.string), tf.string.name) == (repr(real.string), str(real.string), real.string.name)
    for value in ("string", np.str_, np.bytes_, np.object_, tf.string, real.string):
        assert tf.as_dtype(value) is tf.string and real.as_dtype(value) == real.string
    assert tf.TensorSpec((None,), tf.string).dtype == tf.string
    assert tf.string == tf.keras.Input(shape=(), dtype=tf.string).dtype
    # Text is a string tensor of its own (nabla.tf.string_tensor), as TensorFlow's tf.constant makes one.
    assert repr(tf.constant(["a"])) == repr(real.constant(["a"])) and tf.constant(["a"]).dtype == tf.string
    for make in (lambda: tf.constant([1], dtype=tf.string), lambda: tf.zeros(2, tf.string)):
        with pytest.raises(TypeError, match="not strings"):
            make()


def test_top_level_initializers_make_tensors_as_tensorflows():
    """keras.io's Introduction to Keras for Researchers: ``tf.Variable(initial_value=w_init(shape=..., dtype=...))``
    with ``w_init = tf.random_normal_initializer()`` and ``tf.zeros_initializer()``."""
    real = tensorflow()
    for name, args in [("random_normal_initializer", ()), ("random_uniform_initializer", ()), ("zeros_initializer", ()),
                       ("ones_initializer", ()), ("constant_initializer", (3,))]:  # fmt: skip
        ours, theirs = getattr(tf, name)(*args), getattr(real, name)(*args)
        assert ours.get_config() == theirs.get_config(), name
        for dtype in ((), (tf.float64,)):
            made = ours((2, 3), *dtype)
            assert (type(made), made.dtype) == (tf.Tensor, dtype[0] if dtype else tf.float32), name
    assert repr(tf.constant_initializer(3)((2,), tf.int32)) == repr(real.constant_initializer(3)((2,), real.int32))
    assert repr(tf.zeros_initializer()((3,))) == repr(real.zeros_initializer()((3,)))


def test_dtypes_come_from_tensorflows_numbers_as_in_tensorflow():
    """Making new layers via subclassing calls ``layer(tf.zeros(1, 1))``: the 1 is TensorFlow's number of float32."""
    real = tensorflow()
    for name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                 "uint64", "bool", "string"):  # fmt: skip
        number = getattr(real, name).as_datatype_enum
        assert getattr(tf, name).as_datatype_enum == number and tf.as_dtype(number) is getattr(tf, name), name
    assert tf.as_dtype(True) is tf.float32 and real.as_dtype(True) == real.float32
    assert repr(tf.zeros(1, 1)) == repr(real.zeros(1, 1))
    for number in (0, 8, 1000):  # (8: complex64, which nabla does not hold)
        with pytest.raises(TypeError, match="Cannot convert"):
            tf.as_dtype(number)
