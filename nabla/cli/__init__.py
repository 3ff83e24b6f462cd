"""The ``nabla`` command: train, evaluate and use small networks from the shell.

::

    nabla train                                  # an MLP on two moons: metrics, model, loss curves, decision boundary
    nabla train --dataset mnist                  # 784-512-512-10 ReLU MLP with dropout: >= 98.5% test accuracy
    nabla train --dataset spiral --hidden 64,64 --activation tanh --epochs 300
    nabla datasets                               # every dataset, its aliases, and whether it is on disk
    nabla datasets --download mnist              # fetch a real dataset's files (needs pooch and a network)
    nabla evaluate nabla-run/model.nabla --dataset moons
    nabla predict nabla-run/model.nabla points.csv --output predictions.csv
    nabla export nabla-run/model.nabla model.onnx  # for ONNX Runtime, where nabla is not installed
    nabla playground                             # watch a network learn in the browser (the playground extra)
    nabla xor                                    # the engine alone: a 2-2-1 network learns XOR

``python -m nabla`` is the same command. The command is thin: each step is a library call you
can make from Python (see :mod:`nabla.cli.train`), the datasets and their names come from the one
catalogue (:data:`nabla.datasets.CATALOG`), the tuned settings per dataset are data in
:mod:`nabla.cli.recipes`, and the optimizers take Keras's defaults from the Keras-style API's table.

Names on the command line follow one rule (:func:`nabla.datasets.name_key`): letter case and
``-``/``_`` do not matter (``--dataset Fashion_MNIST``, ``--activation Leaky-ReLU``). A user's
mistake is one line on stderr and exit status 1 (2 for a bad option), never a traceback.

The saved model takes the dataset's *raw* features: after training, the input scaling is
folded into the first Dense layer and the target scaling into the last one
(:func:`nabla.data.fold_scaling`), so ``nabla predict`` and ``load_model(...).predict`` need no
scaler on the side.

Files:

=================  ================================================================
``main.py``         the parser, the one-line errors, the entry point
``options.py``      the option values (names by the one rule, numbers)
``recipes.py``      the tuned settings of every dataset, as data
``optimizers.py``   the optimizers offered, with Keras's defaults
``train.py``        ``nabla train``: the lab's steps, each a library call
``evaluate.py``     ``nabla evaluate``
``predict.py``      ``nabla predict`` (the CSV reader is :func:`nabla.datasets.read_features_csv`)
``export.py``       ``nabla export`` (:func:`nabla.onnx.export`)
``playground.py``   ``nabla playground`` (:mod:`nabla.playground`)
``datasets.py``     ``nabla datasets``, and the one line saying a dataset is not on disk
``run_record.py``   ``metrics.json``: written by train, checked when read
``xor.py``          ``nabla xor``, a demo of the engine alone
=================  ================================================================
"""

from .main import build_parser, main
from .recipes import RECIPES, Recipe
from .xor import train_xor

__all__ = ["RECIPES", "Recipe", "build_parser", "main", "train_xor"]
