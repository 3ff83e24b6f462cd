"""``fit``'s arrays kept on the model's device: copied there once per ``fit``, batches cut there.

A model moved with ``model.to(device)`` trains on batches on that device. Cut on the host, each batch
is one host-to-device copy, every epoch. When the training arrays (inputs, targets, sample weights)
fit in a budget of device memory, ``fit`` copies them to the device once, before the first epoch, and
cuts every batch there: a slice, or, when shuffling, a gather by a permutation drawn from nabla's
seeded generator exactly as on the host (one small copy of the permutation per epoch), so that a run
after ``nb.manual_seed`` / ``keras.utils.set_random_seed`` trains on the same batches on either side.
The validation arrays, evaluated at every epoch's end, stay there too when they fit in what is left.

**The budget.** Neither PyTorch nor Keras moves a whole dataset to the GPU by itself: PyTorch users do it
by hand (``x.to("cuda")``) when it fits, Keras's data adapters copy a batch at a time. nabla does it for
you under ``fit(device_data_limit=...)``: a number of bytes (0: always per batch); by default
(None) a quarter of the device's free memory when its library reports it (CuPy does, at the start of
``fit``), the rest left to the weights, the activations, the gradients and the optimizer's state;
where it does not (array-api-strict, most libraries: the standard has no such query), 1 GiB. Data
over the budget goes a batch at a time, as before. A model on the host never copies its data.

Arrays only: a ``nabla.data`` dataset, a generator, a PyDataset or a DataLoader is read a batch at a time
(it may not fit in memory at all), text inputs stay on the host (the layers that read them take NumPy),
and ``fit(distributed=True)`` shares its batches among ranks on the host. ``evaluate`` and ``predict``
make one pass, so they copy one batch at a time (a copy of the whole first would move the same bytes).
"""

from __future__ import annotations

import numpy as np

from .._engine import backend
from ..strings import is_text_array
from .sources import ArrayRows
from .structures import count, each, take

#: The budget where the device's library does not report its free memory.
DEFAULT_LIMIT = 1 << 30
#: The share of the device's free memory the data may take by default.
FREE_SHARE = 0.25


def check_limit(limit) -> int | None:
    """``device_data_limit`` as fit takes it: None, or a non-negative number of bytes."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 0:
        raise ValueError(
            f"fit: device_data_limit must be a number of bytes (an int >= 0; 0 copies each batch) or None for "
            f"the default, got {limit!r}"
        )
    return int(limit)


def budget(device, limit: int | None) -> int:
    """The bytes of data ``fit`` may keep on ``device``: ``limit``, or the default rule (module docstring)."""
    if limit is not None:
        return limit
    free = backend.free_memory(device)
    return DEFAULT_LIMIT if free is None else int(free * FREE_SHARE)


def _arrays(data) -> list:
    """The arrays of ``(x, y, weights)``, each a structure of arrays or None."""
    found: list = []
    for part in data:
        each(part, found.append)
    return found


def _movable(data, left: int) -> bool:
    arrays = _arrays(data)
    return not any(is_text_array(a) for a in arrays) and sum(a.nbytes for a in arrays) <= left


def _moved(data, device) -> tuple:
    return tuple(each(part, lambda a: backend.to_device(a, device)) for part in data)


def on_device(model, rows, validation, limit: int | None):
    """``(rows, validation)`` for a ``fit`` on ``model``'s device: each moved there whole when it fits in
    what is left of the budget (training first), else as it was. On the host, the same objects."""
    device = model.device
    if device == "cpu" or type(rows) is not ArrayRows:
        return rows, validation
    left = budget(device, limit)
    training = (rows.x, rows.y, rows.weights)
    if _movable(training, left):
        left -= sum(a.nbytes for a in _arrays(training))
        rows = DeviceRows(*_moved(training, device), device)
    if validation is not None and _movable(validation, left):
        validation = _moved(validation, device)
    return rows, validation


class DeviceRows:
    """Training arrays held on a device (what :func:`on_device` makes of :class:`.sources.ArrayRows`): the
    same ``take`` and ``epoch_order`` as the host's, the batches cut on the device."""

    prefetch = False

    def __init__(self, x, y, weights, device):
        self.x, self.y, self.weights, self.device = x, y, weights, device

    def __len__(self) -> int:
        return count(self.x)

    def take(self, index) -> tuple:
        """The samples at ``index``: a slice, or a slice of :meth:`epoch_order`'s permutation (on the device)."""
        if isinstance(index, slice):
            return take(self.x, index), take(self.y, index), take(self.weights, index)
        return tuple(each(part, lambda a: _gather(a, index)) for part in (self.x, self.y, self.weights))

    def epoch_order(self, rng: np.random.Generator):
        # NOTE: the host's permutation (ArrayRows.epoch_order), the same draw from the same generator, sent
        # once per epoch; each batch gathers its rows by a slice of it, on the device.
        return backend.to_device(rng.permutation(len(self)), self.device)


def _gather(array, index):
    return backend.namespace(array).api.take(array, index, axis=0)
