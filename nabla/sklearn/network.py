"""What the estimators train: the network, its optimizer, its loss, and nabla's random stream for one estimator."""

from __future__ import annotations

import contextlib
import functools
import threading

import numpy as np

import nabla as nb
from nabla import activations, layers, models, nn, optim

#: Optimizers by name, with nabla's (PyTorch's) default hyper-parameters but the learning rate.
OPTIMIZERS = {
    "adam": optim.Adam,
    "adamw": optim.AdamW,
    "sgd": optim.SGD,
    "momentum": functools.partial(optim.SGD, momentum=0.9),  # as `nabla train --optimizer momentum`
    "rmsprop": optim.RMSprop,
    "adagrad": optim.Adagrad,
}

#: scikit-learn's names for two activations (MLPClassifier's ``activation="logistic"``).
_SKLEARN_ACTIVATIONS = {"logistic": "sigmoid", "identity": "linear"}


def mlp(n_features: int, n_outputs: int, hidden_layer_sizes, activation: str):
    """``n_features - hidden... - n_outputs`` Dense layers (Glorot-uniform kernels, zero biases), the last linear."""
    hidden = tuple(hidden_layer_sizes) if hasattr(hidden_layer_sizes, "__iter__") else (hidden_layer_sizes,)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0 for n in hidden):
        raise ValueError(f"hidden_layer_sizes must be positive integers, got {hidden_layer_sizes!r}")
    name = _SKLEARN_ACTIVATIONS.get(activation, activation)
    activations.get(name)  # an unknown name fails here, listing the valid ones
    stack = [layers.Input((n_features,))] + [layers.Dense(int(n), activation=name) for n in hidden]
    return models.Sequential([*stack, layers.Dense(n_outputs)])


def weight_matrices(network) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weight matrices, (n_in, n_out) each, and the biases, (n_out,), of ``network``'s Dense layers and
    nn.Linear modules in order: scikit-learn's ``coefs_`` and ``intercepts_``. Views of the weights (a
    missing bias reads as zeros), so that writing into them changes the network, as in scikit-learn."""
    coefs, intercepts = [], []
    for module in network.modules():
        if isinstance(module, layers.Dense):
            kernel, bias = module.kernel.detach().numpy(), module.bias if module.use_bias else None
        elif isinstance(module, nn.Linear):
            kernel, bias = module.weight.detach().numpy().T, module.bias  # PyTorch's (out, in)
        else:
            continue
        coefs.append(kernel)
        intercepts.append(np.zeros(kernel.shape[1], kernel.dtype) if bias is None else bias.detach().numpy())
    return coefs, intercepts


def optimizer(identifier, parameters, learning_rate: float):
    """A nabla.optim optimizer over ``parameters``: a name of :data:`OPTIMIZERS` or an Optimizer class."""
    if isinstance(identifier, str) and identifier.lower() in OPTIMIZERS:
        cls = OPTIMIZERS[identifier.lower()]
    elif isinstance(identifier, type) and issubclass(identifier, optim.Optimizer):
        cls = identifier
    else:
        raise ValueError(
            f"optimizer must be one of {', '.join(OPTIMIZERS)} or a nabla.optim Optimizer class, got {identifier!r}"
        )
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not learning_rate > 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    return cls(parameters, lr=float(learning_rate))


def l2_penalty(network, alpha: float, batch: int):
    """scikit-learn's MLP penalty ``alpha / 2 * sum ||W||^2 / batch`` over the weight matrices (not the biases)."""
    weights = [p for p in network.parameters() if p.requires_grad and p.ndim >= 2]
    if not alpha or not weights:
        return None
    return sum((w * w).sum() for w in weights) * (0.5 * alpha / batch)


def seed_state(random_state) -> dict:
    """A fresh state of nabla's generator for an estimator, from its ``random_state``.

    An int seeds it (the same int, the same fit, bit for bit); a NumPy ``RandomState`` or ``Generator``
    gives a seed; None draws one from nabla's own generator, so that ``nb.manual_seed(s)`` before
    ``fit`` makes the fit reproducible too (scikit-learn draws from NumPy's global generator there).
    """
    if random_state is None:
        seed = int(nb.random.generator().integers(2**63))
    elif isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        seed = int(random_state)
        if seed < 0:
            raise ValueError(f"random_state must be a non-negative integer, got {random_state}")
    elif isinstance(random_state, np.random.RandomState):
        seed = int(random_state.randint(2**31))
    elif isinstance(random_state, np.random.Generator):
        seed = int(random_state.integers(2**63))
    else:
        raise ValueError(f"random_state must be None, an int or a NumPy random generator, got {random_state!r}")
    return np.random.default_rng(seed).bit_generator.state


# nabla's generator is process-wide (grad mode is per thread): fits and predictions in several threads of
# one process would draw from it under each other, so they take turns.
_LOCK = threading.RLock()


def one_at_a_time():
    """Hold nabla's process-wide generator for one fit or prediction."""
    return _LOCK


@contextlib.contextmanager
def own_stream(estimator):
    """Run a fit with nabla's generator set to ``estimator._stream_`` (its own stream), and keep where it stops.

    Every draw of the fit (initial weights, shuffling, dropout) then comes from the estimator's stream, and
    the caller's stream is left as it was: ``fit`` is reproducible bit for bit and changes nothing outside.
    """
    with _LOCK:
        saved = nb.random.get_state()
        nb.random.set_state(estimator._stream_)
        try:
            yield
        finally:
            estimator._stream_ = nb.random.get_state()
            nb.random.set_state(saved)
