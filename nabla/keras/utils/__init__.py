"""Utilities of the Keras side, under ``keras.utils``'s names: :func:`to_categorical` and :func:`normalize`
(:mod:`.numerical_utils`), :func:`set_random_seed` (:mod:`.rng_utils`), :func:`plot_model`
(:mod:`.model_visualization`), :class:`PyDataset` alias ``Sequence`` (:mod:`.py_dataset`); inside nabla:
default names (:mod:`.naming`), the progress bar (:mod:`.progbar`), printing beside it (:mod:`.io_utils`),
and warnings that point at the user's line (:mod:`.traceback_utils`)."""

from . import (
    io_utils,
    model_visualization,
    naming,
    np_utils,
    numerical_utils,
    progbar,
    py_dataset,
    rng_utils,
    traceback_utils,
    vis_utils,
)
from .model_visualization import model_to_dot, plot_model
from .numerical_utils import normalize, to_categorical
from .py_dataset import PyDataset, Sequence
from .rng_utils import set_random_seed
