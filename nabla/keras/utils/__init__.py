"""Utilities of the Keras side, under ``keras.utils``'s names: :func:`to_categorical` and :func:`normalize`
(:mod:`.numerical_utils`), :func:`set_random_seed` (:mod:`.rng_utils`), :func:`plot_model`
(:mod:`.model_visualization`), :class:`PyDataset` alias ``Sequence`` (:mod:`.py_dataset`),
:func:`pad_sequences` (:mod:`.sequence_utils`), :func:`pack_x_y_sample_weight` and its inverse
(:mod:`.data_packing`), :func:`clear_session` (:mod:`.naming`), Keras's :class:`Progbar`
(:mod:`.text_progbar`), the registry of your objects (:mod:`.object_registration`) and
``serialize_keras_object`` (:mod:`.serialization_lib`), :func:`split_dataset` (:mod:`.dataset_utils`),
:func:`timeseries_dataset_from_array` (:mod:`.timeseries_dataset_utils`), :func:`get_file` (:mod:`.file_utils`);
image files (:mod:`.image_utils`: :func:`load_img`, :func:`img_to_array`, :func:`array_to_img`, :func:`save_img`) and
folders of files as datasets (:func:`image_dataset_from_directory`, :func:`text_dataset_from_directory`, on
:mod:`.directory_dataset`);
inside nabla:
default names (:mod:`.naming`), ``fit``'s progress bar (:mod:`.progbar`), printing beside it (:mod:`.io_utils`),
and warnings that point at the user's line (:mod:`.traceback_utils`)."""

from .._missing import missing as _missing
from . import (
    data_packing,
    dataset_utils,
    directory_dataset,
    file_utils,
    image_dataset_utils,
    image_utils,
    io_utils,
    model_visualization,
    naming,
    np_utils,
    numerical_utils,
    object_registration,
    progbar,
    py_dataset,
    rng_utils,
    sequence_utils,
    serialization_lib,
    text_dataset_utils,
    text_progbar,
    timeseries_dataset_utils,
    traceback_utils,
    vis_utils,
)
from .data_packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
from .dataset_utils import split_dataset
from .file_utils import get_file
from .image_dataset_utils import image_dataset_from_directory
from .image_utils import array_to_img, img_to_array, load_img, save_img
from .model_visualization import model_to_dot, plot_model
from .naming import clear_session
from .numerical_utils import normalize, to_categorical
from .object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from .py_dataset import PyDataset, Sequence
from .rng_utils import set_random_seed
from .sequence_utils import pad_sequences
from .serialization_lib import deserialize_keras_object, serialize_keras_object
from .text_dataset_utils import text_dataset_from_directory
from .text_progbar import Progbar
from .timeseries_dataset_utils import timeseries_dataset_from_array


def __getattr__(name: str):
    raise _missing("keras.utils", name)
