"""Ctrl-C during ``fit`` stops after the current batch."""

from __future__ import annotations

import os
import signal

import pytest
from keras_toys import blobs, mlp, same

from nabla import callbacks


def test_ctrl_c_stops_after_the_current_batch():
    x, y = blobs(n=64)
    model = mlp()
    snapshots = []

    class PressCtrlC(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            snapshots.append(self.model.get_weights())
            if batch == 2:
                os.kill(os.getpid(), signal.SIGINT)

    handler = signal.getsignal(signal.SIGINT)
    with pytest.warns(UserWarning, match="interrupted"):
        history = model.fit(x, y, epochs=5, batch_size=8, callbacks=[PressCtrlC()], verbose=0)
    assert isinstance(history, callbacks.History) and history.epoch == [0]
    assert len(snapshots) == 3  # batches 0, 1, 2 ran; training stopped after batch 2
    assert same(model.get_weights(), snapshots[-1])
    assert signal.getsignal(signal.SIGINT) is handler  # the previous handler is put back
