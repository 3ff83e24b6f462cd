"""``tf.random``: uniform, normal and other draws from nabla's seeded generator (defined in ``random_ops``,
where seeds are explained)."""

from ._missing import missing
from .random_ops import categorical, normal, set_seed, shuffle, truncated_normal, uniform


def __getattr__(name: str):
    raise missing("tf.random", name)
