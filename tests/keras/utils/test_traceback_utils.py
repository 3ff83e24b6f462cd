"""Warnings raised inside nabla point at the user's line; nabla's files are told by the package folder."""

from __future__ import annotations

import inspect
import warnings

from keras_toys import blobs, mlp

import nabla
from nabla import callbacks
from nabla.keras.utils.traceback_utils import is_nabla_file, warn


def test_nabla_files_are_told_apart_by_the_package_folder_not_by_a_folder_name(tmp_path):
    assert is_nabla_file(nabla.__file__) and is_nabla_file(inspect.getfile(callbacks.EarlyStopping))
    assert not is_nabla_file(__file__)
    script = tmp_path / "nabla" / "nabla" / "train.py"  # a clone called nabla, a script in a folder called nabla
    script.parent.mkdir(parents=True)
    script.write_text("")
    assert not is_nabla_file(str(script))


def test_warn_called_from_user_code_points_at_that_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        warn("look here", RuntimeWarning)
    assert [(w.category, w.filename, w.lineno) for w in caught] == [(RuntimeWarning, __file__, line)]


def test_a_callbacks_warning_inside_fit_points_at_the_fit_line():
    x, y = blobs()
    model = mlp()
    stop = callbacks.EarlyStopping(monitor="val_loss")  # no validation data: the key is never in the logs
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        model.fit(x, y, epochs=2, callbacks=[stop], verbose=0)
    found = [(w.filename, w.lineno) for w in caught if "val_loss" in str(w.message)]
    assert found == [(__file__, line)]
