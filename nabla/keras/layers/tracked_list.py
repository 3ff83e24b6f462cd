"""The list a layer keeps when its code assigns an empty one and appends layers to it later.

Keras tracks what a layer's list attributes hold, whenever it arrives: d2l's ResNet writes
``self.residual_layers = []`` in ``__init__`` and appends its blocks, whose weights are the layer's. A list
of layers given at once becomes a ``ModuleList`` (see ``Layer.__setattr__``); an empty one becomes this
list, which registers each layer appended to it with its owner. It stays a list of anything, as in Keras;
a layer removed from it stays registered. ``layers`` lists the layers in it (Keras 2's ``ListWrapper``).
"""

from __future__ import annotations

import weakref

from ...nn.module import Module


class TrackedList(list):
    """A list attribute ``name`` of ``owner``: each Module appended, inserted or added is registered."""

    def __init__(self, owner=None, name: str = "layers"):
        super().__init__()
        self._owner = None if owner is None else weakref.ref(owner)
        self._name = name

    def _track(self, item) -> None:
        owner = self._owner() if self._owner is not None else None
        if isinstance(item, Module) and owner is not None and all(m is not item for m in owner._modules.values()):
            setattr(owner, owner._free_key(f"{self._name}_{len(self)}"), item)

    def append(self, item) -> None:
        self._track(item)
        super().append(item)

    def insert(self, index, item) -> None:
        self._track(item)
        super().insert(index, item)

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    def __iadd__(self, items):
        self.extend(items)
        return self

    @property
    def layers(self) -> list:
        return [item for item in self if isinstance(item, Module)]


def tracked(owner, name: str, items: list | tuple) -> list | tuple:
    """``items`` (layers mixed with other things) given to ``owner.name``: each layer registered with
    ``owner`` under ``name_<position>``. A list comes back as a :class:`TrackedList` (later appends are
    tracked too); a tuple, which cannot grow, comes back as itself."""
    if type(items) is list:
        out = TrackedList(owner, name)
        out.extend(items)
        return out
    registering = TrackedList(owner, name)
    for item in items:
        registering.append(item)
    return items
