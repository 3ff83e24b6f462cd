"""Shared test set-up: optional dependencies, seeds, and the torch reference helper.

In CI (``CI=true``) a missing optional dependency is a failure, never a skip.
"""

from __future__ import annotations

import os

import pytest

import nabla as nb


def require(module: str):
    """Import an optional test dependency: skip locally if missing, fail in CI."""
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")


@pytest.fixture(autouse=True)
def _seed():
    nb.manual_seed(0)
    yield
