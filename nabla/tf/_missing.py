"""What ``nabla.tf`` does not offer, and what nabla offers instead.

Every namespace of the facade ends with a module ``__getattr__`` that raises :func:`missing`: a name that
TensorFlow has and ``nabla.tf`` lacks is an ``AttributeError`` that says so, with nabla's alternative where
there is one, never a silently different object.
"""

from __future__ import annotations

_FILES = (
    "tf.data reads arrays in memory and text files (TextLineDataset, experimental.CsvDataset), not binary ones: "
    "load them with NumPy or nabla.datasets, then "
    "Dataset.from_tensor_slices((x, y)); data larger than memory: nabla.data.ChunkedDataset, which Keras's fit takes"
)

# "namespace.name" (or a whole namespace) -> what to use instead.
ALTERNATIVES = {
    "tf.data.Dataset.group_by_window": "padded_batch pads the elements of each batch to its longest one",
    "tf.data.Dataset.bucket_by_sequence_length": "padded_batch pads the elements of each batch to its longest one",
    "tf.data.Dataset.load": "keep the arrays (np.save / np.load) and rebuild with Dataset.from_tensor_slices",
    "tf.data.Dataset.save": "keep the arrays (np.save / np.load) and rebuild with Dataset.from_tensor_slices",
    "tf.data.Dataset.snapshot": "cache() keeps a pass in memory; for files, keep the arrays with np.save",
    "tf.data.FixedLengthRecordDataset": _FILES,
    "tf.data.Options": "options tune TensorFlow's runtime, which nabla's pipelines do not have: drop them",
    "tf.distribute": (
        "tf.distribute offers the one-replica strategies (OneDeviceStrategy, MirroredStrategy, get_strategy): "
        "nabla computes on one device; nabla.distributed trains on several processes"
    ),
    "tf.saved_model": (
        "SavedModels (a model's code saved with its values) are not offered: keep a tf.Module's or a model's "
        "variables with tf.train.Checkpoint(model=...).write(path) and restore them into the model your code "
        "builds (checkpoint.restore(path)); a Keras model: model.save('model.keras') and tf.keras.models.load_model"
    ),
    "tf.train": (
        "tf.train offers Checkpoint, CheckpointManager, latest_checkpoint, list_variables, load_checkpoint and "
        "the Example protocol buffers (Example, Features, Feature, BytesList, FloatList, Int64List, "
        "SequenceExample); TensorFlow 1's optimizers are not offered (optimizers: tf.keras.optimizers)"
    ),
    "tf.image": (
        "tf.image offers resizing, flips, rot90, crops and pads, convert_image_dtype, grayscale and HSV, the "
        "adjust_* and random_* (stateless_random_*) augmentations, per_image_standardization, psnr and ssim "
        "(nabla.tf.image.__all__); for other image operations (JPEG/PNG codecs, bounding boxes) use NumPy or "
        "Pillow, or the Keras preprocessing layers of nabla.keras.layers"
    ),
    "tf.strings": "tf.strings offers lower, upper, strip, regex_replace, split, reduce_join, length, unicode_decode "
    "and unicode_encode; for other text operations use Python's str methods on t.numpy()",
    "tf.sparse": "tf.sparse offers SparseTensor, to_dense, reorder and sparse_dense_matmul (and sp * x): convert "
    "with tf.sparse.to_dense and compute with dense tensors",
    "tf.ragged": "tf.ragged offers constant (ragged rank 1); its other operations are not offered: a "
    "tf.RaggedTensor (from tf.ragged.constant, TextVectorization(ragged=True), Dataset.ragged_batch or "
    "RaggedTensor.from_row_lengths or from_sparse) is read with numpy() or to_tensor()",
    "tf.compat": "tf.compat offers as_bytes, as_text, as_str, as_str_any and path_to_str; TensorFlow 1 "
    "(tf.compat.v1: sessions, placeholders, graphs) is not offered: write eager TF 2 code",
    "tf.Session": "TensorFlow 1 sessions are not offered: write eager TF 2 code",
    "tf.placeholder": "TensorFlow 1 placeholders are not offered: pass arrays to functions",
    "tf.Graph": "graphs are not offered: nabla.tf runs eagerly (tf.function captures with nb.capture)",
    # TensorFlow 1 spellings that TensorFlow 2 moved.
    "tf.log": "TensorFlow 2 spells it tf.math.log",
    "tf.to_float": "TensorFlow 2 spells it tf.cast(x, tf.float32)",
    "tf.random_normal": "TensorFlow 2 spells it tf.random.normal",
    "tf.random_uniform": "TensorFlow 2 spells it tf.random.uniform",
    "tf.set_random_seed": "TensorFlow 2 spells it tf.random.set_seed",
    "tf.global_variables_initializer": "TensorFlow 2 variables hold their values from creation: drop the call",
    "tf.signal": "signal processing is not offered: use NumPy (np.fft)",
    "tf.audio": "audio operations are not offered",
    "tf.io": (
        "tf.io offers decode_csv, matching_files, TFRecordWriter, TFRecordOptions, parse_example, "
        "parse_single_example, FixedLenFeature, VarLenFeature, serialize_tensor and parse_tensor; for other "
        "files read them with NumPy or Python"
    ),
    "tf.lite": "TensorFlow Lite is not offered: export with nabla's ONNX support where available",
    "tf.estimator": "estimators are not offered: use Keras's fit (nabla.keras) or a GradientTape loop",
    "tf.feature_column": "feature columns are not offered: prepare features with NumPy",
    "tf.experimental": "TensorFlow's experimental APIs are not offered",
    "tf.autograph": "autograph is not needed: nabla.tf runs Python control flow eagerly",
    "tf.tpu": "TPUs are not offered: nabla runs on the CPU",
    "tf.xla": "XLA is not offered: tf.function(jit_compile=True) is accepted and runs through nb.capture",
    "tf.lookup": "lookup tables are not offered: use a Python dict and NumPy",
    "tf.bfloat16": "bfloat16 is not offered (NumPy has no such type): use tf.float32 or tf.float16",
    "tf.complex64": "complex dtypes are not offered: nabla tensors hold real numbers",
    "tf.complex128": "complex dtypes are not offered: nabla tensors hold real numbers",
    "tf.nn.max_pool2d": "use tf.keras.layers.MaxPooling2D, or nabla.max_pool2d on NCHW inputs",
    "tf.nn.avg_pool2d": "use tf.keras.layers.AveragePooling2D, or nabla.avg_pool2d on NCHW inputs",
    "tf.linalg.eig": "complex dtypes are not offered: for a symmetric matrix use tf.linalg.eigh",
    "tf.random.Generator": (
        "tf.random.Generator is not offered: tf.random.set_seed(s) seeds nabla's one generator, and the "
        "tf.random functions draw from it"
    ),
    "tf.random.stateless_uniform": "stateless random functions are not offered: use tf.random.uniform(..., seed=s)",
    "tf.random.stateless_normal": "stateless random functions are not offered: use tf.random.normal(..., seed=s)",
}


def missing(namespace: str, name: str) -> AttributeError:
    """The error for ``namespace.name``, which ``nabla.tf`` does not offer."""
    if name.startswith("__") and name.endswith("__"):
        return AttributeError(f"module '{namespace}' has no attribute {name!r}")  # Python's own probes
    full = f"{namespace}.{name}"
    instead = ALTERNATIVES.get(full) or ALTERNATIVES.get(namespace)
    message = f"nabla.tf does not offer {full}"
    if instead:
        message += f": {instead}"
    else:
        message += " (nabla.tf offers the TensorFlow 2 names that introductory material uses; see docs/tf.md)"
    return AttributeError(message)
