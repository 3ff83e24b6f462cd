"""The overfitting-and-underfitting lab: a tiny model, an L2-regularised one and a Dropout one.

``tf.data`` pipelines (``from_tensor_slices``, ``cache``, ``batch``, ``take``) fed to ``fit`` with
``steps_per_epoch`` and ``validation_data``; an ``InverseTimeDecay`` schedule in Adam;
``regularizers.l2``; a loss object given as a metric under the name ``"binary_crossentropy"``,
watched by ``EarlyStopping(monitor="val_binary_crossentropy")``; ``model.losses`` and ``tf.add_n``.
The data is NumPy-drawn, the weights too.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/overfit_underfit.py
"""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, regularizers

rng = np.random.default_rng(3)
FEATURES = 28
N_TRAIN, N_VALIDATION, BATCH_SIZE = 400, 100, 50
x = rng.normal(size=(N_TRAIN + N_VALIDATION, FEATURES)).astype("float32")
y = (x[:, :3].sum(axis=1) + 0.5 * rng.normal(size=len(x)) > 0).astype("float32")
train_ds = tf.data.Dataset.from_tensor_slices((x[:N_TRAIN], y[:N_TRAIN]))
validate_ds = tf.data.Dataset.from_tensor_slices((x[N_TRAIN:], y[N_TRAIN:]))
for features, label in train_ds.batch(4).take(1):
    print(features.shape, label.numpy())
train_ds = train_ds.cache().batch(BATCH_SIZE)
validate_ds = validate_ds.cache().batch(BATCH_SIZE)
STEPS_PER_EPOCH = N_TRAIN // BATCH_SIZE
lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
    0.001, decay_steps=STEPS_PER_EPOCH * 2, decay_rate=1, staircase=False
)
print([round(float(lr_schedule(s)), 6) for s in (0, 8, 16, 100)])


def get_optimizer():
    return tf.keras.optimizers.Adam(lr_schedule)


def get_callbacks(name):
    return [tf.keras.callbacks.EarlyStopping(monitor="val_binary_crossentropy", patience=2)]


def compile_and_fit(model, name, optimizer=None, max_epochs=6):
    if optimizer is None:
        optimizer = get_optimizer()
    model.compile(
        optimizer=optimizer,
        loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[tf.keras.losses.BinaryCrossentropy(from_logits=True, name="binary_crossentropy"), "accuracy"],
    )
    model.set_weights([rng.normal(scale=0.2, size=w.shape).astype("float32") for w in model.get_weights()])
    model.summary()
    history = model.fit(
        train_ds,
        steps_per_epoch=STEPS_PER_EPOCH,
        epochs=max_epochs,
        validation_data=validate_ds,
        callbacks=get_callbacks(name),
        verbose=0,
    )
    return history


size_histories = {}
tiny_model = tf.keras.Sequential([layers.Dense(16, activation="elu", input_shape=(FEATURES,)), layers.Dense(1)])
size_histories["Tiny"] = compile_and_fit(tiny_model, "sizes/Tiny")
l2_model = tf.keras.Sequential(
    [
        layers.Dense(64, activation="elu", kernel_regularizer=regularizers.l2(0.001), input_shape=(FEATURES,)),
        layers.Dense(64, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(1),
    ]
)
size_histories["l2"] = compile_and_fit(l2_model, "regularizers/l2")
result = l2_model(x[:3])
print(len(l2_model.losses), round(float(tf.add_n(l2_model.losses)), 5))
dropout_model = tf.keras.Sequential(
    [
        layers.Dense(64, activation="elu", input_shape=(FEATURES,)),
        layers.Dropout(0.5),
        layers.Dense(64, activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(1),
    ]
)
dropout_model.compile(
    optimizer=get_optimizer(), loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"]
)
print(dropout_model.evaluate(validate_ds, verbose=0) is not None)
for name, h in size_histories.items():
    print(name, sorted(h.history), len(h.epoch))
    for key in sorted(h.history):
        print(" ", key, [round(v, 4) for v in h.history[key]])
print(round(float(l2_model.optimizer.learning_rate), 8), int(l2_model.optimizer.iterations))
