"""Fuzzing ``nabla evaluate``'s reading of the ``metrics.json`` beside a model: a right answer, or one clear line.

A seeded generator rewrites the record of a moons run: its dataset as another spelling, an alias,
another dataset, an unknown name, a number, a list; its seed as an integer, a string, a float,
a boolean, NaN; the record as another JSON value, invalid JSON, deep nesting, random or non-UTF-8
bytes. Every case must end in success or in one line ``nabla evaluate: error: ...`` with exit status
1, never a traceback. A record that still names moons (in any letter case) with a valid seed must
give exactly the metrics of the model on that seed's test split, computed here independently; a
record whose dataset or seed is invalid must be refused, naming ``metrics.json``.

100 cases run in CI; ``NABLA_FUZZ_CASES=2000 NABLA_FUZZ_SEED=1`` runs a longer search locally.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from cli_run import assert_no_failures, ending_problems, fuzz_cases, fuzz_seed, run_in_worker

import nabla as nb
from nabla import cli
from nabla.cli.recipes import RECIPES

MOONS_SPELLINGS = ["moons", "MOONS", "Moons", "mOoNs", " moons "]
OTHER_NAMES = ["circles", "xor", "Gaussian-Blobs", "spiral", "sine", "mnist", "fish"]
BAD_NAMES = ["imagenet", "IMAGENET", "moon", "moons2", "", "m" * 5000, "møøns", "../moons", "moons\x00"]
GOOD_SEEDS = [0, 1, 7, 123456, 2**40]
BAD_SEEDS = [-1, "x", "0", 1.5, True, None, [], {}, 1e308, float("nan")]
JUNK = [[], "moons", 3, None, True, [{"dataset": "moons"}], {"": {}}]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("moons")
    assert cli.main(["train", "--epochs", "3", "--out", str(out), "--quiet"]) == 0
    return out


def pick(rng, items: list):
    """One of ``items`` as it is (``rng.choice`` would turn strings into NumPy's, which drop a trailing NUL)."""
    return items[int(rng.integers(0, len(items)))]


def record_bytes(rng, base: dict) -> tuple[bytes, str, object]:
    """A damaged record, what it should do ("moons", "other", "refused") and the seed it names."""
    record = dict(base)
    m = int(rng.integers(0, 12))
    if m == 0:
        return json.dumps(pick(rng, JUNK)).encode(), "refused", None
    if m == 1:
        text = json.dumps(record)
        return text[: int(rng.integers(0, len(text)))].encode(), "refused", None
    if m == 2:
        depth = int(rng.integers(1000, 200_000))
        return ("[" * depth + "]" * depth).encode(), "refused", None
    if m == 3:
        return bytes(rng.integers(0, 256, size=int(rng.integers(1, 200))).astype(np.uint8)), "refused", None
    if m == 4:
        return json.dumps(record).replace('"moons"', '"m\\u00f6ons"').encode("latin-1", "replace"), "refused", None
    if m in (5, 6):
        record["dataset"] = pick(rng, MOONS_SPELLINGS)
        record["seed"] = pick(rng, GOOD_SEEDS)
        return json.dumps(record).encode(), "moons", record["seed"]
    if m == 7:
        record["dataset"] = pick(rng, OTHER_NAMES)
        return json.dumps(record).encode(), "other", None
    if m == 8:
        record["dataset"] = pick(rng, [pick(rng, BAD_NAMES), 7, None, ["moons"], {"name": "moons"}])
        return json.dumps(record).encode(), "refused", None
    if m == 9:
        record["seed"] = pick(rng, BAD_SEEDS)
        return json.dumps(record).encode(), "refused", None
    if m == 10:
        del record["seed"]
        record["dataset"] = pick(rng, MOONS_SPELLINGS)
        return json.dumps(record).encode(), "moons", 0
    record["model"] = pick(rng, JUNK)
    valid = record["model"] is None or isinstance(record["model"], dict)  # an object without features is fine
    return json.dumps(record).encode(), "moons" if valid else "refused", 0


def test_evaluate_answers_every_damaged_record_clearly(run, tmp_path):
    rng = np.random.default_rng(fuzz_seed(29))
    base = json.loads((run / "metrics.json").read_text())
    model = nb.models.load_model(run / "model.nabla")
    expected_accuracy = {}
    cases = []
    for i in range(fuzz_cases(100)):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        shutil.copy(run / "model.nabla", folder / "model.nabla")
        data, effect, seed = record_bytes(rng, base)
        (folder / "metrics.json").write_bytes(data)
        if effect == "moons" and seed not in expected_accuracy:
            split = RECIPES["moons"].split(seed)
            logs = model.evaluate(split.x_test, split.y_test, batch_size=1024, verbose=0, return_dict=True)
            expected_accuracy[seed] = logs["accuracy"]
        cases.append((folder, data, effect, seed))
    results = run_in_worker([["evaluate", str(f / "model.nabla")] for f, _, _, _ in cases], tmp_path, 600)
    failures = []
    for (folder, data, effect, seed), result in zip(cases, results):
        out, err = result["out"], result["err"].strip()
        problems = ending_problems("evaluate", result)
        if result["status"] == 0 and effect == "refused":
            problems.append(f"accepted: {out.strip()[:200]}")
        if result["status"] == 0 and effect == "moons":
            expected = f"moons (test split, 250 samples, seed {seed}): loss "
            if not out.startswith(expected) or f"accuracy {expected_accuracy[seed]:.4f}" not in out:
                problems.append(f"wrong answer: {out.strip()[:200]}")
        if result["status"] == 1 and effect == "moons":
            problems.append(f"refused: {err[:300]}")
        if result["status"] == 1 and effect == "refused" and "metrics.json" not in err:
            problems.append(f"does not name metrics.json: {err[:300]}")
        if problems:
            failures.append(f"{folder.name} ({effect}, {data[:80]!r}): {'; '.join(problems)}")
    assert_no_failures(failures, len(cases))
