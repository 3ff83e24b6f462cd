"""CSVLogger(append=True) continuing a file it did not write: any bytes, read safely, never a traceback."""

from __future__ import annotations

import pytest
from fake_fit import fit

from nabla import callbacks as C


@pytest.mark.parametrize(
    "existing",
    [
        b"\xe9poque;perte\n1;2\n",  # Latin-1, not UTF-8
        b"\x00\x00\x89PNG\r\n",  # binary
        b'"epoch,loss\n',  # a quote that never closes
        b"\xff\xfe" + "epoch,loss\n".encode("utf-16-le"),  # UTF-16
        b"x" * (1 << 22),  # 4 MB without a line end
    ],
)
def test_a_file_that_is_not_a_log_is_continued_with_the_epochs_own_keys(tmp_path, existing):
    path = tmp_path / "log.csv"
    path.write_bytes(existing)
    fit([C.CSVLogger(path, append=True)], [{"loss": 0.5}, {"loss": 0.25}])
    data = path.read_bytes()
    assert data.startswith(existing)  # its header is not ours, but no second one is written, as in Keras
    assert data[len(existing) :].decode().splitlines() == ["0,0.5", "1,0.25"]


def test_an_existing_log_header_still_gives_the_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,val_loss,loss\n0,0.4,0.5\n")
    fit([C.CSVLogger(path, append=True)], [{"loss": 0.25, "val_loss": 0.3}])
    assert path.read_text().splitlines()[-1] == "0,0.3,0.25"
