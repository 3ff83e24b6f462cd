"""TensorFlow's generative tutorials on MNIST-sized images: "Intro to Autoencoders" (the basic autoencoder,
the denoising one and the anomaly detector's calls), "Convolutional Variational Autoencoder" (its loss and
``@tf.function`` training step) and "DCGAN" (generator, discriminator, their losses and two-tape step).

The models are the tutorials' (``class Autoencoder(Model)`` with Sequential encoder and decoder; Conv2D with
strides 2 and Conv2DTranspose; ``tf.split`` into mean and log-variance; Dense/BatchNormalization/LeakyReLU/
Reshape/Conv2DTranspose generator), including the denoising tutorial's ``tf.reshape(x, x.shape + (1,))`` that
hands 5-D images to an encoder of ``Input(shape=(28, 28, 1))`` (Keras squeezes the extra axis) and the summary
of a decoder built by its first call (its batch size shows). What is random in the tutorials is drawn with
NumPy here so both libraries compute the same numbers: the images, the weights, the noise, the CVAE's
``eps``; the DCGAN's discriminator runs with ``training=False`` (its Dropout would draw masks).

Runs on TensorFlow as written; on nabla with the import lines changed. Both print the same values, character
for character.

    python examples/tf/generative_models.py
"""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, losses
from tensorflow.keras.models import Model

rng = np.random.default_rng(7)
x_train = rng.integers(0, 256, size=(64, 28, 28)).astype("float32") / 255.0
x_test = rng.integers(0, 256, size=(16, 28, 28)).astype("float32") / 255.0


def set_weights(model):
    model.set_weights([rng.normal(scale=0.05, size=w.shape).astype("float32") for w in model.get_weights()])


# --- Intro to Autoencoders: the basic autoencoder ---
latent_dim = 64


class Autoencoder(Model):
    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = tf.keras.Sequential([layers.Flatten(), layers.Dense(latent_dim, activation="relu")])
        self.decoder = tf.keras.Sequential([layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28))])

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


autoencoder = Autoencoder(latent_dim)
autoencoder(x_test[:2])
set_weights(autoencoder)
autoencoder.compile(optimizer="adam", loss=losses.MeanSquaredError())
history = autoencoder.fit(x_train, x_train, epochs=2, shuffle=False, validation_data=(x_test, x_test), verbose=0)
for k in sorted(history.history):
    print(k, [round(v, 4) for v in history.history[k]])
encoded_imgs = autoencoder.encoder(x_test).numpy()
decoded_imgs = autoencoder.decoder(encoded_imgs).numpy()
print(type(encoded_imgs).__name__, encoded_imgs.shape, decoded_imgs.shape, decoded_imgs.dtype)
print(np.round(decoded_imgs[0, 10, :4], 4))

# --- the denoising autoencoder ---
x_train = x_train[..., tf.newaxis]
x_test = x_test[..., tf.newaxis]
print(x_train.shape)
noise_factor = 0.2
x_train_noisy = x_train + noise_factor * rng.normal(size=x_train.shape).astype("float32")
x_test_noisy = x_test + noise_factor * rng.normal(size=x_test.shape).astype("float32")
x_train_noisy = tf.clip_by_value(x_train_noisy, clip_value_min=0.0, clip_value_max=1.0)
x_test_noisy = tf.clip_by_value(x_test_noisy, clip_value_min=0.0, clip_value_max=1.0)
x_train_noisy = tf.reshape(x_train_noisy, shape=x_train_noisy.shape + (1,))
x_test_noisy = tf.reshape(x_test_noisy, shape=x_test_noisy.shape + (1,))
print(x_train_noisy.shape, x_train_noisy.dtype, float(tf.reduce_max(x_train_noisy)))


class Denoise(Model):
    def __init__(self):
        super().__init__()
        self.encoder = tf.keras.Sequential(
            [
                layers.Input(shape=(28, 28, 1)),
                layers.Conv2D(16, (3, 3), activation="relu", padding="same", strides=2),
                layers.Conv2D(8, (3, 3), activation="relu", padding="same", strides=2),
            ]
        )
        self.decoder = tf.keras.Sequential(
            [
                layers.Conv2DTranspose(8, kernel_size=3, strides=2, activation="relu", padding="same"),
                layers.Conv2DTranspose(16, kernel_size=3, strides=2, activation="relu", padding="same"),
                layers.Conv2D(1, kernel_size=(3, 3), activation="sigmoid", padding="same"),
            ]
        )

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


autoencoder = Denoise()
print(autoencoder(x_test_noisy[:4]).shape)
set_weights(autoencoder)
autoencoder.compile(optimizer="adam", loss=losses.MeanSquaredError())
history = autoencoder.fit(x_train_noisy, x_train, epochs=1, shuffle=False, validation_data=(x_test_noisy, x_test),
                          verbose=0)  # fmt: skip
print({k: round(v[-1], 4) for k, v in sorted(history.history.items())})
autoencoder.encoder.summary()
autoencoder.decoder.summary()
decoded_imgs = autoencoder.decoder(autoencoder.encoder(x_test).numpy()).numpy()
print(decoded_imgs.shape, tf.squeeze(decoded_imgs[0]).shape)

# --- the anomaly detector's calls, on made-up rhythms (label last, 1 normal) ---
t = np.linspace(0, 4 * np.pi, 140)
raw_data = np.concatenate(
    [
        np.c_[np.sin(t) + 0.1 * rng.normal(size=(30, 140)), np.ones(30)],
        np.c_[np.cos(2 * t) + 0.3 * rng.normal(size=(20, 140)), np.zeros(20)],
    ]
)
labels, data = raw_data[:, -1], raw_data[:, 0:-1]
min_val = tf.reduce_min(data)
max_val = tf.reduce_max(data)
data = (data - min_val) / (max_val - min_val)
print(min_val.dtype, data.dtype)
data = tf.cast(data, tf.float32)
labels = labels.astype(bool)
normal_data, anomalous_data = data[labels], data[~labels]
print(normal_data.shape, anomalous_data.shape, normal_data.dtype)
reconstructions = tf.clip_by_value(normal_data + 0.05, 0.0, 1.0)
train_loss = tf.keras.losses.mae(reconstructions, normal_data)
threshold = np.mean(train_loss) + np.std(train_loss)
print("Threshold: ", round(float(threshold), 4), type(threshold).__name__)
preds = tf.math.less(tf.keras.losses.mae(tf.reverse(data, [1]), data), threshold)
print(preds.dtype, preds.shape, int(tf.reduce_sum(tf.cast(preds, tf.int32))))


# --- Convolutional Variational Autoencoder: the loss and the training step ---
class CVAE(tf.keras.Model):
    """Convolutional variational autoencoder."""

    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = tf.keras.Sequential(
            [
                tf.keras.layers.InputLayer(input_shape=(28, 28, 1)),
                tf.keras.layers.Conv2D(filters=32, kernel_size=3, strides=(2, 2), activation="relu"),
                tf.keras.layers.Conv2D(filters=64, kernel_size=3, strides=(2, 2), activation="relu"),
                tf.keras.layers.Flatten(),
                tf.keras.layers.Dense(latent_dim + latent_dim),
            ]
        )
        self.decoder = tf.keras.Sequential(
            [
                tf.keras.layers.InputLayer(input_shape=(latent_dim,)),
                tf.keras.layers.Dense(units=7 * 7 * 32, activation=tf.nn.relu),
                tf.keras.layers.Reshape(target_shape=(7, 7, 32)),
                tf.keras.layers.Conv2DTranspose(filters=64, kernel_size=3, strides=2, padding="same",
                                                activation="relu"),  # fmt: skip
                tf.keras.layers.Conv2DTranspose(filters=32, kernel_size=3, strides=2, padding="same",
                                                activation="relu"),  # fmt: skip
                tf.keras.layers.Conv2DTranspose(filters=1, kernel_size=3, strides=1, padding="same"),
            ]
        )

    def encode(self, x):
        mean, logvar = tf.split(self.encoder(x), num_or_size_splits=2, axis=1)
        return mean, logvar

    def reparameterize(self, mean, logvar, eps):
        return eps * tf.exp(logvar * 0.5) + mean

    def decode(self, z, apply_sigmoid=False):
        logits = self.decoder(z)
        if apply_sigmoid:
            return tf.sigmoid(logits)
        return logits


def log_normal_pdf(sample, mean, logvar, raxis=1):
    log2pi = tf.math.log(2.0 * np.pi)
    return tf.reduce_sum(-0.5 * ((sample - mean) ** 2.0 * tf.exp(-logvar) + logvar + log2pi), axis=raxis)


def compute_loss(model, x, eps):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar, eps)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0.0, 0.0)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)


@tf.function
def train_step(model, x, eps, optimizer):
    with tf.GradientTape() as tape:
        loss = compute_loss(model, x, eps)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))


images = np.where(x_train > 0.5, 1.0, 0.0).astype("float32")
train_dataset = tf.data.Dataset.from_tensor_slices(images).batch(32)
model = CVAE(2)
set_weights(model)
optimizer = tf.keras.optimizers.Adam(1e-4)
eps = rng.normal(size=(32, 2)).astype("float32")
mean, logvar = model.encode(images[:32])
print(mean.shape, logvar.dtype, np.round(log_normal_pdf(mean, 0.0, 0.0)[:3].numpy(), 4))
for epoch in range(1, 3):
    for train_x in train_dataset:
        train_step(model, train_x, eps, optimizer)
    loss = tf.keras.metrics.Mean()
    for test_x in train_dataset:
        loss(compute_loss(model, test_x, eps))
    elbo = -loss.result()
    print(f"Epoch: {epoch}, Test set ELBO: {float(elbo):.3f}", elbo.dtype)
print(int(optimizer.iterations.numpy()), model.decode(eps[:16], apply_sigmoid=True).shape)


# --- DCGAN: generator, discriminator, losses and the two-tape step ---
def make_generator_model():
    model = tf.keras.Sequential()
    model.add(layers.Dense(7 * 7 * 256, use_bias=False, input_shape=(100,)))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Reshape((7, 7, 256)))
    assert model.output_shape == (None, 7, 7, 256)
    model.add(layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same", use_bias=False, activation="tanh"))
    assert model.output_shape == (None, 28, 28, 1)
    return model


def make_discriminator_model():
    model = tf.keras.Sequential()
    model.add(layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same", input_shape=[28, 28, 1]))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))
    model.add(layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same"))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))
    model.add(layers.Flatten())
    model.add(layers.Dense(1))
    return model


generator, discriminator = make_generator_model(), make_discriminator_model()
for net in (generator, discriminator):
    net.set_weights([rng.normal(scale=0.02, size=w.shape).astype("float32") if w.ndim > 1 else w
                     for w in net.get_weights()])  # fmt: skip
cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    return real_loss + fake_loss


def generator_loss(fake_output):
    return cross_entropy(tf.ones_like(fake_output), fake_output)


generator_optimizer = tf.keras.optimizers.Adam(1e-4)
discriminator_optimizer = tf.keras.optimizers.Adam(1e-4)
checkpoint = tf.train.Checkpoint(generator_optimizer=generator_optimizer,
                                 discriminator_optimizer=discriminator_optimizer,
                                 generator=generator, discriminator=discriminator)  # fmt: skip
real_images = (x_train[:16] - 0.5) / 0.5
noise = tf.constant(rng.normal(size=(16, 100)).astype("float32"))  # (the tutorial's tf.random.normal)


@tf.function
def gan_step(images, noise):
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated_images = generator(noise, training=True)
        real_output = discriminator(images, training=False)
        fake_output = discriminator(generated_images, training=False)
        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)
    gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
    gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
    generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
    return gen_loss, disc_loss


for step in range(3):
    gen_loss, disc_loss = gan_step(real_images, noise)
    print("step", step, round(float(gen_loss), 4), round(float(disc_loss), 4))
predictions = generator(noise[:4], training=False)
pixels = predictions[0, :, :, 0] * 127.5 + 127.5
print(predictions.shape, pixels.dtype, pixels.shape, round(float(tf.reduce_mean(pixels)), 2))
print(len(generator.trainable_variables), len(generator.non_trainable_variables))
