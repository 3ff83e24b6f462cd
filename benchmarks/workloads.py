"""The workloads (W1..W7) and, for each, the implementations that run it side by side.

Every implementation of a workload starts from the same initial weights
(nabla's, drawn from a fixed seed and copied into the others) and trains on
the same batches in the same order, so after a few steps they must report
the same losses (checked by the harness before anything is timed).

Implementations:

- ``nabla``: the public API as a user writes it: ``nn.Sequential``, a loss
  from ``nb``, ``optim.SGD``/``Adam``, ``zero_grad()``, ``backward()``, ``step()``;
- ``nabla-captured``: the same step wrapped in ``nb.capture`` (recorded at the
  first call, replayed as generated NumPy code afterwards);
- ``nabla-fused`` (W1, W2): the same step under ``nb.capture(fuse=True)``, compiled
  by Numba into one kernel (agrees with the others to ~1e-6, not bit for bit);
- ``nabla-fit`` (W3): the Keras-style ``Sequential`` of ``Dense`` layers,
  ``compile`` and ``fit``; ``nabla-predict`` (W7): Keras's ``predict``;
- ``torch``: PyTorch eager on the CPU, the same code with torch's names;
- ``floor``: the hand-written NumPy step of :mod:`benchmarks.floor`.

A trainer's ``run(n, record=False)`` does n steps on batches 0, 1, ... (cycling
through the workload's fixed dataset) and, with ``record``, returns the loss
of each step (for inference, the outputs of each pass over the inputs).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

import nabla as nb

SEED = 0
INFERENCE_BATCH = 1000  # rows per forward pass in W7, for every implementation


@dataclass(frozen=True)
class Workload:
    """One benchmark: a model, its data and its training loop's settings."""

    key: str  # "W1"
    name: str  # "xor"
    kind: str  # "mlp", "cnn" or "inference"
    sizes: tuple[int, ...]  # MLP layer widths, input first (the CNN's are fixed)
    activation: str  # "tanh" or "relu" between layers
    loss: str  # "sigmoid_bce", "bce_logits" or "softmax_ce"
    batch: int
    steps: int  # timed steps per repeat (for inference: passes over the inputs)
    quick_steps: int
    optimizer: str = "sgd"
    lr: float = 0.01
    n_batches: int = 1  # the fixed dataset holds this many batches; training cycles through them
    description: str = ""

    @property
    def label(self) -> str:
        return f"{self.key} {self.name}"

    @property
    def implementations(self) -> tuple[str, ...]:
        if self.kind == "inference":
            return ("nabla", "nabla-predict", "torch", "floor")
        if self.key == "W3":
            return ("nabla", "nabla-captured", "nabla-fit", "torch", "floor")
        if self.key in ("W1", "W2"):  # the fused kernel is for small networks (loops, no BLAS)
            return ("nabla", "nabla-captured", "nabla-fused", "torch", "floor")
        return ("nabla", "nabla-captured", "torch", "floor")

    @property
    def parameters(self) -> int:
        return sum(a.size for a in initial_weights(self).values())

    @property
    def flops_per_step(self) -> float | None:
        """FLOPs of one step (a multiply-add counts 2), None for the CNN (not comparable with one GEMM).

        Training an MLP: 6 x parameters x batch (2 forward, 2 for the weight
        gradients, 2 for the input gradients) less the first layer's input
        gradient, which nobody computes (the data needs no gradient). One
        inference pass: 2 x parameters x inputs.
        """
        if self.kind == "mlp":
            return 6.0 * self.parameters * self.batch - 2.0 * self.sizes[0] * self.sizes[1] * self.batch
        if self.kind == "inference":
            return 2.0 * self.parameters * self.batch
        return None

    @property
    def unit(self) -> str:
        return "passes/s" if self.kind == "inference" else "steps/s"


WORKLOADS = [
    Workload(
        "W1", "xor", "mlp", (2, 4, 1), "tanh", "sigmoid_bce", batch=4, steps=2000, quick_steps=20, lr=0.5,
        description="MLP 2-4-1, tanh, sigmoid + BCE, full batch of 4, SGD(lr=0.5)",
    ),
    Workload(
        "W2", "moons", "mlp", (2, 16, 16, 1), "relu", "bce_logits", batch=32, steps=1000, quick_steps=20,
        lr=0.1, n_batches=32, description="MLP 2-16-16-1, ReLU, BCE with logits, batch 32, SGD(lr=0.1)",
    ),
    Workload(
        "W3", "mnist-mlp", "mlp", (784, 256, 128, 10), "relu", "softmax_ce", batch=128, steps=200, quick_steps=5,
        lr=0.01, n_batches=50, description="MLP 784-256-128-10, ReLU, softmax CE, batch 128, SGD(lr=0.01)",
    ),
    Workload(
        "W4", "wide", "mlp", (784, 1024, 1024, 10), "relu", "softmax_ce", batch=512, steps=50, quick_steps=1,
        lr=0.01, n_batches=10, description="MLP 784-1024-1024-10, ReLU, softmax CE, batch 512, SGD(lr=0.01)",
    ),
    Workload(
        "W5", "adam-mnist", "mlp", (784, 256, 128, 10), "relu", "softmax_ce", batch=128, steps=200, quick_steps=5,
        optimizer="adam", lr=1e-3, n_batches=50, description="W3 with Adam(lr=1e-3)",
    ),
    Workload(
        "W6", "cnn", "cnn", (), "relu", "softmax_ce", batch=64, steps=20, quick_steps=1, lr=0.01, n_batches=10,
        description="conv3x3x32-ReLU-maxpool2-conv3x3x64-ReLU-maxpool2-dense10 on 1x28x28, batch 64, SGD(lr=0.01)",
    ),
    Workload(
        "W7", "inference", "inference", (784, 256, 128, 10), "relu", "softmax_ce", batch=10_000, steps=20,
        quick_steps=1, description=f"W3's model, forward pass over 10,000 inputs in batches of {INFERENCE_BATCH}",
    ),
]  # fmt: skip
BY_KEY = {w.key: w for w in WORKLOADS}


# --- data ------------------------------------------------------------------------------------------


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (scikit-learn's ``make_moons``), shuffled."""
    n_out = n // 2
    t_out, t_in = np.linspace(0, math.pi, n_out), np.linspace(0, math.pi, n - n_out)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], axis=1)
    x = np.concatenate([outer, inner]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(n_out), np.ones(n - n_out)])
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order].astype(np.float32).reshape(-1, 1)


def make_data(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    """The workload's fixed dataset (float32 inputs; int64 labels or float32 0/1 targets), from SEED."""
    rng = np.random.default_rng(SEED)
    if w.name == "xor":
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
        return x, np.array([[0], [1], [1], [0]], dtype=np.float32)
    if w.name == "moons":
        return make_moons(w.batch * w.n_batches, 0.1, rng)
    n = w.batch * w.n_batches
    shape = (n, 1, 28, 28) if w.kind == "cnn" else (n, 784)
    return rng.random(shape, dtype=np.float32), rng.integers(0, 10, n, dtype=np.int64)


def batch_slice(w: Workload, i: int) -> slice:
    start = (i % w.n_batches) * w.batch
    return slice(start, start + w.batch)


# --- models and initial weights --------------------------------------------------------------------


def _layer_specs(w: Workload) -> list[tuple]:
    """The model as a list of (kind, args), read by both the nabla and the torch builders."""
    if w.kind == "cnn":
        return [
            ("conv", 1, 32, 3), ("relu",), ("pool", 2), ("conv", 32, 64, 3), ("relu",), ("pool", 2),
            ("flatten",), ("linear", 64 * 5 * 5, 10),
        ]  # fmt: skip
    specs = []
    for i, (n_in, n_out) in enumerate(zip(w.sizes[:-1], w.sizes[1:])):
        specs.append(("linear", n_in, n_out))
        if i < len(w.sizes) - 2:
            specs.append((w.activation,))
    if w.loss == "sigmoid_bce":
        specs.append(("sigmoid",))
    return specs


def nabla_model(w: Workload):
    nn = nb.nn
    make = {
        "linear": nn.Linear, "conv": nn.Conv2d, "pool": nn.MaxPool2d, "flatten": nn.Flatten,
        "relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
    }  # fmt: skip
    return nn.Sequential(*(make[kind](*args) for kind, *args in _layer_specs(w)))


def torch_model(w: Workload):
    nn = _torch().nn
    make = {
        "linear": nn.Linear, "conv": nn.Conv2d, "pool": nn.MaxPool2d, "flatten": nn.Flatten,
        "relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
    }  # fmt: skip
    return nn.Sequential(*(make[kind](*args) for kind, *args in _layer_specs(w)))


_WEIGHTS: dict[str, OrderedDict] = {}


def initial_weights(w: Workload) -> OrderedDict:
    """nabla's initial weights for the workload's model (seeded), as NumPy arrays by state-dict name."""
    if w.key not in _WEIGHTS:
        nb.manual_seed(SEED)
        state = nabla_model(w).state_dict()
        _WEIGHTS[w.key] = OrderedDict((k, v.numpy().copy()) for k, v in state.items())
    return _WEIGHTS[w.key]


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError("the benchmarks compare against PyTorch: pip install 'nabla[test]' (or torch)") from None
    return torch


# --- training loops --------------------------------------------------------------------------------


class NablaTrainer:
    """nabla's core API, written as a user would."""

    losses = {
        "softmax_ce": "cross_entropy",
        "sigmoid_bce": "binary_cross_entropy",
        "bce_logits": "binary_cross_entropy_with_logits",
    }

    def __init__(self, w: Workload, weights: OrderedDict, data):
        self.w, (self.x, self.y) = w, data
        self.model = nabla_model(w)
        self.model.load_state_dict(weights)
        params = self.model.parameters()
        self.opt = nb.optim.SGD(params, lr=w.lr) if w.optimizer == "sgd" else nb.optim.Adam(params, lr=w.lr)
        self.loss_fn = getattr(nb, self.losses[w.loss])

    def run(self, n: int, record: bool = False):
        model, opt, loss_fn, out = self.model, self.opt, self.loss_fn, []
        for i in range(n):
            sl = batch_slice(self.w, i)
            xb, yb = nb.from_numpy(self.x[sl]), nb.from_numpy(self.y[sl])
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            if record:
                out.append(loss.item())
        return out


class NablaCapturedTrainer(NablaTrainer):
    """The same step as ``nabla``, wrapped in ``nb.capture``: recorded once, then replayed as NumPy code."""

    fuse = False

    def __init__(self, w: Workload, weights: OrderedDict, data):
        super().__init__(w, weights, data)
        model, opt, loss_fn = self.model, self.opt, self.loss_fn

        @nb.capture(fuse=self.fuse)
        def step(xb, yb):
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            return loss

        self.step = step

    def run(self, n: int, record: bool = False):
        step, out = self.step, []
        for i in range(n):
            sl = batch_slice(self.w, i)
            loss = step(nb.from_numpy(self.x[sl]), nb.from_numpy(self.y[sl]))
            if record:
                out.append(loss.item())
        return out


class NablaFusedTrainer(NablaCapturedTrainer):
    """The captured step compiled by Numba into one kernel: ``nb.capture(fuse=True)``."""

    fuse = True


class _BatchLosses(nb.callbacks.Callback):
    """Recovers each batch's loss from fit's running mean (``logs["loss"]`` averages the epoch so far)."""

    def __init__(self):
        super().__init__()
        self.losses, self._previous = [], 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._previous = 0.0

    def on_train_batch_end(self, batch, logs=None):
        mean = logs["loss"]
        self.losses.append(mean * (batch + 1) - self._previous * batch)
        self._previous = mean


class NablaFitTrainer:
    """The Keras-style API: ``Sequential([Dense...])``, ``compile``, ``fit(shuffle=False)``."""

    def __init__(self, w: Workload, weights: OrderedDict, data):
        self.w, (self.x, self.y) = w, data
        arrays = list(weights.values())
        hidden, classes = w.sizes[1:-1], w.sizes[-1]
        layers = [nb.layers.Dense(hidden[0], activation="relu", input_shape=(w.sizes[0],))]
        layers += [nb.layers.Dense(n, activation="relu") for n in hidden[1:]]
        layers.append(nb.layers.Dense(classes))  # logits
        self.model = nb.models.Sequential(layers)
        # Dense kernels are (in, units): the transposes of nn.Linear's weights.
        self.model.set_weights([a.T if a.ndim == 2 else a for a in arrays])
        self.model.compile(
            optimizer=nb.optim.SGD(lr=w.lr), loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True)
        )

    def run(self, n: int, record: bool = False):
        w = self.w
        if n <= w.n_batches:
            x, y, epochs = self.x[: n * w.batch], self.y[: n * w.batch], 1
        elif n % w.n_batches == 0:
            x, y, epochs = self.x, self.y, n // w.n_batches
        else:
            raise ValueError(f"{w.label}: nabla-fit runs whole epochs; {n} steps is not a multiple of {w.n_batches}")
        callbacks = [_BatchLosses()] if record else None
        self.model.fit(x, y, batch_size=w.batch, epochs=epochs, verbose=0, shuffle=False, callbacks=callbacks)
        return callbacks[0].losses if record else []


class TorchTrainer:
    """PyTorch eager, the same loop."""

    def __init__(self, w: Workload, weights: OrderedDict, data):
        torch = _torch()
        self.torch, self.w = torch, w
        self.x, self.y = torch.from_numpy(data[0]), torch.from_numpy(data[1])
        self.model = torch_model(w)
        self.model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()})
        params = self.model.parameters()
        self.opt = torch.optim.SGD(params, lr=w.lr) if w.optimizer == "sgd" else torch.optim.Adam(params, lr=w.lr)
        self.loss_fn = getattr(torch.nn.functional, NablaTrainer.losses[w.loss])

    def run(self, n: int, record: bool = False):
        model, opt, loss_fn, out = self.model, self.opt, self.loss_fn, []
        for i in range(n):
            sl = batch_slice(self.w, i)
            xb, yb = self.x[sl], self.y[sl]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            if record:
                out.append(loss.item())
        return out


class FloorTrainer:
    """The hand-written NumPy step (benchmarks.floor)."""

    def __init__(self, w: Workload, weights: OrderedDict, data):
        from .floor import FloorCNN, FloorMLP

        self.w, (self.x, self.y) = w, data
        arrays = [a.copy() for a in weights.values()]
        if w.kind == "cnn":
            self.net = FloorCNN(arrays, w.batch, w.lr)
        else:
            self.net = FloorMLP(arrays, w.activation, w.loss, w.batch, w.optimizer, w.lr)

    def run(self, n: int, record: bool = False):
        net, out = self.net, []
        for i in range(n):
            sl = batch_slice(self.w, i)
            loss = net.step(self.x[sl], self.y[sl])
            if record:
                out.append(loss)
        return out


# --- inference -------------------------------------------------------------------------------------


class _Inference:
    """``run(n)`` makes n passes over the inputs; with ``record``, it returns each pass's outputs as an array."""

    def run(self, n: int, record: bool = False):
        out = []
        for _ in range(n):
            result = self.forward()
            if record:
                out.append(np.asarray(result))
        return out


class NablaInference(_Inference):
    def __init__(self, w: Workload, weights: OrderedDict, data):
        self.x = data[0]
        self.model = nabla_model(w)
        self.model.load_state_dict(weights)

    def forward(self):
        with nb.no_grad():
            outs = [
                self.model(nb.from_numpy(self.x[s : s + INFERENCE_BATCH])).numpy()
                for s in range(0, len(self.x), INFERENCE_BATCH)
            ]
        return np.concatenate(outs)


class NablaPredictInference(_Inference):
    def __init__(self, w: Workload, weights: OrderedDict, data):
        self.x = data[0]
        self.model = NablaFitTrainer(BY_KEY["W3"], weights, (data[0][:1], data[1][:1])).model

    def forward(self):
        return self.model.predict(self.x, batch_size=INFERENCE_BATCH, verbose=0)


class TorchInference(_Inference):
    def __init__(self, w: Workload, weights: OrderedDict, data):
        torch = _torch()
        self.torch, self.x = torch, torch.from_numpy(data[0])
        self.model = torch_model(w)
        self.model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()})

    def forward(self):
        with self.torch.no_grad():
            batches = range(0, len(self.x), INFERENCE_BATCH)
            return self.torch.cat([self.model(self.x[s : s + INFERENCE_BATCH]) for s in batches])


class FloorInference(_Inference):
    def __init__(self, w: Workload, weights: OrderedDict, data):
        from .floor import FloorMLP

        self.x = data[0]
        self.net = FloorMLP([a.copy() for a in weights.values()], w.activation, w.loss, INFERENCE_BATCH)

    def forward(self):
        return self.net.predict(self.x, INFERENCE_BATCH)


TRAINERS = {
    "nabla": NablaTrainer,
    "nabla-captured": NablaCapturedTrainer,
    "nabla-fused": NablaFusedTrainer,
    "nabla-fit": NablaFitTrainer,
    "torch": TorchTrainer,
    "floor": FloorTrainer,
}
INFERENCE = {
    "nabla": NablaInference,
    "nabla-predict": NablaPredictInference,
    "torch": TorchInference,
    "floor": FloorInference,
}


def make_trainer(w: Workload, impl: str, data=None):
    """A fresh trainer of implementation ``impl`` for workload ``w``, from the shared initial weights."""
    if impl not in w.implementations:
        raise ValueError(f"{w.label} has no implementation {impl!r}; it has {', '.join(w.implementations)}")
    table = INFERENCE if w.kind == "inference" else TRAINERS
    return table[impl](w, initial_weights(w), make_data(w) if data is None else data)
