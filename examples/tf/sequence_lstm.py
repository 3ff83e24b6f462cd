"""A recurrent network on a time series: predict the next value of a noisy sine wave from the last 20.

The sequence chapter of TensorFlow 2 courses: windows cut from a series with NumPy, a ``Sequential``
of ``LSTM(return_sequences=True)``, ``GRU`` and ``Dense`` trained with Adam on the mean squared error,
then ``evaluate`` and ``predict``. The initial weights are drawn with NumPy (the same on both libraries),
the batches are not shuffled, so the two libraries print the same numbers.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/sequence_lstm.py
"""

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
time = np.arange(1200, dtype="float32")
series = np.sin(time / 12.0) + 0.1 * rng.normal(size=time.shape).astype("float32")
window = 20
x = np.stack([series[i : i + window] for i in range(len(series) - window)])[..., None]
y = series[window:][:, None]
x_train, y_train, x_valid, y_valid = x[:960], y[:960], x[960:], y[960:]

model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(window, 1)),
        tf.keras.layers.LSTM(16, return_sequences=True),
        tf.keras.layers.GRU(8),
        tf.keras.layers.Dense(1),
    ]
)
model.set_weights([rng.normal(scale=0.3, size=w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
model.summary()
history = model.fit(
    x_train, y_train, epochs=3, batch_size=64, shuffle=False, validation_data=(x_valid, y_valid), verbose=0
)
for name in sorted(history.history):
    print(f"{name}: " + " ".join(f"{v:.5f}" for v in history.history[name]))
loss, mae = model.evaluate(x_valid, y_valid, verbose=0)
print(f"evaluate: loss={loss:.5f} mae={mae:.5f}")
print("predict: " + " ".join(f"{v:.4f}" for v in model.predict(x_valid[:3], verbose=0)[:, 0]))
