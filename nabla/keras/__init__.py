"""nabla's Keras side: Keras 3's layers, models, losses, metrics and callbacks, built on nabla's modules.

The layout is Keras 3's own (``keras/src/``), so that a reader who knows Keras finds each class where
Keras keeps it:

==========================  =====================================================================
``layers/``                 by family: ``layer.py`` (the base ``Layer``), ``core.py`` (``Input``,
                            ``Dense``, ``Activation``, ``Flatten``), ``convolutional.py``,
                            ``pooling.py``, ``normalization.py``, ``regularization.py`` (dropout
                            and noise), ``augmentation.py`` (``RandomTranslation``)
``models/``                 ``model.py`` (compile / fit / evaluate / predict), ``sequential.py``,
                            ``saving.py`` (``load_model``), ``summary.py``, ``checks.py`` (the
                            checks before training), ``data_adapter.py``, ``interrupt.py`` (Ctrl-C)
``callbacks/``              one callback per file: ``early_stopping.py``, ``model_checkpoint.py``...
``metrics/``                by family: ``accuracy_metrics.py``, ``regression_metrics.py``,
                            ``confusion_metrics.py``...; ``get`` in ``metrics/__init__.py``
``losses.py``               Keras's losses, ``(y_true, y_pred)``, by name or as objects
``optimizers/``             Keras's optimizer classes (``SGD(learning_rate=...)``, ``apply_gradients``,
                            clipping), by name with Keras's defaults (the one table), ``schedules/``
``ops/``                    ``keras.ops``: Keras's NumPy-like functions over nabla's operations, by family
``preprocessing/``          ``keras.preprocessing.sequence.pad_sequences`` (``keras.utils``'s, old names)
``random.py``               ``keras.random``: seeded draws (``normal(shape, seed=1)``), ``SeedGenerator``
``variables.py``            ``keras.Variable`` (a weight: an ``nn.Parameter`` with ``assign``)
``symbolic.py``             ``KerasTensor``, what ``keras.Input`` returns (the functional API)
``backend.py``              ``keras.backend``: ``clear_session``, ``floatx``, ``epsilon``...
``config.py``               ``keras.config``: the same settings under Keras 3's newer name
``dtype_policies.py``       ``DTypePolicy`` (``layer.dtype_policy``); ``mixed_precision.py`` its old names
``saving.py``               ``keras.saving``: ``save_model``, ``load_model``, ``register_keras_serializable``
``activations.py``, ``initializers.py``, ``regularizers.py``   by name, as in Keras
``constraints.py``          ``MaxNorm``, ``NonNeg``...: applied by the optimizer after each update
``utils/``                  default names (``naming.py``), the progress bar (``progbar.py``)
``datasets/``, ``utils/``   ``mnist.load_data()``...; ``to_categorical``, ``set_random_seed``, ``plot_model``,
                            ``pad_sequences``, ``Progbar``, ``split_dataset``, ``get_file``, the registry of
                            your objects (``object_registration.py``); ``models/json_config.py``: ``to_json``
==========================  =====================================================================

A Keras layer here *is* an :class:`nabla.nn.Module`: one module system under both vocabularies.
The engine's names come in through ``_engine.py`` only.

**The Keras 3 namespace.** ``import nabla.keras as keras`` runs Keras 3 code: at the top
``keras.Sequential``, ``keras.Model`` (subclassed, or functional: ``keras.Model(inputs, outputs)``),
``keras.Input``, ``keras.Layer``, ``keras.Variable``, ``keras.ops``, and the modules above. A Keras name
that nabla does not offer raises an ``AttributeError`` saying so and what to use instead
(``_missing.py``). See docs/keras.md.

**The old names.** Before this package the Keras modules sat at the top of nabla, and they are
still there as the same objects: ``nabla.layers is nabla.keras.layers``, ``import nabla.layers``,
``from nabla.layers import Dense``, ``from nabla.models import load_model`` all work, for
``activations``, ``callbacks``, ``initializers``, ``layers``, ``losses``, ``metrics``, ``models``
and ``regularizers`` and every module below them. ``nabla/__init__.py`` registers each module of
this package under its old name in ``sys.modules`` once everything is imported (see
``_aliases.py``); no file exists at the old place, so there is one copy of every class, and saved
models (whose configs name classes, ``"Dense"``, not modules) load as before.

``nabla.diagnostics`` (the overfit check, ``TrainingMonitor``, the whole-model gradient check) stays
at the top of nabla, beside ``datasets``, ``plot`` and the CLI: it is built on this package (a
callback, checks of compiled models) but it is nabla's own teaching tool, which Keras does not
have, and ``nabla.keras`` keeps to Keras's namespace. Its ``ModelConfigWarning`` lives here, in
``models/checks.py``, where ``fit`` raises it.
"""

from . import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    dtype_policies,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    random,
    regularizers,
    saving,
    utils,
    wrappers,
)
from ._missing import missing as _missing
from .dtype_policies import DTypePolicy
from .layers import Input, InputLayer, InputSpec, Layer
from .models import Model, Sequential
from .symbolic import KerasTensor
from .variables import Variable

__version__ = "3.15.0+nabla"  # the Keras API it follows (and is tested against), and that it is nabla


def version() -> str:
    return __version__


def __getattr__(name: str):
    raise _missing("keras", name)
