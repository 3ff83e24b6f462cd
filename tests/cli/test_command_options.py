"""The command line's options: one rule for names everywhere, one-line errors that point to the right help."""

from __future__ import annotations

import pytest
from cli_run import assert_one_line_error, run_nabla

from nabla import cli
from nabla.cli.optimizers import make_optimizer
from nabla.keras.optimizers import OPTIMIZERS as KERAS_DEFAULTS


def parse(*argv):
    return cli.build_parser().parse_args(list(argv))


@pytest.mark.parametrize(
    "option, spellings, name",
    [
        ("--dataset", ["fashion_mnist", "Fashion_MNIST", "fashion-mnist", "FashionMNIST"], "fashion_mnist"),
        ("--dataset", ["fish", "FISH", "fish_market", "Fish-Market"], "fish_market"),
        ("--dataset", ["xor", "XOR", "xor_gate"], "xor_gate"),
        ("--dataset", ["blobs", "gaussian-blobs"], "gaussian_blobs"),
        ("--activation", ["relu", "Relu", "RELU"], "relu"),
        ("--activation", ["leaky_relu", "Leaky-ReLU", "leakyrelu"], "leaky_relu"),
        ("--optimizer", ["adamw", "AdamW", "ADAMW"], "adamw"),
        ("--optimizer", ["RMSprop", "rms-prop"], "rmsprop"),
    ],
)
def test_names_ignore_case_and_separators_for_every_option(option, spellings, name):
    key = option.lstrip("-")
    for spelling in spellings:
        assert getattr(parse("train", option, spelling), key) == name


def test_evaluate_accepts_the_same_spellings():
    args = parse("evaluate", "m.nabla", "--dataset", "Fish", "--split", "TRAIN")
    assert args.dataset == "fish_market" and args.split == "train"


def test_hidden_none_is_no_hidden_layer():
    assert parse("train", "--hidden", "none").hidden == ()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--lr", "-1"], "expected a positive number, got '-1'"),
        (["train", "--optimizer", "lbfgs"], "unknown optimizer 'lbfgs'; choose from sgd, adam, adamw"),
        (["train", "--activation", "relux"], "unknown activation 'relux'; choose from relu, tanh"),
        (["train", "--dropout", "1.5"], "expected a rate in [0, 1), got '1.5'"),
        (["train", "--seed", "-3"], "expected an integer >= 0, got '-3'"),
        (["train", "--dataset", "imagenet"], "unknown dataset 'imagenet'; choose from and_gate"),
    ],
)
def test_bad_values_are_refused_in_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert err.endswith("(see 'nabla train --help')")


def test_a_mistyped_train_option_points_to_train_help_and_suggests_the_option(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["train", "--optimiser", "adam"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "nabla train: error: unrecognized arguments: --optimiser adam (did you mean --optimizer?) "
        "(see 'nabla train --help')"
    )


def test_user_errors_in_a_subprocess_exit_non_zero_without_traceback(tmp_path):
    err = assert_one_line_error(run_nabla("train", "--dataset", "imagenet", "--out", tmp_path), "train", status=2)
    assert "unknown dataset 'imagenet'" in err and "moons" in err and "fashion_mnist" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,3\n")
    done = run_nabla("predict", tmp_path / "missing.nabla", bad)
    assert (
        assert_one_line_error(done, "predict") == f"nabla predict: error: no model file at {tmp_path / 'missing.nabla'}"
    )
    assert "expected layer widths such as 16,16" in assert_one_line_error(
        run_nabla("train", "--hidden", "16,x"), "train", 2
    )


def test_optimizers_take_keras_defaults_from_the_one_table():
    """No default is repeated in the CLI: each optimizer is the Keras table's class, with only lr set."""
    for name, cls in KERAS_DEFAULTS.items():
        opt = make_optimizer(name, 0.05)
        assert type(opt) is cls
        assert opt.get_config() == cls(learning_rate=0.05).get_config(), name
    momentum = make_optimizer("momentum", 0.1)
    assert type(momentum) is KERAS_DEFAULTS["sgd"] and momentum.defaults["momentum"] == 0.9
