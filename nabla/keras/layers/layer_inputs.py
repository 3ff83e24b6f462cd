"""How a Keras layer's call reads its inputs: arrays, structures of them and text become what ``call`` gets,
and the shapes that ``build`` is given."""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, ops
from ..output_class import switch_class
from ..strings import is_text_array
from ..symbolic import KerasTensor
from . import masking


def as_tensors(inputs, dtype, autocast: bool = True):
    """A layer's input as a Tensor, a list (tuple) of Tensors when it is a list (tuple) of arrays (NumPy's,
    pandas columns, tensors), or a dict of them for a dict (Keras 3 converts each array of the structure and
    keeps the structure, as here; a list of numbers is one array).

    Keras 3 converts an array to a tensor of its own dtype and casts only floating ones to the layer's dtype,
    when the layer's ``autocast`` is on (see :func:`cast_floats`): integer and boolean arrays reach ``call`` as
    integer and boolean tensors (a Flatten or MaxPooling2D of int32 ids gives int32, a Dense float32)."""
    if isinstance(inputs, Tensor):
        return cast_floats(inputs, dtype) if autocast else inputs
    if is_text_array(inputs):  # (text: a string input's, see keras/strings.py)
        return inputs
    if isinstance(inputs, dict):
        return {key: as_tensors(value, dtype, autocast) for key, value in inputs.items()}
    if isinstance(inputs, (list, tuple)) and inputs and all(is_array_like(x) for x in inputs):
        tensors = [as_tensors(x, dtype, autocast) for x in inputs]
        return tuple(tensors) if isinstance(inputs, tuple) else tensors
    array = np.asarray(inputs)
    if array.dtype.kind in "biu" or (not autocast and array.dtype.kind == "f"):
        return Tensor._make(array)
    return Tensor._make(np.asarray(array, dtype=dtype))


def ragged_refused(where: str) -> TypeError:
    """The error for a ragged input: nabla's layers take rectangular tensors. Keras 3 refuses ``ragged=True``
    off TensorFlow, and on TensorFlow its recurrent layers refuse a ``tf.RaggedTensor`` (Keras 2 took one,
    so Hands-On ML's ``InputLayer(..., ragged=True)`` before a GRU ran there)."""
    return TypeError(
        f"{where}: nabla's layers take rectangular tensors, not ragged ones: pad the rows with "
        "ragged.to_tensor() (ids shifted by 1 so that 0 is the padding, as Embedding(mask_zero=True) masks it)"
    )


def cast_floats(structure, dtype):
    """Every floating Tensor of ``structure`` (a Tensor, or a list, tuple or dict holding some) in ``dtype``, as
    Keras 3's ``Layer.__call__`` casts its arguments to the layer's compute dtype (float64 data meets float32
    weights as float32; the gradient flows back to the float64 tensor); integer, boolean tensors and anything
    else are left as they are. The cast keeps the tensor's mask and its class (a ``tf.Tensor`` stays one)."""
    if isinstance(structure, (list, tuple)) and not hasattr(structure, "_fields"):
        return type(structure)(cast_floats(x, dtype) for x in structure)
    if isinstance(structure, dict):
        return {key: cast_floats(value, dtype) for key, value in structure.items()}
    if not isinstance(structure, Tensor) or numpy_dtype(structure).kind != "f" or numpy_dtype(structure) == dtype:
        return structure
    return _cast(structure, dtype)


def integers_as_floats(structure, dtype, layer):
    """``structure`` (a Tensor, or a list or tuple of them) with its integer and boolean tensors read as ``dtype``
    where ``layer.INTEGER_TENSORS`` is "cast" (Keras 3 on TensorFlow computes them in float32: BatchNormalization,
    LayerNormalization, LeakyReLU, MultiHeadAttention), or refused where it is "refuse" (TensorFlow's kernels of
    Conv, Softmax and UnitNormalization take floats only)."""
    if isinstance(structure, (list, tuple)) and not hasattr(structure, "_fields"):
        return type(structure)(integers_as_floats(x, dtype, layer) for x in structure)
    if not isinstance(structure, Tensor) or numpy_dtype(structure).kind not in "biu":
        return structure
    if layer.INTEGER_TENSORS == "refuse":
        raise floats_only(layer, numpy_dtype(structure))
    return _cast(structure, dtype)


def floats_only(layer, dtype) -> TypeError:
    """The error for an integer or boolean tensor given to a layer whose TensorFlow kernels take floats only."""
    return TypeError(
        f"{type(layer).__name__} takes floating inputs, got a tensor of {dtype} (Keras on TensorFlow refuses it "
        f'too): cast it first, e.g. tf.cast(x, "float32")'
    )


def _cast(tensor: Tensor, dtype) -> Tensor:
    """``tensor`` in ``dtype``, with its mask and its class (a ``tf.Tensor`` stays one)."""
    out = ops.astype(tensor, dtype)
    cls = getattr(type(tensor), "keras_output_class", None)
    masking.set_mask(out if cls is None else switch_class(out, cls), masking.get_mask(tensor))
    return out


def numpy_dtype(x: Tensor) -> np.dtype:
    """The NumPy dtype of ``x``, wherever its values are (a ``tf.Tensor``'s ``dtype`` is TensorFlow's DType)."""
    return Tensor.dtype.fget(x)


def is_array_like(value) -> bool:
    """Whether ``value`` is one array of a structure: a Tensor, or an array-like of at least one dimension
    (NumPy's arrays, pandas Series and DataFrames), not a number."""
    return isinstance(value, Tensor) or (hasattr(value, "__array__") and np.ndim(value) > 0)


def input_shapes(inputs):
    """The shape(s) ``build`` gets: one tuple, a list of them, or a dict of them (as Keras 3)."""
    if isinstance(inputs, dict):
        return {key: input_shapes(value) for key, value in inputs.items()}
    return [x.shape for x in inputs] if isinstance(inputs, (list, tuple)) else inputs.shape


def loss_tensor(loss, dtype) -> Tensor:
    """What ``add_loss`` keeps: ``loss`` as a tensor (a number in the layer's ``dtype``). A symbolic tensor,
    Keras 2's ``model.add_loss(kl_loss)`` on a functional model's tensors, is refused, as Keras 3 refuses it."""
    if isinstance(loss, Tensor):
        return loss
    if isinstance(loss, KerasTensor):
        raise NotImplementedError(
            "add_loss() of a symbolic tensor (Keras 2's model.add_loss(...) on keras.Input's tensors) is not "
            "supported, as in Keras 3: call self.add_loss(...) inside a layer's call(), or add the term in "
            "compute_loss() or train_step()"
        )
    return Tensor._make(np.asarray(loss, dtype))


class StacksListInputs:
    """Mixin of the preprocessing layers: a list or tuple of same-shape arrays is one batch, stacked along a
    new first axis (scikit-learn's ``load_sample_images()["images"]`` given to ``CenterCrop``).

    Keras 3's preprocessing layers convert their input with ``convert_to_tensor`` in ``call``, so a list is
    stacked; its other layers read a list as several inputs (and a one-input layer refuses it)."""

    def forward(self, inputs, *args, **kwargs):
        if isinstance(inputs, (list, tuple)) and inputs and all(is_array_like(x) for x in inputs):
            if any(isinstance(x, Tensor) for x in inputs):
                inputs = ops.stack([x if isinstance(x, Tensor) else Tensor._make(np.asarray(x)) for x in inputs])
            else:
                inputs = np.stack([np.asarray(x) for x in inputs])
        return super().forward(inputs, *args, **kwargs)
