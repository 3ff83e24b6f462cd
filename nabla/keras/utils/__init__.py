"""Utilities of the Keras side: default names (:mod:`.naming`), the progress bar (:mod:`.progbar`), printing
beside it (:mod:`.io_utils`), and warnings that point at the user's line (:mod:`.traceback_utils`)."""

from . import io_utils, naming, progbar, traceback_utils
