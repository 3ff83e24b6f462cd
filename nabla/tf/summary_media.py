"""The records of ``tf.summary.image``, ``tf.summary.text`` and ``tf.summary.audio``: encoded ``Summary.Value``\\ s.

Each is written as TensorFlow 2 writes it through TensorBoard's plugins: a ``Summary.Value`` with the ``tag``
(field 1), ``metadata`` (9: a ``SummaryMetadata`` naming the plugin, field 1's ``plugin_name``, with its
``content``, and the ``summary_description``, field 3) and a string ``tensor`` (8: a ``TensorProto``, as
``tf.io.serialize_tensor`` writes it):

- images (plugin ``"images"``): ``[width, height, png_0, png_1, ...]``, shape ``(2 + k,)`` for the first
  ``k = min(max_outputs, N)`` images of an ``(N, h, w, c)`` batch, converted to uint8 as
  ``tf.image.convert_image_dtype(data, tf.uint8, saturate=True)`` does (floats in [0, 1]);
- text (plugin ``"text"``): the strings, in their shape;
- audio (plugin ``"audio"``, content ``encoding=WAV``): ``[[wav_0, ""], ...]``, shape ``(k, 2)``, each clip
  of an ``(N, samples, channels)`` batch of floats in [-1, 1] as 16-bit PCM WAV (``tf.audio.encode_wav``'s
  bytes), with an empty label.
"""

from __future__ import annotations

import struct

import numpy as np

from nabla.records import key, length_delimited, varint

from .image import convert_image_dtype
from .io.image_codecs import encode_png
from .io.tensor_proto import serialize_tensor
from .string_tensor import StringTensor, text_data

_WAV = 11  # AudioPluginData.Encoding.WAV


def _strings(items, shape: tuple[int, ...]) -> StringTensor:
    """A string tensor of ``items`` (bytes, or str written as UTF-8) in ``shape``."""
    data = np.empty(len(items), dtype=object)
    data[:] = [item if isinstance(item, bytes) else str(item).encode() for item in items]
    return StringTensor(data.reshape(shape))


def _value(tag: str, plugin: str, tensor: StringTensor, description, content: bytes = b"") -> bytes:
    """A ``Summary.Value`` of ``tensor`` for TensorBoard's ``plugin``."""
    plugin_data = length_delimited(1, plugin.encode()) + (length_delimited(2, content) if content else b"")
    metadata = length_delimited(1, plugin_data)
    if description:
        metadata += length_delimited(3, str(description).encode())
    proto = serialize_tensor(tensor).numpy()
    return length_delimited(1, tag.encode()) + length_delimited(9, metadata) + length_delimited(8, proto)


def _max_outputs(max_outputs) -> int:
    if isinstance(max_outputs, bool) or not isinstance(max_outputs, (int, np.integer)) or max_outputs < 0:
        raise ValueError(f"tf.summary: max_outputs must be a non-negative int, got {max_outputs!r}")
    return int(max_outputs)


def _array(data) -> np.ndarray:
    return np.asarray(data.numpy() if hasattr(data, "numpy") else data)


def image_value(tag: str, data, max_outputs: int = 3, description=None) -> bytes:
    """The record of ``tf.summary.image``: ``data`` ``(N, h, w, c)``, c 1 to 4, floats in [0, 1] or uint8."""
    images = _array(data)
    if images.ndim != 4:
        raise ValueError(f"tf.summary.image: data must be a batch of images (N, h, w, c), got shape {images.shape}")
    shown = np.asarray(convert_image_dtype(images[: _max_outputs(max_outputs)], "uint8", saturate=True).numpy())
    encoded = [encode_png(image).numpy() for image in shown]
    height, width = images.shape[1:3]
    return _value(tag, "images", _strings([str(width), str(height), *encoded], (2 + len(encoded),)), description)


def text_value(tag: str, data, description=None) -> bytes:
    """The record of ``tf.summary.text``: ``data`` a string or strings of any shape."""
    strings = text_data(data)
    if strings is None:
        raise TypeError(f"tf.summary.text: data must be strings (tf.string), got {type(data).__name__}")
    return _value(tag, "text", _strings(list(strings.reshape(-1)), strings.shape), description)


def wav(clip: np.ndarray, sample_rate: int) -> bytes:
    """``tf.audio.encode_wav``'s bytes: ``clip`` ``(samples, channels)`` floats clipped to [-1, 1] as rounded
    16-bit samples (``x * 32768`` rounded half away from zero, C's ``roundf``, kept within int16), after the
    44-byte RIFF/WAVE PCM header."""
    samples, channels = clip.shape
    scaled = np.clip(clip.astype(np.float32), -1, 1).astype(np.float64) * 32768  # (exact: a power of two)
    pcm = np.clip(np.sign(scaled) * np.floor(np.abs(scaled) + 0.5), -32768, 32767)
    body = pcm.astype("<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, 1, channels, sample_rate, sample_rate * channels * 2, channels * 2, 16)  # fmt: skip
    return header + b"data" + struct.pack("<I", len(body)) + body


def audio_value(tag: str, data, sample_rate, max_outputs: int = 3, encoding=None, description=None) -> bytes:
    """The record of ``tf.summary.audio``: ``data`` ``(N, samples, channels)`` floats in [-1, 1]."""
    if encoding not in (None, "wav"):
        raise ValueError(f"tf.summary.audio: unknown encoding {encoding!r}; 'wav' is the one offered")
    clips = _array(data)
    if clips.ndim != 3:
        raise ValueError(f"tf.summary.audio: data must be clips (N, samples, channels), got shape {clips.shape}")
    rate = int(_array(sample_rate))
    encoded = [wav(clip, rate) for clip in clips[: _max_outputs(max_outputs)]]
    pairs = [item for clip in encoded for item in (clip, b"")]
    content = key(2, 0) + varint(_WAV)
    return _value(tag, "audio", _strings(pairs, (len(encoded), 2)), description, content)
