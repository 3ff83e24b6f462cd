"""A linear regression trained with a GradientTape loop, on data drawn with tf.random.

The "basic training loop" of TensorFlow 2 courses: 1,000 points on the line y = 3x + 2 with Gaussian
noise; a model with two Variables, W and b, in a ``tf.Module``; the mean squared error; the gradients
from a ``GradientTape``; gradient descent with ``assign_sub``. It prints the loss and the weights every
epoch and ends near W = 3, b = 2.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed (the random
data differ between the two libraries' generators, the fit does not).

    python examples/tf/regression_gradient_tape.py
"""

import tensorflow as tf

tf.random.set_seed(0)
TRUE_W, TRUE_B, NUM_EXAMPLES = 3.0, 2.0, 1000

x = tf.random.normal(shape=[NUM_EXAMPLES])
noise = tf.random.normal(shape=[NUM_EXAMPLES])
y = x * TRUE_W + TRUE_B + noise


class MyModel(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b


def loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))


def train(model, x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss(y, model(x))
    dw, db = t.gradient(current_loss, [model.w, model.b])
    model.w.assign_sub(learning_rate * dw)
    model.b.assign_sub(learning_rate * db)


model = MyModel()
print("Variables:", [v.numpy() for v in model.variables])
print(f"Starting: W = {model.w.numpy():1.2f}, b = {model.b.numpy():1.2f}, loss = {loss(y, model(x)):2.5f}")

for epoch in range(10):
    train(model, x, y, learning_rate=0.1)
    current_loss = loss(y, model(x))
    print(f"Epoch {epoch:2d}: W = {model.w.numpy():1.2f}, b = {model.b.numpy():1.2f}, loss = {current_loss:2.5f}")
