"""StringLookup, IntegerLookup, CategoryEncoding and TextVectorization against Keras 3 (whose layers run
on TensorFlow, installed with the test extra): the same vocabularies, ids and encodings."""

from __future__ import annotations

import numpy as np
import pytest

from nabla import layers, models

pytest.importorskip("tensorflow")

WORDS = np.array([["a", "c", "d"], ["d", "z", "b"], ["b", "b", "a"], ["é", "c", "z"]])
TEXTS = [
    "The cat sat!",
    "the Dog, sat on the mat.",
    "a cat\tand\na dog — Ünïcode’s test…",
    "It's 3.5 (or 4)% [brackets] {x} ~tilde~ back\\slash",
    "",
]


def vocabulary(layer) -> list:
    return [v.item() if isinstance(v, np.generic) else v for v in layer.get_vocabulary()]


def same_outputs(ours, theirs, data):
    got, want = ours(data), np.asarray(theirs(data))
    got = got.numpy() if hasattr(got, "numpy") else got
    assert got.shape == want.shape
    if want.dtype.kind in "OSU":
        assert [str(v) for v in got.reshape(-1)] == [v.decode() if isinstance(v, bytes) else str(v)
                                                      for v in want.reshape(-1)]  # fmt: skip
    else:
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count", "tf_idf"])
@pytest.mark.parametrize("options", [{}, {"max_tokens": 4}, {"mask_token": "[M]"}, {"oov_token": "?"}],
                         ids=["plain", "max_tokens", "mask", "oov"])  # fmt: skip
def test_string_lookup_adapts_and_encodes_as_keras(keras, mode, options):
    if mode == "one_hot" and "mask_token" in options:
        pytest.skip("Keras gives the mask token's row of a one-hot output as it pleases")
    ours, theirs = layers.StringLookup(output_mode=mode, **options), keras.layers.StringLookup(output_mode=mode,
                                                                                                **options)  # fmt: skip
    ours.adapt(WORDS)
    theirs.adapt(WORDS)
    assert vocabulary(ours) == vocabulary(theirs)
    assert ours.vocabulary_size() == theirs.vocabulary_size()
    queries = np.array([["a", "q", "z"], ["[M]", "b", "é"]])
    same_outputs(ours, theirs, queries)
    if mode in ("int", "one_hot"):
        same_outputs(ours, theirs, np.array(["b", "nope"]))


def test_string_lookup_with_a_vocabulary_invert_and_padding(keras):
    for kwargs in ({"vocabulary": ["x", "y", "w"]}, {"vocabulary": ["x", "y"], "invert": True},
                   {"vocabulary": ["x", "y"], "output_mode": "multi_hot", "max_tokens": 6, "pad_to_max_tokens": True},
                   {"vocabulary": ["x", "y"], "output_mode": "tf_idf", "idf_weights": [0.5, 2.0]},
                   {"vocabulary": ["x", "y"], "mask_token": ""}):  # fmt: skip
        ours, theirs = layers.StringLookup(**kwargs), keras.layers.StringLookup(**kwargs)
        assert vocabulary(ours) == vocabulary(theirs), kwargs
        data = np.array([0, 2, 1, 7]) if kwargs.get("invert") else np.array([["y", "x", "v", "y"]])
        same_outputs(ours, theirs, data)


def test_string_lookup_reads_bytes_lists_and_a_vocabulary_file(tmp_path):
    lookup = layers.StringLookup()
    lookup.adapt([b"b", b"a", b"b"])
    assert lookup.get_vocabulary() == ["[UNK]", "b", "a"]
    assert lookup([b"a", "b", "c"]).numpy().tolist() == [2, 1, 0]
    (tmp_path / "vocab.txt").write_text("[UNK]\nred\ngreen\n", encoding="utf-8")
    lookup = layers.StringLookup(vocabulary=str(tmp_path / "vocab.txt"))
    assert lookup.get_vocabulary() == ["[UNK]", "red", "green"]
    assert lookup(["green"]).dtype == np.int64


def test_lookup_refusals_are_one_clear_line():
    with pytest.raises(ValueError, match="num_oov_indices must be a non-negative integer"):
        layers.StringLookup(num_oov_indices=-1)
    with pytest.raises(ValueError, match="'q' is not in the vocabulary"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "q"])
    with pytest.raises(ValueError, match="more than once"):
        layers.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="needs idf_weights"):
        layers.StringLookup(vocabulary=["a"], output_mode="tf_idf")
    with pytest.raises(TypeError, match="takes strings"):
        layers.StringLookup(vocabulary=["a"])(np.array([1.5]))
    with pytest.raises(ValueError, match="invert=True"):
        layers.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="not whole numbers"):
        layers.IntegerLookup(vocabulary=[1])(np.array([1.5]))


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count", "tf_idf"])
def test_integer_lookup_as_keras(keras, mode):
    data = np.array([[12, 36, 1138], [42, 12, 7], [7, 7, 12]])
    for options in ({}, {"mask_token": 0}, {"max_tokens": 3}):
        if mode == "one_hot" and options:
            continue
        ours, theirs = layers.IntegerLookup(output_mode=mode, **options), keras.layers.IntegerLookup(
            output_mode=mode, **options)  # fmt: skip
        ours.adapt(data)
        theirs.adapt(data)
        assert vocabulary(ours) == vocabulary(theirs), options
        same_outputs(ours, theirs, np.array([[12, 5, 42], [0, 7, 1138]]))


def test_integer_lookup_invert_and_float_ids(keras):
    ours, theirs = (lib.IntegerLookup(vocabulary=[12, 36, 1138], invert=True) for lib in (layers, keras.layers))
    same_outputs(ours, theirs, np.array([0, 1, 3, 9]))
    forward = layers.IntegerLookup(vocabulary=[12, 36, 1138])
    assert forward(np.array([36.0, 12.0, 5.0], np.float32)).numpy().tolist() == [2, 1, 0]


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("shape", [(6,), (6, 1), (3, 2)])
def test_category_encoding_as_keras(keras, mode, shape):
    ids = np.random.default_rng(0).integers(0, 5, size=shape)
    ours, theirs = layers.CategoryEncoding(5, output_mode=mode), keras.layers.CategoryEncoding(5, output_mode=mode)
    same_outputs(ours, theirs, ids)
    assert ours(ids).dtype == np.float32
    if mode == "count":
        weights = np.random.default_rng(1).random(shape).astype(np.float32)
        np.testing.assert_allclose(ours(ids, count_weights=weights).numpy(),
                                   np.asarray(theirs(ids, count_weights=weights)), rtol=1e-6)  # fmt: skip


def test_category_encoding_refuses_ids_out_of_range():
    with pytest.raises(ValueError, match="0 <= values < num_tokens=3, got 3"):
        layers.CategoryEncoding(3)(np.array([[0, 3]]))


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"max_tokens": 8}, {"output_sequence_length": 4}, {"ngrams": 2}, {"ngrams": (1, 3)},
     {"output_mode": "multi_hot"}, {"output_mode": "count", "ngrams": 2}, {"output_mode": "tf_idf"},
     {"output_mode": "multi_hot", "max_tokens": 30, "pad_to_max_tokens": True},
     {"standardize": "lower"}, {"standardize": "strip_punctuation"}, {"standardize": None, "split": "character"},
     {"split": None}],  # fmt: skip
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "default",
)
def test_text_vectorization_as_keras(keras, kwargs):
    ours, theirs = layers.TextVectorization(**kwargs), keras.layers.TextVectorization(**kwargs)
    ours.adapt(TEXTS)
    theirs.adapt(TEXTS)
    assert vocabulary(ours) == vocabulary(theirs)
    same_outputs(ours, theirs, np.array(["the cat and THE dog sat", "unseen words only", "mat"]))
    same_outputs(ours, theirs, np.array([["a dog"], ["the the the"], [""]]))


def test_text_vectorization_given_vocabulary_single_text_and_bytes(keras):
    ours, theirs = (lib.TextVectorization(vocabulary=["x", "y"], output_sequence_length=5)
                    for lib in (layers, keras.layers))  # fmt: skip
    assert vocabulary(ours) == vocabulary(theirs)
    same_outputs(ours, theirs, "x y z x")
    assert ours([b"y x"]).numpy().tolist() == [[3, 2, 0, 0, 0]]


def test_text_vectorization_adapts_on_a_dataset_of_text_batches(tmp_path):
    """The TF text-classification tutorial: adapt on the texts of a text_dataset_from_directory, then fit on ids."""
    from nabla.keras.utils import text_dataset_from_directory

    for label, texts in (("neg", ["bad awful film", "awful plot"]), ("pos", ["great film", "great great fun"])):
        (tmp_path / label).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / label / f"{i}.txt").write_text(text)
    dataset = text_dataset_from_directory(tmp_path, batch_size=2, shuffle=False, verbose=False)
    vectorize = layers.TextVectorization(max_tokens=10, output_sequence_length=3)
    vectorize.adapt(dataset)
    assert vectorize.get_vocabulary()[:5] == ["", "[UNK]", "great", "film", "awful"]  # (ties: descending)
    texts = ["bad awful film", "awful plot", "great film", "great great fun"]
    model = models.Sequential([layers.Input((3,)), layers.Embedding(10, 4), layers.GlobalAveragePooling1D(),
                               layers.Dense(1, activation="sigmoid")])  # fmt: skip
    model.compile("adam", "binary_crossentropy")
    history = model.fit(vectorize(texts), np.array([0, 0, 1, 1]), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_lookup_layers_in_a_functional_model_and_in_a_model_file(tmp_path):
    """IntegerLookup + CategoryEncoding before a Dense layer run in fit; the model saves with its vocabulary."""
    lookup = layers.IntegerLookup(vocabulary=[3, 5, 8], output_mode="one_hot")
    inputs = layers.Input((1,))
    model = models.Model(inputs, layers.Dense(1)(lookup(inputs)))
    model.compile("sgd", "mse")
    x = np.array([[3], [5], [8], [9]])
    model.fit(x, np.ones(4), epochs=1, verbose=0)
    assert model.predict(x, verbose=0).shape == (4, 1)
    model.save(tmp_path / "model.keras")
    loaded = models.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_experimental_preprocessing_path_has_them():
    from nabla.keras.layers.experimental import preprocessing

    assert preprocessing.TextVectorization is layers.TextVectorization
    assert preprocessing.StringLookup is layers.StringLookup


def test_default_names_are_keras_names(keras):
    """TextVectorization's own StringLookup takes a default name in both libraries: the next ones agree."""
    keras.utils.clear_session()
    layers.clear_session()
    made = [("StringLookup", {}), ("IntegerLookup", {}), ("CategoryEncoding", {"num_tokens": 3}),
            ("TextVectorization", {}), ("StringLookup", {})]  # fmt: skip
    for name, args in made:
        ours = [getattr(layers, name)(**args).name for _ in range(2)]
        assert ours == [getattr(keras.layers, name)(**args).name for _ in range(2)], name


@pytest.mark.parametrize("mode", ["int", "count"])
@pytest.mark.parametrize("options", [{}, {"mask_token": ""}, {"salt": 7}, {"salt": [1, 2**40]}], ids=str)
def test_string_lookup_several_oov_ids_hash_as_keras(keras, mode, options):
    data = np.array([["a", "zz", "yy", "q", "b", "longer unknown token"], ["x", "y", "z", "w", "v", "u"]])
    args = {"vocabulary": ["a", "b"], "num_oov_indices": 3, "output_mode": mode, **options}
    ours, theirs = layers.StringLookup(**args), keras.layers.StringLookup(**args)
    same_outputs(ours, theirs, data)
    assert vocabulary(ours) == vocabulary(theirs)
    config = ours.get_config()
    assert {k: config[k] for k in ("num_oov_indices", "oov_method", "salt")} == {
        k: theirs.get_config()[k] for k in ("num_oov_indices", "oov_method", "salt")}


@pytest.mark.parametrize("options", [{}, {"oov_method": "farmhash"}, {"oov_method": "farmhash", "salt": 9},
                                     {"mask_token": 0}], ids=str)  # fmt: skip
def test_integer_lookup_several_oov_ids_as_keras(keras, options):
    data = np.array([[5, 7, 8, 9, -1, 6, 0, 123456789]])
    args = {"vocabulary": [5, 6], "num_oov_indices": 4, **options}
    same_outputs(layers.IntegerLookup(**args), keras.layers.IntegerLookup(**args), data)


def test_several_oov_ids_save_and_refusals(tmp_path):
    lookup = layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=2, salt=3)
    inputs = layers.Input((1,), dtype="string")
    model = models.Model(inputs, layers.Dense(1)(layers.CategoryEncoding(4)(lookup(inputs))))
    x = np.array([["a"], ["q"], ["r"], ["s"]])
    model.save(tmp_path / "model.keras")
    loaded = models.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="oov_method='farmhash'"):
        layers.IntegerLookup(num_oov_indices=2, salt=3)
    with pytest.raises(ValueError, match="oov_method"):
        layers.IntegerLookup(num_oov_indices=2, oov_method="md5")
