"""Regression lab in the Keras idiom: the "hello world" line fit, then a small network on random data.

Written as introductory TensorFlow/Keras courses write it; the only nabla line is the import
(``import keras`` -> ``import nabla.keras as keras``). Part 1 learns ``y = 2x - 1`` from six points with
one neuron (``Dense(units=1, input_shape=[1])``, a 1-D ``xs`` as TF's Keras took it) and predicts x = 10.
Part 2 draws 1,000 random points, ``y = 3 x0 - 2 x1 + 0.5 x2 + noise``, and fits a 16-16-1 network with
``validation_split``, then evaluates it on fresh points and compares with the noise level. Measured
(seed 0): x = 10 gives 18.98, and the network's test MSE is 0.0124 against the noise variance 0.0100.

    python examples/keras/regression_lab.py
    NABLA_QUICK=1 python examples/keras/regression_lab.py   # or --quick: fewer points and epochs, for tests
"""

import os
import sys

import numpy as np

import nabla.keras as keras
from nabla.keras import layers

QUICK = os.environ.get("NABLA_QUICK") == "1" or "--quick" in sys.argv
keras.utils.set_random_seed(0)

# --- part 1: one neuron learns a line ------------------------------------------------------------------
xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], dtype=float)

model = keras.models.Sequential([layers.Dense(units=1, input_shape=[1])])
model.compile(optimizer="sgd", loss="mean_squared_error")
model.fit(xs, ys, epochs=500, verbose=0)
print(f"Line: prediction for x = 10: {model.predict([10.0], verbose=0)[0, 0]:.4f} (exact: 19)")
weights, bias = model.get_weights()
print(f"Line: learned w = {weights[0, 0]:.4f}, b = {bias[0]:.4f}")

# --- part 2: a small network on random data ---------------------------------------------------------------
n = 400 if QUICK else 1000
noise = 0.1
x = np.random.uniform(-1.0, 1.0, size=(n, 3)).astype("float32")
y = (3 * x[:, 0] - 2 * x[:, 1] + 0.5 * x[:, 2] + noise * np.random.randn(n)).astype("float32")

net = keras.models.Sequential(
    [
        layers.Dense(16, activation="relu", input_shape=(3,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1),
    ]
)
net.compile(optimizer="adam", loss="mse", metrics=["mae"])
net.summary()
history = net.fit(x, y, epochs=40 if QUICK else 100, batch_size=32, validation_split=0.1, verbose=0)
print(f"Network: first epoch loss {history.history['loss'][0]:.4f}, last {history.history['loss'][-1]:.4f}")

x_new = np.random.uniform(-1.0, 1.0, size=(200, 3)).astype("float32")
y_new = 3 * x_new[:, 0] - 2 * x_new[:, 1] + 0.5 * x_new[:, 2] + noise * np.random.randn(200)
mse, mae = net.evaluate(x_new, y_new, verbose=0)
print(f"Network: test MSE {mse:.4f} (noise variance {noise**2:.4f}), test MAE {mae:.4f}")
