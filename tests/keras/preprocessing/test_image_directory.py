"""``ImageDataGenerator.flow_from_directory`` against Keras 2's (``tf_keras``) on a folder of PNGs it writes."""

from __future__ import annotations

import os

import numpy as np
import pytest
from tf_keras_reference import tf_keras_preprocessing

from nabla.keras.preprocessing.image import DirectoryIterator, ImageDataGenerator

SIZES = {"cats": [(12, 10), (9, 14), (16, 16), (10, 11)], "dogs": [(12, 12), (8, 20), (15, 9)],
         "horses": [(10, 10), (11, 13)]}  # fmt: skip


@pytest.fixture(scope="module")
def kimage():
    return tf_keras_preprocessing()[0]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Three classes of RGB PNGs of several sizes (one in a nested folder), and a text file to skip."""
    from conftest import require

    require("PIL")
    from PIL import Image

    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    for name, sizes in SIZES.items():
        for i, (h, w) in enumerate(sizes):
            where = root / name / ("nested" if i == 1 else "")
            where.mkdir(parents=True, exist_ok=True)
            pixels = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            Image.fromarray(pixels, "RGB").save(where / f"{name}_{i}.png")
    (root / "cats" / "notes.txt").write_text("not an image")
    return str(root)


def both(kimage, folder, generator_kw=None, **kw):
    ours = ImageDataGenerator(**(generator_kw or {})).flow_from_directory(folder, **kw)
    theirs = kimage.ImageDataGenerator(**(generator_kw or {})).flow_from_directory(folder, **kw)
    return ours, theirs


def assert_same_batches(ours, theirs):
    assert len(ours) == len(theirs)
    for i in range(len(ours)):
        a, b = ours[i], theirs[i]
        if isinstance(b, tuple):
            assert len(a) == len(b)
            for u, v in zip(a, b):
                assert u.shape == v.shape and u.dtype == v.dtype
                np.testing.assert_allclose(u, v, atol=1e-5)
        else:
            np.testing.assert_allclose(a, b, atol=1e-5)


def test_indexing_matches_keras2(kimage, folder, capsys):
    ours, theirs = both(kimage, folder, target_size=(8, 8), shuffle=False)
    assert "Found 9 images belonging to 3 classes." in capsys.readouterr().out
    assert isinstance(ours, DirectoryIterator)
    assert ours.class_indices == theirs.class_indices == {"cats": 0, "dogs": 1, "horses": 2}
    assert ours.filenames == theirs.filenames
    assert ours.filepaths == theirs.filepaths
    np.testing.assert_array_equal(ours.classes, theirs.classes)
    assert ours.classes.dtype == np.int32 and ours.samples == 9 and ours.num_classes == 3 and len(ours) == 1
    assert ours.image_shape == theirs.image_shape == (8, 8, 3)


@pytest.mark.parametrize("class_mode", ["categorical", "binary", "sparse", "input", None])
def test_class_modes_match_keras2(kimage, folder, class_mode):
    ours, theirs = both(kimage, folder, {"rescale": 1 / 255}, target_size=(6, 7), class_mode=class_mode,
                        batch_size=4, shuffle=False)  # fmt: skip
    assert_same_batches(ours, theirs)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("color_mode", ["rgb", "grayscale", "rgba"])
def test_resizing_and_color_modes_match_keras2(kimage, folder, interpolation, color_mode):
    ours, theirs = both(kimage, folder, target_size=(11, 9), interpolation=interpolation, color_mode=color_mode,
                        batch_size=5, shuffle=False)  # fmt: skip
    assert ours[0][0].shape == (5, 11, 9, {"rgb": 3, "grayscale": 1, "rgba": 4}[color_mode])
    assert_same_batches(ours, theirs)


def test_classes_subsets_and_seeded_augmentation_match_keras2(kimage, folder):
    kw = {"validation_split": 0.4, "rotation_range": 30, "zoom_range": 0.2, "horizontal_flip": True}
    for subset in ("training", "validation"):
        ours, theirs = both(kimage, folder, kw, target_size=(10, 10), classes=["dogs", "cats"], subset=subset,
                            batch_size=2, seed=5)  # fmt: skip
        assert ours.class_indices == {"dogs": 0, "cats": 1}
        assert ours.filenames == theirs.filenames
        np.testing.assert_array_equal(ours.classes, theirs.classes)
        assert_same_batches(ours, theirs)


def test_next_cycles_through_the_files(folder):
    it = ImageDataGenerator().flow_from_directory(folder, target_size=(4, 4), batch_size=4, shuffle=False,
                                                  class_mode="sparse")  # fmt: skip
    sizes = [len(next(it)[1]) for _ in range(4)]
    assert sizes == [4, 4, 1, 4]
    it.reset()
    np.testing.assert_array_equal(it.next()[1], it.classes[:4])


def test_save_to_dir_writes_the_augmented_images(folder, tmp_path):
    it = ImageDataGenerator(horizontal_flip=True).flow_from_directory(
        folder, target_size=(5, 5), batch_size=3, save_to_dir=str(tmp_path), save_prefix="aug", seed=1
    )
    it[0]
    assert len([n for n in os.listdir(tmp_path) if n.startswith("aug_") and n.endswith(".png")]) == 3


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"directory": "no/such/folder"}, "does not exist"),
        ({"class_mode": "one_hot"}, "class_mode"),
        ({"color_mode": "bgr"}, "color_mode"),
        ({"subset": "test"}, "subset"),
        ({"classes": ["cats", "wolves"]}, "wolves"),
    ],
)
def test_bad_input_is_a_one_line_error(folder, kw, match):
    kw = {"directory": folder, **kw}
    with pytest.raises(ValueError, match=match) as info:
        ImageDataGenerator().flow_from_directory(**kw)
    assert "\n" not in str(info.value)
