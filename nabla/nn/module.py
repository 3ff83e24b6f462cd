"""Module: the building block of networks, holding parameters, buffers and submodules.

Assigning a :class:`Parameter` or a :class:`Module` to an attribute
registers it, in assignment order, so names are dotted and deterministic
(``"layers.0.weight"``). Subclasses write ``__init__`` (build the pieces)
and ``forward`` (compute); calling the module runs ``forward``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import NamedTuple

from ..engine import backend, devices, dtypes
from ..engine.grad_mode import no_grad
from ..engine.tensor import Tensor
from ..engine.tracing import ModuleChanges, Tracing, refuse_in_capture, replayed
from .loading import check_state_dict
from .parameter import Parameter


class IncompatibleKeys(NamedTuple):
    missing_keys: list
    unexpected_keys: list


_INTERNALS = ("_parameters", "_buffers", "_non_persistent", "_modules", "training")


_MISSING = object()
_PLAIN = (bool, int, float, str, tuple, type(None))


def _changes(old, new) -> bool:
    """Whether setting an attribute from ``old`` to ``new`` changes it (plain values compare by value: a
    layer that records the same output shape at every call changes nothing)."""
    return old is not new and not (type(old) is type(new) and type(new) in _PLAIN and old == new)


def _changed(module) -> None:
    """Count a change of ``module`` (:class:`ModuleChanges`), unless no captured step's record can have read
    it: made after the last record was written."""
    if module.__dict__.get("_born", -1) < ModuleChanges.programs:
        ModuleChanges.count += 1


class Module:
    """Base class of every layer and model.

    Example::

        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(2, 16)
                self.out = nn.Linear(16, 1)

            def forward(self, x):
                return self.out(nb.relu(self.hidden(x)))
    """

    training: bool

    def __new__(cls, *args, **kwargs):
        module = super().__new__(cls)
        object.__setattr__(module, "_born", ModuleChanges.programs)  # (see _changed)
        return module

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    # --- registration ----------------------------------------------------------------

    def _registry(self, kind: str) -> dict:
        """One of the registries, for writing: a captured step's program holds while no module changes."""
        _changed(self)
        reg = self.__dict__.get(kind)
        if reg is None:
            raise AttributeError(
                f"{type(self).__name__} is not set up: Module.__init__() has not run; "
                "call super().__init__() first in your __init__"
            )
        return reg

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, Parameter):
            self._forget(name)
            self._registry("_parameters")[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            self._registry("_modules")[name] = value
        elif name in self.__dict__.get("_parameters", ()):
            _changed(self)
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to parameter '{name}': wrap it in nn.Parameter(...)"
                )
            self._parameters[name] = None
        elif name in self.__dict__.get("_buffers", ()):
            _changed(self)
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"buffer '{name}' must be a Tensor or None, got {type(value).__name__}")
            self._buffers[name] = value
        elif name in self.__dict__.get("_modules", ()):
            _changed(self)
            if value is not None:
                raise TypeError(f"cannot replace submodule '{name}' with a {type(value).__name__}")
            self._modules[name] = None
        else:
            if _changes(self.__dict__.get(name, _MISSING), value):  # (a captured step froze what forward read)
                _changed(self)
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        for kind in ("_parameters", "_buffers", "_modules"):
            self.__dict__.get(kind, {}).pop(name, None)
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str):
        # Only called when normal lookup fails: look in the registries.
        for kind in ("_parameters", "_buffers", "_modules"):
            reg = self.__dict__.get(kind)
            if reg is not None and name in reg:
                return reg[name]
        if name in _INTERNALS:
            # Module.__init__ sets these, so a subclass skipped it.
            self._registry(name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for kind in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(kind, {}):
                del self.__dict__[kind][name]
                _changed(self)  # (a captured step froze the registries that forward read)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: '{name}' must be an nn.Parameter or None")
        self._forget(name)
        self._registry("_parameters")[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not trained (e.g. BatchNorm's running mean).

        Persistent buffers are part of ``state_dict()``.
        """
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: '{name}' must be a Tensor or None, got {type(tensor).__name__}")
        self._forget(name)
        self._registry("_buffers")[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: '{name}' must be a Module, got {type(module).__name__}")
        self._forget(name)
        self._registry("_modules")[name] = module

    register_module = add_module

    # --- running --------------------------------------------------------------------

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        tracer = Tracing.tracer
        if tracer is not None:  # (nb.capture: what forward computes may depend on the module's mode)
            tracer.module_called(self)
        return self.forward(*args, **kwargs)

    # --- traversal --------------------------------------------------------------------

    def named_modules(
        self, prefix: str = "", memo: set | None = None, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Every module in the tree (this one first), with dotted names; each module once
        (under each of its names with ``remove_duplicate=False``)."""
        memo = set() if memo is None else memo
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(f"{prefix}.{name}" if prefix else name, memo, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, child in self._modules.items():
            if child is not None:
                yield name, child

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def _named(self, kind: str, prefix: str, recurse: bool) -> Iterator[tuple[str, Tensor]]:
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for mod_prefix, module in modules:
            for name, t in getattr(module, kind).items():
                if t is None or id(t) in seen:
                    continue
                seen.add(id(t))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), t

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two modules is listed once."""
        return self._named("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def num_parameters(self, trainable_only: bool = False) -> int:
        """The number of parameter values (each shared parameter counted once)."""
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    # --- modes and bulk changes ---------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops, BatchNorm uses batch statistics); returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    @replayed(idempotent=True)
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of every parameter (to None, or to zeros in place)."""
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad._data[...] = 0

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze (True) every parameter."""
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule (children first) and then on self, e.g. for custom init."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, *args, device=None, dtype=None) -> Module:
        """Move parameters and buffers to ``device`` and/or convert the floating ones to ``dtype``, in place.

        As PyTorch's ``Module.to``: ``model.to("cuda")``, ``model.to(nb.float64)``, ``model.to("cpu",
        nb.float32)``. The Parameter objects stay the same (an optimizer made before keeps working); their
        values, and their gradients, move. Device names: see :mod:`nabla.engine.devices`.
        """
        device, dtype = devices.to_arguments(args, device, dtype)
        if dtype is not None:
            dtype = dtypes.resolve(dtype)
            if dtype.kind != "f":
                raise TypeError(f"Module.to only takes floating dtypes, got {dtype}")
        if device is None and dtype is None:
            return self
        refuse_in_capture("converts a module's tensors (Module.to)")
        for t in list(self.parameters()) + list(self.buffers()):
            t._data = _moved(t._data, t.dtype, device, dtype)
            t._version.v += 1
            if t._grad is not None:
                t._grad = Tensor._make(_moved(t._grad._data, t._grad.dtype, device, dtype))
        ModuleChanges.count += 1  # (a captured step froze the library and device its tensors live on)
        return self

    def cpu(self) -> Module:
        """Move every parameter and buffer to the host (NumPy)."""
        return self.to("cpu")

    def cuda(self, device: int | None = None) -> Module:
        """Move every parameter and buffer to a CUDA GPU (CuPy)."""
        return self.to("cuda" if device is None else f"cuda:{device}")

    def float(self) -> Module:
        return self.to(dtypes.float32)

    def double(self) -> Module:
        return self.to(dtypes.float64)

    # --- state -------------------------------------------------------------------------

    def state_dict(self) -> OrderedDict:
        """Parameters and persistent buffers by dotted name (tensors sharing memory with the model).

        A module or tensor shared under two names is listed under both, as in PyTorch.
        """
        out = OrderedDict()
        for prefix, module in self.named_modules(remove_duplicate=False):
            for kind in ("_parameters", "_buffers"):
                for name, t in getattr(module, kind).items():
                    if t is None or (kind == "_buffers" and name in module._non_persistent):
                        continue
                    out[f"{prefix}.{name}" if prefix else name] = t.detach()
        return out

    def load_state_dict(self, state_dict, strict: bool = True) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers.

        ``state_dict`` maps names to Tensors, arrays or nested lists of numbers;
        anything else (``None``, a list of pairs, a Tensor) is a ``TypeError``.
        Shapes must match and values be numbers that the model's dtype can hold:
        a ``ValueError`` names every mismatched key, even with ``strict=False``,
        as in PyTorch. With ``strict=True`` (default) missing or unexpected keys
        raise a ``KeyError`` naming them (listed in the ``ValueError`` too when
        shapes are also wrong); with ``strict=False`` they are returned. Values
        are cast to the model's dtypes. Nothing is changed unless every check
        passes (see :mod:`nabla.nn.loading`).
        """
        own = self.state_dict()
        arrays, missing, unexpected = check_state_dict(own, state_dict, strict, type(self).__name__)
        with no_grad():
            for k, array in arrays.items():
                own[k].copy_(array)
        return IncompatibleKeys(missing, unexpected)

    # --- display --------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The arguments shown in this module's line of ``repr`` (override in layers)."""
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, child in self._modules.items():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n" + "\n".join(lines) + "\n)"


def _moved(array, dtype, device, new_dtype):
    """``array`` converted to ``new_dtype`` (floats only) and moved to ``device``, each when given."""
    if new_dtype is not None and dtype.kind == "f" and dtype != new_dtype:
        array = backend.namespace(array).astype(array, new_dtype)
    return array if device is None else backend.to_device(array, device)


class _ModuleSequence(Module):
    """Modules kept in order under the names "0", "1", ... (shared by Sequential and ModuleList)."""

    def append(self, module: Module):
        self.add_module(str(len(self._modules)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(_ModuleSequence):
    """Modules applied one after another: ``Sequential(Linear(2, 4), ReLU(), Linear(4, 1))``.

    Also accepts an ``OrderedDict`` of named modules. Indexing gives a module
    (or a Sequential for a slice); ``append`` adds one at the end.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                if not isinstance(m, Module):
                    raise TypeError(f"Sequential: argument {i} is a {type(m).__name__}, not a Module")
                self.add_module(str(i), m)

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        return items[index][1]


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered (a plain list would hide them)."""

    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def extend(self, modules) -> ModuleList:
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, index):
        values = list(self._modules.values())
        return ModuleList(values[index]) if isinstance(index, slice) else values[index]


class ModuleDict(Module):
    """A dict of modules whose parameters are registered."""

    def __init__(self, modules=None):
        super().__init__()
        for name, m in (modules or {}).items():
            self[name] = m

    def __setitem__(self, name: str, module: Module) -> None:
        self.add_module(name, module)

    def __getitem__(self, name: str) -> Module:
        return self._modules[name]

    def __contains__(self, name: str) -> bool:
        return name in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()
