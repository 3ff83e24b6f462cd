"""The Keras modules' old names: ``nabla.layers`` is ``nabla.keras.layers``, by every way of importing it."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest
from conftest import ROOT

import nabla
import nabla.keras
from nabla.keras._aliases import ALIASED


def keras_modules() -> list[str]:
    """Every module of the nabla.keras package, by its file."""
    return ["nabla.keras", *(info.name for info in pkgutil.walk_packages(nabla.keras.__path__, "nabla.keras."))]


# Modules that import an optional dependency, loaded when asked for (no old name: nabla.keras.wrappers is new).
OPTIONAL = {"nabla.keras.wrappers.scikit_learn", "nabla.keras.wrappers.sklearn_wrapper"}


def test_importing_nabla_loads_every_module_of_nabla_keras():
    """A module loaded only later would have no old name until then (and could be loaded twice under it)."""
    assert [name for name in keras_modules() if name not in sys.modules and name not in OPTIONAL] == []


@pytest.mark.parametrize("name", ALIASED)
def test_the_old_name_is_the_same_module(name):
    new = importlib.import_module(f"nabla.keras.{name}")
    assert getattr(nabla, name) is new
    assert importlib.import_module(f"nabla.{name}") is new


def test_every_module_below_an_old_name_is_the_same_module_under_it():
    below = [n for n in keras_modules() if n.count(".") >= 3 and n.split(".")[2] in ALIASED]
    assert "nabla.keras.models.checks" in below and "nabla.keras.layers.core" in below
    for name in below:
        assert importlib.import_module("nabla." + name.removeprefix("nabla.keras.")) is sys.modules[name], name


def test_the_classes_are_one_whatever_the_path():
    from nabla.diagnostics import ModelConfigWarning
    from nabla.keras.layers.core import Dense
    from nabla.layers import Dense as OldDense
    from nabla.models.checks import ModelConfigWarning as OldWarning

    assert Dense is OldDense and ModelConfigWarning is OldWarning
    assert nabla.models.load_model is nabla.keras.models.saving.load_model


def test_the_old_names_in_a_fresh_process():
    """``import nabla.models.checks`` as the first import of nabla: the old names must exist by then."""
    code = (
        "import nabla.models.checks as old_checks, nabla.layers as old_layers\n"
        "from nabla.layers import Dense\n"
        "from nabla.models import load_model\n"
        "import nabla.keras.layers as layers, nabla.keras.models.checks as checks, sys\n"
        "assert old_layers is layers and old_checks is checks and Dense is layers.Dense\n"
        "assert load_model is sys.modules['nabla.keras.models'].load_model\n"
        "assert sys.modules['nabla.callbacks.early_stopping'] is sys.modules['nabla.keras.callbacks.early_stopping']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)
