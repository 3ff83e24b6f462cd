"""``python -m nabla.playground``: start the playground (see ``--help``)."""

import sys

from .command import main

sys.exit(main())
