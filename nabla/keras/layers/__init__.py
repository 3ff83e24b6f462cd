"""Keras-style layers: ``Dense(units, activation="relu", input_shape=(2,))``.

By family, as in Keras: :mod:`.layer` (the base ``Layer``), :mod:`.core` (``Input``, ``Dense``,
``Activation``, ``Flatten``, ``Masking``), :mod:`.activations` (``Softmax``, ``ReLU``, ``LeakyReLU``, ``PReLU``,
``ELU``, ``Identity``), :mod:`.convolutional` (``Conv2D``), :mod:`.convolutional_transpose` (``Conv2DTranspose``,
``Conv1DTranspose``), :mod:`.convolutional_depthwise` (``DepthwiseConv2D``, ``SeparableConv2D``), :mod:`.pooling`
(``MaxPooling2D``, ``AveragePooling2D``, ``GlobalAveragePooling1D/2D``,
``GlobalMaxPooling1D/2D``), :mod:`.convolutional1d` and :mod:`.pooling1d` (``Conv1D``,
``MaxPooling1D``, ``AveragePooling1D``), :mod:`.normalization` (``BatchNormalization``,
``LayerNormalization``), :mod:`.regularization` (``Dropout``, ``GaussianNoise``,
``GaussianDropout``, ``AlphaDropout``), :mod:`.preprocessing` (``Rescaling``, ``Normalization``),
:mod:`.augmentation` (``RandomTranslation``, ``RandomFlip``, ``RandomRotation``, ``RandomZoom``,
``RandomContrast``, ``RandomBrightness``), :mod:`.merging` (``Add``,
``Concatenate``, ...: several inputs into one), :mod:`.reshaping` (``Reshape``, ``Permute``),
:mod:`.image_reshaping` (``UpSampling2D``, ``ZeroPadding2D``, ``Cropping2D``),
:mod:`.resizing` (``Resizing``, ``CenterCrop``, ``RandomCrop``), and one layer per file:
:mod:`.embedding`, :mod:`.repeat_vector`, :mod:`.unit_normalization`, :mod:`.activity_regularization`,
:mod:`.sequence_reshaping` (``UpSampling1D``, ``ZeroPadding1D``, ``Cropping1D``),
:mod:`.spatial_dropout` (``SpatialDropout1D/2D/3D``), :mod:`.group_normalization`; ``Dot`` is in :mod:`.merging`;
:mod:`.recurrent` (``SimpleRNN``, ``LSTM``, ``GRU``), :mod:`.rnn_cells` (``SimpleRNNCell``, ``LSTMCell``,
``GRUCell``) and :mod:`.rnn` (``RNN``, ``StackedRNNCells``).
:mod:`.wrappers` (``Bidirectional``, ``TimeDistributed``: layers that hold a layer).
:mod:`.categorical` (``CategoryEncoding``), :mod:`.index_lookup` (``StringLookup``, ``IntegerLookup``) and
:mod:`.text_vectorization` (``TextVectorization``), :mod:`.discretization` (``Discretization``),
:mod:`.hashing` (``Hashing``) and :mod:`.hashed_crossing` (``HashedCrossing``): categories and text as ids,
on raw NumPy data.
:mod:`.masking`: how masks of padded sequences travel from layer to layer, and into the loss.
:mod:`.experimental` (TensorFlow 2.3-2.5's ``experimental.preprocessing`` path to the same preprocessing layers).
"""

from .._missing import missing
from ..utils.naming import clear_session, snake_case
from ..utils.serialization_lib import deserialize_keras_object, serialize_keras_object
from . import experimental
from .activations import ELU, Identity, LeakyReLU, PReLU, ReLU, Softmax
from .activity_regularization import ActivityRegularization
from .attention import AdditiveAttention, Attention
from .augmentation import RandomBrightness, RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom
from .categorical import CategoryEncoding
from .convolutional import Conv2D
from .convolutional1d import Conv1D
from .convolutional_depthwise import DepthwiseConv2D, SeparableConv2D
from .convolutional_transpose import Conv1DTranspose, Conv2DTranspose
from .core import Activation, Dense, Flatten, Input, InputLayer, Lambda, Masking
from .discretization import Discretization
from .embedding import Embedding
from .group_normalization import GroupNormalization
from .hashed_crossing import HashedCrossing
from .hashing import Hashing
from .image_reshaping import Cropping2D, UpSampling2D, ZeroPadding2D
from .index_lookup import IntegerLookup, StringLookup
from .input_spec import InputSpec
from .layer import Layer
from .merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .multi_head_attention import MultiHeadAttention
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (
    AveragePooling2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling2D,
)
from .pooling1d import AveragePooling1D, MaxPooling1D
from .preprocessing import Normalization, Rescaling
from .recurrent import GRU, LSTM, SimpleRNN
from .regularization import AlphaDropout, Dropout, GaussianDropout, GaussianNoise
from .repeat_vector import RepeatVector
from .reshaping import Permute, Reshape
from .resizing import CenterCrop, RandomCrop, Resizing
from .rnn import RNN, StackedRNNCells
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell
from .sequence_reshaping import Cropping1D, UpSampling1D, ZeroPadding1D
from .spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from .text_vectorization import TextVectorization
from .unit_normalization import UnitNormalization
from .wrappers import Bidirectional, TimeDistributed

# Keras's other names for the same classes: keras.layers.MaxPool2D is keras.layers.MaxPooling2D.
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
Convolution2D = Conv2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
Convolution1D = Conv1D
Convolution2DTranspose = Conv2DTranspose
Convolution1DTranspose = Conv1DTranspose
SeparableConvolution2D = SeparableConv2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalMaxPool1D = GlobalMaxPooling1D

#: Layer classes by name, for loading saved models (the names saved in a model's config).
LAYERS = {
    cls.__name__: cls
    for cls in (
        InputLayer,
        Dense,
        Activation,
        Softmax,
        ReLU,
        LeakyReLU,
        PReLU,
        ELU,
        Identity,
        Dropout,
        MultiHeadAttention,
        Attention,
        AdditiveAttention,
        Flatten,
        GaussianNoise,
        GaussianDropout,
        RandomTranslation,
        RandomFlip,
        RandomRotation,
        RandomZoom,
        RandomContrast,
        RandomBrightness,
        Rescaling,
        Normalization,
        Embedding,
        UpSampling2D,
        ZeroPadding2D,
        Cropping2D,
        RepeatVector,
        UnitNormalization,
        ActivityRegularization,
        SpatialDropout2D,
        Conv1D,
        MaxPooling1D,
        AveragePooling1D,
        BatchNormalization,
        LayerNormalization,
        Conv2D,
        MaxPooling2D,
        AveragePooling2D,
        GlobalAveragePooling1D,
        GlobalAveragePooling2D,
        GlobalMaxPooling1D,
        GlobalMaxPooling2D,
        Add,
        Subtract,
        Multiply,
        Average,
        Maximum,
        Minimum,
        Concatenate,
        Reshape,
        Permute,
        SimpleRNN,
        LSTM,
        GRU,
        RNN,
        StackedRNNCells,
        SimpleRNNCell,
        LSTMCell,
        GRUCell,
        Conv2DTranspose,
        Conv1DTranspose,
        Resizing,
        CenterCrop,
        RandomCrop,
        UpSampling1D,
        ZeroPadding1D,
        Cropping1D,
        Dot,
        SpatialDropout1D,
        SpatialDropout3D,
        GroupNormalization,
        DepthwiseConv2D,
        SeparableConv2D,
        AlphaDropout,
        Bidirectional,
        TimeDistributed,
        Masking,
        StringLookup,
        IntegerLookup,
        TextVectorization,
        Discretization,
        Hashing,
        CategoryEncoding,
    )
}
# (Lambda is not here: it holds Python code, which a model file does not carry; nor HashedCrossing, of
# several inputs, which nabla's model-file checks do not describe yet.)


def __getattr__(name: str):
    raise missing("keras.layers", name)


def serialize(layer: Layer) -> dict:
    """A layer as Keras 3's ``keras.layers.serialize`` writes it: ``{"module": "keras.layers", "class_name":
    "Dense", "config": layer.get_config(), "registered_name": None}`` (a registered layer of yours gets
    ``"package>Name"``); see :func:`nabla.keras.saving.serialize_keras_object`."""
    return serialize_keras_object(layer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Layer:
    """The layer a :func:`serialize` dict (or Keras 2's ``{"class_name", "config"}``) describes, made anew by
    its class's ``from_config``; your own layer classes come from ``custom_objects`` or the registry."""
    layer = deserialize_keras_object(config, custom_objects, module_objects=LAYERS)
    if not isinstance(layer, Layer):
        raise TypeError(f"keras.layers.deserialize: the config describes a {type(layer).__name__}, not a layer")
    return layer
