"""Default names of layers, metrics and losses: Keras's one snake_case rule and its numbering.

A layer created without ``name=`` is called after its class, in snake_case, and numbered from the
second one on: ``dense``, ``dense_1``, ``dense_2``...; a metric or a loss without a name gets the
snake_case of its class. One rule for the whole Keras side, Keras's own
(``keras.src.utils.naming.to_snake_case``): a capital that starts a word (a capital followed by
lower-case letters) and a capital after a lower-case letter start a new word; digits stay with the
word before them. So ``MaxPooling2D`` is ``max_pooling2d``, ``Conv2D`` ``conv2d``, ``R2Score``
``r2_score``, ``AUC`` ``auc``, ``BinaryCrossentropy`` ``binary_crossentropy``.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict

_name_counts: defaultdict[str, int] = defaultdict(int)


def snake_case(name: str) -> str:
    """Keras's rule: ``Conv2D`` -> ``conv2d``, ``MaxPooling2D`` -> ``max_pooling2d``, ``R2Score`` -> ``r2_score``.

    Characters that cannot be in a Python name are dropped first.

    Example:
        >>> snake_case("GaussianDropout"), snake_case("MaxPooling2D"), snake_case("AUC")
        ('gaussian_dropout', 'max_pooling2d', 'auc')
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2``... (until :func:`clear_session`)."""
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def auto_name(class_name: str) -> str:
    """The default name of a layer of class ``class_name``: its snake_case, numbered."""
    return unique_name(snake_case(class_name))


def clear_session(free_memory: bool = True) -> None:
    """Keras's ``clear_session``: automatic names start again from "dense", "dense_1"...

    Also ``keras.backend.clear_session`` and ``keras.utils.clear_session``. Keras 3 also drops its global
    graph state, which nabla does not have (models are plain Python objects, freed when unreferenced);
    ``free_memory`` (default True) runs Python's garbage collector, as Keras does.
    """
    _name_counts.clear()
    if free_memory:
        gc.collect()
