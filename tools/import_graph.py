"""The imports between nabla's modules, read from the source: the import circles, and a picture of the rooms.

    python tools/import_graph.py                    # the circles, and the late imports that hide them
    python tools/import_graph.py --dot FILE.dot     # the picture of the rooms, as Graphviz source
    python tools/import_graph.py --svg FILE.svg     # the same, drawn by Graphviz's dot
    python tools/import_graph.py --inside nabla.engine --svg FILE.svg   # the modules of one room
    python tools/import_graph.py --lines            # the source files longer than 500 lines
    python tools/import_graph.py --root DIR         # another checkout (the default: this one)

Every ``import`` and ``from ... import`` of a module of the package counts, wherever it stands: at the
top of a file, or *late* (inside a function, or at the bottom of a file after the code that needs it),
which is how a circle is usually hidden. ``from pkg import name`` imports ``pkg.name`` when that is a
module, else ``pkg``. A package's ``__init__`` that runs before a submodule is not counted as an import
of the submodule's: it would put every module in one circle with ``nabla/__init__.py``.

A circle is a strongly connected component of that graph (Tarjan's algorithm). The picture has one box
per *room* (``nabla.engine``, ``nabla.capture``, ``nabla.nn``... see :func:`room`) and an arrow where a
room imports from another; docs/architecture.md shows it, and a test checks that the committed
docs/architecture.dot is what this script writes today.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "nabla"
LONG_FILE = 500  # lines; the developers' guide asks for no source file over ~500

# The titles of the layers in the picture, by a room they hold; the layers themselves are the import-linter
# contract "rooms" of pyproject.toml, so that the picture draws the rule that CI enforces.
TITLES = {
    "nabla.atomic": "a leaf: atomic writes",
    "nabla.engine": "the engine",
    "nabla.capture": "on the engine: the step compiler, the PyTorch side",
    "nabla.keras": "the Keras side, the ONNX export, the plots",
    "nabla.distributed": "training on several processes, the datasets",
    "nabla.tf": "the TensorFlow 2 facade",
    "nabla.sklearn": "the training diagnostics, the scikit-learn estimators, the playground",
    "nabla.cli": "the nabla command",
    "nabla.__main__": "python -m nabla",
}
COLOURS = ("#dbe9f6", "#dcefd9", "#eadcf2", "#f6e3c6", "#eeeeee", "#f4f4d8", "#ffffff")


def layers(root: Path) -> list[tuple[list[str], bool]]:
    """The layers of the contract "rooms" in pyproject.toml, bottom first: (rooms, whether they are independent)."""
    with open(root / "pyproject.toml", "rb") as f:
        config = tomllib.load(f)
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract.get("id") == "rooms":
            found = []
            for layer in reversed(contract["layers"]):
                names = [n.strip().strip("()") for n in re.split(r"[|:]", layer)]
                found.append((names, ":" not in layer))
            return found
    raise LookupError("pyproject.toml has no import-linter contract with id 'rooms'")


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package under ``root``: dotted name -> file."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _names(path: Path, constant: str) -> tuple[str, ...]:
    """The tuple of names assigned to ``constant`` at the top of ``path`` (empty if there is none)."""
    if not path.exists():
        return ()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == constant:
            return tuple(ast.literal_eval(node.value))
    return ()


def aliases(root: Path) -> dict[str, str]:
    """The module paths that are aliases of others: the Keras side's old names (``nabla.layers`` is
    ``nabla.keras.layers``, registered by nabla/keras/_aliases.py)."""
    keras = _names(root / PACKAGE / "keras" / "_aliases.py", "ALIASED")
    return {f"{PACKAGE}.{n}": f"{PACKAGE}.keras.{n}" for n in keras}


def _resolve(target: str, moved: dict[str, str]) -> str:
    """``target`` with an alias replaced by the module it names (``nabla.layers.core``: ``nabla.keras.layers.core``)."""
    for old, new in moved.items():
        if target == old or target.startswith(old + "."):
            return new + target[len(old) :]
    return target


def _is_package(name: str, known: dict[str, Path]) -> bool:
    return name in known and known[name].name == "__init__.py"


def _absolute(module: str, level: int, target: str | None, known: dict[str, Path]) -> str:
    """The absolute name of a relative import's base, seen from ``module``."""
    if level == 0:
        return target or ""
    base = module.split(".") if _is_package(module, known) else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports(module: str, path: Path, known: dict[str, Path], moved: dict[str, str]) -> list[tuple[str, int, bool]]:
    """The package's modules that ``module`` imports: (module, line, late) for each import statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    code_seen_at = min(
        (node.lineno for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr))),
        default=None,
    )
    found = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                visit(child, True)
                continue
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # (for type checkers only: never run)
            if isinstance(child, ast.Import):
                targets = [_resolve(alias.name, moved) for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(_absolute(module, child.level, child.module, known), moved)
                targets = [_resolve(f"{base}.{a.name}", moved) for a in child.names]
                targets = [t if t in known else base for t in targets]
            else:
                visit(child, in_function)
                continue
            # Late: inside a function or a class, or below the first definition of the file.
            late = in_function or (code_seen_at is not None and child.lineno > code_seen_at)
            for target in targets:
                while target and target not in known:  # (import a.b.c of a module a.b.c, or of a name in it)
                    target = target.rpartition(".")[0]
                if target.startswith(PACKAGE) and target != module and (target, child.lineno, late) not in found:
                    found.append((target, child.lineno, late))

    visit(tree, False)
    return found


def graph(root: Path) -> tuple[dict[str, set[str]], list[tuple[str, str, int]]]:
    """The import graph (module -> the modules it imports) and the late imports (importer, imported, line)."""
    known = modules(root)
    moved = aliases(root)
    edges: dict[str, set[str]] = {name: set() for name in known}
    late = []
    for name, path in known.items():
        for target, line, is_late in imports(name, path, known, moved):
            edges[name].add(target)
            if is_late:
                late.append((name, target, line))
    return edges, late


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found, key=lambda c: (-len(c), c))


def room(module: str) -> str | None:
    """The room of a module: its package right below nabla (``nabla.engine.ops.shape`` -> ``nabla.engine``),
    or the module itself at the top; None for ``nabla/__init__.py`` (the public names), which is not a room."""
    if module == PACKAGE:
        return None
    return ".".join(module.split(".")[:2])


def collapse(edges: dict[str, set[str]], box) -> dict[str, set[str]]:
    """The imports between boxes of modules: ``box(module)`` names a module's box (None: left out)."""
    boxes: dict[str, set[str]] = {}
    for module, targets in edges.items():
        here = box(module)
        if here is None:
            continue
        into = boxes.setdefault(here, set())
        for target in targets:
            there = box(target)
            if there is not None and there != here:
                into.add(there)
    return boxes


def dot(edges: dict[str, set[str]], root: Path = ROOT) -> str:
    """Graphviz source of the rooms, one dashed box per layer of the rule, an arrow from each room to the rooms it
    imports (so the engine, which imports no other room, is at the bottom)."""
    rooms = collapse(edges, room)
    lines = [
        "// Generated by tools/import_graph.py from nabla's imports: do not edit (python tools/import_graph.py --dot)",
        "digraph rooms {",
        '  rankdir=TB; newrank=true; ranksep=0.6; node [shape=box, style="rounded,filled", fontname="Helvetica"];',
        '  edge [color="#555555"]; fontname="Helvetica";',
    ]
    placed = set()
    below: list[str] = []  # the rooms of the layer below the current one
    for i, (names, independent) in enumerate(layers(root)):
        members = [r for r in sorted(rooms) if r in names]
        if not members:
            continue
        # Invisible arrows down to the layer below keep each layer above it in the drawing.
        lines += [f'  "{r}" -> "{below[0]}" [style=invis];' for r in members if below]
        below = members
        title = next((TITLES[n] for n in names if n in TITLES), f"layer {i}")
        kind = "independent rooms" if independent and len(members) > 1 else ""
        label = title + (f" ({kind})" if kind else "")
        lines.append(f'  subgraph cluster_{i} {{ label="{label}"; style=dashed; color="#999999";')
        for r in members:
            lines.append(f'    "{r}" [fillcolor="{COLOURS[i % len(COLOURS)]}"];')
            placed.add(r)
        lines.append("  }")
    for r in sorted(set(rooms) - placed):
        lines.append(f'  "{r}" [fillcolor="#ffcccc"];  // in no layer of the rule: add it to pyproject.toml')
    for here in sorted(rooms):
        for there in sorted(rooms[here]):
            lines.append(f'  "{here}" -> "{there}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_inside(edges: dict[str, set[str]], package: str) -> str:
    """Graphviz source of the modules of one room (its subpackages drawn as one box each) and their imports."""
    depth = package.count(".") + 2

    def box(module: str) -> str | None:
        if not module.startswith(package + "."):
            return None
        return ".".join(module.split(".")[:depth])[len(package) + 1 :]

    boxes = collapse(edges, box)
    lines = [
        f"// Generated by tools/import_graph.py from the imports of {package}: do not edit (--inside {package})",
        "digraph modules {",
        '  rankdir=TB; node [shape=box, style="rounded,filled", fillcolor="#dbe9f6", fontname="Helvetica"];',
        '  edge [color="#555555"];',
    ]
    lines += [f'  "{b}";' for b in sorted(boxes)]
    lines += [f'  "{b}" -> "{t}";' for b in sorted(boxes) for t in sorted(boxes[b])]
    lines.append("}")
    return "\n".join(lines) + "\n"


def long_files(root: Path) -> list[tuple[int, str]]:
    """(lines, path) of the package's source files longer than :data:`LONG_FILE` lines, longest first."""
    sizes = [
        (len(p.read_text(encoding="utf-8").splitlines()), str(p.relative_to(root)))
        for p in (root / PACKAGE).rglob("*.py")
    ]
    return sorted((s for s in sizes if s[0] > LONG_FILE), reverse=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to read (default: this one)")
    parser.add_argument("--dot", type=Path, help="write the picture of the rooms as Graphviz source")
    parser.add_argument("--svg", type=Path, help="draw the picture of the rooms with Graphviz's dot")
    parser.add_argument("--inside", metavar="ROOM", help="with --dot/--svg: the modules of one room, e.g. nabla.engine")
    parser.add_argument("--lines", action="store_true", help="list the source files over 500 lines")
    args = parser.parse_args(argv)
    edges, late = graph(args.root)
    if args.dot or args.svg:
        source = dot_inside(edges, args.inside) if args.inside else dot(edges, args.root)
        if args.dot:
            args.dot.write_text(source, encoding="utf-8")
        if args.svg:
            if shutil.which("dot") is None:
                parser.error("--svg needs Graphviz's dot on the PATH (apt install graphviz)")
            svg = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True, check=True).stdout
            args.svg.write_text(svg, encoding="utf-8")
        return 0
    if args.lines:
        files = long_files(args.root)
        total = len(list((args.root / PACKAGE).rglob("*.py")))
        print(f"{len(files)} of {total} source files are longer than {LONG_FILE} lines")
        for n, path in files:
            print(f"  {n:5d}  {path}")
        return 0
    found = circles(edges)
    print(f"{len(found)} import circle(s) among {len(edges)} modules")
    for component in found:
        print(f"  {len(component)} modules: " + ", ".join(component))
    print(f"{len(late)} late import(s) of the package's own modules")
    for importer, imported, line in sorted(late):
        print(f"  {importer}:{line} imports {imported}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
