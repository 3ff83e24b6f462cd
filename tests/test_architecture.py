"""The rooms of the house keep to their rule (docs/architecture.md): checked from the code's imports.

``lint-imports`` runs the import-linter contracts of pyproject.toml (nothing below imports from above; the
engine, the step compiler and the PyTorch side never import the top of the package). The other checks read
the same imports with tools/import_graph.py: the engine has one import circle, the inherent one, and no late
import hides another; the picture in docs/architecture.md is the one the imports draw today.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "tools" / "import_graph.py")
import_graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_graph)

EDGES, LATE = import_graph.graph(ROOT)
# The rooms below the Keras side (the rooms of this rule's first move); the others are checked by lint-imports.
BOTTOM = ("nabla.engine", "nabla.capture", "nabla.nn", "nabla.optim", "nabla.data")
# A Tensor's methods are the operations and the backward walk, which are built on Tensor.
INHERENT = {"nabla.engine.tensor", "nabla.engine.backward", "nabla.engine.ops"}


def _in(module: str, rooms) -> bool:
    return any(module == r or module.startswith(r + ".") for r in rooms)


def test_import_linter_contracts_hold():
    require("importlinter")
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    run = subprocess.run([lint, "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "0 broken" in run.stdout


def test_the_engine_has_one_import_circle_the_inherent_one():
    circles = [c for c in import_graph.circles(EDGES) if any(_in(m, BOTTOM) for m in c)]
    assert len(circles) == 1, circles
    (circle,) = circles
    assert {m if not m.startswith("nabla.engine.ops") else "nabla.engine.ops" for m in circle} == INHERENT


def test_no_late_import_hides_a_circle_below_the_keras_side():
    late = [(a, b, line) for a, b, line in LATE if _in(a, BOTTOM)]
    # Only the inherent circle's: tensor.py imports the operations and the walk after defining Tensor.
    assert {(a, b) for a, b, _ in late} == {
        ("nabla.engine.tensor", "nabla.engine.backward"),
        ("nabla.engine.tensor", "nabla.engine.ops"),
    }, late


# A leaf module below the engine, which imports nothing of nabla (nb.save writes through it).
LEAVES = ("nabla.atomic",)


def test_the_engine_imports_nothing_above_it():
    for module, targets in EDGES.items():
        if _in(module, ("nabla.engine",)):
            assert all(_in(t, ("nabla.engine",) + LEAVES) for t in targets), (module, targets)
        if _in(module, LEAVES):
            assert not targets, (module, targets)


@pytest.mark.parametrize(
    "picture, draw, command",
    [
        ("architecture", lambda: import_graph.dot(EDGES), ""),
        ("engine", lambda: import_graph.dot_inside(EDGES, "nabla.engine"), "--inside nabla.engine "),
    ],
)
def test_the_pictures_are_the_ones_the_imports_draw(picture, draw, command):
    committed = (ROOT / "docs" / f"{picture}.dot").read_text(encoding="utf-8")
    assert committed == draw(), (
        f"the imports changed: redraw the picture with python tools/import_graph.py {command}"
        f"--dot docs/{picture}.dot --svg docs/{picture}.svg"
    )


def test_circles_are_found_and_late_imports_are_told_apart(tmp_path):
    package = tmp_path / "nabla"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def f():\n    from . import a\n")
    (package / "c.py").write_text("from .a import x\n")
    edges, late = import_graph.graph(tmp_path)
    assert import_graph.circles(edges) == [["nabla.a", "nabla.b"]]
    assert [(a, b) for a, b, _ in late] == [("nabla.b", "nabla.a")]


@pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI", "").lower() != "true",
    reason="Graphviz's dot draws the picture (apt install graphviz)",
)
def test_the_picture_draws(tmp_path):
    import_graph.main(["--svg", str(tmp_path / "rooms.svg")])
    assert (tmp_path / "rooms.svg").read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
