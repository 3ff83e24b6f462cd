"""MNIST lab in the Keras idiom: a dense network, then a convnet, on one-hot labels from ``to_categorical``.

Written as introductory TensorFlow/Keras courses write it; the only nabla line is the import
(``import keras`` -> ``import nabla.keras as keras``). It loads MNIST with
``keras.datasets.mnist.load_data()`` (from nabla's data folder, ``$NABLA_DATA_DIR``), scales the pixels,
one-hot encodes the labels, trains a Flatten-128-10 network and a small convnet
(Conv2D 32 3x3 -> MaxPooling2D -> Conv2D 64 3x3 -> MaxPooling2D -> Flatten -> Dropout -> Dense 10), prints
their summaries and test accuracies, and draws the convnet to ``mnist_convnet.png`` with ``plot_model``
(needs Graphviz).

    python examples/keras/mnist_lab.py            # all 60,000 images (dense: 97.1% validation accuracy at epoch 3)
    NABLA_QUICK=1 python examples/keras/mnist_lab.py   # or --quick: 2,000 images, 2-3 epochs, for tests
"""

import os
import sys

import numpy as np

import nabla.keras as keras
from nabla.keras import layers

QUICK = os.environ.get("NABLA_QUICK") == "1" or "--quick" in sys.argv
keras.utils.set_random_seed(42)

# --- the data: uint8 images (N, 28, 28) and labels 0-9 ---------------------------------------------
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
if QUICK:
    x_train, y_train, x_test, y_test = x_train[:2000], y_train[:2000], x_test[:500], y_test[:500]
print("x_train:", x_train.shape, x_train.dtype, " y_train:", y_train.shape, y_train.dtype)

x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
num_classes = 10
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)
print("one-hot labels:", y_train.shape, "first:", y_train[0])

# --- a dense network ---------------------------------------------------------------------------------
dense = keras.models.Sequential(
    [
        layers.Flatten(input_shape=(28, 28)),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
dense.summary()
dense.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
dense.fit(x_train, y_train, batch_size=128, epochs=3 if QUICK else 10, validation_split=0.1, verbose=2)
loss, accuracy = dense.evaluate(x_test, y_test, verbose=0)
print(f"Dense test loss: {loss:.4f}")
print(f"Dense test accuracy: {accuracy:.4f}")

# --- a convnet: images get a channel axis, (N, 28, 28, 1) ----------------------------------------------
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)
convnet = keras.models.Sequential(
    [
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
convnet.summary()
keras.utils.plot_model(convnet, to_file="mnist_convnet.png", show_shapes=True)
convnet.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
history = convnet.fit(x_train, y_train, batch_size=128, epochs=2 if QUICK else 5, validation_split=0.1, verbose=2)
score = convnet.evaluate(x_test, y_test, verbose=0)
print(f"Convnet test loss: {score[0]:.4f}")
print(f"Convnet test accuracy: {score[1]:.4f}")

predictions = convnet.predict(x_test[:5])
print("predicted:", np.argmax(predictions, axis=1), " true:", np.argmax(y_test[:5], axis=1))
