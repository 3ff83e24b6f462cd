"""Keras-style models: ``Sequential``, ``Model`` (subclass it and write ``call``, or give it
``inputs`` and ``outputs``: a ``Functional`` model), ``load_model``, ``model_from_json``."""

from .cloning import clone_model
from .functional import Functional
from .json_config import model_from_json
from .model import Model
from .saving import load_model, save_model
from .sequential import Sequential
