"""How ``fit`` trains: the settings that choose its training step (``model.loss``, ``model.run_eagerly``,
``model.jit_compile``), each chosen again when set after ``compile``, as Keras lets material set them.

The step is :func:`nabla.capture`'s capture of the model's flat training step (recorded once, replayed as
NumPy code: the same numbers, faster) or the eager step (``call`` runs at every batch, prints and
breakpoints in it too). A mixin of :class:`~nabla.keras.models.model.Model`.
"""

from __future__ import annotations

from .._engine import capture
from .compile_utils import compile_loss, own_losses


class StepChoice:
    """``loss``, ``run_eagerly`` and ``jit_compile``, and the choice of ``fit``'s step they make."""

    def _choose_step(self) -> None:
        """The training step ``fit`` runs, from compile's ``jit_compile`` and ``run_eagerly``: captured, or eager."""
        requested, eager = self._jit_requested, self._run_eagerly
        self._jit_compile = False if eager else requested
        automatic = requested == "auto" and own_losses(self._compile_loss)
        capturing = self._compile_loss is not None and not eager and (requested is True or automatic)
        self._captured_step = capture(self._flat_step) if capturing else None

    @property
    def loss(self):
        """Keras 3's ``model.loss``: compile's argument as given (``"mse"`` stays a name), or what a saved compile
        config gives back (``load_model``); None before compile. Assigning one makes it the loss computed."""
        return self._loss

    @loss.setter
    def loss(self, value) -> None:
        self._loss, self._compile_loss = value, None if value is None else compile_loss(self, value, None)

    @property
    def run_eagerly(self) -> bool:
        """Keras's ``model.run_eagerly`` (compile's, False by default). Setting it, as Keras material does to debug
        (``model.run_eagerly = True`` before ``fit``: prints and breakpoints in ``call`` run at every step),
        chooses the training step again; False goes back to what ``jit_compile`` asks for."""
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"run_eagerly must be True or False, got {value!r}")
        self._run_eagerly = value
        if self._compiled:
            self._choose_step()

    @property
    def jit_compile(self) -> bool:
        """Keras 3's ``model.jit_compile``, resolved: whether ``fit`` runs its training step captured
        (:func:`nabla.capture`; compile's "auto" resolved for this model and loss). Setting it (True, False or
        "auto") chooses the step again, as compiling with that value would."""
        return self._captured_step is not None

    @jit_compile.setter
    def jit_compile(self, value) -> None:
        if value not in (True, False, "auto"):
            raise ValueError(f"jit_compile must be True, False or 'auto', got {value!r}")
        self._jit_requested = value
        if self._compiled:
            self._choose_step()
