"""``nabla datasets`` and the one line a command says when a real dataset is not on disk."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from cli_run import assert_one_line_error, run_nabla
from conftest import FASHION_FILES, FISH_FILES, MNIST_FILES, real_data

from nabla import cli, datasets
from nabla.cli.recipes import RECIPES
from nabla.datasets import cache


def test_datasets_lists_the_catalogue_and_the_cache(capsys):
    data = real_data(*MNIST_FILES, *FASHION_FILES, *FISH_FILES)
    assert cli.main(["datasets"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:] if not line.startswith("data folder")}
    assert list(rows) == list(datasets.CATALOG)
    assert rows["moons"][2] == "generated"
    assert rows["mnist"][2] == rows["fashion_mnist"][2] == rows["fish_market"][2] == "yes"
    assert rows["fish_market"][3] == "fish" and rows["xor_gate"][3] == "xor"
    assert str(data) in out


def test_every_dataset_of_the_catalogue_has_a_recipe():
    assert list(RECIPES) == list(datasets.CATALOG)
    for name, recipe in RECIPES.items():
        assert recipe.entry.name == name
        if recipe.scaling == "pixels":
            assert recipe.entry.pixel_max
        if recipe.entry.kind == "synthetic" or (name == "digits" and importlib.util.find_spec("sklearn")):
            data = recipe.split(0)
            assert data.x_train.ndim == 2 and len(data.x_test) > 0 and data.task == recipe.entry.task


@pytest.mark.parametrize("reason", ["offline", "no pooch", "no network"])
def test_a_missing_dataset_is_one_line_that_says_where_and_how(tmp_path, monkeypatch, reason):
    """The quick start's second command without the data: not a traceback, not 900 characters of URLs."""
    env = {"NABLA_DATA_DIR": str(tmp_path / "data")}
    if reason == "offline":
        env["NABLA_OFFLINE"] = "1"
    else:
        env["NABLA_OFFLINE"] = ""
        # A stand-in for pooch in a folder on PYTHONPATH: absent, or failing as it does offline.
        fake = tmp_path / "fake"
        fake.mkdir()
        body = (
            "raise ImportError('No module named pooch')\n"
            if reason == "no pooch"
            else "import logging\n"
            "def get_logger(): return logging.getLogger('pooch')\n"
            "def retrieve(url, **kw): raise OSError('NameResolutionError: ' + 'x' * 300)\n"
        )
        (fake / "pooch.py").write_text(body)
        env["PYTHONPATH"] = str(fake)
    err = assert_one_line_error(run_nabla("train", "--dataset", "mnist", "--out", tmp_path / "out", env=env), "train")
    assert f"the mnist data is not on disk (looked in {tmp_path / 'data' / 'mnist'}" in err
    assert "NABLA_DATA_DIR" in err and "nabla datasets --download mnist" in err
    assert {"offline": "NABLA_OFFLINE is set", "no pooch": "pip install pooch", "no network": "failed"}[reason] in err
    assert len(err) < 600 and "xxxxx" not in err


def test_download_fetches_every_file_of_a_dataset(tmp_path, monkeypatch, capsys):
    source = real_data(*MNIST_FILES)
    monkeypatch.setenv("NABLA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NABLA_OFFLINE", raising=False)
    fetched = []

    def fake_download(entry, target, problem):  # what pooch does, without the network
        fetched.append(entry.path)
        target.write_bytes((source / entry.path).read_bytes())

    monkeypatch.setattr(cache, "_download", fake_download)
    assert cli.main(["datasets", "--download", "MNIST"]) == 0
    assert sorted(fetched) == sorted(MNIST_FILES)
    assert f"mnist: 4 files in {tmp_path / 'mnist'}" in capsys.readouterr().out
    assert cli.main(["datasets", "--download", "moons"]) == 0
    assert "moons: nothing to download" in capsys.readouterr().out


def test_missing_scikit_learn_for_digits_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    assert cli.main(["train", "--dataset", "digits", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert (
        err == "nabla train: error: the digits data comes with scikit-learn, which is not installed: "
        "pip install scikit-learn"
    )
