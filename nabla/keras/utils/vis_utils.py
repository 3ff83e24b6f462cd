"""Keras 2's module of ``plot_model`` (``from keras.utils.vis_utils import plot_model``), kept so that such
imports run: the functions of :mod:`.model_visualization`."""

from .model_visualization import model_to_dot, plot_model

__all__ = ["model_to_dot", "plot_model"]
