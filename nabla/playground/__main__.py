"""``python -m nabla.playground``: start the playground (see ``--help``)."""

import sys

from . import main

sys.exit(main())
