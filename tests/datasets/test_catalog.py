"""``nabla.datasets.CATALOG``: one name per dataset, declared aliases, one rule for spellings, and what it knows."""

from __future__ import annotations

import pytest

from nabla import datasets


def test_every_entry_is_named_after_its_function():
    for name, entry in datasets.CATALOG.items():
        assert entry.name == name and getattr(datasets, name) is entry.function
        assert entry.kind in ("synthetic", "real") and entry.task in ("classification", "regression")
        assert entry.layout in ("xy", "xy_names", "train_test")


def test_aliases_are_declared_once_and_collide_with_nothing():
    keys = {}
    for entry in datasets.CATALOG.values():
        for spelling in (entry.name, *entry.aliases):
            key = datasets.name_key(spelling)
            assert key not in keys, f"{spelling!r} of {entry.name} collides with {keys[key]}"
            keys[key] = entry.name
    assert datasets.lookup("fish").name == "fish_market" and datasets.lookup("xor").name == "xor_gate"
    assert datasets.lookup("blobs").name == "gaussian_blobs"


@pytest.mark.parametrize(
    "spelling", ["fashion_mnist", "Fashion-MNIST", "FASHION MNIST", "fashionmnist", " fashion.mnist "]
)
def test_case_and_separators_do_not_matter(spelling):
    assert datasets.lookup(spelling).name == "fashion_mnist"


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown dataset 'mnist2'; known datasets: and_gate, or_gate"):
        datasets.lookup("mnist2")
    with pytest.raises(ValueError, match="unknown dataset 7"):
        datasets.lookup(7)


def test_load_and_list_read_the_same_catalogue():
    rows = datasets.list_datasets()
    assert [r.name for r in rows] == list(datasets.CATALOG)
    fish = next(r for r in rows if r.name == "fish_market")
    assert fish.aliases == ("fish",) and fish.task == "regression"
    X, y = datasets.load("XOR")
    assert y.tolist() == [0, 1, 1, 0]


def test_units_and_file_columns_of_the_fish_table():
    entry = datasets.lookup("fish")
    assert entry.target == "Weight" and entry.units["Weight"] == "g" and entry.units["Length1"] == "cm"
    assert entry.file_columns[:2] == ("Species", "Weight")
