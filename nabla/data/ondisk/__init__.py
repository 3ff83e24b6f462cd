"""Datasets larger than memory: files read in mini-batches, shuffled by chunks, prefetched.

- :class:`ChunkedDataset` reads nabla's chunked format (:mod:`~nabla.data.ondisk.format`: a
  validated JSON header, rows in fixed-size chunks, CRC-32 checksums), written atomically by
  :func:`write_chunked` from arrays or by :class:`ChunkedWriter` from batches that never fit in
  memory together.
- :func:`open_npy` memory-maps NumPy ``.npy`` files.

Both work with :class:`~nabla.data.DataLoader` (which reads the next batch in a background thread
while the current one trains), with :class:`nabla.distributed.DistributedSampler`, and with
``model.fit``. Shuffling reads chunks in a random order and permutes rows within a window of
chunks (:mod:`~nabla.data.ondisk.shuffle`), so memory holds a window, not the file.
"""

from .format import DatasetFileError
from .npy import NpyDataset, open_npy
from .reader import ChunkedDataset
from .writer import ChunkedWriter, write_chunked

__all__ = ["ChunkedDataset", "ChunkedWriter", "DatasetFileError", "NpyDataset", "open_npy", "write_chunked"]
