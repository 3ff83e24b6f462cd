"""``tensorflow.python.framework``: only :mod:`.ops` (the class of eager tensors)."""
