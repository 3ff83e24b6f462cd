"""``optimizer.variables``: Keras 3's list of an optimizer's state, read from the :mod:`nabla.optim` state.

Keras lists ``iterations``, the learning rate (not for a schedule, which is no variable), then the slots it
made for the variables it updates, each a ``Variable`` named ``<variable path>_<slot>`` under the optimizer's
path (``adam/dense_kernel_momentum``), of the variable's shape and dtype. The slots exist once the optimizer
has made an update (Keras builds them then: after ``compile`` alone the list holds the first two); Nadam's
product of its momentum schedule follows them, as in Keras. The values
are copies of the state at the time of reading; nabla's weight paths name one layer (``dense/kernel``), so a
slot of a weight in a Sequential is ``dense_kernel_momentum`` where Keras writes ``sequential_dense_kernel_...``.
"""

from __future__ import annotations

import numpy as np

from ..variables import Variable

#: Keras class -> its slots as Keras orders them: groups in turn, and within a group each variable's slots
#: together; a slot is (Keras's name, the nabla.optim state key holding it).
_SLOTS = {
    "Adam": [[("momentum", "exp_avg"), ("velocity", "exp_avg_sq")], [("velocity_hat", "max_exp_avg_sq")]],
    "AdamW": [[("momentum", "exp_avg"), ("velocity", "exp_avg_sq")], [("velocity_hat", "max_exp_avg_sq")]],
    "SGD": [[("momentum", "momentum_buffer")]],
    "RMSprop": [[("velocity", "square_avg")], [("momentum", "momentum_buffer")], [("average_gradient", "grad_avg")]],
    "Adagrad": [[("accumulator", "sum")]],
    "Adadelta": [[("accumulated_grad", "square_avg"), ("accumulated_delta_var", "acc_delta")]],
    "Adamax": [[("momentum", "exp_avg"), ("norm", "exp_inf")]],
    "Nadam": [[("momentum", "exp_avg"), ("velocity", "exp_avg_sq")]],
    "Lion": [[("momentum", "exp_avg")]],
    "Ftrl": [[("accumulator", "accumulator"), ("linear", "linear")]],
}


def optimizer_variables(optimizer) -> list:
    """``optimizer.variables`` (see the module's docstring)."""
    rate = optimizer.learning_rate
    listed = [optimizer.iterations] + ([rate] if rate._variable else [])
    built_on = optimizer.__dict__.get("_built_on") or set()
    # (Keras builds its slots for the trainable variables only: a BatchNormalization's moving statistics have none)
    params = [p for group in optimizer.param_groups for p in group["params"] if p.requires_grad or id(p) in built_on]
    states = [optimizer.state.get(p) or {} for p in params]
    for group in _SLOTS.get(_keras_class(optimizer), []):
        # A slot the class keeps (SGD's momentum only with momentum > 0...) is in some variable's state once
        # an update ran; a variable without a gradient then has Keras's zeros.
        slots = [slot for slot in group if any(slot[1] in state for state in states)]
        for param, state in zip(params, states):
            for slot, key in slots:
                values = state.get(key)
                listed.append(_slot(optimizer, param, slot, np.zeros_like(param._data) if values is None else values))
    if _keras_class(optimizer) == "Nadam" and any(states):
        listed.append(_nadam_product(optimizer, params, states))
    return listed + optimizer.__dict__.get("_own_slots", [])  # (the variables an update_step of yours made)


def _nadam_product(optimizer, params, states) -> Variable:
    """Nadam's product of its momentum schedule ``Π_{i<=t} μ_i``, which Keras 3 keeps as one unnamed float scalar
    (``nadam/variable``) of the first variable's dtype, listed after the slots."""
    step = max(state.get("step", 0) for state in states)
    product = optimizer._momentum_schedule(float(optimizer.param_groups[0]["beta_1"]), step)[2]
    variable = Variable(np.array(product, dtype=params[0].dtype), trainable=False, name="variable")
    variable._path = f"{optimizer.name}/{variable.name}"
    return variable


def _keras_class(optimizer) -> str | None:
    """The name of the Keras class ``optimizer`` is (a subclass of yours keeps its base's slots)."""
    return next((cls.__name__ for cls in type(optimizer).__mro__ if cls.__name__ in _SLOTS
                 and cls.__module__.startswith("nabla.keras.optimizers")), None)  # fmt: skip


def _slot(optimizer, param, slot: str, values) -> Variable:
    path = getattr(param, "path", None) or "variable"
    variable = Variable(np.array(values, dtype=param.dtype), trainable=False, name=f"{path.replace('/', '_')}_{slot}")
    variable._path = f"{optimizer.name}/{variable.name}"
    return variable
