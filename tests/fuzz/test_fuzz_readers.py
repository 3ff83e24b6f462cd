"""Fuzzing every file reader of nabla: seeded mutations of valid files, each case in a child process.

Readers: ``nb.load`` (safetensors), ``models.load_model``, ``model.load_weights``,
``Module.load_state_dict`` (Python objects rather than files) and the IDX reader
(``nabla.datasets.read_idx``). Each case must end in success or in one documented exception
type whose one-line message names the file; never another exception type, a traceback from
deep inside, a hang, a crash or a memory blow-up (children run under an address-space limit
and a per-case time limit: see ``fuzzing.py``). Mutations: bit flips, truncations, splices,
odd integers at random offsets, wrong types, huge sizes, missing and extra fields, wrong
nesting, inconsistent safetensors headers, gzip bombs and many-member gzip files (see
``mutations.py`` and ``fuzz_targets.py``).

CI runs a few hundred cases per reader, batched into one child process per reader. For a
longer run, set the number of cases per reader and, to explore new cases, the seed::

    NABLA_FUZZ_CASES=20000 NABLA_FUZZ_SEED=7 python -m pytest tests/fuzz -q

A failure lists each bad case with the command that runs it again alone.
"""

from __future__ import annotations

import os

import fuzzing
import pytest

CASES = int(os.environ.get("NABLA_FUZZ_CASES", "0"))
SEED = int(os.environ.get("NABLA_FUZZ_SEED", "0"))


@pytest.mark.parametrize(
    "suite, ci_cases",
    [("safetensors", 300), ("idx", 300), ("state_dict", 300), ("model", 300), ("weights", 300)],
)
def test_reader_answers_every_mutated_input_clearly(suite, ci_cases, tmp_path):
    verdicts = fuzzing.run_suite(suite, CASES or ci_cases, SEED, tmp_path)
    assert len({v["i"] for v in verdicts}) == (CASES or ci_cases)
    bad = [v for v in verdicts if not fuzzing.good(v)]
    assert not bad, fuzzing.report(suite, SEED, verdicts, tmp_path)


def test_the_harness_tells_every_bad_outcome_from_a_good_one(tmp_path):
    verdicts = {v["i"]: v["outcome"] for v in fuzzing.run_suite("selftest", 8, 0, tmp_path, case_seconds=3)}
    assert verdicts.pop(4).startswith("crash (exit status")  # SIGSEGV
    assert verdicts == {
        0: "returned",
        1: "clear error",
        2: "wrong exception type",
        3: "message does not name 'case-3'",
        5: "hang (over 3 s)",
        6: "wrong exception type",  # MemoryError under the address-space limit
        7: "wrong exception type",  # RuntimeWarning
    }
