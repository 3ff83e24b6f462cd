"""``python -m nabla``: the ``nabla`` command (see :mod:`nabla.cli`), e.g. ``python -m nabla train``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
