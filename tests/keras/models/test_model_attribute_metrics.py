"""A metric the model holds as an attribute and updates in ``call`` (Géron's reconstruction error, chapter 12)
is logged by ``fit`` and ``evaluate`` as Keras 3 logs every metric of ``model.metrics``."""

from __future__ import annotations

import numpy as np

import nabla.keras as nk

X = np.arange(12, dtype=np.float32).reshape(6, 2) / 10
Y = X[:, :1] * 2.0


def reconstructing(k):
    class ReconstructingRegressor(k.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.out = k.layers.Dense(1, kernel_initializer="ones")
            self.reconstruction_mean = k.metrics.Mean(name="reconstruction_error")

        def call(self, inputs, training=None):
            recon_loss = k.ops.mean(k.ops.square(inputs))
            self.add_loss(0.05 * recon_loss)
            if training:
                self.reconstruction_mean(recon_loss)
            return self.out(inputs)

    return ReconstructingRegressor()


def test_fit_and_evaluate_log_the_model_s_own_metric_as_keras_does(keras):
    results = []
    for k in (keras, nk):
        model = reconstructing(k)
        model.compile(loss="mse", optimizer=k.optimizers.SGD(learning_rate=0.01), metrics=["mae"])
        history = model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0, validation_data=(X, Y)).history
        results.append((history, model.evaluate(X, Y, verbose=0), model.evaluate(X, Y, verbose=0, return_dict=True)))
    (theirs, their_list, their_dict), (ours, our_list, our_dict) = results
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-7, err_msg=key)
    np.testing.assert_allclose(our_list, their_list, rtol=1e-5)
    assert sorted(our_dict) == sorted(their_dict)
