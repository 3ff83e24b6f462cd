"""Save after N steps, resume in a new process, and continue bit for bit like the uninterrupted run.

The checkpoint holds the model's and optimizer's state dicts and the state
of nabla's random generator (so the DataLoader's shuffling and dropout
continue the same stream).
"""

import subprocess
import sys
import textwrap

import numpy as np

import nabla as nb

TRAIN = textwrap.dedent(
    """
    import sys
    import numpy as np
    import nabla as nb
    from nabla import nn, optim
    from nabla.data import DataLoader, TensorDataset

    def build():
        nb.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Dropout(0.2), nn.Linear(16, 2))
        opt = optim.Adam(model.parameters(), lr=0.01)
        rng = np.random.default_rng(1)
        x = rng.normal(size=(64, 3)).astype(np.float32)
        y = (x.sum(1) > 0).astype(np.int64)
        return model, opt, DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)

    def train(model, opt, loader, epochs):
        for _ in range(epochs):
            for xb, yb in loader:
                loss = nb.cross_entropy(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()

    def checkpoint(model, opt, path):
        nb.save({"model": model.state_dict(), "optim": opt.state_dict(), "rng": nb.random.get_state()}, path)

    def resume(model, opt, path):
        state = nb.load(path)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optim"])
        nb.random.set_state(state["rng"])
    """
)


def _run(code: str, tmp_path) -> None:
    script = tmp_path / "script.py"
    script.write_text(TRAIN + textwrap.dedent(code))
    subprocess.run([sys.executable, str(script)], check=True, cwd=tmp_path, timeout=120)


def test_resume_in_a_new_process_continues_bit_for_bit(tmp_path):
    # Uninterrupted: 6 epochs in one process.
    _run(
        """
        model, opt, loader = build()
        train(model, opt, loader, 6)
        nb.save(model.state_dict(), "straight.safetensors")
        """,
        tmp_path,
    )
    # Interrupted: 3 epochs, checkpoint, then a fresh process resumes for 3 more.
    _run(
        """
        model, opt, loader = build()
        train(model, opt, loader, 3)
        checkpoint(model, opt, "ckpt.safetensors")
        """,
        tmp_path,
    )
    _run(
        """
        model, opt, loader = build()
        nb.manual_seed(123)  # a different stream, which the checkpoint must override
        resume(model, opt, "ckpt.safetensors")
        train(model, opt, loader, 3)
        nb.save(model.state_dict(), "resumed.safetensors")
        """,
        tmp_path,
    )
    straight = nb.load(tmp_path / "straight.safetensors")
    resumed = nb.load(tmp_path / "resumed.safetensors")
    assert straight.keys() == resumed.keys()
    for key in straight:
        np.testing.assert_array_equal(resumed[key].numpy(), straight[key].numpy(), err_msg=key)
    # And the resumed run really trained: the weights moved after the checkpoint.
    ckpt = nb.load(tmp_path / "ckpt.safetensors")["model"]
    assert not np.array_equal(ckpt["0.weight"].numpy(), resumed["0.weight"].numpy())
