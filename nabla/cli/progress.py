"""One progress bar over the epochs (many short epochs would otherwise draw one bar each)."""

from __future__ import annotations

import sys
import time

from .. import callbacks


def format_logs(logs: dict) -> str:
    """``loss 0.1761  accuracy 0.9280``: the loss first, then the metrics (Keras hands logs over in name order)."""
    ordered = {"loss": logs["loss"], **logs} if "loss" in logs else logs
    return "  ".join(f"{k} {v:.4f}" for k, v in ordered.items())


class EpochProgress(callbacks.Callback):
    """A tqdm bar over the epochs on a terminal; otherwise a line every tenth of the run."""

    def __init__(self, epochs: int):
        super().__init__()
        self.epochs = epochs

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.bar = None
        if sys.stdout.isatty():
            from tqdm import tqdm  # a terminal: the text bar (tqdm.auto would look for a notebook)

            self.bar = tqdm(total=self.epochs, desc="Training", unit="epoch", file=sys.stdout, dynamic_ncols=True)

    def on_epoch_end(self, epoch, logs=None):
        text = format_logs({k: v for k, v in (logs or {}).items() if k != "learning_rate"})
        if self.bar is not None:
            self.bar.set_postfix_str(text, refresh=False)
            self.bar.update(1)
        elif (epoch + 1) % max(1, self.epochs // 10) == 0 or epoch + 1 == self.epochs:
            print(f"Epoch {epoch + 1}/{self.epochs} - {time.perf_counter() - self.start:.0f}s - {text}", flush=True)

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()
