"""Fuzzing ``nabla predict``'s reading of CSV files: every case is a prediction per row, or one clear line.

A seeded generator writes tables that a model takes (numbers, headers, raw categories, the dataset
file's layout), then damages each in one way: a change that keeps its meaning (line endings, a
byte-order mark, quotes, blank lines, a category's letter case), one that breaks it (a bad token, a
missing or extra field, another encoding, NUL bytes, an overlong field or row), or random bytes.
Every case must end in success or in one line ``nabla predict: error: ...`` with exit status 1:
never a traceback, never a message that echoes a long line. A case that kept its meaning must give
the model's predictions for the intended rows; any success must give one prediction per data row
(the file's non-empty rows, less a header: a first row with no number in it), so no row is ever
dropped silently.

The cases run in one worker process (``fuzz_worker.py``), apart from pytest, with its memory
capped. 300 cases run in CI (seconds); ``NABLA_FUZZ_CASES=5000 NABLA_FUZZ_SEED=1 pytest
tests/cli/test_predict_fuzz.py`` runs a longer search locally, from another seed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil

import numpy as np
import pytest
from cli_run import assert_no_failures, ending_problems, fuzz_cases, fuzz_seed, run_in_worker
from tabular_run import FILE_COLUMNS, KINDS, encode, make_tabular_run

import nabla as nb
from nabla import cli

NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
BAD_TOKENS = [
    "abc",
    "nan",
    "inf",
    "-Infinity",
    "1_0",
    "0x1F",
    "1.2.3",
    "--1",
    "１２",
    "1e999",
    "",
    "1,5",
    "e5",
    ".",
    "∞",
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three models: moons with its record, the same without one (names unknown), and a categorical one."""
    moons = tmp_path_factory.mktemp("moons")
    assert cli.main(["train", "--epochs", "3", "--out", str(moons), "--quiet"]) == 0
    bare = tmp_path_factory.mktemp("bare")
    shutil.copy(moons / "model.nabla", bare / "model.nabla")
    tabular = make_tabular_run(tmp_path_factory.mktemp("tabular"))
    return {"moons": moons / "model.nabla", "bare": bare / "model.nabla", "tabular": tabular}


def fmt(rng, v: float) -> str:
    return rng.choice([f"{v:g}", f"{v:.6f}", f"{v:.3e}", f"{v:+g}"])


def base_table(rng, kind: str) -> tuple[list[list[str]], np.ndarray]:
    """Rows of fields (the header first, if any) and the intended float32 inputs."""
    n = int(rng.integers(1, 6))
    texts = [fmt(rng, v) for v in np.round(rng.normal(0, 2, size=n), 3)]
    values = [float(t) for t in texts]  # what the file says, to the digit
    if kind in ("moons", "bare"):
        rows = [[fmt(rng, v) for v in rng.normal(0, 1.5, size=2)] for _ in range(n)]
        x = np.array([[float(v) for v in row] for row in rows], dtype=np.float32)
        header = [] if rng.random() < 0.5 else [rng.choice(["x1,x2", "X1, x2", "x-1,X_2"]).split(",")]
        if kind == "bare" and header and rng.random() < 0.5:
            header = [["width", "height"]]
        return header + rows, x
    kinds = [KINDS[int(i)] for i in rng.integers(0, 3, size=n)]
    x = np.array([encode(v, k) for v, k in zip(values, kinds)], dtype=np.float32)
    layout = rng.choice(["encoded", "raw", "source"])
    if layout == "encoded":
        rows = [[t, *(str(int(f)) for f in enc[1:])] for t, enc in zip(texts, x)]
        header = ["a", "kind=x", "kind=y", "kind=z"]
    elif layout == "raw":
        rows = [[t, k] for t, k in zip(texts, kinds)]
        header = ["a", "kind"]
    else:
        rows = [[k, fmt(rng, float(rng.normal(50, 10))), t] for t, k in zip(texts, kinds)]
        header = list(FILE_COLUMNS)
    return ([header] if rng.random() < 0.5 else []) + rows, x


def to_text(rows: list[list[str]], newline: str = "\n") -> str:
    return "".join(",".join(r) + newline for r in rows)


def mutate(rng, rows: list[list[str]], kind: str) -> tuple[bytes, str]:
    """The file's bytes and what the damage does: "keeps", "breaks" or "unknown"."""
    data_rows = [i for i, r in enumerate(rows) if any(NUMBER.fullmatch(f) for f in r)] or [0]
    r = int(rng.choice(data_rows))
    c = int(rng.integers(0, len(rows[r])))
    m = int(rng.integers(0, 24))
    rows = [list(row) for row in rows]
    if m == 0:
        return to_text(rows, "\r\n").encode(), "keeps"
    if m == 1:
        return to_text(rows, "\r").encode(), "keeps"
    if m == 2:
        return codecs.BOM_UTF8 + to_text(rows).encode(), "keeps"
    if m == 3:
        text = to_text(rows).replace("\n", "\n\n", int(rng.integers(1, 3)))
        return ("\n" + text).encode(), "keeps"
    if m == 4:
        return to_text(rows).rstrip("\n").encode(), "keeps"
    if m == 5:
        return to_text([[f" {f}\t" for f in row] for row in rows]).encode(), "keeps"
    if m == 6:
        return to_text([[f'"{f}"' for f in row] for row in rows]).encode(), "keeps"
    if m == 7:
        return (to_text(rows) + ",," * (len(rows[0]) - 1) + "\n").encode(), "keeps"  # a row of empty fields
    if m == 8 and kind == "tabular" and rows[r][c] in KINDS:
        rows[r][c] = rows[r][c].upper()
        return to_text(rows).encode(), "keeps"
    if m == 9:
        ignored = kind == "tabular" and len(rows[r]) == len(FILE_COLUMNS) and c == FILE_COLUMNS.index("target")
        rows[r][c] = BAD_TOKENS[int(rng.integers(0, len(BAD_TOKENS)))]
        return to_text(rows).encode(), "unknown" if ignored else "breaks"  # the target column is not read
    if m == 10:
        del rows[r][c]
        return to_text(rows).encode(), "breaks"
    if m == 11:
        rows[r].insert(c, "1")
        return to_text(rows).encode(), "breaks"
    if m == 12 and kind == "tabular" and rows[r][c] in KINDS:
        rows[r][c] = "w"
        return to_text(rows).encode(), "breaks"
    if m == 13:
        rows[r][c] = "é" + rows[r][c]
        return to_text(rows).encode("latin-1"), "breaks"
    if m == 14:
        return to_text(rows).encode(str(rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]))), "breaks"
    if m == 15:
        data = bytearray(to_text(rows).encode())
        data.insert(int(rng.integers(0, len(data))), int(rng.choice([0x00, 0xFF, 0xFE, 0xC3])))
        return bytes(data), "unknown"
    if m == 16:
        rows[r][c] = "9" * int(rng.integers(131_073, 140_000))
        return to_text(rows).encode(), "breaks"
    if m == 17:
        rows[r] = ["1.5"] * int(rng.integers(50, 60_000))
        return to_text(rows).encode(), "breaks"
    if m == 18:
        return to_text([row for row in rows if not any(NUMBER.fullmatch(f) for f in row)]).encode(), "breaks"
    if m == 19:
        return to_text(rows).replace(",", ";").encode(), "breaks" if len(rows[0]) > 1 else "keeps"
    if m == 20:
        data = to_text(rows).encode()
        return data[: int(rng.integers(0, len(data)))], "unknown"
    if m == 21:
        data = bytearray(to_text(rows).encode())
        for _ in range(int(rng.integers(1, 4))):
            data[int(rng.integers(0, len(data)))] = int(rng.integers(0, 256))
        return bytes(data), "unknown"
    if m == 22:
        return bytes(rng.integers(0, 256, size=int(rng.integers(0, 300))).astype(np.uint8)), "unknown"
    return to_text(rows).encode(), "keeps"


def data_rows(data: bytes, categories: set[str]) -> int | None:
    """The rows the documented rule reads: non-empty records, less a header (None: not UTF-8).

    A header is a first row whose every field has a letter and is neither a number nor a category.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    csv.field_size_limit(1 << 30)
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline="")) if any(f.strip() for f in r)]
    finally:
        csv.field_size_limit(131_072)
    fields = [f.strip() for f in records[0]] if records else []
    if fields and all(
        re.search(r"[^\W\d_]", f) and not NUMBER.fullmatch(f) and f.lower() not in categories for f in fields
    ):
        records = records[1:]
    return len(records)


def test_predict_answers_every_generated_csv_clearly(runs, tmp_path):
    rng = np.random.default_rng(fuzz_seed(17))
    models = {name: nb.models.load_model(path) for name, path in runs.items()}
    cases = []
    for i in range(fuzz_cases(300)):
        kind = str(rng.choice(list(runs)))
        rows, x = base_table(rng, kind)
        data, effect = mutate(rng, rows, kind)
        path = tmp_path / f"case{i}.csv"
        path.write_bytes(data)
        cases.append((kind, x, data, effect, path))
    results = run_in_worker([["predict", str(runs[k]), str(p)] for k, _, _, _, p in cases], tmp_path, 600)
    failures = []
    for (kind, x, data, effect, path), result in zip(cases, results):
        problems = ending_problems("predict", result)
        if result["status"] == 0:
            got = np.array([[float(v) for v in line.split(",")] for line in result["out"].strip().splitlines()[1:]])
            expected_rows = data_rows(data, set(KINDS) if kind == "tabular" else set())
            if expected_rows is None or len(got) != expected_rows:
                problems.append(f"{len(got)} predictions for {expected_rows} data rows")
            if effect == "breaks":
                problems.append("a damaged file was accepted")
            if effect == "keeps" and len(got) == len(x):
                want = models[kind].predict(x).reshape(len(x), -1)
                col = 1 if kind != "tabular" else 0  # class column, then probabilities
                if not np.allclose(got[:, col:], want, rtol=1e-4, atol=1e-6):
                    problems.append(f"wrong predictions: {got[:, col:].tolist()} != {want.tolist()}")
        if result["status"] == 1 and effect == "keeps":
            problems.append(f"an intact file was refused: {result['err'][-300:]}")
        if problems:
            failures.append(f"{path.name} ({kind}, {effect}, {data[:80]!r}): {'; '.join(problems)}")
    assert_no_failures(failures, len(cases))
