"""TensorFlow 2's "quickstart for experts": a subclassed convnet trained with a GradientTape loop over
``tf.data`` pipelines, on images shaped like MNIST.

The code is the tutorial's, except for where the images come from: instead of downloading MNIST
(``tf.keras.datasets.mnist.load_data()``), it draws arrays of MNIST's shapes and dtypes (uint8 images
28x28, uint8 labels) in which the label is where a bright square sits, so that the network has something
to learn in a few seconds. The input pipelines are the tutorial's:
``Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32)``, iterated once per epoch.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/quickstart_for_experts.py
"""

import numpy as np
import tensorflow as tf

print("TensorFlow version:", tf.__version__[:1])

from tensorflow.keras import Model  # noqa: E402  (the tutorial imports after printing the version)
from tensorflow.keras.layers import Conv2D, Dense, Flatten  # noqa: E402

tf.random.set_seed(0)  # (not in the tutorial: a run of fixed weights and order, which the tests compare)


def load_data(train=320, test=64, seed=0):
    """Arrays as mnist.load_data() returns them (uint8 (n, 28, 28) images, uint8 labels): noise, and a bright
    5x5 square at one of 10 places, the label."""
    rng = np.random.default_rng(seed)

    def draw(n):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = rng.integers(0, 80, (n, 28, 28)).astype(np.uint8)
        for i, label in enumerate(labels):
            row, col = 3 + 12 * (label // 5), 1 + 5 * (label % 5)
            images[i, row : row + 5, col : col + 5] = 255
        return images, labels

    return draw(train), draw(test)


(x_train, y_train), (x_test, y_test) = load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

# Add a channels dimension
x_train = x_train[..., tf.newaxis].astype("float32")
x_test = x_test[..., tf.newaxis].astype("float32")

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32)

test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)


class MyModel(Model):
    def __init__(self):
        super().__init__()
        self.conv1 = Conv2D(32, 3, activation="relu")
        self.flatten = Flatten()
        self.d1 = Dense(128, activation="relu")
        self.d2 = Dense(10)

    def call(self, x):
        x = self.conv1(x)
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)


# Create an instance of the model
model = MyModel()

loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

optimizer = tf.keras.optimizers.Adam()

train_loss = tf.keras.metrics.Mean(name="train_loss")
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")

test_loss = tf.keras.metrics.Mean(name="test_loss")
test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")


@tf.function
def train_step(images, labels):
    with tf.GradientTape() as tape:
        # training=True is only needed if there are layers with different
        # behavior during training versus inference (e.g. Dropout).
        predictions = model(images, training=True)
        loss = loss_object(labels, predictions)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))

    train_loss(loss)
    train_accuracy(labels, predictions)


@tf.function
def test_step(images, labels):
    # training=False is only needed if there are layers with different
    # behavior during training versus inference (e.g. Dropout).
    predictions = model(images, training=False)
    t_loss = loss_object(labels, predictions)

    test_loss(t_loss)
    test_accuracy(labels, predictions)


EPOCHS = 2

for epoch in range(EPOCHS):
    # Reset the metrics at the start of the next epoch
    train_loss.reset_state()
    train_accuracy.reset_state()
    test_loss.reset_state()
    test_accuracy.reset_state()

    for images, labels in train_ds:
        train_step(images, labels)

    for test_images, test_labels in test_ds:
        test_step(test_images, test_labels)

    print(
        f"Epoch {epoch + 1}, "
        f"Loss: {train_loss.result():0.2f}, "
        f"Accuracy: {train_accuracy.result() * 100:0.2f}, "
        f"Test Loss: {test_loss.result():0.2f}, "
        f"Test Accuracy: {test_accuracy.result() * 100:0.2f}"
    )
