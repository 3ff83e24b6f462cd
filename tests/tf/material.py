"""Course material in TensorFlow's idiom, run as a teacher would run it on nabla: with the import rule.

The rule is mechanical, on import lines only::

    import tensorflow as tf                 ->  import nabla.tf as tf
    from tensorflow.keras.x import y        ->  from nabla.tf.keras.x import y
    from tensorflow import keras            ->  from nabla.tf import keras

:func:`run` executes scripts in a fresh interpreter (one for all of them: TensorFlow takes seconds to
import) and returns what each printed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MATERIAL = ROOT / "examples" / "tf"

_RULES = [
    (re.compile(r"^(\s*)import tensorflow(\.[\w.]+)? as (\w+)", re.M), r"\1import nabla.tf\2 as \3"),
    (re.compile(r"^(\s*)from tensorflow(\.[\w.]+)? import", re.M), r"\1from nabla.tf\2 import"),
    (re.compile(r"^(\s*)import tensorflow\s*$", re.M), r"\1import nabla.tf as tensorflow"),
]


def import_rule(source: str) -> str:
    """``source`` with its TensorFlow imports pointed at nabla.tf, and nothing else changed."""
    for pattern, replacement in _RULES:
        source = pattern.sub(replacement, source)
    return source


_RUNNER = """
import contextlib, io, json, runpy, sys
outputs = {}
for name, source in json.loads(sys.stdin.read()).items():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, name, "exec"), {"__name__": "__main__", "__file__": name})
    outputs[name] = out.getvalue()
print(json.dumps(outputs))
"""


def run(names: list[str], library: str, timeout: float = 600) -> dict[str, str]:
    """Run the scripts ``names`` (in examples/tf) on ``library`` ("tensorflow" or "nabla"); their outputs."""
    return run_sources({name: (MATERIAL / name).read_text(encoding="utf-8") for name in names}, library, timeout)


def run_sources(sources: dict[str, str], library: str, timeout: float = 600) -> dict[str, str]:
    """Run TensorFlow code (``{name: source}``) on ``library``, the import rule applied for nabla; what each
    printed. (In a fresh interpreter: there tf.keras is Keras 3 on TensorFlow, where conftest sets torch.)"""
    if library == "nabla":
        sources = {name: import_rule(source) for name, source in sources.items()}
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "KERAS_BACKEND": "tensorflow",  # (tf.keras in TensorFlow's own runs: conftest sets torch for Keras 3's tests)
    }
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=ROOT,
    )
    assert done.returncode == 0, f"{library}: the material failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])
