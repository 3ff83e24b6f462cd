"""Every code block of README.md and docs/*.md runs, in order, and shows what its text claims.

The ```python blocks of each file run in one namespace, in order, in a fresh Python process (as a
reader pasting them one after another would), in a temporary folder, with a time limit. After a
block, the checks of CLAIMS whose key is a line of that block run in the same namespace: they
hold what the text around the block promises (XOR learned, 33 parameters, a gradient's value...).
A block whose first line is ``# not run: <why>`` is a deliberate fragment and is skipped; the
README says so. New docs/*.md files are picked up as they are added. A file whose blocks read a
real dataset needs it (``conftest.real_data``).

The shell blocks are checked too: every ``nabla ...`` command line in them parses with the
command's own parser, and every ``--out`` folder they name is ignored by git.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FASHION_FILES, FISH_FILES, MNIST_FILES, real_data

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^( *)```(\w*)[^\n]*\n(.*?)^\1```", re.S | re.M)
NOT_RUN = "# not run:"
NEEDS = {
    r"\bfashion_mnist\(": FASHION_FILES,
    r"(?<!fashion_)\bmnist\(": MNIST_FILES,
    r"\bfish_market\(": FISH_FILES,
}

# What the text promises, checked after the block that holds the key line: {(file, line): check code}.
CLAIMS = {
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
    ("keras.md", "same = models.load_model(\"moons.keras\")           # predicts exactly as model does"): """
        assert accuracy > 0.93, accuracy
        assert (same.predict(X_test) == probabilities).all()
    """,
    ("engine.md", "x.shape, x.dtype, x.requires_grad, x.is_leaf       # (1, 2), float32, True, True"): """
        assert (x.shape, str(x.dtype), x.requires_grad, x.is_leaf) == ((1, 2), "float32", True, True)
    """,
    ("engine.md", "hv, = nb.grad((g * v).sum(), w)               # Hessian-vector product H v = tensor([6., 0.])"): """
        assert hv.tolist() == [6.0, 0.0]
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
    return [
        (m.group(2), text.count("\n", 0, m.start()) + 1, textwrap.dedent(m.group(3)))
        for m in FENCE.finditer(text)
    ]


def python_blocks(path: Path) -> list[tuple[int, str]]:
    return [(line, code) for lang, line, code in blocks(path) if lang == "python"]


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
        pytest.skip(f"{path.name} has no python blocks")
    source = "\n".join(code for _, code in runnable)
    for pattern, files in NEEDS.items():
        if re.search(pattern, source):
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
