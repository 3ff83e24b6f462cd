"""tf.io's image decoders and encoders, read_file / write_file, against TensorFlow on the same bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from tf_parity import tensorflow

import nabla.tf as ntf

Image = pytest.importorskip("PIL.Image")
RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 256, (9, 13, 3), dtype=np.uint8)
GRAY = RNG.integers(0, 256, (9, 13), dtype=np.uint8)
RGBA = RNG.integers(0, 256, (9, 13, 4), dtype=np.uint8)
# NOTE: Pillow's libjpeg decodes with the accurate integer IDCT: TensorFlow's dct_method="INTEGER_ACCURATE" gives
# the same pixels; its default ("INTEGER_FAST") differs by ~1 on average, up to 18 at quality 95 (measured on
# 300x200 random images): the bound below for the default, with room for other libjpeg builds.
JPEG_FAST_MAX, JPEG_FAST_MEAN = 24, 3.0


def close_to_fast_idct(ours, theirs, scale=1.0):
    difference = np.abs(ours.astype(np.float64) - theirs.astype(np.float64)) / scale
    assert difference.max() <= JPEG_FAST_MAX and difference.mean() <= JPEG_FAST_MEAN, difference.max()


def saved(picture, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format, **options)
    return buffer.getvalue()


def png16() -> bytes:
    return saved(Image.fromarray(RNG.integers(0, 65536, (6, 5), dtype=np.uint16)), "PNG")


PNGS = {
    "rgb": saved(Image.fromarray(RGB), "PNG"),
    "gray": saved(Image.fromarray(GRAY), "PNG"),
    "rgba": saved(Image.fromarray(RGBA, "RGBA"), "PNG"),
    "gray_alpha": saved(Image.fromarray(np.stack([GRAY, GRAY[::-1]], -1), "LA"), "PNG"),
    "palette": saved(Image.fromarray(RGB).convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "PNG"),
    "palette_transparent": saved(
        Image.fromarray(RGB).convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "PNG", transparency=3
    ),
    "bilevel": saved(Image.fromarray(GRAY > 128), "PNG"),
    "gray16": png16(),
}
JPEGS = {
    "rgb": saved(Image.fromarray(RGB), "JPEG", quality=90),
    "gray": saved(Image.fromarray(GRAY), "JPEG"),
    "rgb444": saved(Image.fromarray(RGB), "JPEG", subsampling=0),
    "big": saved(Image.fromarray(np.kron(RGB, np.ones((5, 5, 1), np.uint8))), "JPEG"),
}


def both(fn):
    """``fn(tf)`` in nabla.tf and TensorFlow, as NumPy arrays of the same dtype and shape."""
    ours, theirs = fn(ntf).numpy(), fn(tensorflow()).numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, (ours.dtype, ours.shape, theirs.shape)
    return ours, theirs


@pytest.mark.parametrize("kind", list(PNGS))
@pytest.mark.parametrize("channels", [0, 1, 3, 4])
@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
def test_decode_png_is_exact(kind, channels, dtype):
    ours, theirs = both(lambda tf: tf.io.decode_png(PNGS[kind], channels=channels, dtype=getattr(tf, dtype)))
    np.testing.assert_array_equal(ours, theirs)


def test_color_to_gray_is_libpngs_on_many_pixels():
    every = RNG.integers(0, 256, (200, 300, 3), dtype=np.uint8)
    ours, theirs = both(lambda tf: tf.io.decode_png(saved(Image.fromarray(every), "PNG"), channels=1))
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("kind", list(JPEGS))
@pytest.mark.parametrize("channels", [0, 1, 3])
def test_decode_jpeg_is_tensorflows_accurate_idct(kind, channels):
    ours, theirs = both(lambda tf: tf.io.decode_jpeg(JPEGS[kind], channels=channels, dct_method="INTEGER_ACCURATE"))
    np.testing.assert_array_equal(ours, theirs)
    close_to_fast_idct(*both(lambda tf: tf.io.decode_jpeg(JPEGS[kind], channels=channels)))


@pytest.mark.parametrize("ratio", [2, 4, 8])
def test_decode_jpeg_ratio_scales_in_the_dct(ratio):
    ours, theirs = both(lambda tf: tf.io.decode_jpeg(JPEGS["big"], ratio=ratio, dct_method="INTEGER_ACCURATE"))
    np.testing.assert_array_equal(ours, theirs)


def animated_gif() -> bytes:
    frames = [Image.fromarray(np.roll(RGB, 3 * i, axis=1)).convert("P", palette=Image.Palette.ADAPTIVE, colors=32)
              for i in range(3)]  # fmt: skip
    return saved(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)


def test_decode_gif_gives_every_frame():
    ours, theirs = both(lambda tf: tf.io.decode_gif(animated_gif()))
    assert ours.shape[0] == 3
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("source", ["png", "gray16", "jpeg", "gif", "bmp", "gif_still"])
@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
def test_decode_image_dispatches_on_the_bytes(source, dtype):
    data = {"png": PNGS["rgba"], "gray16": PNGS["gray16"], "jpeg": JPEGS["rgb"], "gif": animated_gif(),
            "bmp": saved(Image.fromarray(RGB), "BMP"), "gif_still": animated_gif()}[source]  # fmt: skip
    animations = source != "gif_still"
    ours, theirs = both(lambda tf: tf.io.decode_image(data, dtype=getattr(tf, dtype), expand_animations=animations))
    if source == "jpeg":
        close_to_fast_idct(ours, theirs, 1 / 255 if dtype == "float32" else 256 if dtype == "uint16" else 1)
    else:  # (TensorFlow's float kernel rounds a few values one unit lower)
        np.testing.assert_allclose(ours, theirs, rtol=1.2e-7 if dtype == "float32" else 0, atol=0)


def test_decode_bmp_and_the_aliases_in_tf_image():
    bmp = saved(Image.fromarray(RGB), "BMP")
    np.testing.assert_array_equal(*both(lambda tf: tf.image.decode_bmp(bmp)))
    np.testing.assert_array_equal(*both(lambda tf: tf.image.decode_png(PNGS["rgb"], channels=1)))
    assert ntf.image.decode_jpeg is ntf.io.decode_jpeg and ntf.image.encode_png is ntf.io.encode_png


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
def test_encode_png_round_trips_through_tensorflow(channels, dtype):
    image = RNG.integers(0, np.iinfo(dtype).max + 1, (7, 5, channels), dtype=dtype)
    if dtype == "uint16" and channels != 1:  # (Pillow writes 16 bits in gray only: refused in one line)
        with pytest.raises(NotImplementedError, match="cast the image to uint8"):
            ntf.io.encode_png(image)
        return
    encoded = ntf.io.encode_png(image, compression=9)
    assert encoded.dtype == ntf.string and encoded.shape == ()
    back = tensorflow().io.decode_png(encoded.numpy(), dtype=getattr(tensorflow(), dtype)).numpy()
    np.testing.assert_array_equal(back, image)
    np.testing.assert_array_equal(ntf.io.decode_png(encoded, dtype=getattr(ntf, dtype)).numpy(), image)


@pytest.mark.parametrize("quality", [50, 95])
def test_encode_jpeg_is_close_to_tensorflows(quality):
    smooth = np.kron(RGB, np.ones((8, 8, 1), np.uint8))
    ours = tensorflow().io.decode_jpeg(ntf.io.encode_jpeg(smooth, quality=quality).numpy()).numpy()
    theirs = tensorflow().io.decode_jpeg(tensorflow().io.encode_jpeg(smooth, quality=quality)).numpy()
    assert np.abs(ours.astype(int) - theirs.astype(int)).mean() < 1.0  # (same libjpeg tables, other encoders)
    gray = ntf.io.encode_jpeg(GRAY[..., None], format="grayscale")
    assert ntf.io.decode_jpeg(gray).shape == (9, 13, 1)


def errors_of(fn) -> tuple[type, type]:
    kinds = []
    for tf in (ntf, tensorflow()):
        with pytest.raises(Exception) as caught:
            fn(tf)
        kinds.append(caught.value)
    return kinds


@pytest.mark.parametrize(
    "case", ["not_an_image", "truncated_png", "png_without_its_end", "truncated_jpeg", "channels_2", "png_as_bmp",
             "jpeg_4_channels"]
)
def test_bad_bytes_raise_invalid_argument(case):
    fn = {
        "not_an_image": lambda tf: tf.io.decode_image(b"this is text"),
        "truncated_png": lambda tf: tf.io.decode_png(PNGS["rgb"][:60]),
        "png_without_its_end": lambda tf: tf.io.decode_png(PNGS["rgb"][:-15]),  # (Pillow would decode the rows)
        "truncated_jpeg": lambda tf: tf.io.decode_jpeg(JPEGS["big"][: len(JPEGS["big"]) // 2]),
        "channels_2": lambda tf: tf.io.decode_png(PNGS["rgb"], channels=2),
        "png_as_bmp": lambda tf: tf.io.decode_bmp(PNGS["rgb"]),
        "jpeg_4_channels": lambda tf: tf.io.decode_jpeg(JPEGS["rgb"], channels=4),
    }[case]
    ours, theirs = errors_of(fn)
    assert type(theirs).__name__ == "InvalidArgumentError"
    assert isinstance(ours, ntf.errors.InvalidArgumentError) and "\n" not in str(ours)


def test_decompression_bombs_are_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 20)
    with pytest.raises(ntf.errors.InvalidArgumentError, match="decompression bomb"):
        ntf.io.decode_png(PNGS["rgb"])


def test_read_and_write_file(tmp_path):
    target = tmp_path / "new" / "folder" / "x.png"
    ntf.io.write_file(str(target), ntf.io.encode_png(RGB))
    contents = ntf.io.read_file(str(target))
    assert contents.dtype == ntf.string and contents.shape == ()
    assert contents.numpy() == tensorflow().io.read_file(str(target)).numpy()
    assert list(tmp_path.joinpath("new", "folder").iterdir()) == [target]  # (no temporary file left)
    ours, theirs = errors_of(lambda tf: tf.io.read_file(str(tmp_path / "missing.png")))
    assert type(theirs).__name__ == type(ours).__name__ == "NotFoundError"


def tutorial_pipeline(tf, folder):
    """TensorFlow's "load and preprocess images" tutorial: file names -> (image, label) batches."""
    class_names = np.array(["cats", "dogs"])

    def process_path(file_path):
        parts = tf.strings.split(file_path, "/")
        label = tf.argmax(parts[-2] == class_names)
        img = tf.io.decode_jpeg(tf.io.read_file(file_path), channels=3)
        return tf.image.resize(img, [6, 8]), label

    files = tf.data.Dataset.list_files(str(folder / "*" / "*.jpg"), shuffle=False)
    return files.map(process_path, num_parallel_calls=tf.data.AUTOTUNE).batch(2)


def test_the_tutorials_pipeline(tmp_path):
    for k, name in enumerate(["cats", "dogs", "cats"]):
        (tmp_path / name).mkdir(exist_ok=True)
        picture = Image.fromarray(np.roll(RGB, k, axis=0)).resize((13 + k, 9 + 2 * k))
        picture.save(tmp_path / name / f"{k}.jpg", quality=95)
    ours, theirs = tutorial_pipeline(ntf, tmp_path), tutorial_pipeline(tensorflow(), tmp_path)
    assert repr(ours.element_spec) == repr(theirs.element_spec)
    pairs = list(zip(ours.as_numpy_iterator(), theirs.as_numpy_iterator(), strict=True))
    assert len(pairs) == 2
    for (x, y), (x_tf, y_tf) in pairs:
        np.testing.assert_array_equal(y, y_tf)
        assert x.dtype == x_tf.dtype
        close_to_fast_idct(x, x_tf)


def test_element_spec_of_decoded_images_leaves_the_size_unknown():
    data = [PNGS["rgb"], PNGS["gray"]]
    for channels in (0, 3):
        specs = []
        for tf in (ntf, tensorflow()):
            decoded = tf.data.Dataset.from_tensor_slices(data).map(lambda s, tf=tf, c=channels: tf.io.decode_png(s, c))
            specs.append(repr(decoded.element_spec))
            assert [x.shape for x in decoded.as_numpy_iterator()] == [(9, 13, channels or 3), (9, 13, channels or 1)]
        assert specs[0] == specs[1]


def test_without_pillow_one_line_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="pip install pillow") as caught:
        ntf.io.decode_png(PNGS["rgb"])
    assert "\n" not in str(caught.value)


def test_encoders_refuse_empty_images_and_bad_compression_with_tensorflows_error_class():
    pixel = np.array([[[10, 20, 30]]], np.uint8)
    empty = np.zeros((0, 3, 3), np.uint8)
    for fn in (lambda tf: tf.io.encode_png(pixel, compression=10), lambda tf: tf.io.encode_png(pixel, compression=-2),
               lambda tf: tf.io.encode_png(empty), lambda tf: tf.io.encode_jpeg(empty)):  # fmt: skip
        for tf in (ntf, tensorflow()):
            with pytest.raises(tf.errors.OpError):
                fn(tf)
