"""The optimizer base class: parameter groups, per-parameter state, checkpoints.

PyTorch's structure: hyper-parameters live in *parameter groups* (``lr`` can
differ between a network's body and its head), state lives *per parameter*
(a momentum buffer has the parameter's shape). A subclass says how one
parameter is updated (``_update``) and which hyper-parameter values are
legal (``_check_group``); looping, skipping parameters without a gradient,
``no_grad``, version counters and checkpoints are done here once.

An optimizer may be created without parameters (``nb.optim.Adam(lr=1e-3)``)
for the Keras-style API, which binds the model's parameters at ``compile``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable

import numpy as np

from ..engine import backend, devices
from ..engine.grad_mode import enable_grad, no_grad
from ..engine.tensor import Tensor
from ..engine.tracing import replay_overrides, replayed
from .state_checks import checked_structure, shown


class Optimizer:
    """Base class of the optimizers.

    Args:
        params: an iterable of Tensors, or of dicts (parameter groups), each
            with a ``"params"`` entry and any hyper-parameters that override
            ``defaults`` for that group::

                [{"params": body, "lr": 1e-3}, {"params": head}]

            ``None`` creates an *unbound* optimizer: attach the parameters
            later with :meth:`bind` (the Keras-style ``compile`` does it).
        defaults: the hyper-parameters of groups that do not set their own.

    Attributes:
        param_groups: list of dicts; ``group["params"]`` holds the Tensors.
        state: dict from parameter Tensor to its state dict (moments, step).
        defaults: the hyper-parameters new groups start from.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        replay_overrides(cls, ("step", "zero_grad"))

    def __init__(self, params, defaults: dict):
        self.defaults = dict(defaults)
        self.param_groups: list[dict] = []
        self.state: dict[Tensor, dict] = {}
        self._step_calls = 0  # read by the schedulers to warn when they step before the optimizer
        self._check_group(self.defaults)
        if params is not None:
            self.bind(params)

    # --- parameters ---------------------------------------------------------------

    def bind(self, params) -> Optimizer:
        """Attach the parameters of an optimizer created without them; returns the optimizer.

        ``params`` is what the constructor accepts: Tensors or parameter
        groups. An optimizer already holding parameters refuses (use
        :meth:`add_param_group` to add more).
        """
        name = type(self).__name__
        if self.param_groups:
            count = sum(len(g["params"]) for g in self.param_groups)
            raise RuntimeError(
                f"{name}.bind: this optimizer already updates {count} parameters; "
                "use add_param_group to add more, or create a new optimizer for another model"
            )
        for group in _as_groups(params, name):
            self.add_param_group(group)
        return self

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters, with hyper-parameters that override the defaults.

        Example: unfreeze a layer half-way through training::

            opt.add_param_group({"params": model.layer1.parameters(), "lr": 1e-4})
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{name}.add_param_group expects a dict with a 'params' entry, got {type(param_group).__name__}"
            )
        if "params" not in param_group:
            raise ValueError(f"{name}: a parameter group needs a 'params' entry, got keys {sorted(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(
                f"{name}: parameters must be given in an ordered collection (a set has no order, so "
                "checkpoints would not match); pass a list"
            )
        else:
            params = list(params)
        if not params:
            raise ValueError(f"{name}: a parameter group has an empty 'params' list")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name} can only optimize Tensors, but parameter {i} is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(
                    f"{name} can't optimize a tensor computed by an operation ('{p.grad_fn.name}'); "
                    "parameters must be leaves: pass the tensor you created with requires_grad=True"
                )
            if p.dtype.kind != "f":
                raise TypeError(f"{name} can only optimize floating-point tensors, parameter {i} is {p.dtype}")
            if id(p) in seen:
                raise ValueError(
                    f"{name}: parameter {i} (shape {p.shape}) appears twice, in this group or in an earlier one; "
                    "each parameter may be in one group only"
                )
            seen.add(id(p))
        options = {k: v for k, v in param_group.items() if k != "params"}
        if "learning_rate" in options:
            options["lr"] = resolve_lr(options.get("lr"), options.pop("learning_rate"), None, name)
        group = {"params": params}
        for key, default in self.defaults.items():
            group[key] = options.pop(key, default)
        group.update(options)  # extra keys are kept, as in PyTorch ('initial_lr', user tags)
        self._check_group(group)
        self.param_groups.append(group)

    # --- one update -----------------------------------------------------------------

    @replayed
    def step(self, closure: Callable | None = None):
        """Update every parameter that has a gradient, in place; returns the closure's loss (or None).

        ``closure`` re-evaluates the model and returns the loss (with its
        backward done); it is called before the update, with gradients on.
        """
        if not self.param_groups:
            name = type(self).__name__
            raise RuntimeError(
                f"{name}.step: this optimizer has no parameters to update. Pass them when creating it "
                f"(nb.optim.{name}(model.parameters(), lr=...)), call opt.bind(model.parameters()), "
                "or compile a model with this optimizer"
            )
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        self._step_calls += 1
        return loss

    def _update_group(self, group: dict) -> None:
        """Update every parameter of ``group`` that has a gradient (an optimizer may override this with a
        faster loop for a common case; see SGD)."""
        for p, param, grad in self._with_grads(group):
            update = self._update_0d if param.ndim == 0 and isinstance(param, np.ndarray) else self._update
            state = self.state.get(p)
            if state is None:
                state = {}
                update(param, grad, state, group)
                if state:  # plain SGD keeps no state: no empty entries, as in PyTorch
                    self.state[p] = state
            else:
                update(param, grad, state, group)
            p._version.v += 1  # the update was in place: graphs that saved p are now stale

    def _with_grads(self, group: dict):
        """``(parameter, its array, its gradient's array)`` for each parameter of ``group`` with a gradient."""
        for p in group["params"]:
            grad = p._grad  # (the slots, not the properties: this loop runs at every step)
            if grad is None:
                continue
            grad, param = grad._data, p._data
            if grad.shape != param.shape:
                raise self._shape_error(param, grad)
            yield p, param, grad

    def _shape_error(self, param: np.ndarray, grad: np.ndarray) -> RuntimeError:
        return RuntimeError(
            f"{type(self).__name__}.step: a parameter of shape {param.shape} has a gradient of shape {grad.shape}"
        )

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        """Update one parameter's array in place from its gradient; ``grad`` must not be modified."""
        raise NotImplementedError(f"{type(self).__name__} must implement _update(param, grad, state, group)")

    def _update_0d(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        """:meth:`_update` for a 0-d NumPy parameter, run on 1-element views of it, its gradient and its state.

        NumPy's arithmetic on 0-d arrays returns scalars, which the in-place steps of an update cannot
        write into; the views share memory, so the update lands in the parameter, and its state stays 0-d
        (the shape of the parameter, as PyTorch's and Keras's).
        """
        lifted = {k: v.reshape(1) if isinstance(v, np.ndarray) and v.ndim == 0 else v for k, v in state.items()}
        self._update(param.reshape(1), grad.reshape(1), lifted, group)
        for k, v in lifted.items():
            state[k] = v.reshape(()) if isinstance(v, np.ndarray) and v.shape == (1,) else v

    def _check_group(self, group: dict) -> None:
        """Raise if a hyper-parameter of ``group`` is illegal; normalise numbers to Python floats."""
        check_non_negative(group, "lr", type(self).__name__)

    @replayed(idempotent=True)
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all parameters.

        ``set_to_none=True`` (the default) drops them (``p.grad = None``,
        which also frees the memory); ``False`` fills the existing gradient
        arrays with zeros in place.
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad  # (the slot: this loop runs at every step)
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                    continue
                if g._node is not None:
                    g.detach_()
                if not isinstance(g._data, np.ndarray) or g._data.flags.writeable:
                    g._data[...] = 0
                    g._version.v += 1
                else:
                    p._grad = Tensor._make(np.zeros_like(g._data))

    # --- checkpoints ------------------------------------------------------------------

    def state_dict(self) -> dict:
        """The optimizer's state and hyper-parameters, as plain data.

        ``{"state": {0: {"step": 3, "exp_avg": array, ...}, ...},
        "param_groups": [{"lr": 0.001, ..., "params": [0, 1]}, ...]}``: the
        parameters are numbered in the order of the groups, as in PyTorch.
        Only NumPy arrays, Python numbers, strings, bools, None, lists and
        dicts appear (tuples such as ``betas`` become lists), so it can be
        saved as JSON plus arrays. The arrays are copies: later steps do not
        change a state dict already taken.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: _plain(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for p, s in self.state.items():
            if id(p) in index:
                state[index[id(p)]] = {k: _saved(v) for k, v in s.items()}
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what :meth:`state_dict` returned, so that training continues exactly.

        The optimizer must hold the same parameters, in the same groups and
        order, as the one that was saved. Arrays are copied (and cast to each
        parameter's dtype), so the dict can be reused or modified afterwards.
        Parameter indices may be strings (as after a JSON round trip). Any other layout (a
        damaged or foreign file's) is one ``ValueError`` naming the entry; nothing changes on failure.
        """
        name = type(self).__name__
        if not self.param_groups:
            raise RuntimeError(f"{name}.load_state_dict: bind the parameters (or compile the model) before loading")
        saved_groups = checked_structure(state_dict, f"{name}.load_state_dict")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the state dict has {len(saved_groups)} parameter group(s), "
                f"this optimizer has {len(self.param_groups)}"
            )
        id_map: dict[int, Tensor] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {i} has {len(saved['params'])} parameters in the "
                    f"state dict and {len(group['params'])} in this optimizer"
                )
            id_map.update(zip((int(k) for k in saved["params"]), group["params"]))
        state: dict[Tensor, dict] = {}
        for key, values in state_dict["state"].items():
            if int(key) not in id_map:
                listed = sorted(id_map)
                listing = ", ".join(map(str, listed[:10])) + (", ..." if len(listed) > 10 else "")
                raise ValueError(
                    f"{name}.load_state_dict: state for parameter {key}, but the groups only list [{listing}]"
                )
            p = id_map[int(key)]
            state[p] = {k: _load_value(k, v, p, f"{name}.load_state_dict: parameter {key}") for k, v in values.items()}
        groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            new = {"params": group["params"]}
            for k, v in saved.items():
                if k != "params":
                    new[k] = tuple(v) if isinstance(self.defaults.get(k), tuple) and isinstance(v, list) else v
            self._check_group(new)
            groups.append(new)
        self.param_groups[:] = groups
        self.state = state

    def __repr__(self) -> str:
        name = type(self).__name__
        if not self.param_groups:
            options = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
            return f"{name}(unbound, {options})"
        lines = [f"{name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}  ({len(group['params'])} tensors)")
            lines += [f"    {k}: {v!r}" for k, v in sorted(group.items()) if k != "params"]
        lines.append(")")
        return "\n".join(lines)


# --- helpers shared by the optimizers ------------------------------------------------


def _as_groups(params, name: str) -> list[dict]:
    """The constructor's ``params`` as a list of group dicts."""
    if isinstance(params, Tensor):
        raise TypeError(
            f"{name}: params must be an iterable of Tensors or of dicts, got a single Tensor of shape "
            f"{params.shape}; pass a list ([w]) or model.parameters()"
        )
    if isinstance(params, dict):
        raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts; wrap the group in a list: [group]")
    if isinstance(params, (str, bytes, numbers.Number)) or not isinstance(params, Iterable):
        hint = " (to set the learning rate, write lr=...)" if isinstance(params, numbers.Number) else ""
        raise TypeError(
            f"{name}: params must be an iterable of Tensors or of dicts, got {params!r} ({type(params).__name__}){hint}"
        )
    items = list(params)
    if not items:
        raise ValueError(
            f"{name} got an empty parameter list: there is nothing to optimize. Did model.parameters() "
            "return nothing (a model whose layers are built on first call)? Build the model first, or create "
            f"the optimizer without parameters (nb.optim.{name}(lr=...)) and bind them later"
        )
    dicts = [isinstance(x, dict) for x in items]
    if all(dicts):
        return items
    if any(dicts):
        raise TypeError(f"{name}: params mixes Tensors and dicts; give either Tensors or parameter groups (dicts)")
    return [{"params": items}]


def resolve_lr(lr, learning_rate, default, name: str):
    """``lr`` or its Keras spelling ``learning_rate`` (not both), else ``default``."""
    if lr is not None and learning_rate is not None:
        raise ValueError(
            f"{name}: got both lr={lr!r} and learning_rate={learning_rate!r}; they are the same setting, give one"
        )
    if learning_rate is not None:
        return learning_rate
    return default if lr is None else lr


def _number(group: dict, key: str, name: str) -> float:
    value = group[key]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: {key} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)  # NOTE: a NumPy float64 scalar would upcast float32 updates; Python floats do not
    group[key] = value
    return value


def check_non_negative(group: dict, key: str, name: str) -> None:
    """``group[key]`` must be a number >= 0 (NaN is refused too)."""
    if not _number(group, key, name) >= 0.0:
        raise ValueError(f"{name}: {key} must be >= 0, got {group[key]!r}")


def check_unit_interval(group: dict, key: str, name: str, *, include_one: bool = False) -> None:
    """``group[key]`` must be in [0, 1) (or [0, 1] with ``include_one``)."""
    value = _number(group, key, name)
    if not (0.0 <= value <= 1.0 if include_one else 0.0 <= value < 1.0):
        raise ValueError(f"{name}: {key} must be in [0, {'1]' if include_one else '1)'}, got {value!r}")


def check_bool(group: dict, key: str, name: str) -> None:
    value = group[key]
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: {key} must be True or False, got {value!r} ({type(value).__name__})")
    group[key] = bool(value)


_BLOCK = 1 << 15  # elements per block of add_scaled: a 128 KiB float32 temporary


def add_scaled(param: np.ndarray, d: np.ndarray, alpha: float) -> None:
    """``param += alpha * d`` in place (PyTorch's ``add_(d, alpha=)``), without a temporary of param's size.

    NumPy has no fused scaled add, and ``alpha * d`` for the largest weight
    was the whole peak of a step: with the gradients alive, W3's step needed
    1.67 MiB against PyTorch's 0.90. Blocks of 32K elements keep the
    temporary at 128 KiB for about 1.5 us per block of overhead.
    """
    if d.size <= _BLOCK or not (isinstance(param, np.ndarray) and param.flags.c_contiguous and d.flags.c_contiguous):
        param += alpha * d
        return
    p, g = param.reshape(-1), d.reshape(-1)  # views: both are contiguous
    for i in range(0, p.size, _BLOCK):
        p[i : i + _BLOCK] += alpha * g[i : i + _BLOCK]


def effective_grad(param: np.ndarray, grad: np.ndarray, weight_decay: float, maximize: bool) -> np.ndarray:
    """``±grad + weight_decay * param`` (L2 penalty folded into the gradient), as a new array when it changes.

    Returns ``grad`` itself when there is nothing to add, so callers must
    only read the result.
    """
    if weight_decay != 0.0:
        d = param * weight_decay
        if maximize:
            d -= grad
        else:
            d += grad
        return d
    return -grad if maximize else grad


def state_zeros(state: dict, key: str, like: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """``state[key]``, created as an array of ``like``'s shape and dtype filled with ``fill`` if missing."""
    buf = state.get(key)
    if buf is None:
        if isinstance(like, np.ndarray):
            buf = state[key] = np.full_like(like, fill)
        else:  # another array library: the buffer lives on the parameter's device
            buf = state[key] = backend.namespace(like).api.full_like(like, fill)
    return buf


def into(out, ufunc, *args):
    """``ufunc(*args, out=out)``: the result written into ``out``, on NumPy with no temporary; on another
    array library (which has no ``out=``) its function of the same name, written into ``out`` in place."""
    if isinstance(out, np.ndarray):
        return ufunc(*args, out=out)
    out[...] = getattr(backend.namespace(out).api, ufunc.__name__)(*args)
    return out


def _saved(value):
    """A state entry as plain data: arrays as NumPy copies (from any device: a state dict is host data)."""
    if isinstance(value, np.ndarray) or hasattr(value, "__dlpack__"):
        return np.array(backend.to_host(value), copy=True)
    return _plain(value)


def _plain(value):
    """Tuples to lists and NumPy scalars to Python numbers, recursively (for JSON)."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _load_value(key: str, value, p: Tensor, where: str):
    if key == "step":
        step = value.item() if isinstance(value, (np.ndarray, np.generic)) and value.size == 1 else value
        if isinstance(step, float) and step.is_integer():  # PyTorch keeps the step as a float tensor
            step = int(step)
        if not isinstance(step, (int, np.integer)) or isinstance(step, bool) or not 0 <= step <= 2**53:
            raise ValueError(f"{where}: state 'step' must be a count (an integer >= 0), got {shown(value)}")
        return int(step)
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, (str, bytes, dict)):
        raise ValueError(f"{where}: state '{key}' must be an array of the parameter's shape, got {shown(value)}")
    if isinstance(value, (np.ndarray, list)):
        dtype = p.dtype if p.dtype.kind == "f" else None
        try:
            with np.errstate(over="raise", invalid="raise"):  # 1e300 into float32 is an error, not a silent inf
                arr = np.array(value, dtype=dtype, copy=True)
        except (FloatingPointError, ValueError, TypeError) as e:
            raise ValueError(f"{where}: state '{key}' cannot be read as {dtype or 'an array'} ({e})") from None
        if arr.shape != p.shape:
            raise ValueError(f"{where}: state '{key}' has shape {arr.shape} but the parameter has shape {p.shape}")
        return backend.to_device(arr, devices.device_of(p._data))  # (a state buffer lives on its parameter's device)
    return value
