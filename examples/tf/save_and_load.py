"""The save-and-load lab: checkpoints of weights during training, whole models in files, JSON configs.

``ModelCheckpoint(save_weights_only=True, verbose=1)`` to ``.weights.h5`` paths, by epoch and with
``save_freq`` in batches and a ``{epoch:04d}`` name; ``load_weights`` into a fresh model; the latest
checkpoint of a folder; ``save_weights``; ``model.save("...keras")`` and ``.h5``, ``load_model`` (the
reloaded model evaluates its metrics); ``to_json``/``model_from_json``. The files go to a temporary
folder; the data and the weights are NumPy-drawn.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/save_and_load.py
"""

import os
import tempfile

import numpy as np
import tensorflow as tf

os.chdir(tempfile.mkdtemp())
rng = np.random.default_rng(4)
train_images = rng.random((200, 784), dtype="float32")
train_labels = rng.integers(0, 10, 200)
test_images = rng.random((50, 784), dtype="float32")
test_labels = rng.integers(0, 10, 50)
initial = None


def create_model():
    global initial
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(32, activation="relu", input_shape=(784,)),
            tf.keras.layers.Dropout(0.0),
            tf.keras.layers.Dense(10),
        ]
    )
    if initial is None:
        initial = [rng.normal(scale=0.05, size=w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(initial)
    model.compile(
        optimizer="adam",
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[tf.keras.metrics.SparseCategoricalAccuracy()],
    )
    return model


model = create_model()
model.summary()
checkpoint_path = "training_1/cp.weights.h5"
checkpoint_dir = os.path.dirname(checkpoint_path)
cp_callback = tf.keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, save_weights_only=True, verbose=1)
model.fit(
    train_images,
    train_labels,
    epochs=2,
    validation_data=(test_images, test_labels),
    callbacks=[cp_callback],
    shuffle=False,
    verbose=0,
)
print(sorted(os.listdir(checkpoint_dir)))
model = create_model()
loss, acc = model.evaluate(test_images, test_labels, verbose=0)
print(f"Untrained model, accuracy: {100 * acc:5.2f}%")
model.load_weights(checkpoint_path)
loss, acc = model.evaluate(test_images, test_labels, verbose=0)
print(f"Restored model, accuracy: {100 * acc:5.2f}%", round(loss, 4))

checkpoint_path = "training_2/cp-{epoch:04d}.weights.h5"
checkpoint_dir = os.path.dirname(checkpoint_path)
os.makedirs(checkpoint_dir, exist_ok=True)
batch_size = 32
n_batches = len(train_images) / batch_size
n_batches = np.ceil(n_batches)
cp_callback = tf.keras.callbacks.ModelCheckpoint(
    filepath=checkpoint_path, verbose=1, save_weights_only=True, save_freq=int(2 * n_batches)
)
model = create_model()
model.save_weights(checkpoint_path.format(epoch=0))
model.fit(
    train_images,
    train_labels,
    epochs=6,
    batch_size=batch_size,
    callbacks=[cp_callback],
    validation_data=(test_images, test_labels),
    verbose=0,
    shuffle=False,
)
print(sorted(os.listdir(checkpoint_dir)))
latest = sorted(f for f in os.listdir(checkpoint_dir) if f.endswith(".weights.h5"))[-1]
print(latest)
model = create_model()
model.load_weights(os.path.join(checkpoint_dir, latest))
loss, acc = model.evaluate(test_images, test_labels, verbose=0)
print(f"Restored model, accuracy: {100 * acc:5.2f}%", round(loss, 4))

os.makedirs("checkpoints", exist_ok=True)
model.save_weights("./checkpoints/my_checkpoint.weights.h5")
model = create_model()
model.load_weights("./checkpoints/my_checkpoint.weights.h5")
loss, acc = model.evaluate(test_images, test_labels, verbose=0)
print(f"Restored model, accuracy: {100 * acc:5.2f}%", round(loss, 4))

model = create_model()
model.fit(train_images, train_labels, epochs=3, verbose=0, shuffle=False)
os.makedirs("saved_model", exist_ok=True)
model.save("saved_model/my_model.keras")
new_model = tf.keras.models.load_model("saved_model/my_model.keras")
new_model.summary()
loss, acc = new_model.evaluate(test_images, test_labels, verbose=0)
print(f"Restored model, accuracy: {100 * acc:5.2f}%")
print(new_model.predict(test_images, verbose=0).shape)
print(np.allclose(new_model.predict(test_images, verbose=0), model.predict(test_images, verbose=0)))
print(type(new_model.optimizer).__name__)
model.save("my_model.h5")
h5_model = tf.keras.models.load_model("my_model.h5")
print(np.allclose(h5_model.predict(test_images, verbose=0), model.predict(test_images, verbose=0)))
json_config = model.to_json()
fresh = tf.keras.models.model_from_json(json_config)
print(len(fresh.get_weights()), fresh.layers[0].get_config()["units"])
