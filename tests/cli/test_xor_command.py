"""``nabla xor``: the engine alone learns XOR with two hidden units."""

from nabla import cli


def test_xor_demo(capsys):
    assert cli.main(["xor", "--epochs", "2000"]) == 0
    assert "XOR predictions" in capsys.readouterr().out
    assert cli.train_xor(epochs=2000, log_every=0) < 0.01
