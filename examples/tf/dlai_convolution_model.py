"""The Deep Learning Specialization's "Convolution model application" lab (course 4, week 1) on stand-in data.

The happy-face model as ``tf.keras.Sequential([ZeroPadding2D(padding=3, input_shape=(64, 64, 3)),
Conv2D(32, 7), BatchNormalization(axis=3), ReLU(), MaxPool2D(), Flatten(), Dense(1, "sigmoid")])`` and the
SIGNS model built with the functional API (``Conv2D(..., padding='same')``, ``MaxPool2D(pool_size=(8, 8),
strides=(8, 8), padding='same')``, ``Dense(6, activation='softmax')``), each checked by the lab's grader
(``test_utils.summary``: class names, output shapes, parameter counts, paddings, activation and
initializer names; ``layer.output.shape`` as updated for Keras 3), summarised, fitted (the second on
``tf.data`` batches with validation data) and its ``history.history`` made a pandas DataFrame and plotted.
NumPy-drawn images and labels of the HDF5 files' shapes stand in for the datasets, and NumPy-drawn
kernels for the random ones; fit does not shuffle; ``clear_session`` first stands for the notebook's fresh
kernel (the default names in the summaries).

Runs on TensorFlow as written; on nabla with the import lines changed (tests/tf/material.py).

    python examples/tf/dlai_convolution_model.py
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf
import tensorflow.keras.layers as tfl
from tensorflow.keras.layers import Conv2D, Dense, Dropout, MaxPooling2D, ZeroPadding2D
from tensorflow.python.framework import ops  # noqa: F401 - the lab imports it

tf.keras.backend.clear_session()  # (the notebook's fresh kernel: layer and model names start again)
np.random.seed(1)


def summary(model):  # the lab's test_utils.summary, as updated for Keras 3 (layer.output.shape)
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    result = []
    for layer in model.layers:
        descriptors = [layer.__class__.__name__, layer.output.shape, layer.count_params()]
        if (type(layer) == Conv2D):  # noqa: E721 - the grader compares classes so
            descriptors.append(layer.padding)
            descriptors.append(layer.activation.__name__)
            descriptors.append(layer.kernel_initializer.__class__.__name__)
        if (type(layer) == MaxPooling2D):  # noqa: E721 - the grader compares classes so
            descriptors.append(layer.pool_size)
            descriptors.append(layer.strides)
            descriptors.append(layer.padding)
        if (type(layer) == Dropout):  # noqa: E721 - the grader compares classes so
            descriptors.append(layer.rate)
        if (type(layer) == ZeroPadding2D):  # noqa: E721 - the grader compares classes so
            descriptors.append(layer.padding)
        if (type(layer) == Dense):  # noqa: E721 - the grader compares classes so
            descriptors.append(layer.activation.__name__)
        result.append(descriptors)
    return result


def comparator(learner, instructor):
    for a, b in zip(learner, instructor):
        if tuple(a) != tuple(b):
            print("Test failed. Your output:", a, "Expected:", b)
            return
    print("All tests passed!")


def set_numpy_weights(model, seed):  # (in place of the random initial kernels; biases and statistics as made)
    rng = np.random.default_rng(seed)
    model.set_weights([(rng.standard_normal(w.shape) * 0.05 / np.sqrt(np.prod(w.shape[:-1]))).astype("float32")
                       if w.ndim > 1 else w for w in model.get_weights()])


rng = np.random.default_rng(0)
X_train_orig = rng.integers(0, 256, size=(48, 64, 64, 3)).astype("uint8")
Y_train_orig = rng.integers(0, 2, size=(1, 48)).astype("int64")
X_test_orig = rng.integers(0, 256, size=(16, 64, 64, 3)).astype("uint8")
Y_test_orig = rng.integers(0, 2, size=(1, 16)).astype("int64")
X_train = X_train_orig / 255.
X_test = X_test_orig / 255.
Y_train = Y_train_orig.T
Y_test = Y_test_orig.T
print("number of training examples = " + str(X_train.shape[0]))
print("number of test examples = " + str(X_test.shape[0]))
print("X_train shape: " + str(X_train.shape))
print("Y_train shape: " + str(Y_train.shape))


def happyModel():
    model = tf.keras.Sequential([
        tfl.ZeroPadding2D(padding=3, input_shape=(64, 64, 3)),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation='sigmoid')
    ])
    return model


happy_model = happyModel()
for layer in summary(happy_model):
    print(layer)
output = [['ZeroPadding2D', (None, 70, 70, 3), 0, ((3, 3), (3, 3))],
          ['Conv2D', (None, 64, 64, 32), 4736, 'valid', 'linear', 'GlorotUniform'],
          ['BatchNormalization', (None, 64, 64, 32), 128],
          ['ReLU', (None, 64, 64, 32), 0],
          ['MaxPooling2D', (None, 32, 32, 32), 0, (2, 2), (2, 2), 'valid'],
          ['Flatten', (None, 32768), 0],
          ['Dense', (None, 1), 32769, 'sigmoid']]
comparator(summary(happy_model), output)
set_numpy_weights(happy_model, 1)
happy_model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
happy_model.summary()
history = happy_model.fit(X_train, Y_train, epochs=3, batch_size=16, shuffle=False, verbose=0)
print(np.round(history.history["loss"], 4), np.round(history.history["accuracy"], 4))
print(np.round(happy_model.evaluate(X_test, Y_test, verbose=0), 4))

X_train_orig = rng.integers(0, 256, size=(64, 64, 64, 3)).astype("uint8")
Y_train_orig = rng.integers(0, 6, size=(1, 64)).astype("int64")
X_test_orig = rng.integers(0, 256, size=(16, 64, 64, 3)).astype("uint8")
Y_test_orig = rng.integers(0, 6, size=(1, 16)).astype("int64")


def convert_to_one_hot(Y, C):
    Y = np.eye(C)[Y.reshape(-1)].T
    return Y


X_train = X_train_orig / 255.
X_test = X_test_orig / 255.
Y_train = convert_to_one_hot(Y_train_orig, 6).T
Y_test = convert_to_one_hot(Y_test_orig, 6).T
print("Y_train shape: " + str(Y_train.shape))


def convolutional_model(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(filters=8, kernel_size=(4, 4), strides=(1, 1), padding='same')(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=(8, 8), strides=(8, 8), padding='same')(A1)
    Z2 = tfl.Conv2D(filters=16, kernel_size=(2, 2), strides=(1, 1), padding='same')(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=(4, 4), strides=(4, 4), padding='same')(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(units=6, activation='softmax')(F)
    model = tf.keras.Model(inputs=input_img, outputs=outputs)
    return model


conv_model = convolutional_model((64, 64, 3))
conv_model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
conv_model.summary()
output = [['InputLayer', (None, 64, 64, 3), 0],
          ['Conv2D', (None, 64, 64, 8), 392, 'same', 'linear', 'GlorotUniform'],
          ['ReLU', (None, 64, 64, 8), 0],
          ['MaxPooling2D', (None, 8, 8, 8), 0, (8, 8), (8, 8), 'same'],
          ['Conv2D', (None, 8, 8, 16), 528, 'same', 'linear', 'GlorotUniform'],
          ['ReLU', (None, 8, 8, 16), 0],
          ['MaxPooling2D', (None, 2, 2, 16), 0, (4, 4), (4, 4), 'same'],
          ['Flatten', (None, 64), 0],
          ['Dense', (None, 6), 390, 'softmax']]
for layer in summary(conv_model):
    print(layer)
comparator(summary(conv_model), output)
set_numpy_weights(conv_model, 2)
conv_model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
train_dataset = tf.data.Dataset.from_tensor_slices((X_train, Y_train)).batch(64)
test_dataset = tf.data.Dataset.from_tensor_slices((X_test, Y_test)).batch(64)
history = conv_model.fit(train_dataset, epochs=4, validation_data=test_dataset, verbose=0)
print(sorted(history.history))
df_loss_acc = pd.DataFrame(history.history)
df_loss = df_loss_acc[['loss', 'val_loss']]
df_loss.rename(columns={'loss': 'train', 'val_loss': 'validation'}, inplace=True)
df_acc = df_loss_acc[['accuracy', 'val_accuracy']]
df_acc.rename(columns={'accuracy': 'train', 'val_accuracy': 'validation'}, inplace=True)
df_loss.plot(title='Model_loss', figsize=(12, 8)).set(xlabel='Epoch', ylabel='Loss')
df_acc.plot(title='Model Accuracy', figsize=(12, 8)).set(xlabel='Epoch', ylabel='Accuracy')
plt.close("all")
print(df_loss.round(4))
print(df_acc.round(4))
print(np.round(conv_model.predict(X_test[:2], verbose=0), 4))
