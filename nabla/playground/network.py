"""The network a playground trains: a Keras-style ``Sequential`` of ``Dense`` layers, its loss and optimizer.

The model is what ``model.nabla`` holds and ``nabla.models.load_model`` rebuilds: hidden ``Dense``
layers with the chosen activation (each followed by ``Dropout`` when the rate is above 0), an output
``Dense`` and, for classes, a final ``Activation`` (sigmoid or softmax) so that ``predict`` gives
probabilities. L1 or L2 is each ``Dense`` kernel's ``kernel_regularizer`` (Keras's definitions:
``rate * sum|w|``, ``rate * sum w^2``; biases are not penalised, as in TensorFlow Playground).

Training (see :mod:`nabla.playground.session`) runs every layer but that final ``Activation`` and
takes the loss on the logits, in the fused, stable forms; the penalties of ``model.losses`` are added
to it::

    sigmoid   one logit z, label y in {0, 1}:  softplus(z) - y z          (binary cross-entropy)
    softmax   logits z (K), class c:           logsumexp(z) - z_c          (cross-entropy)
    tanh_mse  tanh output o, label y:          (o - (2y - 1))^2            (TensorFlow Playground's)
    linear    output o, value v:               (o - v)^2                   (squared error)

each averaged over the batch. Optimizers: nabla.optim with PyTorch's defaults; "momentum" is SGD with
momentum 0.9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import nabla as nb

from .. import layers, models, optim, regularizers
from .config import Config, Task, output_units, resolve_output


@dataclass(frozen=True)
class OptimizerRecipe:
    """A nabla.optim class and its arguments besides the learning rate (one source for the object and the code)."""

    cls: str
    kwargs: tuple[tuple[str, object], ...] = ()

    def make(self, lr: float, params=None) -> optim.Optimizer:
        return getattr(optim, self.cls)(params, lr=lr, **dict(self.kwargs))

    def source(self, lr: float) -> str:
        return f"optim.{self.cls}({', '.join([f'lr={lr!r}'] + [f'{k}={v!r}' for k, v in self.kwargs])})"


OPTIMIZER_RECIPES = {
    "sgd": OptimizerRecipe("SGD"),
    "momentum": OptimizerRecipe("SGD", (("momentum", 0.9),)),
    "rmsprop": OptimizerRecipe("RMSprop"),
    "adagrad": OptimizerRecipe("Adagrad"),
    "adam": OptimizerRecipe("Adam"),
}

# The Keras-style loss each output is compiled with (saved in model.nabla, and in the exported code).
KERAS_LOSSES = {
    "sigmoid": "binary_crossentropy",
    "softmax": "sparse_categorical_crossentropy",
    "tanh_mse": "mse",
    "linear": "mse",
}


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the network, in the words of the exported code: a class of ``nabla.layers`` and its arguments."""

    cls: str
    kwargs: tuple[tuple[str, object], ...]


def layer_specs(config: Config, task: Task) -> list[LayerSpec]:
    """The layers of the network ``config`` describes, in order."""
    reg = None if config.regularization == "none" or config.reg_rate == 0 else (config.regularization, config.reg_rate)
    extra = (("kernel_regularizer", reg),) if reg else ()
    output = resolve_output(config.output, task)
    specs = []
    first = (("input_shape", (len(config.features),)),)
    for units in config.hidden:
        specs.append(LayerSpec("Dense", (("units", units), ("activation", config.activation), *extra, *first)))
        first = ()
        if config.dropout > 0:
            specs.append(LayerSpec("Dropout", (("rate", config.dropout),)))
    activation = "tanh" if output == "tanh_mse" else "linear"
    specs.append(
        LayerSpec("Dense", (("units", output_units(output, task)), ("activation", activation), *extra, *first))
    )
    if output in ("sigmoid", "softmax"):
        specs.append(LayerSpec("Activation", (("activation", output),)))
    return specs


def _make_layer(spec: LayerSpec):
    kwargs = dict(spec.kwargs)
    if "kernel_regularizer" in kwargs:
        kind, rate = kwargs["kernel_regularizer"]
        kwargs["kernel_regularizer"] = getattr(regularizers, kind)(rate)
    return getattr(layers, spec.cls)(**kwargs)


@dataclass
class Network:
    """A built network: the Keras-style ``model``, its ``optimizer``, and how training reads its output.

    ``logit_layers`` are the layers training runs (all but a final Activation); ``output`` is one of
    "sigmoid", "softmax", "tanh_mse", "linear".
    """

    model: models.Sequential
    optimizer: optim.Optimizer
    output: str
    specs: list[LayerSpec]

    @property
    def logit_layers(self) -> list:
        return self.model.layers[:-1] if self.output in ("sigmoid", "softmax") else self.model.layers

    def targets(self, y: np.ndarray) -> np.ndarray:
        """The labels as the loss takes them: class indices (softmax), else a float32 column ``(n, 1)``."""
        if self.output == "softmax":
            return y.astype(np.int64)
        column = y.astype(np.float32).reshape(-1, 1)
        return 2 * column - 1 if self.output == "tanh_mse" else column

    def data_loss(self, out: nb.Tensor, target) -> nb.Tensor:
        """The mean loss of the outputs of ``logit_layers`` against :meth:`targets` (see the module's table)."""
        if self.output == "sigmoid":
            return nb.binary_cross_entropy_with_logits(out, target)
        if self.output == "softmax":
            return nb.cross_entropy(out, target)
        return nb.mse_loss(out, target)

    def penalty(self) -> nb.Tensor | float:
        """The L1/L2 penalty of the current weights (0.0 without regularization)."""
        total = 0.0
        for term in self.model.losses:
            total = total + term
        return total

    def probabilities(self, out: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, K)`` (K = 2 for one logit) or the predicted values ``(n,)``, from logits."""
        if self.output == "sigmoid":
            p = 1.0 / (1.0 + np.exp(-np.clip(out[:, 0], -60, 60)))  # NOTE: clipped, so exp cannot overflow
            return np.stack([1 - p, p], axis=1)
        if self.output == "softmax":
            shifted = np.exp(out - out.max(axis=1, keepdims=True))
            return shifted / shifted.sum(axis=1, keepdims=True)
        if self.output == "tanh_mse":
            p = (out[:, 0] + 1) / 2
            return np.stack([1 - p, p], axis=1)
        return out[:, 0]


def build_network(config: Config, task: Task) -> Network:
    """Build and compile the network of ``config``; its weights come from nabla's generator."""
    output = resolve_output(config.output, task)
    specs = layer_specs(config, task)
    model = models.Sequential([_make_layer(s) for s in specs])
    model.build((None, len(config.features)))
    opt = OPTIMIZER_RECIPES[config.optimizer].make(config.lr)
    metrics = ["accuracy"] if output in ("sigmoid", "softmax") else []
    model.compile(optimizer=opt, loss=KERAS_LOSSES[output], metrics=metrics)
    return Network(model, model.optimizer, output, specs)
