"""tf.train.Checkpoint and CheckpointManager against TensorFlow's: the listings of "Introduction to modules,
layers, and models" and "Training checkpoints" run on both, with what they print, return and refuse compared;
then what only nabla's files can show (atomic writes, checked reads, optimizers and Keras models)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from tf_parity import run_both, same

import nabla.tf as ntf


def _folder(tmp_path, tf):
    """A folder of its own for each library's files (their formats differ)."""
    folder = tmp_path / tf.__name__.replace(".", "_")
    folder.mkdir(exist_ok=True)
    return str(folder)


def _flexible_model(tf):
    """The guide's MySequentialModule of FlexibleDenseModules: variables made at the first call."""

    class FlexibleDenseModule(tf.Module):
        def __init__(self, out_features, name=None):
            super().__init__(name=name)
            self.is_built = False
            self.out_features = out_features

        def __call__(self, x):
            if not self.is_built:
                self.w = tf.Variable(tf.random.normal([x.shape[-1], self.out_features]), name="w")
                self.b = tf.Variable(tf.zeros([self.out_features]), name="b")
                self.is_built = True
            return tf.nn.relu(tf.matmul(x, self.w) + self.b)

    class MySequentialModule(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.dense_1 = FlexibleDenseModule(out_features=3)
            self.dense_2 = FlexibleDenseModule(out_features=2)

        def __call__(self, x):
            return self.dense_2(self.dense_1(x))

    return MySequentialModule


def test_the_modules_guide_writes_lists_and_restores_into_variables_made_later(tmp_path):
    def fn(tf):
        prefix = os.path.join(_folder(tmp_path, tf), "my_checkpoint")
        model_class = _flexible_model(tf)
        my_model = model_class(name="the_model")
        x = tf.constant([[2.0, 2.0, 2.0]])
        first = my_model(x)
        written = tf.train.Checkpoint(model=my_model).write(prefix)
        listed = tf.train.list_variables(prefix)
        new_model = model_class()
        status = tf.train.Checkpoint(model=new_model).restore(prefix)
        second = new_model(x)  # the variables made now take the saved values
        status.assert_nontrivial_match()
        try:  # the restore made save_counter, which write() did not save: unmatched in both
            status.assert_consumed()
            consumed = "consumed"
        except AssertionError:
            consumed = "AssertionError"
        weights = [v.numpy() for v in my_model.variables], [v.numpy() for v in new_model.variables]
        same_output = bool(np.array_equal(first.numpy(), second.numpy()))
        return written == prefix, listed, same_output, consumed, weights

    ours, theirs = run_both(fn)
    assert ours[:4] == theirs[:4] and ours[2]
    for a, b in zip(*ours[4]):
        np.testing.assert_array_equal(a, b)


def test_restore_puts_the_values_back_into_the_same_variables(tmp_path):
    def fn(tf):
        prefix = os.path.join(_folder(tmp_path, tf), "values")
        v = tf.Variable([1.0, 2.0])
        module = tf.Module()
        module.shared = v
        module.layers = [v, tf.Variable(3.0)]
        module.table = {"b": tf.Variable(4), "a/x.y": tf.Variable(5.0)}
        checkpoint = tf.train.Checkpoint(v=v, model=module)
        checkpoint.write(prefix)
        for variable, value in ((v, [0.0, 0.0]), (module.layers[1], 0.0), (module.table["b"], 0)):
            variable.assign(value)
        status = checkpoint.read(prefix)
        status.assert_consumed().assert_existing_objects_matched().assert_nontrivial_match()
        return tf.train.list_variables(prefix), module.shared is v, v, module.layers, module.table

    same(fn)


def test_save_numbers_the_saves_and_latest_checkpoint_finds_the_last(tmp_path):
    def fn(tf):
        folder = _folder(tmp_path, tf)
        v = tf.Variable(1.0)
        checkpoint = tf.train.Checkpoint(v=v)
        before = tf.train.latest_checkpoint(folder)
        paths = [os.path.basename(checkpoint.save(os.path.join(folder, "s"))) for _ in range(2)]
        v.assign(7.0)
        latest = tf.train.latest_checkpoint(folder)
        again = tf.train.Checkpoint(v=tf.Variable(0.0))
        again.restore(latest).assert_consumed()
        keys = [k for k, _ in tf.train.list_variables(folder)]
        return before, paths, os.path.basename(latest), again.v, again.save_counter, keys

    same(fn)


def test_the_checkpoint_guides_manager_keeps_the_newest(tmp_path):
    def fn(tf):
        folder = os.path.join(_folder(tmp_path, tf), "tf_ckpts")
        step = tf.Variable(1)
        checkpoint = tf.train.Checkpoint(step=step, net=tf.Module())
        checkpoint.net.bias = tf.Variable(tf.zeros([5]))
        manager = tf.train.CheckpointManager(checkpoint, folder, max_to_keep=3)
        empty = manager.latest_checkpoint, manager.checkpoints, checkpoint.restore(manager.latest_checkpoint)
        saved = []
        for _ in range(5):
            step.assign_add(1)
            checkpoint.net.bias.assign_add(tf.ones([5]))
            saved.append(os.path.basename(manager.save()))
        numbered = os.path.basename(manager.save(checkpoint_number=10))
        later = tf.train.CheckpointManager(checkpoint, folder, max_to_keep=3)
        files = sorted(f for f in os.listdir(folder) if f != "checkpoint")
        # The guide's restore of one variable, deep in the checkpoint, through stand-in objects.
        to_restore = tf.Variable(tf.zeros([5]))
        fake_net = tf.train.Checkpoint(bias=to_restore)
        status = tf.train.Checkpoint(net=fake_net).restore(tf.train.latest_checkpoint(folder))
        status.assert_existing_objects_matched()
        return (
            empty[:2], saved, numbered, [os.path.basename(p) for p in later.checkpoints],
            os.path.basename(later.latest_checkpoint), len(files), to_restore,
        )  # fmt: skip

    ours, theirs = run_both(fn)
    assert ours[0] == theirs[0] == (None, [])
    assert ours[1:5] == theirs[1:5]  # the names of the saves, of those kept, and the latest
    np.testing.assert_array_equal(ours[6].numpy(), theirs[6].numpy())  # six saves later: ones * 6
    assert ours[5] == 3 and theirs[5] == 6  # three checkpoints kept: one file each here, two in TensorFlow


def test_the_checkpoint_guides_lists_and_dicts_and_deferred_attributes(tmp_path):
    def fn(tf):
        save = tf.train.Checkpoint()
        save.listed = [tf.Variable(1.0)]
        save.listed.append(tf.Variable(2.0))
        save.mapped = {"one": save.listed[0]}
        save.mapped["two"] = save.listed[1]
        save_path = save.save(os.path.join(_folder(tmp_path, tf), "tf_list_example"))
        restore = tf.train.Checkpoint()
        v2 = tf.Variable(0.0)
        restore.mapped = {"two": v2}
        restore.restore(save_path)
        deferred = tf.Variable(0.0)
        restore.later = deferred  # not in the checkpoint: stays as it is
        keys = [k for k, _ in tf.train.list_variables(save_path)]
        return v2, deferred, keys

    same(fn)


def test_refusals_as_tensorflow(tmp_path):
    same(lambda tf: tf.train.Checkpoint(x=3))
    same(lambda tf: tf.train.Checkpoint(v=tf.Variable(1.0)).restore(os.path.join(_folder(tmp_path, tf), "none")))
    same(lambda tf: tf.train.Checkpoint().restore(None).assert_consumed())

    def wrong_shape(tf):
        prefix = os.path.join(_folder(tmp_path, tf), "shape")
        tf.train.Checkpoint(v=tf.Variable(1.0), w=tf.Variable(2.0)).write(prefix)
        w = tf.Variable(5.0)
        try:
            tf.train.Checkpoint(w=w, v=tf.Variable([0.0, 1.0])).restore(prefix)
        except ValueError:
            return "ValueError", w
        return "restored", w

    ours, theirs = run_both(wrong_shape)
    assert ours[0] == theirs[0] == "ValueError"
    assert float(ours[1]) == 5.0  # checked before anything changed (TensorFlow may have restored w already)

    def partial(tf):
        prefix = os.path.join(_folder(tmp_path, tf), "partial")
        tf.train.Checkpoint(v=tf.Variable(1.0), w=tf.Variable(2.0)).write(prefix)
        status = tf.train.Checkpoint(v=tf.Variable(0.0), extra=tf.Variable(0.0)).restore(prefix)
        outcome = []
        for check in ("assert_consumed", "assert_existing_objects_matched", "assert_nontrivial_match"):
            try:
                getattr(status, check)()
                outcome.append("ok")
            except AssertionError:
                outcome.append("AssertionError")
        return outcome, status.expect_partial() is status

    same(partial)


def test_tf_saved_model_and_other_tf_train_names_are_refused_naming_the_alternative():
    with pytest.raises(AttributeError, match=r"tf.train.Checkpoint\(model=...\).write"):
        ntf.saved_model.save
    with pytest.raises(AttributeError, match="TensorFlow 1's optimizers are not offered"):
        ntf.train.GradientDescentOptimizer


def test_files_are_written_whole_and_read_checked(tmp_path):
    prefix = str(tmp_path / "ckpt")
    v = ntf.Variable([1.0, 2.0])
    ntf.train.Checkpoint(v=v).write(prefix)
    assert sorted(os.listdir(tmp_path)) == ["ckpt.safetensors"]  # no temporary file left behind
    with open(prefix + ".safetensors", "r+b") as f:
        f.seek(-4, os.SEEK_END)
        f.truncate()
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        ntf.train.Checkpoint(v=v).restore(prefix)
    import nabla as nb

    nb.save({"format": "nabla.tf.train.Checkpoint/1", "graph": [{"children": [["v", 7]], "value": None}],
             "values": {}, "optimizers": {}}, prefix + ".safetensors")  # fmt: skip
    with pytest.raises(ValueError, match="object 0 has a child"):
        ntf.train.Checkpoint(v=v).restore(prefix)
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_a_tensorflow_checkpoint_is_refused_with_the_reason(tmp_path):
    from tf_parity import tensorflow

    tf = tensorflow()
    prefix = str(tmp_path / "theirs")
    tf.train.Checkpoint(v=tf.Variable(1.0)).write(prefix)
    with pytest.raises(ntf.errors.NotFoundError, match="is a TensorFlow checkpoint"):
        ntf.train.Checkpoint(v=ntf.Variable(0.0)).restore(prefix)


def test_a_keras_model_and_its_optimizer_resume_training_exactly(tmp_path):
    """Training interrupted by a checkpoint and resumed in a new model and optimizer gives the weights of the
    run that was not interrupted (Adam's moments and step count are restored, and bound to the new weights)."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")

    def build():
        ntf.random.set_seed(1)
        model = ntf.keras.Sequential([ntf.keras.layers.Dense(4, activation="relu"), ntf.keras.layers.Dense(2)])
        model(x[:1])
        return model, ntf.keras.optimizers.Adam(0.1)

    def steps(model, optimizer, n):
        for _ in range(n):
            with ntf.GradientTape() as tape:
                loss = ntf.reduce_mean(ntf.square(model(x) - y))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))

    model, optimizer = build()
    steps(model, optimizer, 3)
    manager = ntf.train.CheckpointManager(ntf.train.Checkpoint(model=model, optimizer=optimizer), str(tmp_path), 2)
    manager.save()
    steps(model, optimizer, 3)

    resumed, new_optimizer = build()
    checkpoint = ntf.train.Checkpoint(model=resumed, optimizer=new_optimizer)
    checkpoint.restore(ntf.train.latest_checkpoint(str(tmp_path))).assert_consumed()
    assert int(new_optimizer.iterations) == 3
    steps(resumed, new_optimizer, 3)
    for a, b in zip(model.trainable_variables, resumed.trainable_variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_a_keras_model_not_built_yet_is_refused_before_anything_changes(tmp_path):
    model = ntf.keras.Sequential([ntf.keras.layers.Dense(2)])
    model(np.ones((1, 3), "float32"))
    prefix = str(tmp_path / "m")
    ntf.train.Checkpoint(model=model).write(prefix)
    fresh = ntf.keras.Sequential([ntf.keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built yet"):
        ntf.train.Checkpoint(model=fresh).restore(prefix)
