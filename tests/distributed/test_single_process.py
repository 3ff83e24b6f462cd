"""Without a launcher the job is one rank of one: every call of nabla.distributed is a no-op."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from mpirun import ROOT

import nabla as nb
import nabla.distributed as dist


def test_one_process_is_rank_zero_of_one():
    group = dist.init()
    assert (dist.rank(), dist.size(), dist.local_rank(), dist.local_size(), dist.is_root()) == (0, 1, 0, 1, True)
    assert dist.is_initialized() and dist.init() is group
    assert "one process" in repr(group)


def test_collectives_return_their_input():
    t = nb.tensor([1.0, 2.0])
    out = dist.allreduce(t, weight=3)
    assert isinstance(out, nb.Tensor) and out.tolist() == [1.0, 2.0] and out is not t
    assert dist.allreduce(2.5) == 2.5 and isinstance(dist.allreduce(3, op=dist.Sum), int)
    a = np.array([1, 2])
    assert dist.allreduce(a, op=dist.Max).tolist() == [1, 2]
    assert dist.broadcast(a).tolist() == [1, 2] and dist.allgather(a).tolist() == [1, 2]
    assert dist.allreduce_(a, op=dist.Sum) is a
    assert dist.broadcast_object({"k": (1, 2)}) == {"k": [1, 2]}
    assert dist.allgather_object("x") == ["x"]
    dist.barrier()


def test_bad_arguments_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="Average, Sum, Min, Max"):
        dist.allreduce(1.0, op="product")
    with pytest.raises(TypeError, match="use op=Sum"):
        dist.allreduce(np.array([1, 2]))
    with pytest.raises(ValueError, match="weight= only applies to op=Average"):
        dist.allreduce(1.0, op=dist.Sum, weight=2)
    with pytest.raises(ValueError, match="finite number >= 0"):
        dist.allreduce(1.0, weight=-1)
    with pytest.raises(TypeError, match="in place"):
        dist.allreduce_(1.0)
    with pytest.raises(ValueError, match=r"root must be a rank in \[0, 1\)"):
        dist.broadcast(1.0, root=1)
    with pytest.raises(TypeError, match="not JSON"):
        dist.broadcast_object({"a": np.ones(2)})
    with pytest.raises(TypeError, match="state dict"):
        dist.broadcast_parameters([nb.tensor([1.0])])


def test_a_distributed_optimizer_steps_as_the_original_alone():
    def run(wrap: bool):
        nb.manual_seed(0)
        model = nb.nn.Sequential(nb.nn.Linear(3, 8), nb.nn.Tanh(), nb.nn.Linear(8, 2))
        opt = nb.optim.Adam(model.parameters(), lr=0.01)
        if wrap:
            opt = dist.DistributedOptimizer(opt)
            dist.broadcast_parameters(model.state_dict())
            dist.broadcast_optimizer_state(opt)
        x = nb.tensor(np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32))
        for _ in range(5):
            opt.zero_grad()
            nb.cross_entropy(model(x), nb.tensor(np.arange(16) % 2)).backward()
            opt.step()
        return model, opt

    plain, _ = run(False)
    wrapped, opt = run(True)
    assert all(
        np.array_equal(a.detach().numpy(), b.detach().numpy()) for a, b in zip(plain.parameters(), wrapped.parameters())
    )
    assert isinstance(opt, nb.optim.Adam) and type(opt).__name__ == "DistributedAdam"
    assert opt.state_dict()["state"][0]["step"] == 5
    with pytest.raises(ValueError, match="already distributed"):
        dist.DistributedOptimizer(opt)
    with pytest.raises(ValueError, match="Average or Sum"):
        dist.DistributedOptimizer(nb.optim.SGD([nb.tensor([1.0], requires_grad=True)], lr=0.1), op=dist.Max)


def test_an_unbound_optimizer_can_be_wrapped_and_bound_later():
    opt = dist.DistributedOptimizer(nb.optim.SGD(lr=0.5))
    p = nb.tensor([1.0], requires_grad=True)
    opt.bind([p])
    (p * 2).sum().backward()
    opt.step()
    assert p.tolist() == [0.0]


def test_root_helpers(tmp_path, capsys):
    dist.print("hello", 1)
    assert capsys.readouterr().out == "hello 1\n"
    dist.save({"w": nb.tensor([1.0, 2.0])}, tmp_path / "ckpt.nabla")
    assert nb.load(tmp_path / "ckpt.nabla")["w"].tolist() == [1.0, 2.0]
    assert dist.rank_zero_only(lambda: 42)() == 42


def test_a_script_under_mpiexec_without_mpi4py_says_which_extra_to_install():
    code = "import sys; sys.modules['mpi4py'] = None\nimport nabla.distributed as d\nd.init()"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PMI_SIZE": "4", "PMI_RANK": "0"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "started by an MPI launcher as 4 processes, but mpi4py is not installed" in proc.stderr
    assert "pip install 'nabla[mpi]'" in proc.stderr


def test_the_timeout_comes_from_the_environment():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NABLA_DIST_TIMEOUT": "12.5"}
    code = "import nabla.distributed as d; print(d.init().timeout)"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "12.5", proc.stderr
    env["NABLA_DIST_TIMEOUT"] = "soon"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert "NABLA_DIST_TIMEOUT must be a number of seconds, got 'soon'" in proc.stderr


def test_a_distributed_fit_on_one_process_is_a_plain_fit():
    from fit_workload import build, data

    def train(distributed: bool):
        model = build()
        nb.manual_seed(0)
        x, y = data()
        history = model.fit(x, y, batch_size=32, epochs=2, verbose=0, validation_split=0.2, distributed=distributed)
        return model, history

    plain, h1 = train(False)
    parallel, h2 = train(True)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(plain.get_weights(), parallel.get_weights()))
    assert h1.history == h2.history
    assert type(parallel.optimizer).__name__ == "Adam"  # its own optimizer back after fit
