"""Customizing what happens in ``fit()``: a ``train_step`` of your own, as TensorFlow 2 / Keras 3 courses write it.

Three models trained on the same small regression, from the same initial weights, without shuffling:

1. a subclassed ``keras.Model`` whose ``train_step`` records the forward pass on a ``tf.GradientTape``,
   asks ``compute_loss`` for the compiled loss, applies the gradients with the optimizer and updates
   ``self.metrics`` (the loss tracker and the compiled metrics);
2. a model that keeps its own metrics (a ``Mean`` loss tracker and a ``MeanAbsoluteError``), lists them
   in a ``metrics`` property, computes its loss by hand and is compiled with an optimizer only; its
   ``test_step`` serves ``evaluate``;
3. the Keras 2 form of the same step (``self.compiled_loss``, ``self.compiled_metrics``), still met in
   older material;
4. an autoencoder trained by ``fit(x)`` without targets: its step compares the data with its
   reconstruction, as variational autoencoders' do;
5. a model with no ``call`` of its own that holds two models, each with its optimizer, trained in turn by
   its ``train_step`` on a ``tf.data`` dataset of x alone, as the guide's GAN is.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/custom_train_step.py
"""

import warnings

import numpy as np
import tensorflow as tf

keras = tf.keras
warnings.simplefilter("ignore", DeprecationWarning)  # (3. uses the names Keras 3 deprecated)

rng = np.random.default_rng(0)
x = rng.normal(size=(96, 4)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * rng.normal(size=(96, 1))).astype("float32")
initial = [
    rng.normal(scale=0.3, size=(4, 8)).astype("float32"),
    np.zeros(8, "float32"),
    rng.normal(scale=0.3, size=(8, 1)).astype("float32"),
    np.zeros(1, "float32"),
]


class GuideModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class OwnMetricsModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = tf.reduce_mean(tf.square(y - y_pred))
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(tf.reduce_mean(tf.square(y - y_pred)))
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


class Keras2Model(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class Reconstructing(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="reconstruction_loss")

    def train_step(self, data):
        with tf.GradientTape() as tape:
            reconstruction = self(data, training=True)
            loss = tf.reduce_mean(tf.reduce_sum(tf.square(data - reconstruction), axis=1))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.loss_tracker.update_state(loss)
        return {"reconstruction_loss": self.loss_tracker.result()}

    @property
    def metrics(self):
        return [self.loss_tracker]


def build(cls):
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    model = cls(inputs, keras.layers.Dense(1)(hidden))
    model.set_weights(initial)
    return model


for cls in (GuideModel, OwnMetricsModel, Keras2Model):
    model = build(cls)
    if cls is OwnMetricsModel:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
    else:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, validation_data=(x[:32], y[:32]), verbose=0)
    print(cls.__name__)
    for name in sorted(history.history):
        print(f"  {name}: " + " ".join(f"{v:.5f}" for v in history.history[name]))
    result = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    print("  evaluate: " + " ".join(f"{k}={float(v):.5f}" for k, v in sorted(result.items())))

inputs = keras.Input(shape=(4,))
autoencoder = Reconstructing(inputs, keras.layers.Dense(4)(keras.layers.Dense(2, activation="tanh")(inputs)))
autoencoder.set_weights([initial[0][:, :2], initial[1][:2], initial[0][:2, 2:6], initial[1][:4]])
autoencoder.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05))
history = autoencoder.fit(x, batch_size=16, epochs=4, shuffle=False, verbose=0)
print("Reconstructing")
print("  reconstruction_loss: " + " ".join(f"{v:.5f}" for v in history.history["reconstruction_loss"]))


class TwoPlayers(keras.Model):
    """The guide's GAN without its random draws: the encoder and the decoder learn in turn."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        self.decoder_loss = keras.metrics.Mean(name="decoder_loss")
        self.encoder_loss = keras.metrics.Mean(name="encoder_loss")

    @property
    def metrics(self):
        return [self.decoder_loss, self.encoder_loss]

    def compile(self, encoder_optimizer, decoder_optimizer):
        super().compile()
        self.encoder_optimizer, self.decoder_optimizer = encoder_optimizer, decoder_optimizer

    def train_step(self, data):
        codes = self.encoder(data)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(data - self.decoder(codes)))
        grads = tape.gradient(loss, self.decoder.trainable_weights)
        self.decoder_optimizer.apply_gradients(zip(grads, self.decoder.trainable_weights))
        self.decoder_loss.update_state(loss)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(data - self.decoder(self.encoder(data))))
        grads = tape.gradient(loss, self.encoder.trainable_weights)
        self.encoder_optimizer.apply_gradients(zip(grads, self.encoder.trainable_weights))
        self.encoder_loss.update_state(loss)
        return {m.name: m.result() for m in self.metrics}


encoder = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2, activation="tanh")])
decoder = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(4)])
encoder.set_weights([initial[0][:, :2], initial[1][:2]])
decoder.set_weights([initial[0][:2, 2:6], initial[1][:4]])
players = TwoPlayers(encoder, decoder)
players.compile(keras.optimizers.SGD(learning_rate=0.05), keras.optimizers.Adam(learning_rate=0.01))
history = players.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=4, verbose=0)
print("TwoPlayers")
for name in sorted(history.history):
    print(f"  {name}: " + " ".join(f"{v:.5f}" for v in history.history[name]))
