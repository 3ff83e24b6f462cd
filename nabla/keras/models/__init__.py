"""Keras-style models: ``Sequential``, ``Model`` (subclass it and write ``call``), ``load_model``."""

from .model import Model
from .saving import load_model
from .sequential import Sequential
