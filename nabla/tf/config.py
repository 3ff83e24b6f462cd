"""``tf.config``: what notebooks ask about devices, and ``run_functions_eagerly``.

nabla runs on the CPU: ``tf.config.list_physical_devices("GPU")`` is an empty list (so a notebook's
"is there a GPU?" check takes its CPU branch), and the CPU is the one device. Settings that only move
work between devices or threads (memory growth, visible devices, thread counts) are accepted and change
nothing in the values computed.
"""

import collections as _collections
import types as _types

from ._missing import missing as _missing

PhysicalDevice = _collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = _collections.namedtuple("LogicalDevice", ["name", "device_type"])

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")


class _Settings:
    run_functions_eagerly = False


def list_physical_devices(device_type=None):
    """The CPU, or nothing for ``"GPU"`` and other accelerators."""
    return [_CPU] if device_type in (None, "CPU") else []


def list_logical_devices(device_type=None):
    return [LogicalDevice("/device:CPU:0", "CPU")] if device_type in (None, "CPU") else []


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Accepted: nabla computes on the CPU whatever is visible."""


def run_functions_eagerly(run_eagerly):
    """Make every ``tf.function`` run its Python function as it is (no capture), or capture again."""
    _Settings.run_functions_eagerly = bool(run_eagerly)


def functions_run_eagerly():
    return _Settings.run_functions_eagerly


def _accepted(*args, **kwargs):
    """Accepted and without effect on the values nabla computes."""


experimental = _types.SimpleNamespace(
    set_memory_growth=_accepted,
    get_memory_growth=lambda device: False,
    list_physical_devices=list_physical_devices,
    enable_op_determinism=_accepted,  # nabla's operations are deterministic
)
threading = _types.SimpleNamespace(
    set_intra_op_parallelism_threads=_accepted,
    set_inter_op_parallelism_threads=_accepted,
    get_intra_op_parallelism_threads=lambda: 0,
    get_inter_op_parallelism_threads=lambda: 0,
)


def __getattr__(name: str):
    raise _missing("tf.config", name)
