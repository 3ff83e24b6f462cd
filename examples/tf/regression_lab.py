"""The basic regression lab: fuel efficiency from a pandas DataFrame, with a Normalization layer.

A DataFrame one-hot encoded with ``pd.get_dummies``, split with ``sample``/``drop``, labels ``pop``-ped;
``Normalization(axis=-1)`` adapted to ``np.array(train_features)``, ``normalizer.mean.numpy()``; a
one-feature model ``Normalization(input_shape=[1,], axis=None)``; DataFrames and Series fed straight
to ``fit``, ``predict`` and ``evaluate(verbose=0)``; ``pd.DataFrame(history.history)``;
``predict(...).flatten()``; a deeper model compiled before its Dense layers are built (they are
built by a first call, so that NumPy-drawn weights reach them); ``save``/``load_model``. The data is
NumPy-drawn in the shape of the Auto MPG table.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/regression_lab.py
"""

import os
import tempfile

import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(2)
n = 300
raw = pd.DataFrame(
    {
        "MPG": rng.uniform(10, 45, n),
        "Cylinders": rng.choice([4, 6, 8], n),
        "Displacement": rng.uniform(70, 450, n),
        "Horsepower": rng.uniform(45, 230, n),
        "Weight": rng.uniform(1600, 5100, n),
        "Acceleration": rng.uniform(8, 25, n),
        "Model Year": rng.integers(70, 83, n),
        "Origin": rng.choice([1, 2, 3], n),
    }
)
dataset = raw.copy()
dataset["Origin"] = dataset["Origin"].map({1: "USA", 2: "Europe", 3: "Japan"})
dataset = pd.get_dummies(dataset, columns=["Origin"], prefix="", prefix_sep="", dtype=float)
train_dataset = dataset.sample(frac=0.8, random_state=0)
test_dataset = dataset.drop(train_dataset.index)
train_features = train_dataset.copy()
test_features = test_dataset.copy()
train_labels = train_features.pop("MPG")
test_labels = test_features.pop("MPG")
print(train_dataset.describe().transpose()[["mean", "std"]].round(3).head(3))

normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(np.array(train_features))
print(np.round(normalizer.mean.numpy(), 3))
first = np.array(train_features[:1])
with np.printoptions(precision=2, suppress=True):
    print("First example:", first)
    print("Normalized:", normalizer(first).numpy())

horsepower = np.array(train_features["Horsepower"])
horsepower_normalizer = layers.Normalization(
    input_shape=[
        1,
    ],
    axis=None,
)
horsepower_normalizer.adapt(horsepower)
horsepower_model = tf.keras.Sequential([horsepower_normalizer, layers.Dense(units=1)])
horsepower_model.set_weights(
    [w if i < 3 else np.full(w.shape, 0.1, "float32") for i, w in enumerate(horsepower_model.get_weights())]
)
print(np.round(horsepower_model.predict(horsepower[:10], verbose=0), 4).flatten())
horsepower_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
history = horsepower_model.fit(
    train_features["Horsepower"], train_labels, epochs=5, verbose=0, validation_split=0.2, shuffle=False
)
hist = pd.DataFrame(history.history)
hist["epoch"] = history.epoch
print(hist.tail().round(3))
test_results = {}
test_results["horsepower_model"] = horsepower_model.evaluate(test_features["Horsepower"], test_labels, verbose=0)
x = tf.linspace(0.0, 250, 251)
y = horsepower_model.predict(x, verbose=0)
print(x.shape, y.shape, round(float(y[0, 0]), 3))

linear_model = tf.keras.Sequential([normalizer, layers.Dense(units=1)])
linear_model(np.array(train_features[:1]))
linear_model.set_weights(
    [w if i < 3 else np.full(w.shape, 0.1, "float32") for i, w in enumerate(linear_model.get_weights())]
)
print(np.round(linear_model.predict(train_features[:10], verbose=0), 4))
print(linear_model.layers[1].kernel.shape)
linear_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
history = linear_model.fit(train_features, train_labels, epochs=5, verbose=0, validation_split=0.2, shuffle=False)
test_results["linear_model"] = linear_model.evaluate(test_features, test_labels, verbose=0)


def build_and_compile_model(norm):
    model = keras.Sequential(
        [norm, layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)]
    )
    model.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.001))
    return model


dnn_model = build_and_compile_model(normalizer)
dnn_model(np.array(train_features[:1]))  # (builds the Dense layers, so set_weights reaches them)
dnn_model.set_weights(
    [
        w if i < 3 else rng.normal(scale=0.1, size=w.shape).astype("float32")
        for i, w in enumerate(dnn_model.get_weights())
    ]
)
history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0, epochs=5, shuffle=False)
test_results["dnn_model"] = dnn_model.evaluate(test_features, test_labels, verbose=0)
print(pd.DataFrame(test_results, index=["Mean absolute error [MPG]"]).T.round(3))
test_predictions = dnn_model.predict(test_features, verbose=0).flatten()
print(test_predictions.shape, np.round(test_predictions[:5], 3))
error = test_predictions - test_labels
print(type(error).__name__, round(float(error.mean()), 3))
os.chdir(tempfile.mkdtemp())
dnn_model.save("dnn_model.keras")
reloaded = tf.keras.models.load_model("dnn_model.keras")
test_results["reloaded"] = reloaded.evaluate(test_features, test_labels, verbose=0)
print(round(test_results["reloaded"], 3) == round(test_results["dnn_model"], 3))
