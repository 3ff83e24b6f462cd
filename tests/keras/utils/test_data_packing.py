"""``keras.utils.pack_x_y_sample_weight`` / ``unpack_x_y_sample_weight`` against Keras 3's."""

from __future__ import annotations

import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras


@pytest.mark.parametrize("args", [(1,), ([1, 2],), ((1, 2),), (1, 2), (1, None, 3), (1, 2, 3)])
def test_pack_is_keras_s(args):
    assert keras.utils.pack_x_y_sample_weight(*args) == keras_on_torch().utils.pack_x_y_sample_weight(*args)


@pytest.mark.parametrize("data", [1, (1,), [1, 2], (1, 2), (1, 2, 3), {"a": 1}])
def test_unpack_is_keras_s(data):
    assert keras.utils.unpack_x_y_sample_weight(data) == keras_on_torch().utils.unpack_x_y_sample_weight(data)


def test_unpacking_four_items_is_refused():
    with pytest.raises(ValueError, match=r"`\(x, y, sample_weight\)`, found"):
        keras.utils.unpack_x_y_sample_weight((1, 2, 3, 4))
