"""Every code block of README.md and docs/*.md runs, in order, and shows what its text claims.

The rules a docs author follows (the README's "Every python block..." paragraph says the same):

- The ```python blocks of each file run in one namespace, in order, in a fresh Python process (as a
  reader pasting them one after another would), in an empty temporary folder, within 300 s. A block
  may use what an earlier block of the same file defined, nothing else: define your data and model.
- A block whose first line is ``# not run: <why>`` is a deliberate fragment (a sketch with names the
  reader supplies, a server that never returns, a command for several processes) and is skipped.
  Fences other than ```python (```bash, ```text, plain ```) are never run.
- A block that imports a package nabla does not depend on (torch, onnxruntime, sklearn, mpi4py...)
  or names it in a first-lines comment ``# needs: onnxruntime, sklearn`` makes its file's test skip
  where that package is not installed (and fail in CI, where every extra is installed).
- A block that loads a real dataset (``mnist(``, ``nb.datasets.load("fish")``... any name or alias of
  :data:`nabla.datasets.CATALOG` whose data are files) makes its file's test need those files
  (``conftest.real_data``: skipped without them, a failure in CI).
- What the text around a block promises (XOR learned, 33 parameters, a gradient's value...) is
  checked by CLAIMS below: code keyed by one line of the block, run in its namespace after it.

The shell blocks are checked too: every ``nabla ...`` command line in them parses with the
command's own parser, and every ``--out`` folder they name is ignored by git.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import real_data, require

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^( *)```(\w*)[^\n]*\n(.*?)^\1```", re.S | re.M)
NOT_RUN = "# not run:"
NEEDS = re.compile(r"^\s*# needs:(.*)$", re.M)

# What the text promises, checked after the block that holds the key line: {(file, line): check code}.
CLAIMS = {
    ("keras.md", "print(model.count_params())   # 19 (the normalizer's statistics) + 160 + 51 = 230"): """
        assert model.count_params() == 230 and "230" in _stdout
        out = model.predict(features[:4], verbose=0)
        assert out.shape == (4, 3) and abs(out.sum(axis=1) - 1).max() < 1e-5
    """,
    ("README.md", "print(loss.item())"): """
        assert loss.item() < 0.05, loss.item()  # the nn.Sequential learned XOR
    """,
    ("README.md", "model.summary()                          # 33 parameters, as Keras counts them"): """
        assert model.count_params() == 33 and "33" in _stdout
        assert model.predict(x.numpy()).round().ravel().tolist() == [0.0, 1.0, 1.0, 0.0], _stdout
    """,
    ("README.md", "b.backward()"): """
        assert a.grad.tolist() == [4.0, 6.0] and h.tolist() == [12.0, 18.0]
    """,
    ("README.md", "def step(x, y):"): """
        assert net(x).shape == (4, 1) and loss.item() < 0.05, loss.item()
        assert "def " in step.code
        # "same numbers, bit for bit": 500 eager steps from the same start
        nb.manual_seed(1)
        eager = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
        eager_opt = nb.optim.SGD(eager.parameters(), lr=0.5)
        for _ in range(500):
            eager_opt.zero_grad()
            eager_loss = nb.binary_cross_entropy_with_logits(eager(x), y)
            eager_loss.backward()
            eager_opt.step()
        assert eager_loss.item() == loss.item()
        for p, q in zip(net.parameters(), eager.parameters()):
            assert (p.detach().numpy() == q.detach().numpy()).all()
    """,
    ("keras.md", 'same = models.load_model("moons.keras")           # predicts exactly as model does'): """
        assert accuracy > 0.93, accuracy
        assert (same.predict(X_test) == probabilities).all()
    """,
    (
        "keras.md",
        "print(int(decaying.optimizer.iterations), float(decaying.optimizer.learning_rate))  # 20 0.025 (in float32)",
    ): """
        assert decaying.optimizer.iterations == 20 and decaying.optimizer.learning_rate == float(np.float32(0.025))
    """,
    ("keras.md", "# history.history: loss, reg_loss, cls_loss, cls_accuracy and their val_ forms"): """
        names = ["cls_accuracy", "cls_loss", "loss", "reg_loss"]
        assert sorted(history.history) == sorted(names + ["val_" + n for n in names])
        assert y_reg_pred.shape == (100, 1) and y_cls_pred.shape == (100, 3)
    """,
    ("engine.md", "x.shape, x.dtype, x.requires_grad, x.is_leaf       # (1, 2), float32, True, True"): """
        assert (x.shape, str(x.dtype), x.requires_grad, x.is_leaf) == ((1, 2), "float32", True, True)
    """,
    ("engine.md", "hv, = nb.grad((g * v).sum(), w)               # Hessian-vector product H v = tensor([6., 0.])"): """
        assert hv.tolist() == [6.0, 0.0]
    """,
    ("engine.md", "def fused_step(x, y):"): """
        assert fused_step.fused.startswith("fused kernel (compiled by Numba in"), fused_step.fused
        assert "def kernel(" in fused_step.code and loss.dtype == nb.float32
    """,
    ("engine.md", "def train_step(x, y):"): """
        assert "def " in train_step.code and loss.shape == ()
    """,
    ("engine.md", "nb.gradcheck(f, x)                                           # True, or raises"): """
        assert nb.gradcheck(f, x) is True
    """,
    ("ecosystem.md", 'probabilities = session.run(None, {"input": x.astype("float32")})[0]   # x: any batch size'): """
        import numpy as np
        np.testing.assert_allclose(probabilities, model.predict(x), rtol=1e-5, atol=1e-6)
    """,
    ("nn.md", "loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)"): """
        accuracy = (model(nb.tensor(X)).argmax(1).numpy() == y).mean()
        assert accuracy > 0.9, accuracy
    """,
}

RUNNER = r"""
import contextlib, io, json, sys, textwrap, traceback
payload = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
for block in payload["blocks"]:
    where = f"{payload['file']}, the block at line {block['line']}"
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block["code"], where, "exec"), namespace)
        namespace["_stdout"] = out.getvalue()
        for check in block["checks"]:
            exec(compile(textwrap.dedent(check), where + " (its check)", "exec"), namespace)
    except BaseException:
        print(f"{where} failed:\n{block['code']}\n{traceback.format_exc()}\nits output:\n{out.getvalue()[-2000:]}")
        sys.exit(1)
print(f"{len(payload['blocks'])} blocks ran")
"""


def blocks(path: Path) -> list[tuple[str, int, str]]:
    """The fenced blocks of a Markdown file: (language, line of the fence, code dedented)."""
    text = path.read_text(encoding="utf-8")
    return [(m.group(2), text.count("\n", 0, m.start()) + 1, textwrap.dedent(m.group(3))) for m in FENCE.finditer(text)]


def python_blocks(path: Path) -> list[tuple[int, str]]:
    return [(line, code) for lang, line, code in blocks(path) if lang == "python"]


def optional_modules(source: str) -> set[str]:
    """The packages the blocks import or name in ``# needs:`` lines, other than nabla and the standard library.

    Datasets read through another package (``digits()`` through scikit-learn) count too.
    """
    modules = {name.strip() for line in NEEDS.findall(source) for name in line.split(",") if name.strip()}
    try:
        tree = ast.parse(source)
    except SyntaxError:  # the runner reports it, with the block's file and line
        tree = ast.Module(body=[], type_ignores=[])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    for entry in datasets_named(source):
        if entry.needs:
            modules.add(entry.needs)
    return {m for m in modules if m != "nabla" and m not in sys.stdlib_module_names}


def datasets_named(source: str) -> list:
    """The catalogue's entries whose dataset the blocks call (``mnist(``) or name in a string (``"fish"``)."""
    from nabla.datasets import CATALOG, name_key

    quoted = {name_key(q) for q in re.findall(r"[\"']([\w .-]+)[\"']", source)}
    found = []
    for entry in CATALOG.values():
        spellings = (entry.name, *entry.aliases)
        called = any(re.search(rf"\b{re.escape(s)}\(", source) for s in spellings)
        if called or quoted & {name_key(s) for s in spellings}:
            found.append(entry)
    return found


def real_files(source: str) -> list[str]:
    """The files (under the data folder) of the real datasets the blocks load."""
    from nabla.datasets.cache import FILES

    prefixes = [entry.files for entry in datasets_named(source) if entry.files]
    return [key for key in FILES if any(key.startswith(prefix) for prefix in prefixes)]


def checks_of(name: str, code: str) -> list[str]:
    lines = code.splitlines()
    return [check for (file, key), check in CLAIMS.items() if file == name and key in lines]


def doc_id(path: Path) -> str:
    return path.name


def test_the_docs_are_found():
    names = [p.name for p in DOCS]
    assert names[0] == "README.md" and {"engine.md", "keras.md", "nn.md"} <= set(names)


def test_every_claim_is_checked_on_one_block():
    """A claim whose line left its block (or whose file is gone) would otherwise never run."""
    by_name = {p.name: p for p in DOCS}
    for name, key in CLAIMS:
        found = [code for _, code in python_blocks(by_name[name]) if key in code.splitlines()]
        assert len(found) == 1, f"{name}: the line {key!r} is in {len(found)} python blocks"


def test_what_a_file_needs_is_read_from_its_blocks():
    """The rules of the module docstring, on blocks written for the purpose."""
    source = textwrap.dedent("""
        # needs: keras, tensorflow
        import numpy as np, onnxruntime as ort
        from sklearn.neural_network import MLPClassifier
        from nabla import layers
        import json
        x, y = nb.datasets.digits(), nb.datasets.fashion_mnist()
    """)
    assert optional_modules(source) == {"keras", "tensorflow", "numpy", "onnxruntime", "sklearn"}
    files = real_files(source)
    assert files and all(f.startswith("fashion-mnist/") for f in files)  # not MNIST's: fashion_mnist( is not mnist(
    assert [f.split("/")[0] for f in real_files('nb.datasets.load("Fish")')] == ["fish"]
    assert real_files("nb.datasets.moons(200)") == [] and real_files("mnist = 3") == []


def test_not_run_blocks_say_why():
    for path in DOCS:
        for line, code in python_blocks(path):
            first = code.lstrip().splitlines()[0] if code.strip() else ""
            if first.startswith(NOT_RUN):
                assert first[len(NOT_RUN) :].strip(), f"{path.name}, line {line}: say why it is not run"


@pytest.mark.parametrize("path", DOCS, ids=doc_id)
def test_the_python_blocks_run_in_order_and_show_what_they_claim(path, tmp_path):
    runnable = [(line, code) for line, code in python_blocks(path) if not code.lstrip().startswith(NOT_RUN)]
    if not runnable:
        pytest.skip(f"{path.name} has no python block to run")
    source = "\n".join(code for _, code in runnable)
    for module in sorted(optional_modules(source)):
        if importlib.util.find_spec(module) is None:
            require(module)  # skips here, fails in CI
    files = real_files(source)
    if files:
        real_data(*files)
    payload = {
        "file": path.name,
        "blocks": [
            {
                "line": line,
                "code": code,
                "checks": checks_of(path.name, code),
            }
            for line, code in runnable
        ],
    }
    (tmp_path / "payload.json").write_text(json.dumps(payload), encoding="utf-8")
    (tmp_path / "runner.py").write_text(RUNNER, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, str(tmp_path / "runner.py"), str(tmp_path / "payload.json")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]


def nabla_commands() -> list[tuple[str, int, list[str]]]:
    """Every ``nabla ...`` command line of the shell blocks: (file, line of the block, argv after 'nabla')."""
    found = []
    for path in DOCS:
        for lang, line, code in blocks(path):
            if lang not in ("bash", "sh", "shell", "console"):
                continue
            for text in code.splitlines():
                command = text.split("#", 1)[0].split("&&")[-1].strip()
                if command.startswith("nabla "):
                    found.append((path.name, line, shlex.split(command)[1:]))
    return found


def test_every_documented_command_line_parses():
    from nabla import cli

    commands = nabla_commands()
    assert len(commands) >= 5
    for name, line, argv in commands:
        try:
            cli.build_parser().parse_args(argv)
        except SystemExit as e:
            raise AssertionError(f"{name}, the block at line {line}: 'nabla {' '.join(argv)}' does not parse") from e


def test_documented_output_folders_are_ignored_by_git():
    """A reader following the README must not leave untracked folders in the clone."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    folders = {"nabla-run"}
    for _, _, argv in nabla_commands():
        if "--out" in argv:
            folders.add(argv[argv.index("--out") + 1])
    for path in sorted((ROOT / "examples").glob("*.py")):
        folders.update(re.findall(r'"--out", default="([^"]+)"', path.read_text(encoding="utf-8")))
    for folder in sorted(folders):
        probe = f"{folder}/model.nabla"
        done = subprocess.run(["git", "check-ignore", "-q", probe], cwd=ROOT, capture_output=True)
        assert done.returncode == 0, f"{probe} is not ignored by .gitignore"


def test_the_readme_names_every_dataset_of_the_catalogue():
    from nabla import datasets

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for entry in datasets.CATALOG.values():
        for name in (entry.name, *entry.aliases):
            assert re.search(rf"\b{name}\b", readme), f"the README does not name {name}"
