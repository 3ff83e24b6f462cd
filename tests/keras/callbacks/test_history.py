"""History: every logs key, per epoch."""

from __future__ import annotations

from fake_fit import fit


def test_history_records_every_key_per_epoch():
    model, history, _ = fit([], [{"loss": 0.5, "val_loss": 0.6}, {"loss": 0.4, "val_loss": 0.5}])
    assert history.epoch == [0, 1]
    assert history.history == {"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]}
    assert model.history is history
