"""CallbackList: one History, shared logs, the model and params handed to every callback."""

from __future__ import annotations

import pytest
from fake_fit import FakeModel, fit, val

from nabla import callbacks as C


def test_callback_list_keeps_a_given_history_and_shares_logs():
    history = C.History()
    # ReduceLROnPlateau writes "learning_rate" into the shared logs; the History after it sees it.
    cbs = C.CallbackList([C.ReduceLROnPlateau(), history], add_history=True, add_progbar=True, model=FakeModel())
    assert cbs.history is history and len(cbs) == 3 and isinstance(list(cbs)[-1], C.ProgbarLogger)
    _, returned, _ = fit([C.ReduceLROnPlateau(), history], val(0.5))
    assert returned is history and history.history["learning_rate"] == [0.1]
    with pytest.raises(TypeError, match="LambdaCallback"):
        C.CallbackList([print])


def test_callback_list_sets_model_and_params():
    cb = C.Callback()
    model = FakeModel()
    C.CallbackList([cb], model=model, epochs=3, steps=10, verbose=2)
    assert cb.model is model and cb.params == {"epochs": 3, "steps": 10, "verbose": 2}
