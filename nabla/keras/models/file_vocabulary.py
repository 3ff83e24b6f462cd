"""The vocabulary layers in a model file (``StringLookup``, ``IntegerLookup``, ``TextVectorization``), and the
category layers without one (``Hashing``, ``Discretization``, ``CategoryEncoding``): their shapes.

Their vocabularies and idf weights are in their configs (see :mod:`nabla.keras.layers.index_lookup`): the
schema (``VOCABULARY_CONFIGS`` in :mod:`.file_schema`) checks the types (strings, or integers for
``IntegerLookup``) and bounds the lengths; :func:`vocabulary_problem` checks what a schema cannot say, before
anything is built: no token twice, no special token among the tokens, no more ids than ``max_tokens``, one
idf weight per token, a ``vocabulary_size`` that agrees. :data:`VOCABULARY_SHAPES` predicts one sample's
output shape (the ids, or vectors as wide as the vocabulary), so that the sizes of the layers after them
are checked as any other's.
"""

from __future__ import annotations

import math

from ..symbolic import PROBE_LENGTHS
from .layer_shapes import Effect, Shape

TEXT_SPECIALS = ("", "[UNK]")  # TextVectorization's mask and OOV tokens


def _specials(name: str, c: dict) -> list:
    """The special tokens that take ids before the vocabulary's (the mask token in "int" mode only)."""
    int_mode = c.get("output_mode", "int") == "int"
    if name == "TextVectorization":
        return list(TEXT_SPECIALS) if int_mode else [TEXT_SPECIALS[1]]
    oov = c.get("oov_token", -1 if name == "IntegerLookup" else "[UNK]")
    mask = c.get("mask_token")
    return ([mask] if mask is not None and int_mode else []) + [oov] * c.get("num_oov_indices", 1)


def vocabulary_problem(name: str, c: dict) -> tuple[str, str] | None:
    """``(field, what is wrong)`` for the first inconsistency of a vocabulary layer's config (one that fits
    its schema), else None."""
    vocabulary = c.get("vocabulary")
    idf = c.get("idf_weights")
    tf_idf = c.get("output_mode", "int") == "tf_idf"
    if idf is not None and (not tf_idf or vocabulary is None):
        return "idf_weights", "idf weights come with output_mode 'tf_idf' and a vocabulary"
    if vocabulary is None:
        return None
    seen, specials = set(), _specials(name, c)
    special = {"" if name == "TextVectorization" else c.get("mask_token"), *specials} - {None}
    for i, token in enumerate(vocabulary):
        if token in seen:
            return f"vocabulary[{i}]", f"{token!r} is in the vocabulary twice"
        if token in special:
            return f"vocabulary[{i}]", f"{token!r} is a special token, which takes its id before the vocabulary"
        seen.add(token)
    size = len(specials) + len(vocabulary)
    if c.get("max_tokens") is not None and size > c["max_tokens"]:
        return "vocabulary", f"{len(vocabulary)} tokens and {len(specials)} special ones are more than max_tokens"
    if tf_idf and (idf is None or len(idf) not in (len(vocabulary), len(vocabulary) + len(specials))):
        given = "none" if idf is None else len(idf)
        return "idf_weights", f"output_mode 'tf_idf' needs one idf weight per token ({len(vocabulary)}), got {given}"
    if c.get("vocabulary_size") is not None and c["vocabulary_size"] != size:
        return "vocabulary_size", f"{c['vocabulary_size']}, but the vocabulary and special tokens make {size} ids"
    return None


def _depth(name: str, c: dict) -> int:
    """The width of an encoded vector: the ids (without the mask token), or max_tokens with pad_to_max_tokens."""
    if c.get("pad_to_max_tokens"):
        return c["max_tokens"]
    return len(_specials(name, {**c, "output_mode": "count"})) + len(c.get("vocabulary") or [])


def _lookup(c: dict, s: Shape | None, who: str) -> Effect:
    return _encoded(c.get("output_mode", "int"), s, who, lambda: _depth(who, c))


def _encoded(mode: str, s: Shape | None, who: str, depth) -> Effect:
    """Ids of the input's shape; one_hot adds an axis of ``depth()`` (replacing a last axis of 1); the other
    encodings one vector per sample of at most one axis."""
    if s is None or mode == "int":
        return Effect({}, s, 0 if s is None else math.prod(s))
    depth = depth()
    if mode == "one_hot":
        out = (*s[:-1], depth) if s and s[-1] == 1 else (*s, depth)
    elif len(s) > 1:
        raise ValueError(f"{who} with output_mode {mode!r} encodes samples of at most one axis, got {s}")
    else:
        out = (depth,)
    return Effect({}, out, math.prod(out))


def _text_vectorization(c: dict, s: Shape | None) -> Effect:
    """One text per sample, (1,) or (): ``output_sequence_length`` ids (else as many as the words, here the
    longest length building probes), the text's own shape with split=None, or a vector of the vocabulary."""
    if s is not None and s not in ((), (1,)):
        raise ValueError(f"TextVectorization takes one text per sample, shape (1,) or (), got {s}")
    if c.get("output_mode", "int") != "int":
        out = (_depth("TextVectorization", c),)
    elif c.get("output_sequence_length") is not None:
        out = (c["output_sequence_length"],)
    elif c.get("split", "whitespace") is None:
        out = s
    else:
        out = (max(PROBE_LENGTHS),)
    return Effect({}, out, 0 if out is None else math.prod(out))


VOCABULARY_SHAPES = {
    "StringLookup": lambda c, s: _lookup(c, s, "StringLookup"),
    "IntegerLookup": lambda c, s: _lookup(c, s, "IntegerLookup"),
    "TextVectorization": _text_vectorization,
}

#: The category layers without a vocabulary (``CATEGORY_CONFIGS`` in :mod:`.file_schema`).
CATEGORY_SHAPES = {
    "Hashing": lambda c, s: _encoded(c.get("output_mode", "int"), s, "Hashing", lambda: c["num_bins"]),
    "Discretization": lambda c, s: _encoded(
        c.get("output_mode", "int"), s, "Discretization",
        lambda: c["num_bins"] if c.get("bin_boundaries") is None else len(c["bin_boundaries"]) + 1),
    "CategoryEncoding": lambda c, s: _encoded(c.get("output_mode", "multi_hot"), s, "CategoryEncoding",
                                              lambda: c["num_tokens"]),
}
