"""Shuffling data that lives on disk: chunks in a random order, rows shuffled within a window of chunks.

A uniform permutation of a file's rows makes every batch read rows from all over the file: as many
reads as rows, and no read-ahead. Datasets read from disk shuffle in two stages instead (the
"block shuffle" of WebDataset and tf.data's ``shuffle(buffer_size)``, made exact per epoch):

1. the chunks are put in a random order;
2. consecutive chunks of that order are grouped into windows of ``window_chunks`` chunks
   (the shuffle buffer), and the rows of each window are permuted.

Every row is visited exactly once per epoch, each chunk is read once, and memory holds about one
window. Rows of one chunk can only meet in a batch rows of the ``window_chunks - 1`` chunks drawn
next to it: a file sorted by label needs a window that spans several labels' chunks, and is best
written already shuffled (then any window is a fair sample).
"""

from __future__ import annotations

import numpy as np


def window_order(rows: int, chunk_rows: int, window_chunks: int, rng: np.random.Generator) -> np.ndarray:
    """A shuffled order of ``rows`` rows stored ``chunk_rows`` per chunk, as described above (int64 indices)."""
    n_chunks = -(-rows // chunk_rows)
    chunks = rng.permutation(n_chunks)
    pieces = []
    for start in range(0, n_chunks, window_chunks):
        window = chunks[start : start + window_chunks]
        members = np.concatenate([np.arange(c * chunk_rows, min((c + 1) * chunk_rows, rows)) for c in window])
        pieces.append(members[rng.permutation(len(members))])
    return np.concatenate(pieces) if pieces else np.zeros(0, np.int64)
