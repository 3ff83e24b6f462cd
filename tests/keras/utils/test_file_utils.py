"""``keras.utils.get_file``: Keras 3's cache paths, hash checks and extraction, and never a download."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile

import pytest

import nabla.keras as keras

ORIGIN = "https://example.com/files/data.csv"


def _cached(tmp_path, name="data.csv", content=b"a,b\n1,2\n", subdir="datasets"):
    folder = tmp_path / subdir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def test_a_cached_file_is_returned_without_network(tmp_path):
    path = _cached(tmp_path)
    assert keras.utils.get_file("data.csv", ORIGIN, cache_dir=tmp_path) == str(path)
    assert keras.utils.get_file(origin=ORIGIN, cache_dir=tmp_path) == str(path)  # the name from the URL
    other = _cached(tmp_path, subdir="mine")
    assert keras.utils.get_file("data.csv", ORIGIN, cache_dir=tmp_path, cache_subdir="mine") == str(other)


def test_keras_home_is_the_default_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    path = _cached(tmp_path)
    assert keras.utils.get_file("data.csv", ORIGIN) == str(path)


def test_a_missing_file_is_one_line_saying_where_to_put_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nabla does not download arbitrary URLs") as caught:
        keras.utils.get_file("data.csv", ORIGIN, cache_dir=tmp_path)
    assert str(tmp_path / "datasets" / "data.csv") in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_the_hash_is_checked(tmp_path, algorithm):
    content = b"x" * 100
    _cached(tmp_path, content=content)
    digest = hashlib.new(algorithm, content).hexdigest()
    assert keras.utils.get_file("data.csv", ORIGIN, file_hash=digest, cache_dir=tmp_path)
    wrong = hashlib.new(algorithm, b"other").hexdigest()
    with pytest.raises(ValueError, match=f"does not match its {algorithm} hash"):
        keras.utils.get_file("data.csv", ORIGIN, file_hash=wrong, cache_dir=tmp_path)
    if algorithm == "md5":
        assert keras.utils.get_file("data.csv", ORIGIN, md5_hash=digest, cache_dir=tmp_path)


def _tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("inner/hello.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    return buffer.getvalue()


def test_a_cached_archive_is_extracted_where_keras_extracts_it(tmp_path):
    _cached(tmp_path, name="pack.tar.gz", content=_tar_bytes())
    folder = keras.utils.get_file("pack.tar.gz", "https://example.com/pack.tar.gz", extract=True, cache_dir=tmp_path)
    assert folder == str(tmp_path / "datasets" / "pack_extracted")
    assert (tmp_path / "datasets" / "pack_extracted" / "inner" / "hello.txt").read_text() == "hello"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("a.txt", "zip")
    _cached(tmp_path, name="z_archive", content=buffer.getvalue())
    folder = keras.utils.get_file("z", "https://example.com/z.zip", extract=True, cache_dir=tmp_path)
    assert (tmp_path / "datasets" / "z" / "a.txt").read_text() == "zip" and folder.endswith("z")


def test_keras_s_argument_errors(tmp_path):
    with pytest.raises(ValueError, match='specify the "origin" argument'):
        keras.utils.get_file("data.csv", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="not a path"):
        keras.utils.get_file("a/data.csv", ORIGIN, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="force_download=True is not offered"):
        keras.utils.get_file("data.csv", ORIGIN, cache_dir=tmp_path, force_download=True)
