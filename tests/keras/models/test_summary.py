"""``model.summary()`` and ``count_params()``: Keras's published parameter counts and layout."""

from __future__ import annotations

import numpy as np
import pytest

from nabla import layers
from nabla.layers import BatchNormalization, Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from nabla.models import Sequential


def summary_text(model) -> str:
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def test_summary_small_dense_models():
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(3, activation="softmax")])
    assert model.count_params() == 31
    text = summary_text(model)
    assert "Total params: 31" in text and "Trainable params: 31" in text and "Non-trainable params: 0" in text
    assert Sequential([Dense(3, activation="relu", input_shape=(2,)), Dense(1)]).count_params() == 13


def test_summary_mnist_mlp():
    layers.clear_session()
    model = Sequential(
        [
            Dense(512, activation="relu", input_shape=(784,)),
            Dropout(0.2),
            Dense(512, activation="relu"),
            Dropout(0.2),
            Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == 669_706
    text = summary_text(model)
    assert "Total params: 669,706" in text and "Trainable params: 669,706" in text
    rows = [line for line in text.splitlines() if line.startswith("│")]
    assert len(rows) == 5
    for row, (name, shape, params) in zip(
        rows,
        [
            ("dense (Dense)", "(None, 512)", "401,920"),
            ("dropout (Dropout)", "(None, 512)", "0"),
            ("dense_1 (Dense)", "(None, 512)", "262,656"),
            ("dropout_1 (Dropout)", "(None, 512)", "0"),
            ("dense_2 (Dense)", "(None, 10)", "5,130"),
        ],
    ):
        cells = [c.strip() for c in row.strip("│").split("│")]
        assert cells == [name, shape, params]


def test_summary_mnist_convnet():
    model = Sequential(
        [
            Input((28, 28, 1)),
            Conv2D(32, 3, activation="relu"),
            MaxPooling2D(2),
            Conv2D(64, 3, activation="relu"),
            MaxPooling2D(2),
            Flatten(),
            Dropout(0.5),
            Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == 34_826
    text = summary_text(model)
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    assert [(r[1], r[2]) for r in rows] == [
        ("(None, 26, 26, 32)", "320"),
        ("(None, 13, 13, 32)", "0"),
        ("(None, 11, 11, 64)", "18,496"),
        ("(None, 5, 5, 64)", "0"),
        ("(None, 1600)", "0"),
        ("(None, 1600)", "0"),
        ("(None, 10)", "16,010"),
    ]
    assert "Total params: 34,826" in text and "Trainable params: 34,826" in text and "Non-trainable params: 0" in text


def test_summary_batch_normalization_and_frozen_layers():
    model = Sequential([Dense(8, input_shape=(4,)), BatchNormalization(), Dense(2)])
    assert model.count_params() == 40 + 4 * 8 + 18
    text = summary_text(model)
    assert "Total params: 90" in text and "Trainable params: 74" in text and "Non-trainable params: 16" in text
    model.layers[0].trainable = False  # Keras counts frozen weights as non-trainable
    text = summary_text(model)
    assert "Trainable params: 34" in text and "Non-trainable params: 56" in text


def test_an_unbuilt_model_summarises_as_in_keras_3(capsys):
    """Before any input shape is known, Keras 3 prints "?" shapes, "0 (unbuilt)" for a layer with weights to
    make and 0 for a weightless layer (built at construction); a Sequential and a subclassed model."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    texts = []
    reference = keras_on_torch()
    for k, clear in ((reference, reference.utils.clear_session), (nabla_keras, nabla_keras.layers.clear_session)):
        clear()

        class Net(k.Model):
            def __init__(self, k=k):
                super().__init__()
                self.hidden, self.drop = k.layers.Dense(3), k.layers.Dropout(0.1)

            def call(self, x):
                return self.drop(self.hidden(x))

        sequential = k.Sequential([k.layers.Dense(4), k.layers.Dropout(0.5), k.layers.MaxPooling1D(),
                                   k.layers.Activation("relu")])  # fmt: skip
        capsys.readouterr()
        sequential.summary()
        Net().summary()
        print(sequential.layers)
        texts.append(capsys.readouterr().out.rstrip().splitlines())
    assert texts[1] == texts[0]
    model = Sequential([Dense(4), Dense(2)])
    model(np.zeros((1, 3), dtype=np.float32))  # building on data is enough
    assert "Total params: 26" in summary_text(model)


def test_weightless_layers_are_built_at_construction_as_in_keras_3():
    """Keras 3 marks Dropout, pooling, activation, reshaping... layers built when made; layers with weights (and
    a subclass of a weightless layer that writes its own build) build at their first call."""
    from keras_reference import keras_on_torch
    from keras_toys import LAYER_ARGS
    from keras_toys import layer_arguments as arguments

    reference = keras_on_torch()
    # Embedding: nabla makes its table at construction (it knows both sizes), Keras at the first call
    for name, args in LAYER_ARGS.items():
        if name != "Embedding":
            theirs = getattr(reference.layers, name)(**arguments(args, reference.layers)).built
            assert layers.LAYERS[name](**arguments(args, layers)).built == theirs, name

    class Scaled(layers.Dropout):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    layer = Scaled(0.5)
    assert not layer.built
    layer(np.ones((2, 3), dtype=np.float32))
    assert layer.built and layer.scale.shape == (3,)


def _rows_and_totals(text: str) -> tuple[list[list[str]], list[str]]:
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    totals = [line.split("(")[0].strip() for line in text.splitlines() if "params:" in line]
    # Names differ only by Keras's session counters; Keras wraps a long name onto a second row of its own.
    return [row[1:] for row in rows if any(row[1:])], totals


def _course_models(lib):
    """Models of introductory courses, written once for both libraries (``lib`` is keras or nabla.keras)."""
    L = lib.layers
    return [
        lib.models.Sequential([L.Dense(1, input_shape=[1])]),
        lib.models.Sequential([L.Dense(12, input_dim=8, activation="relu"), L.Dense(1, activation="sigmoid")]),
        lib.models.Sequential(
            [L.Flatten(input_shape=(28, 28)), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")]
        ),
        lib.models.Sequential(
            [
                L.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
                L.MaxPooling2D((2, 2)),
                L.Conv2D(64, (3, 3), activation="relu", padding="same"),
                L.AveragePooling2D((2, 2)),
                L.BatchNormalization(),
                L.Flatten(),
                L.Dropout(0.5),
                L.Dense(10, activation="softmax"),
            ]
        ),
    ]


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")  # Keras 3's advice; Keras 2 code does it
def test_summaries_match_keras_3():
    from keras_reference import keras_on_torch

    import nabla.keras

    reference = keras_on_torch()
    for ours, theirs in zip(_course_models(nabla.keras), _course_models(reference)):
        ours_text, theirs_lines = summary_text(ours), []
        theirs.summary(print_fn=lambda line, *args, into=theirs_lines, **kwargs: into.append(line))
        assert _rows_and_totals(ours_text) == _rows_and_totals("\n".join(theirs_lines))
        assert ours.count_params() == theirs.count_params()


def test_the_text_is_keras_3s_line_for_line(capsys):
    """The whole printout of a sequence model, rules between rows included, against Keras 3's."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    texts = []
    reference = keras_on_torch()
    for k, clear in ((reference, reference.utils.clear_session), (nabla_keras, nabla_keras.layers.clear_session)):
        clear()
        model = k.Sequential([k.Input((20, 1)), k.layers.LSTM(16, return_sequences=True), k.layers.GRU(8),
                              k.layers.Dense(1)])  # fmt: skip
        capsys.readouterr()
        model.summary()
        texts.append(capsys.readouterr().out.rstrip().splitlines())
    assert texts[1] == texts[0]


def test_output_shape_is_keras_3s():
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    shapes = []
    for k in (keras_on_torch(), nabla_keras):
        sequential = k.Sequential([k.Input((5, 4)), k.layers.LSTM(3, return_sequences=True), k.layers.Flatten(),
                                   k.layers.Dense(2)])  # fmt: skip
        inputs = k.Input((3,))
        functional = k.Model(inputs, [k.layers.Dense(2)(inputs), k.layers.Dense(1)(inputs)])
        shapes.append((tuple(sequential.output_shape), [tuple(s) for s in functional.output_shape]))
    assert shapes[1] == shapes[0]
    assert not hasattr(nabla_keras.Sequential([nabla_keras.layers.Dense(2)]), "output_shape")  # not built: as Keras


def test_after_training_the_totals_count_the_optimizer_as_keras_3s():
    """Keras 3 adds "Optimizer params" once the optimizer is built (iterations, the rate, the slots of the
    trainable weights only, Nadam's product), and counts them into the total; before the first fit there is no
    such line."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    reference = keras_on_torch()
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    for make in (
        lambda k: "adam",
        lambda k: "nadam",  # (Keras keeps Nadam's momentum product as one more variable)
        lambda k: k.optimizers.SGD(0.1, momentum=0.9),
        lambda k: k.optimizers.SGD(0.1),
        lambda k: k.optimizers.RMSprop(k.optimizers.schedules.InverseTimeDecay(0.01, 10, 1.0)),
    ):
        texts = []
        for k in (reference, nabla_keras):
            model = k.Sequential([k.Input((3,)), k.layers.Dense(4), k.layers.BatchNormalization(), k.layers.Dense(1)])
            model.compile(optimizer=make(k), loss="mse")
            before = [line for line in summary_text(model).splitlines() if "params:" in line]
            model.fit(x, x[:, :1], epochs=1, verbose=0)
            lines = []
            model.summary(print_fn=lambda line, *args, into=lines, **kwargs: into.append(line))
            texts.append((before, [line for line in "\n".join(lines).splitlines() if "params:" in line]))
        assert texts[1] == texts[0]
        assert len(texts[0][0]) == 3 and "Optimizer params" in texts[0][1][-1]


def test_long_layer_names_wrap_as_in_keras_3(capsys):
    """ "batch_normalization (BatchNormalization)" is longer than the first column: Keras wraps it onto a
    second row at the space; the whole printout, line for line."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    texts = []
    reference = keras_on_torch()
    for k, clear in ((reference, reference.utils.clear_session), (nabla_keras, nabla_keras.layers.clear_session)):
        clear()
        layers_ = [k.layers.Conv2D(4, 3), k.layers.BatchNormalization(), k.layers.GlobalAveragePooling2D()]
        model = k.Sequential([k.Input((8, 8, 3)), *layers_, k.layers.Dense(2, name="a_rather_long_output_name")])
        capsys.readouterr()
        model.summary()
        texts.append(capsys.readouterr().out.rstrip().splitlines())
    assert texts[1] == texts[0]


def _graph_models(k):
    """Functional models whose summaries differ from a chain's: several inputs, a shared layer, a branch,
    the calls of functions (``x + y``, ``keras.ops``), a nested model; and chains with ops in them."""
    L = k.layers
    a, b = k.Input((8,), name="a"), k.Input((4,), name="b")
    joined = L.Concatenate(name="cat")([L.Dense(5, name="d1")(a), L.Dense(5, name="d2")(b)])
    shared = L.Dense(3, name="shared")
    two_inputs = k.Model([a, b], [shared(joined), L.Dense(2, name="head")(shared(joined))], name="two")
    c, d = k.Input((6,), name="c"), k.Input((6,), name="d")
    with_ops = k.Model([c, d], L.Dense(2, name="out")(k.ops.relu(c + d) * 2.0), name="ops")
    e = k.Input((3,), name="e")
    branch = L.Dense(4, name="trunk")(e)
    branches = k.Model(e, [L.Dense(1, name="left")(branch), L.Dense(2, name="right")(branch)], name="branches")
    f = k.Input((28, 28, 1), name="image")
    features = k.Sequential([k.Input((28, 28, 1)), L.Conv2D(4, 3), L.Flatten()], name="features")
    nested = k.Model(f, L.Dense(10, name="classes")(features(f)), name="nested")
    g = k.Input((5,), name="g")
    chain_with_ops = k.Model(g, L.Dense(3, name="last")(k.ops.tanh(g) - 1.0), name="chain")
    return [two_inputs, with_ops, branches, nested, chain_with_ops]


def test_graph_summaries_are_keras_3s_line_for_line(capsys):
    """Functional models: an InputLayer row per input, a row per call of a function (named as Keras names
    the operation: ``add (Add)``), and, for graphs that are not chains, the "Connected to" column with
    Keras's ``layer[node][output]`` references (a shared layer lists both calls)."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    reference = keras_on_torch()
    texts = []
    for k, clear in ((reference, reference.utils.clear_session), (nabla_keras, nabla_keras.layers.clear_session)):
        clear()
        capsys.readouterr()
        for model in _graph_models(k):
            model.summary()
        texts.append(capsys.readouterr().out.rstrip().splitlines())
    assert texts[1] == texts[0]


def test_show_trainable_is_keras_3s_line_for_line(capsys):
    """``summary(show_trainable=True)``: the transfer-learning guide's frozen base (N), a trainable head (Y),
    layers without weights (-), in a chain and in a graph; the graph's long references cut with "…"."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    reference = keras_on_torch()
    texts = []
    for k, clear in ((reference, reference.utils.clear_session), (nabla_keras, nabla_keras.layers.clear_session)):
        clear()
        base = k.Sequential([k.Input((3,)), k.layers.Dense(3), k.layers.Dropout(0.1)], name="base")
        base.trainable = False
        chain = k.Sequential([k.Input((3,)), base, k.layers.Dense(2)])
        i = k.Input((3,))
        frozen = k.layers.Dense(2, trainable=False)
        graph = k.Model(i, k.layers.Add()([k.layers.Dense(2)(i), frozen(i)]), name="graph")
        capsys.readouterr()
        chain.summary(show_trainable=True)
        graph.summary(show_trainable=True)
        texts.append(capsys.readouterr().out.rstrip().splitlines())
    assert texts[1] == texts[0]
