"""Second derivatives with nested gradient tapes: the acceleration of a falling apple.

An apple falls: its position is 4.9 t^2 metres after t seconds. The inner tape gives the speed (9.8 t),
the outer tape, watching the inner tape's computation, the acceleration (9.8). Then Newton's method finds
a minimum of a function with its first and second derivatives, both from nested tapes.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed. Both print
the same numbers.

    python examples/tf/second_derivative.py
"""

import tensorflow as tf

time = tf.Variable(0.0)
with tf.GradientTape() as outer_tape:
    with tf.GradientTape() as inner_tape:
        position = 4.9 * time**2
    speed = inner_tape.gradient(position, time)
acceleration = outer_tape.gradient(speed, time)
print(
    f"position {position.numpy():.2f} m, speed {speed.numpy():.2f} m/s, acceleration {acceleration.numpy():.2f} m/s^2"
)

time.assign(2.0)
with tf.GradientTape() as outer_tape:
    with tf.GradientTape() as inner_tape:
        position = 4.9 * time**2
    speed = inner_tape.gradient(position, time)
acceleration = outer_tape.gradient(speed, time)
print(f"at t = 2 s: speed {float(speed):.2f} m/s, acceleration {float(acceleration):.2f} m/s^2")


def f(x):
    return x**4 - 3.0 * x**2 + x


x = tf.Variable(2.0)
for step in range(6):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = f(x)
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    x.assign_sub(dy / d2y)  # Newton's step: x - f'(x) / f''(x)
    print(f"step {step}: x = {x.numpy():.6f}, f'(x) = {dy.numpy():.6f}")

# A persistent tape answers several questions about one computation.
w = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape(persistent=True) as tape:
    y = tf.reduce_sum(w**3)
    z = tf.reduce_sum(tf.exp(w / 3.0))
print(tape.gradient(y, w))
print(tape.gradient(z, w).numpy().round(4))
del tape
