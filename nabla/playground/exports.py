"""What the page downloads: the trained model, Keras-style code that rebuilds and retrains it, the data.

- ``model.nabla``: ``model.save`` of the Keras-style network (architecture, weights, compile settings
  and optimizer state): ``nabla.models.load_model("model.nabla")`` rebuilds it, ``predict`` gives
  class probabilities (or values) for rows of the network's *input features* (see the code's
  ``features``), and ``fit`` continues the same run.
- ``playground_model.py``: a script that regenerates the same points (from the seed, or from the
  CSV), makes the same split and features, seeds nabla so that the initial weights are the
  playground's, builds the same layers, compiles the same loss and optimizer, trains with ``fit``
  for as many epochs as the playground had, evaluates on the test points and saves ``model.nabla``.
- ``playground_data.csv``: every point as the network sees it (uploaded data standardised), its
  label (class index or value) and whether it was a training or a test point.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import numpy as np

from .config import UPLOADED
from .features import features_source
from .network import KERAS_LOSSES, OPTIMIZER_RECIPES, LayerSpec
from .recipes import RECIPES
from .session import Session

MODEL_FILE = "model.nabla"
CODE_FILE = "playground_model.py"
CSV_FILE = "playground_data.csv"

_TARGETS = {
    "sigmoid": "y[{s}].astype(np.float32).reshape(-1, 1)",
    "softmax": "y[{s}]",
    "tanh_mse": "(2.0 * y[{s}] - 1.0).astype(np.float32).reshape(-1, 1)  # labels -1 and +1 for the tanh",
    "linear": "y[{s}].astype(np.float32).reshape(-1, 1)",
}


def model_bytes(session: Session) -> bytes:
    """The bytes of ``model.nabla`` for the network as it is now (written through nabla's atomic save)."""
    with tempfile.TemporaryDirectory(prefix="nabla-playground-") as folder:
        path = Path(folder) / MODEL_FILE
        session.network.model.save(path)
        return path.read_bytes()


def csv_text(session: Session) -> str:
    """The points as CSV: ``x1,x2,label,split`` (``x1,label,split`` for 1-D data)."""
    data = session.data
    dims = session.task.dims
    header = ["x1", "x2"][:dims] + ["label", "split"]
    split = np.full(len(data.y), "train", dtype=object)
    split[data.test] = "test"
    lines = [",".join(header)]
    integer = session.task.kind == "classification"
    for point, label, part in zip(data.X, data.y, split):
        coordinates = ",".join(f"{float(v):.7g}" for v in point)
        lines.append(f"{coordinates},{int(label) if integer else format(float(label), '.7g')},{part}")
    return "\n".join(lines) + "\n"


def _literal(value) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _layer_source(spec: LayerSpec) -> str:
    args = []
    for key, value in spec.kwargs:
        if key == "kernel_regularizer":
            kind, rate = value
            args.append(f"kernel_regularizer=regularizers.{kind}({rate!r})")
        else:
            args.append(f"{key}={_literal(value)}")
    return f"layers.{spec.cls}({', '.join(args)})"


def _data_source(session: Session) -> str:
    config, task = session.config, session.task
    if config.dataset == UPLOADED:
        columns = ", ".join(str(i) for i in range(task.dims + 1))
        kind = "np.int64" if task.kind == "classification" else "np.float32"
        return (
            f"# The uploaded points, standardised as the playground did: its export {CSV_FILE}, next to this file.\n"
            f'table = np.loadtxt("{CSV_FILE}", delimiter=",", skiprows=1, usecols=({columns},))\n'
            f"X, y = table[:, :{task.dims}].astype(np.float32), table[:, {task.dims}].astype({kind})"
        )
    recipe = RECIPES[config.dataset]
    return "# The points, as the playground generated them.\n" + recipe.source(
        config.points, config.noise, task.classes, config.seed
    )


def python_code(session: Session) -> str:
    """A runnable script that rebuilds and retrains the session's network with the Keras-style API."""
    config, task, net = session.config, session.task, session.network
    stratify = "y" if task.kind == "classification" and np.bincount(session.data.y).min() >= 2 else "None"
    layer_lines = "\n".join(f"        {_layer_source(s)}," for s in net.specs)
    metrics = ', metrics=["accuracy"]' if net.output in ("sigmoid", "softmax") else ""
    epochs = session.epoch or 100
    done = f"the playground had trained {session.epoch} epochs" if session.epoch else "the playground had not trained"
    return f'''"""A network from nabla playground, rebuilt and retrained with nabla's Keras-style API.

Data: {config.dataset}, {len(session.data.y)} points, {config.train_ratio}% for training, seed {config.seed}.
Network: {" -> ".join(str(n) for n in (len(config.features), *config.hidden))} -> {net.output} output;
{config.optimizer} with learning rate {config.lr:g}, batch size {session.batch_size}.

Run it with ``python {CODE_FILE}``: it trains, prints the test loss and metrics, and saves {MODEL_FILE}.
The playground trains its own way (its batches follow its seed), so the numbers come close to the
page's, not bit for bit.
"""

import numpy as np

import nabla as nb
from nabla import data, datasets, layers, models, optim, regularizers

SEED = {config.seed}
EPOCHS = {epochs}  # {done} when this was exported

{_data_source(session)}
train, test = data.train_test_split(np.arange(len(X)), test_size={len(session.data.test)}, stratify={stratify}, \
seed=SEED)
train, test = np.sort(train), np.sort(test)


{features_source(config.features)}

x_train, x_test = features(X[train]), features(X[test])
y_train, y_test = {_TARGETS[net.output].format(s="train")}, {_TARGETS[net.output].format(s="test")}

nb.manual_seed(SEED)  # the playground's initial weights
model = models.Sequential(
    [
{layer_lines}
    ]
)
model.compile(optimizer={OPTIMIZER_RECIPES[config.optimizer].source(config.lr)}, \
loss="{KERAS_LOSSES[net.output]}"{metrics})
model.fit(x_train, y_train, batch_size={session.batch_size}, epochs=EPOCHS, verbose=0)
print("test loss{" and accuracy" if metrics else ""}:", model.evaluate(x_test, y_test, verbose=0))
model.save("{MODEL_FILE}")
'''


def file_message(session: Session, what: str) -> dict:
    """The page's download: ``{"type": "file", "name", "mime", "b64"}``."""
    if what == "model":
        name, mime, payload = MODEL_FILE, "application/octet-stream", model_bytes(session)
    elif what == "code":
        name, mime, payload = CODE_FILE, "text/x-python", python_code(session).encode()
    else:
        name, mime, payload = CSV_FILE, "text/csv", csv_text(session).encode()
    return {"type": "file", "name": name, "mime": mime, "b64": base64.b64encode(payload).decode("ascii")}
