"""The names of Keras 2 (TensorFlow <= 2.15) that Keras 3 dropped and course material still calls.

``fit_generator``, ``evaluate_generator`` and ``predict_generator`` were deprecated in TF 2.1 (``fit``
takes generators since) and removed in Keras 3; here they are ``fit``, ``evaluate`` and ``predict`` under
their old names and signatures. ``predict_classes`` and ``predict_proba`` (Keras 2's ``Sequential``,
removed in TF 2.6) are here too, on every model, and ``reset_states`` (Keras 2's ``Model.reset_states``:
the stateful recurrent layers' states back to zeros; Keras 3 resets each layer, ``layer.reset_state()``).
``max_queue_size``, ``workers`` and ``use_multiprocessing`` are accepted and not used: nabla reads the
batches in the training process, one at a time.
"""

from __future__ import annotations


class Keras2Methods:
    """Mixed into :class:`~nabla.keras.models.Model`: Keras 2's generator methods."""

    def fit_generator(
        self,
        generator,
        steps_per_epoch=None,
        epochs=1,
        verbose=1,
        callbacks=None,
        validation_data=None,
        validation_steps=None,
        class_weight=None,
        max_queue_size=10,
        workers=1,
        use_multiprocessing=False,
        shuffle=True,
        initial_epoch=0,
    ):
        """Keras 2's ``fit`` over a generator or a ``Sequence`` of ``(x, y)`` batches: ``fit(generator, ...)``."""
        return self.fit(
            generator,
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            validation_data=validation_data,
            shuffle=shuffle,
            class_weight=class_weight,
            initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch,
            validation_steps=validation_steps,
        )

    def evaluate_generator(
        self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1, use_multiprocessing=False, verbose=0
    ):
        """Keras 2's ``evaluate`` over a generator: ``evaluate(generator, steps=steps)``."""
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def reset_states(self) -> None:
        """Keras 2's ``model.reset_states()``: every stateful layer's states back to zeros."""
        for layer in self.modules():
            if getattr(layer, "stateful", False) and callable(getattr(layer, "reset_state", None)):
                layer.reset_state()

    def predict_generator(
        self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1, use_multiprocessing=False, verbose=0
    ):
        """Keras 2's ``predict`` over a generator: ``predict(generator, steps=steps)``."""
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 2's class predictions: the argmax of ``predict`` for several outputs, ``output > 0.5`` (as
        int32 0/1) for one output (a sigmoid).

        Shape: ``x (N, ...)`` -> ``(N,)`` for several outputs, ``(N, 1)`` for one (Keras 2's shapes).
        """
        probabilities = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probabilities.shape[-1] > 1:
            return probabilities.argmax(axis=-1)
        return (probabilities > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Keras 2's name for ``predict`` on a model whose outputs are probabilities."""
        return self.predict(x, batch_size=batch_size, verbose=verbose)
