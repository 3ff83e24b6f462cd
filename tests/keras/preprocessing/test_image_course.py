"""The course's pattern, run as written after the one import rule: a CNN trained on
``ImageDataGenerator().flow_from_directory(...)`` with a validation generator ("horses or humans",
"cats vs dogs"), then ``evaluate`` and ``predict`` on generators, and Keras 2's ``fit_generator``."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.tf as tf
from nabla.tf.keras.preprocessing.image import ImageDataGenerator


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """train/ and validation/, each with horses/ (bright) and humans/ (dark) 24 x 24 PNGs."""
    from conftest import require

    require("PIL")
    from PIL import Image

    root = tmp_path_factory.mktemp("horse-or-human")
    rng = np.random.default_rng(0)
    for part, count in (("train", 12), ("validation", 4)):
        for name, low in (("horses", 128), ("humans", 0)):
            (root / part / name).mkdir(parents=True)
            for i in range(count):
                pixels = rng.integers(low, low + 128, (24 + i % 3, 24, 3), dtype=np.uint8)
                Image.fromarray(pixels, "RGB").save(root / part / name / f"{name}{i:02d}.png")
    return root


def test_cnn_trains_on_flow_from_directory(folders):
    tf.keras.utils.set_random_seed(0)
    train_datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=40, width_shift_range=0.2,
                                       height_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
                                       horizontal_flip=True, fill_mode="nearest")  # fmt: skip
    validation_datagen = ImageDataGenerator(rescale=1 / 255)
    train_generator = train_datagen.flow_from_directory(str(folders / "train"), target_size=(16, 16), batch_size=8,
                                                        class_mode="binary")  # fmt: skip
    validation_generator = validation_datagen.flow_from_directory(str(folders / "validation"), target_size=(16, 16),
                                                                  batch_size=4, class_mode="binary")  # fmt: skip
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv2D(4, (3, 3), activation="relu", input_shape=(16, 16, 3)),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(8, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])  # fmt: skip
    model.compile(loss="binary_crossentropy", optimizer=tf.keras.optimizers.RMSprop(learning_rate=0.001),
                  metrics=["accuracy"])  # fmt: skip
    history = model.fit(train_generator, steps_per_epoch=3, epochs=1, validation_data=validation_generator,
                        validation_steps=2, verbose=0)  # fmt: skip
    assert np.isfinite(history.history["loss"][0]) and np.isfinite(history.history["val_loss"][0])
    loss, accuracy = model.evaluate(validation_generator, verbose=0)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    test_generator = validation_datagen.flow_from_directory(str(folders / "validation"), target_size=(16, 16),
                                                            batch_size=3, class_mode=None, shuffle=False)  # fmt: skip
    predictions = np.asarray(model.predict(test_generator, verbose=0))
    assert predictions.shape == (8, 1) and np.all((predictions >= 0) & (predictions <= 1))
    history = model.fit_generator(train_generator, steps_per_epoch=2, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_categorical_cnn_on_flow_of_arrays():
    """Sign-language MNIST's pattern: arrays through ``datagen.flow(x, y)``, one-hot labels."""
    tf.keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 255, (40, 12, 12, 1)).astype("float32"), rng.integers(0, 3, 40)
    y_onehot = tf.keras.utils.to_categorical(y, 3)
    datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=10, zoom_range=0.1)
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(4, 3, activation="relu", input_shape=(12, 12, 1)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(3, activation="softmax"),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(datagen.flow(x, y_onehot, batch_size=16), epochs=2, verbose=0,
                        validation_data=ImageDataGenerator(rescale=1 / 255).flow(x[:8], y_onehot[:8]))  # fmt: skip
    assert len(history.history["loss"]) == 2 and np.all(np.isfinite(history.history["val_loss"]))
