"""A linear classifier in pure TensorFlow: two clouds of points, a GradientTape loop, 40 steps.

Two classes of 1,000 2-D points each, drawn from Gaussians with one covariance and different means; a
model ``prediction = W . input + b`` trained on the squared error with plain gradient descent. The
"engine of neural networks" chapter of introductory textbooks builds exactly this before any layer API.
It prints the loss every 10 steps and the accuracy at the end.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed.

    python examples/tf/linear_classifier.py
"""

import numpy as np
import tensorflow as tf

num_samples_per_class = 1000
rng = np.random.default_rng(0)
negative_samples = rng.multivariate_normal(mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class)
positive_samples = rng.multivariate_normal(mean=[3, 0], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class)
inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)
targets = np.vstack(
    (np.zeros((num_samples_per_class, 1), dtype="float32"), np.ones((num_samples_per_class, 1), dtype="float32"))
)

input_dim, output_dim = 2, 1
W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim), seed=1))
b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))


def model(inputs):
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)


learning_rate = 0.1


def training_step(inputs, targets):
    with tf.GradientTape() as tape:
        predictions = model(inputs)
        loss = square_loss(targets, predictions)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss


for step in range(40):
    loss = training_step(inputs, targets)
    if step % 10 == 9:
        print(f"Loss at step {step + 1}: {loss:.4f}")

predictions = model(inputs)
accuracy = np.mean((predictions.numpy() > 0.5) == (targets > 0.5))
print(f"accuracy: {accuracy:.3f}")
