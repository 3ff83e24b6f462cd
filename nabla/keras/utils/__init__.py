"""Utilities of the Keras side: default names (:mod:`.naming`) and the progress display (:mod:`.progbar`)."""
