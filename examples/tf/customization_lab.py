"""The customization tutorials and the autoencoder's anomaly detection, on what they print.

"Customization basics": ``tf.math`` on Python numbers and lists, ``tf.linalg.matmul``, NumPy arrays into
TensorFlow operations and tensors into NumPy's (``np.add(tensor, 1)`` is a NumPy array, ``array * tensor``
a tensor), ``tf.config.list_physical_devices``. "Custom layers": a layer with ``add_weight``, and the
``ResnetIdentityBlock`` model (``super().__init__(name='')``, ``x += input_tensor`` in ``call``) whose
outputs are tf.Tensors. "Intro to autoencoders": an encoder/decoder model's reconstruction error
``tf.keras.losses.mae``, a threshold from ``np.mean``/``np.std`` of it, ``tf.math.less``, boolean masks.
Weights are set with NumPy so that the two libraries print the same numbers.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/customization_lab.py
"""

import numpy as np
import tensorflow as tf

print(tf.math.add(1, 2))
print(tf.math.add([1, 2], [3, 4]))
print(tf.math.square(5))
print(tf.math.reduce_sum([1, 2, 3]))
print(tf.math.square(2) + tf.math.square(3))
x = tf.linalg.matmul([[1]], [[2, 3]])
print(x, x.shape, x.dtype)
ndarray = np.ones([3, 3])
tensor = tf.math.multiply(ndarray, 42)
print(tensor)
print(np.add(tensor, 1), type(np.add(tensor, 1)).__name__)
print(type(np.ones(3) * tf.ones(3)).__name__ == type(tensor).__name__, np.multiply(tensor, 2).dtype)
print(tensor.numpy())
print(tf.config.list_physical_devices("CPU")[0].device_type)


class MyDenseLayer(tf.keras.layers.Layer):
    def __init__(self, num_outputs):
        super().__init__()
        self.num_outputs = num_outputs

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), self.num_outputs])

    def call(self, inputs):
        return tf.matmul(inputs, self.kernel)


layer = MyDenseLayer(10)
_ = layer(tf.zeros([10, 5]))
print([var.name for var in layer.trainable_variables], layer.kernel.shape)


class ResnetIdentityBlock(tf.keras.Model):
    def __init__(self, kernel_size, filters):
        super().__init__(name="")
        filters1, filters2, filters3 = filters
        self.conv2a = tf.keras.layers.Conv2D(filters1, (1, 1))
        self.bn2a = tf.keras.layers.BatchNormalization()
        self.conv2b = tf.keras.layers.Conv2D(filters2, kernel_size, padding="same")
        self.bn2b = tf.keras.layers.BatchNormalization()
        self.conv2c = tf.keras.layers.Conv2D(filters3, (1, 1))
        self.bn2c = tf.keras.layers.BatchNormalization()

    def call(self, input_tensor, training=False):
        x = self.conv2a(input_tensor)
        x = self.bn2a(x, training=training)
        x = tf.nn.relu(x)
        x = self.conv2b(x)
        x = self.bn2b(x, training=training)
        x = tf.nn.relu(x)
        x = self.conv2c(x)
        x = self.bn2c(x, training=training)
        x += input_tensor
        return tf.nn.relu(x)


rng = np.random.default_rng(3)
block = ResnetIdentityBlock(1, [1, 2, 3])
_ = block(tf.zeros([1, 2, 3, 3]))
block.set_weights([rng.uniform(0.2, 1.2, size=w.shape).astype("float32") for w in block.get_weights()])
images = tf.constant(rng.normal(size=(2, 2, 3, 3)).astype("float32"))
out = block(images)
print(repr(block.name), len(block.layers), len(block.variables), len(block.trainable_variables))
print(type(out).__name__ == type(images).__name__, out.shape)
print(out)
print(block(images, training=True))

layers = tf.keras.layers
encoder = tf.keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(4, activation="relu")])
decoder = tf.keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(20, activation="sigmoid")])


class AnomalyDetector(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def call(self, x):
        return self.decoder(self.encoder(x))


data = tf.cast(rng.uniform(size=(12, 20)), tf.float32)
labels = np.arange(12) % 3 != 0
autoencoder = AnomalyDetector()
_ = autoencoder(data)
autoencoder.set_weights([rng.normal(size=w.shape).astype("float32") for w in autoencoder.get_weights()])
normal_data, anomalous_data = data[labels], data[~labels]
print(normal_data.shape, anomalous_data.shape)
encoded = autoencoder.encoder(normal_data).numpy()
print(type(encoded).__name__, encoded.shape)
reconstructions = autoencoder.predict(normal_data, verbose=0)
train_loss = tf.keras.losses.mae(reconstructions, normal_data)
print(train_loss)
threshold = np.mean(train_loss) + np.std(train_loss)
print(type(threshold).__name__, round(float(threshold), 5))


def predict(model, data, threshold):
    reconstructions = model(data)
    loss = tf.keras.losses.mae(reconstructions, data)
    return tf.math.less(loss, threshold)


preds = predict(autoencoder, data, threshold)
print(preds)
print(f"Accuracy = {np.mean(preds.numpy() == labels)}")
