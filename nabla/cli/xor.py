"""``nabla xor``: the engine alone, with nothing hidden: a 2-2-1 network learns XOR by gradient descent."""

from __future__ import annotations

import argparse

from .options import positive_float, positive_int, seed


def train_xor(epochs: int = 2000, lr: float = 0.5, seed: int = 2, log_every: int = 200) -> float:
    """Train a 2-2-1 tanh/sigmoid network on XOR by full-batch gradient descent; returns the final loss.

    Everything a training loop does is spelled out with Tensors: forward pass,
    loss, backward pass, gradient-descent update. With only two hidden units
    XOR's loss surface has local minima: about half of the random starts
    (``seed=0`` for one) get stuck at loss ~0.35, with two of the four points
    at 0.5. The default seed is one that solves it.
    """
    import nabla as nb

    nb.manual_seed(seed)
    x = nb.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = nb.tensor([[0.0], [1.0], [1.0], [0.0]])
    w1 = nb.randn(2, 2, requires_grad=True)
    b1 = nb.zeros(2, requires_grad=True)
    w2 = nb.randn(1, 2, requires_grad=True)
    b2 = nb.zeros(1, requires_grad=True)
    params = [w1, b1, w2, b2]
    for epoch in range(epochs + 1):
        hidden = nb.tanh(nb.linear(x, w1, b1))
        logits = nb.linear(hidden, w2, b2)
        loss = nb.binary_cross_entropy_with_logits(logits, y)
        for p in params:
            p.grad = None
        loss.backward()
        with nb.no_grad():
            for p in params:
                p -= lr * p.grad
        if log_every and epoch % log_every == 0:
            print(f"epoch {epoch:5d}  loss {loss.item():.4f}")
    with nb.no_grad():
        predictions = nb.sigmoid(nb.linear(nb.tanh(nb.linear(x, w1, b1)), w2, b2))
    if log_every:
        print("XOR predictions:", [round(p, 3) for p in predictions.reshape(-1).tolist()])
    return loss.item()


def run(args: argparse.Namespace) -> int:
    train_xor(args.epochs, args.lr, args.seed)
    return 0


def add_parser(commands) -> argparse.ArgumentParser:
    cmd = commands.add_parser("xor", help="the engine alone: a 2-2-1 network learns XOR by gradient descent")
    cmd.add_argument("--epochs", type=positive_int, default=2000)
    cmd.add_argument("--lr", type=positive_float, default=0.5)
    cmd.add_argument("--seed", type=seed, default=2)
    cmd.set_defaults(run=run)
    return cmd
