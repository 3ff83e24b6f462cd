"""tf.io.gfile on local files, against TensorFlow's on the same folder."""

from __future__ import annotations

import os

import pytest
from tf_parity import tensorflow

import nabla.tf as ntf


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "cats").mkdir()
    (tmp_path / "cats" / "a.jpg").write_bytes(b"\xff\xd8\xff a cat")
    (tmp_path / "cats" / "b.txt").write_text("line one\nline two\n")
    (tmp_path / "dogs").mkdir()
    return tmp_path


def both(fn):
    return fn(ntf), fn(tensorflow())


def test_queries_are_tensorflows(folder):
    f = str(folder)
    for fn in (
        lambda tf: tf.io.gfile.exists(f + "/cats/a.jpg"),
        lambda tf: tf.io.gfile.exists(f + "/nothing"),
        lambda tf: tf.io.gfile.isdir(f + "/dogs"),
        lambda tf: tf.io.gfile.glob(f + "/*/*.jpg"),
        lambda tf: tf.io.gfile.glob([f + "/cats/*", f + "/dogs"]),
        lambda tf: tf.io.gfile.listdir(f),
        lambda tf: list(tf.io.gfile.walk(f)),
        lambda tf: tf.io.gfile.stat(f + "/cats/a.jpg").length,
        lambda tf: tf.io.gfile.stat(f).is_directory,
    ):
        ours, theirs = both(fn)
        assert ours == theirs


def test_gfile_reads_text_and_bytes(folder):
    name = str(folder / "cats" / "b.txt")
    for mode in ("r", "rb"):
        ours, theirs = both(lambda tf, mode=mode: tf.io.gfile.GFile(name, mode).read())
        assert ours == theirs and type(ours) is type(theirs)
    ours, theirs = both(lambda tf: list(tf.io.gfile.GFile(name)))
    assert ours == theirs
    with ntf.io.gfile.GFile(str(folder / "new.txt"), "w") as f:
        f.write("written")
    assert tensorflow().io.gfile.GFile(str(folder / "new.txt")).read() == "written"
    assert ntf.io.gfile.GFile(name).size() == tensorflow().io.gfile.GFile(name).size()


def test_changes_and_their_errors(folder):
    f = str(folder)
    ntf.io.gfile.makedirs(f + "/x/y/z")
    ntf.io.gfile.mkdir(f + "/x")  # (exists: fine, as TensorFlow)
    assert tensorflow().io.gfile.isdir(f + "/x/y/z")
    ntf.io.gfile.copy(f + "/cats/a.jpg", f + "/x/a.jpg")
    for fn in (lambda tf: tf.io.gfile.copy(f + "/cats/a.jpg", f + "/x/a.jpg"),
               lambda tf: tf.io.gfile.rename(f + "/cats/b.txt", f + "/x/a.jpg")):  # fmt: skip
        for tf in (ntf, tensorflow()):
            with pytest.raises(tf.errors.AlreadyExistsError):
                fn(tf)
    ntf.io.gfile.rename(f + "/x/a.jpg", f + "/x/b.jpg")
    ntf.io.gfile.copy(f + "/cats/b.txt", f + "/x/b.jpg", overwrite=True)
    assert tensorflow().io.gfile.GFile(f + "/x/b.jpg").read() == "line one\nline two\n"
    ntf.io.gfile.remove(f + "/x/b.jpg")
    ntf.io.gfile.rmtree(f + "/x")
    assert not tensorflow().io.gfile.exists(f + "/x")
    for fn in (lambda tf: tf.io.gfile.remove(f + "/x"), lambda tf: tf.io.gfile.listdir(f + "/x"),
               lambda tf: tf.io.gfile.stat(f + "/x")):  # fmt: skip
        for tf in (ntf, tensorflow()):
            with pytest.raises(tf.errors.NotFoundError):
                fn(tf)


def test_a_folder_where_a_file_is_wanted_raises_tensorflows_errors(folder):
    f = str(folder)
    for fn in (lambda tf: tf.io.gfile.remove(f + "/dogs"), lambda tf: tf.io.gfile.GFile(f + "/dogs").read(),
               lambda tf: tf.io.gfile.makedirs(f + "/cats/b.txt"), lambda tf: tf.io.gfile.GFile(f + "/cats/b.txt", "x"),
               lambda tf: tf.io.gfile.copy(f + "/dogs", f + "/elsewhere"),
               lambda tf: tf.io.gfile.copy(f + "/cats/b.txt", f + "/dogs", overwrite=True),
               lambda tf: tf.io.gfile.rename(f + "/cats/b.txt", f + "/dogs", overwrite=True),
               lambda tf: tf.io.read_file(f + "/dogs"), lambda tf: tf.io.write_file(f + "/dogs", b"x"),
               lambda tf: tf.io.write_file(f + "/cats/b.txt/c", b"x")):  # fmt: skip
        raised = []
        for tf in (ntf, tensorflow()):
            with pytest.raises(tf.errors.OpError) as info:
                fn(tf)
            raised.append(type(info.value).__name__)
        assert raised[0] == raised[1], raised
    assert sorted(ntf.io.gfile.listdir(f + "/cats")) == ["a.jpg", "b.txt"]  # (nothing moved or left behind)


def test_a_file_written_anew_is_written_atomically(folder):
    """"w" keeps the old file until close (a reader never sees half a file), and a with block that raises keeps
    it; what close writes is what TensorFlow's GFile writes."""
    name = str(folder / "notes.txt")
    for lib in (ntf, tensorflow()):
        lib.io.gfile.GFile(name, "w").write("old")  # (dropped: closed, as Python's files)
        assert open(name).read() == "old"
    with ntf.io.gfile.GFile(name, "w") as f:
        f.write("é new\n")
        assert open(name).read() == "old" and f.size() == len("é new\n".encode())
    with pytest.raises(RuntimeError, match="stop"), ntf.io.gfile.GFile(name, "w") as f:
        f.write("half")
        raise RuntimeError("stop")
    assert open(name, encoding="utf-8").read() == "é new\n"
    with tensorflow().io.gfile.GFile(str(folder / "tf.bin"), "wb") as f:
        f.write(b"\x00\xffdata")
    with ntf.io.gfile.GFile(str(folder / "nb.bin"), "wb") as f:
        f.write(b"\x00\xffdata")
    assert open(folder / "nb.bin", "rb").read() == open(folder / "tf.bin", "rb").read()
    assert [p for p in os.listdir(folder) if p.endswith(".tmp")] == []


def test_rmtree_of_a_file_deletes_it_as_tensorflows(folder):
    for lib in (tensorflow(), ntf):
        name = str(folder / f"{lib.__name__}.txt")
        open(name, "w").write("x")
        lib.io.gfile.rmtree(name)
        assert not os.path.exists(name)
        with pytest.raises(lib.errors.NotFoundError):
            lib.io.gfile.rmtree(name)
