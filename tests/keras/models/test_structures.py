"""Models of several inputs and outputs: fit / evaluate / predict on lists and dicts, against Keras 3."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

N = 48


def data(seed: int = 0):
    rng = np.random.default_rng(seed)
    xa, xb = rng.normal(size=(N, 3)).astype(np.float32), rng.normal(size=(N, 2)).astype(np.float32)
    reg = (xa.sum(1, keepdims=True) - xb[:, :1]).astype(np.float32)
    cls = (xa[:, 0] > 0).astype(np.int64) + (xb[:, 1] > 0.5)
    return xa, xb, reg, cls


def two_by_two(k, dict_outputs: bool = False):
    """Inputs a (3,) and b (2,); outputs reg (1, linear) and cls (3, softmax); in keras ``k``."""
    a, b = k.Input((3,), name="a"), k.Input((2,), name="b")
    hidden = k.layers.Dense(8, activation="tanh", name="hidden")(k.layers.Concatenate(name="join")([a, b]))
    reg = k.layers.Dense(1, name="reg")(hidden)
    cls = k.layers.Dense(3, activation="softmax", name="cls")(hidden)
    return k.Model([a, b], {"r": reg, "c": cls} if dict_outputs else [reg, cls])


def pair(keras, **compile_kwargs):
    """The same model in Keras and in nabla.keras, with Keras's initial weights copied over, both compiled."""
    theirs, ours = two_by_two(keras), two_by_two(nk)
    for name in ("hidden", "reg", "cls"):
        ours.get_layer(name).set_weights(theirs.get_layer(name).get_weights())
    for model in (theirs, ours):
        model.compile(**compile_kwargs)
    return theirs, ours


def assert_same_logs(ours: dict, theirs: dict, rtol: float = 1e-5):
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=rtol, atol=1e-6, err_msg=key)


COMPILES = {
    "lists": dict(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[1.0, 0.5],
                  metrics=[["mae"], ["accuracy"]]),
    "dicts": dict(optimizer="rmsprop", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  loss_weights={"reg": 2.0, "cls": 1.0}, metrics={"cls": ["accuracy"]}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(COMPILES))
def test_fit_on_two_inputs_and_two_outputs_gives_keras_s_history(keras, case):
    xa, xb, reg, cls = data()
    theirs, ours = pair(keras, **COMPILES[case])
    kwargs = dict(epochs=3, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    expected = theirs.fit({"a": xa, "b": xb}, [reg, cls], **kwargs).history
    got = ours.fit({"a": xa, "b": xb}, [reg, cls], **kwargs).history
    assert_same_logs(got, expected)
    for name in ("hidden", "reg", "cls"):
        for w_ours, w_theirs in zip(ours.get_layer(name).get_weights(), theirs.get_layer(name).get_weights()):
            np.testing.assert_allclose(w_ours, w_theirs, rtol=1e-5, atol=1e-6)
    assert_same_logs(
        ours.evaluate([xa, xb], {"reg": reg, "cls": cls}, verbose=0, return_dict=True),
        theirs.evaluate([xa, xb], {"reg": reg, "cls": cls}, verbose=0, return_dict=True),
    )
    np.testing.assert_allclose(  # the list: loss, the outputs' losses, then the metrics by name, as Keras orders it
        ours.evaluate([xa, xb], [reg, cls], verbose=0), theirs.evaluate([xa, xb], [reg, cls], verbose=0), rtol=1e-5
    )
    predicted, expected_outputs = ours.predict([xa, xb]), theirs.predict([xa, xb], verbose=0)
    assert isinstance(predicted, list) and len(predicted) == 2
    for p, q in zip(predicted, expected_outputs):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)


def test_one_loss_for_every_output_and_dict_outputs_name_the_logs_by_key(keras):
    xa, xb, reg, cls = data()
    theirs, ours = two_by_two(keras, dict_outputs=True), two_by_two(nk, dict_outputs=True)
    for name in ("hidden", "reg", "cls"):
        ours.get_layer(name).set_weights(theirs.get_layer(name).get_weights())
    y = {"r": reg, "c": np.eye(3, dtype=np.float32)[cls]}
    for model in (theirs, ours):
        model.compile(optimizer="sgd", loss="mse")
    expected = theirs.fit([xa, xb], y, epochs=2, batch_size=12, shuffle=False, verbose=0).history
    got = ours.fit([xa, xb], y, epochs=2, batch_size=12, shuffle=False, verbose=0).history
    assert_same_logs(got, expected)
    assert sorted(got) == ["c_loss", "loss", "r_loss"]
    predicted = ours.predict([xa, xb])
    assert isinstance(predicted, dict) and sorted(predicted) == ["c", "r"] and predicted["c"].shape == (N, 3)


def test_sample_weights_per_output_and_validation_data_as_lists(keras):
    xa, xb, reg, cls = data()
    theirs, ours = pair(keras, **COMPILES["lists"])
    w = np.linspace(0.5, 1.5, N).astype(np.float32)
    val = ([xa[:10], xb[:10]], [reg[:10], cls[:10]])
    kwargs = dict(epochs=2, batch_size=16, shuffle=False, verbose=0, validation_data=val)
    expected = theirs.fit([xa, xb], [reg, cls], sample_weight=[w, w[::-1].copy()], **kwargs).history
    got = ours.fit([xa, xb], [reg, cls], sample_weight=[w, w[::-1].copy()], **kwargs).history
    for key in ("loss", "reg_loss", "cls_loss", "val_loss", "val_reg_loss", "val_cls_loss"):
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, err_msg=key)


def test_train_on_batch_and_a_generator_of_structured_batches():
    xa, xb, reg, cls = data()
    model = two_by_two(nk)
    model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"])
    logs = model.train_on_batch([xa, xb], [reg, cls], return_dict=True)
    assert sorted(logs) == ["cls_loss", "loss", "reg_loss"]
    assert logs["loss"] == pytest.approx(logs["reg_loss"] + logs["cls_loss"], rel=1e-6)

    def batches():
        for start in range(0, N, 16):
            sl = slice(start, start + 16)
            yield {"a": xa[sl], "b": xb[sl]}, {"reg": reg[sl], "cls": cls[sl]}

    history = model.fit(batches(), epochs=1, verbose=0)
    assert sorted(history.history) == ["cls_loss", "loss", "reg_loss"]


def test_mismatched_counts_names_and_lengths_are_one_line_errors():
    xa, xb, reg, cls = data()
    model = two_by_two(nk)
    model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"])
    cases = [
        (([xa], [reg, cls]), r"has 2 inputs \['a', 'b'\], but x is a list of 1: give a list of 2 arrays"),
        ((xa, [reg, cls]), r"has 2 inputs \['a', 'b'\], but x is one array"),
        (({"a": xa, "c": xb}, [reg, cls]), r"x is a dict with keys \['a', 'c'\], but model '.*' has the inputs"),
        (([xa, xb[:10]], [reg, cls]), r"the arrays of x hold different numbers of samples: \{'a': 48, 'b': 10\}"),
        (([xa, xb], [reg]), r"has 2 outputs \['reg', 'cls'\], but y is a list of 1"),
        (([xa, xb], [reg, cls[:20]]), r"the arrays of y hold different numbers of samples"),
        (([xa[:20], xb[:20]], [reg, cls]), r"x and y have different lengths: 20 samples vs 48 labels"),
    ]
    for (x, y), message in cases:
        with pytest.raises(ValueError, match=message) as raised:
            model.fit(x, y, verbose=0)
        assert "\n" not in str(raised.value)
    with pytest.raises(ValueError, match=r"loss is a list of 3, but model '.*' has 2 outputs"):
        model.compile(loss=["mse", "mse", "mse"])
    with pytest.raises(ValueError, match=r"loss_weights names \['out'\], but model '.*' has the outputs"):
        model.compile(loss="mse", loss_weights={"out": 1.0})
    with pytest.raises(ValueError, match="class_weight weighs the classes of a model with one output"):
        model.fit([xa, xb], [reg, cls], class_weight={0: 1.0}, verbose=0)


def test_a_model_built_on_lists_of_one_trains_and_predicts_as_one_input_and_output(keras):
    xa, _, reg, _ = data()
    models = []
    for k in (keras, nk):
        a = k.Input((3,), name="a")
        models.append(k.Model([a], [k.layers.Dense(1, name="out")(a)]))
    theirs, ours = models
    ours.get_layer("out").set_weights(theirs.get_layer("out").get_weights())
    for model in (theirs, ours):
        model.compile(optimizer="sgd", loss="mse")
    kwargs = dict(epochs=2, batch_size=16, shuffle=False, verbose=0, validation_data=([xa], [reg]))
    assert_same_logs(ours.fit({"a": xa}, [reg], **kwargs).history, theirs.fit({"a": xa}, [reg], **kwargs).history)
    predicted = ours.predict([xa])
    assert isinstance(predicted, np.ndarray) and isinstance(theirs.predict([xa], verbose=0), np.ndarray)
    np.testing.assert_allclose(predicted, theirs.predict([xa], verbose=0), rtol=1e-5, atol=1e-6)


def test_two_inputs_one_output_with_a_loss_weight_gives_keras_s_history(keras):
    xa, xb, _, cls = data()
    y = (cls > 0).astype(np.float32)
    models = []
    for k in (keras, nk):
        a, b = k.Input((3,), name="a"), k.Input((2,), name="b")
        out = k.layers.Dense(1, activation="sigmoid", name="out")(k.layers.Concatenate()([a, b]))
        models.append(k.Model([a, b], out))
    theirs, ours = models
    ours.get_layer("out").set_weights(theirs.get_layer("out").get_weights())
    for model in (theirs, ours):
        model.compile(optimizer="adam", loss="binary_crossentropy", loss_weights=2.0, metrics=["accuracy"])
    kwargs = dict(epochs=2, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    assert_same_logs(ours.fit([xa, xb], y, **kwargs).history, theirs.fit([xa, xb], y, **kwargs).history)


@pytest.mark.parametrize("wrap", [list, tuple])
def test_a_model_of_one_output_in_a_list_returns_the_tensor_as_keras(keras, wrap):
    # Géron ch. 17: Model(inputs=[z], outputs=[x]); variational_decoder(codings).numpy(). Keras 3's call unpacks
    # a single output (functional.unpack_singleton), its predict too
    x = np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32)
    results = []
    for k in (keras, nk):
        inputs = k.Input(shape=[4])
        model = k.Model(inputs=[inputs], outputs=wrap([k.layers.Dense(3)(inputs)]))
        results.append((model, model(x), model.predict(x, verbose=0)))
    (theirs, their_call, their_predict), (ours, our_call, our_predict) = results
    assert not isinstance(their_call, (list, tuple)) and not isinstance(our_call, (list, tuple))
    assert type(our_predict) is type(their_predict)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(np.asarray(ours(x)), keras.ops.convert_to_numpy(theirs(x)), rtol=1e-6)
    assert isinstance(ours.output, wrap)  # (the output as given stays as given, as Keras's)
