"""The convolutional-network lab on CIFAR-shaped images, then a model with augmentation and BatchNormalization.

``Sequential`` built with ``add``: ``Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3))``,
``MaxPooling2D``, the summary before and after the classifier's head; labels of shape (n, 1); then
``RandomFlip``/``RandomRotation``/``RandomZoom`` in a Sequential of their own, ``Rescaling``,
``BatchNormalization``, ``GlobalAveragePooling2D`` and a long-named layer's row in the summary. The
images are NumPy-drawn stand-ins (TensorFlow cannot download CIFAR-10 here).

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/convnet_lab.py
"""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, models

rng = np.random.default_rng(6)
train_images = rng.integers(0, 256, size=(96, 32, 32, 3)).astype("uint8")
train_labels = rng.integers(0, 10, size=(96, 1)).astype("uint8")
test_images = rng.integers(0, 256, size=(32, 32, 32, 3)).astype("uint8")
test_labels = rng.integers(0, 10, size=(32, 1)).astype("uint8")
train_images, test_images = train_images / 255.0, test_images / 255.0
print(train_images.dtype, train_labels.shape)

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.summary()
model.add(layers.Flatten())
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(10))
model.summary()
model.set_weights([rng.normal(scale=0.05, size=w.shape).astype("float32") for w in model.get_weights()])
model.compile(
    optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
)
history = model.fit(
    train_images, train_labels, epochs=2, shuffle=False, validation_data=(test_images, test_labels), verbose=0
)
for k in sorted(history.history):
    print(k, [round(v, 4) for v in history.history[k]])
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
print(round(test_loss, 4), round(test_acc, 4))

data_augmentation = tf.keras.Sequential(
    [
        layers.RandomFlip("horizontal", input_shape=(32, 32, 3)),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.1),
    ]
)
augmented = data_augmentation(train_images[:4], training=True)
print(augmented.shape)
print(np.allclose(data_augmentation(train_images[:4], training=False), train_images[:4]))
model2 = tf.keras.Sequential(
    [
        data_augmentation,
        layers.Rescaling(1.0 / 255),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Dropout(0.2),
        layers.GlobalAveragePooling2D(),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, name="outputs"),
    ]
)
model2.compile(
    optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
)
model2.summary()
print(len(model2.trainable_variables))
h = model2.fit(train_images * 255, train_labels, epochs=1, batch_size=32, verbose=0)
print(sorted(h.history))
bn = model2.layers[3]
print(type(bn).__name__, len(bn.weights), bn.moving_mean.shape)
img = np.zeros((32, 32, 3), "float32")
img_array = tf.expand_dims(img, 0)
predictions = model2.predict(img_array, verbose=0)
score = tf.nn.softmax(predictions[0])
print(predictions.shape, score.shape, int(np.argmax(score)) in range(10), round(float(100 * np.max(score)), 2) <= 100)
