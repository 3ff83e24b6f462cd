"""The basic image-classification lab: a Flatten-Dense-Dense network on 28x28 images, trained on logits.

``Flatten(input_shape=(28, 28))``, ``SparseCategoricalCrossentropy(from_logits=True)`` with
``metrics=["accuracy"]``, ``history.history``/``epoch``/``params``, ``evaluate``, a probability model
``Sequential([model, Softmax()])``, ``np.argmax`` over the predictions, a single image given a batch axis
with ``np.expand_dims``, ``input_shape``/``output_shape`` and the summary after training. The images are
NumPy-drawn stand-ins of Fashion-MNIST's shapes (TensorFlow cannot download it here), the weights are
drawn with NumPy and the batches are not shuffled, so the two libraries print the same numbers.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/classification_lab.py
"""

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(1)
train_images = rng.integers(0, 256, size=(600, 28, 28)).astype("uint8")
train_labels = rng.integers(0, 10, size=(600,)).astype("uint8")
test_images = rng.integers(0, 256, size=(100, 28, 28)).astype("uint8")
test_labels = rng.integers(0, 10, size=(100,)).astype("uint8")
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
print(train_images.shape, len(train_labels), train_labels[:5])
train_images = train_images / 255.0
test_images = test_images / 255.0

model = tf.keras.Sequential(
    [
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10),
    ]
)
model.set_weights([rng.normal(scale=0.05, size=w.shape).astype("float32") for w in model.get_weights()])
model.compile(
    optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
)
history = model.fit(train_images, train_labels, epochs=2, shuffle=False, verbose=0)
print(sorted(history.history), history.epoch, history.params)
for k, v in history.history.items():
    print(k, [round(x, 4) for x in v])
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
print("Test accuracy:", round(test_acc, 4), type(test_acc).__name__)
probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(test_images, verbose=0)
print(predictions.shape, predictions.dtype, type(predictions).__name__)
print(np.round(predictions[0], 4))
print(np.argmax(predictions[0]), class_names[np.argmax(predictions[0])], test_labels[0])
img = test_images[1]
img = np.expand_dims(img, 0)
print(img.shape)
predictions_single = probability_model.predict(img, verbose=0)
print(np.round(predictions_single, 4), np.argmax(predictions_single[0]))
print(len(model.layers), [layer.name for layer in model.layers][:1], model.layers[1].units)
print(model.input_shape, model.output_shape)
print(probability_model.output_shape)
print(float(np.sum(predictions[0])).__round__(4))
logits = model(test_images[:2])
print(type(logits).__name__ in ("EagerTensor", "Tensor"), logits.shape)
print(np.round(tf.nn.softmax(logits).numpy(), 4))
model.summary()
