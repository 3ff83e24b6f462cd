"""``keras.dtype_policies``: ``DTypePolicy``, the dtype a layer computes in and keeps its weights in.

Keras 3 gives each layer a policy (``layer.dtype_policy``), made from its ``dtype=`` argument or the
global policy (``keras.config.dtype_policy()``, "float32"). A policy named after a dtype ("float32",
"float64", "float16"; "int64" for an integer lookup) computes and stores in that dtype, as here. Keras's
*mixed* policies ("mixed_float16", "mixed_bfloat16": float16 compute, float32 weights) are refused with a
one-line error: nabla computes in each tensor's own dtype, and a silent float32 run would report dtypes
the material does not show. The global policy stays "float32", as ``keras.config.floatx()`` does.
"""

from __future__ import annotations

from ._engine import dtypes

_MIXED = (
    "mixed precision is not offered: nabla computes in each layer's own dtype (float32 by default); drop "
    "the policy, or give a layer dtype='float64' (or 'float16') to compute and keep its weights in that dtype"
)


class DTypePolicy:
    """A layer's dtype policy: ``name`` (a dtype's name), ``compute_dtype`` and ``variable_dtype`` (both that
    name), ``quantization_mode`` (None: quantization is not offered). ``DTypePolicy()`` is the global policy."""

    def __init__(self, name: str | None = None):
        if name is None:
            name = "float32"
        if not isinstance(name, str):
            raise TypeError(f"DTypePolicy: expected a dtype name such as 'float32', got {name!r}")
        if name.startswith("mixed_"):
            raise ValueError(f"DTypePolicy({name!r}): {_MIXED}")
        try:
            self._dtype = dtypes.resolve(name)
        except (TypeError, ValueError) as error:
            raise ValueError(f"DTypePolicy: {error}") from None
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._dtype.name

    @property
    def variable_dtype(self) -> str:
        return self._dtype.name

    @property
    def quantization_mode(self) -> None:
        return None

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(**config)

    def __eq__(self, other) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'


FloatDTypePolicy = DTypePolicy  # (Keras 3.0-3.3's name for the same class)


def get(identifier) -> DTypePolicy:
    """A policy from a name, a dtype, a ``DTypePolicy`` or its serialized config; None: the global policy."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(dtypes.resolve(identifier).name)
    except (TypeError, ValueError):
        raise ValueError(f"cannot make a DTypePolicy of {identifier!r}: give a dtype name such as 'float32'") from None


def serialize(policy: DTypePolicy) -> dict:
    """Keras 3's serialized form: ``{"module": "keras", "class_name": "DTypePolicy", "config": {...}, ...}``."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(), "registered_name": None}


def deserialize(config: dict) -> DTypePolicy:
    """The policy of :func:`serialize`'s config (``FloatDTypePolicy``, Keras 3.0-3.3's class, as well)."""
    if config.get("class_name") not in ("DTypePolicy", "FloatDTypePolicy") or not isinstance(
        config.get("config"), dict
    ):
        raise ValueError(f"not a DTypePolicy config: {config!r}")
    return DTypePolicy.from_config(config["config"])


def dtype_policy() -> DTypePolicy:
    """The global policy (``keras.config.dtype_policy()``): always float32, as :func:`keras.config.floatx`."""
    return DTypePolicy("float32")


def set_dtype_policy(policy) -> None:
    """``keras.config.set_dtype_policy``: only "float32" (the fixed global dtype) is accepted; a mixed policy, or
    another dtype, is refused with what to do instead."""
    chosen = get(policy)  # (a mixed policy is refused here)
    if chosen.name != "float32":
        raise ValueError(
            f"set_dtype_policy({chosen.name!r}): nabla's global policy stays float32 (as floatx); make the layers "
            f"that should compute in {chosen.name} with dtype={chosen.name!r}"
        )
