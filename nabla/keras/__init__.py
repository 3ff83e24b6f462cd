"""nabla's Keras side: Keras 3's layers, models, losses, metrics and callbacks on nabla's modules."""

from . import activations, callbacks, initializers, layers, losses, metrics, models, regularizers
