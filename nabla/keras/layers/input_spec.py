"""``keras.InputSpec``: what a layer accepts as its first input (rank, dtype, sizes), checked at each call.

A layer of yours sets ``self.input_spec = InputSpec(min_ndim=2, axes={-1: 3})`` (or a list of specs, one per
input); every call then checks its first argument before ``build`` and ``call``, with Keras 3's messages:
``Input 0 with name 'None' of layer 'mine' is incompatible with the layer: expected min_ndim=2, found
ndim=1. Full shape received: (3,)``. nabla's own layers check their inputs themselves and leave it None.
"""

from __future__ import annotations

from .._engine import dtypes
from ..strings import dtype_name
from ..symbolic import flatten


class InputSpec:
    """The rank, dtype and sizes an input must have; None anywhere accepts anything.

    ``shape`` includes the batch axis (None entries accept any size) and sets ``ndim``; ``axes`` maps an
    axis (negative counts from the end) to its size; ``allow_last_axis_squeeze`` lets a trailing axis of 1
    be present on either side; ``name`` is the key of this input when inputs come as a dict; an
    ``optional`` input may be None.
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ):
        self.dtype = None if dtype is None else _dtype_name(dtype)
        self.shape = None if shape is None else tuple(None if d is None else int(d) for d in shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.name, self.optional, self.allow_last_axis_squeeze = name, optional, allow_last_axis_squeeze
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (AttributeError, TypeError, ValueError):
            raise TypeError(f"InputSpec: axes must be a dict with integer keys, got axes={axes!r}") from None
        most = self.ndim if self.ndim is not None else self.max_ndim
        if self.axes and most is not None and max(self.axes) > most - 1:
            raise ValueError(f"InputSpec: axis {max(self.axes)} is greater than the largest allowed, {most - 1}")

    def __repr__(self) -> str:
        shown = ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes")
        return f"InputSpec({', '.join(f'{k}={getattr(self, k)}' for k in shown if getattr(self, k))})"

    def get_config(self) -> dict:
        keys = ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes", "optional")
        return {k: getattr(self, k) for k in keys}

    @classmethod
    def from_config(cls, config: dict) -> InputSpec:
        return cls(**config)


def _dtype_name(dtype) -> str:
    return "string" if dtype == "string" else dtype_name(dtypes.resolve(dtype))


def check_inputs(spec, inputs, layer: str) -> None:
    """Raise Keras 3's ValueError when ``inputs`` (a layer's first argument) do not meet ``spec`` (an
    :class:`InputSpec` or a nested list of them; dict inputs are matched by the specs' names when all have one)."""
    specs = flatten(spec)
    if isinstance(inputs, dict) and all(s is not None and s.name for s in specs):
        for s in specs:
            if s.name not in inputs:
                names = [s.name for s in specs]
                raise ValueError(
                    f'Missing data for input "{s.name}". You passed a data dictionary with keys '
                    f"{list(inputs)}. Expected the following keys: {names}"
                )
        inputs = [inputs[s.name] for s in specs]
    flat = flatten(inputs)
    if len(flat) != len(specs):
        raise ValueError(f'Layer "{layer}" expects {len(specs)} input(s), but it received {len(flat)} input tensors')
    for index, (x, s) in enumerate(zip(flat, specs)):
        if s is None or (x is None and s.optional):
            continue
        if not hasattr(x, "shape"):
            got = f"Got '{x}' (of type {type(x)}) as input for layer '{layer}'."
            raise ValueError(f"Inputs to a layer should be tensors. {got}")
        _check_one(s, x, f"Input {index} with name '{s.name}' of layer '{layer}' is incompatible with the layer")


def _check_one(spec: InputSpec, x, where: str) -> None:
    shape = tuple(x.shape)
    ndim = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise ValueError(f"{where}: expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ValueError(f"{where}: expected max_ndim={spec.max_ndim}, found ndim={ndim}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ValueError(f"{where}: expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: {shape}")
    if spec.dtype is not None and _dtype_name(x.dtype) != spec.dtype:
        raise ValueError(f"{where}: expected dtype={spec.dtype}, found dtype={_dtype_name(x.dtype)}")
    for axis, size in spec.axes.items():
        if size is not None and -ndim <= axis < ndim and shape[axis] not in (size, None):
            raise ValueError(
                f"{where}: expected axis {axis} of input shape to have value {size}, "
                f"but received input with shape {shape}"
            )
    if spec.shape is not None:
        expected, seen = spec.shape, shape
        if spec.allow_last_axis_squeeze:
            seen = seen[:-1] if seen and seen[-1] == 1 else seen
            expected = expected[:-1] if expected and expected[-1] == 1 else expected
        if any(e is not None and d is not None and e != d for e, d in zip(expected, seen)):
            raise ValueError(f"{where}: expected shape={spec.shape}, found shape={seen}")
