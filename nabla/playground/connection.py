"""One browser tab on the server: its WebSocket, its :class:`Session`, and the loop that trains while it plays.

Flow: the server sends ``hello``; the page sends its ``config`` (from the URL, or the defaults); the
server answers with ``state`` and a first ``frame``. While playing, the training loop asks the engine
thread for one frame at a time (train ``epochs_per_frame`` epochs, then evaluate and draw) and sends
it; the page acknowledges each frame it has drawn, and the loop keeps at most :data:`WINDOW` frames
unacknowledged, so a page that draws slowly (or a background tab, whose drawing the browser stops)
slows training down instead of queueing frames.

When the socket closes, the loop stops before its next frame and the session is dropped: the server
never trains for a tab that has gone. Bad messages get an ``error`` and change nothing; an unexpected
failure is logged, reported to the page, and the server keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Callable

from .errors import PlaygroundError
from .exports import file_message
from .frames import frame_message, state_message
from .graph import record_step
from .protocol import parse_message
from .session import Session
from .surface import surface_message

WINDOW = 2  # frames in flight before the loop waits for the page

log = logging.getLogger("nabla.playground")


class Connection:
    """A tab: ``serve()`` runs until its socket closes.

    ``run(fn, *args)`` is the server's way to call into nabla: on the one engine thread, whose queue
    every tab shares, so tabs take turns frame by frame.
    """

    def __init__(self, websocket, run: Callable, hello: dict):
        self.websocket = websocket
        self.run = run
        self.hello = hello
        self.session: Session | None = None
        self.playing = False
        self.closed = False
        self.sent = self.acked = 0
        self.shown = False  # whether the page has had a state yet
        self._acked = asyncio.Event()
        self._loop: asyncio.Task | None = None

    # --- sending ---------------------------------------------------------------------------------

    async def send(self, message: dict | str) -> None:
        if self.closed:
            return
        try:
            await self.websocket.send_text(message if isinstance(message, str) else json.dumps(message))
        except Exception:  # the tab went away mid-send: stop as on a close
            self.close()

    def _next_frame(self) -> int:
        self.sent += 1
        return self.sent

    def _framed(self, number: int, with_state: str | None = None, notice: str | None = None) -> list[str]:
        """On the engine thread: the state (after a new network) and frame ``number``, as JSON texts."""
        texts = []
        if with_state:
            texts.append(json.dumps(state_message(self.session, with_state, notice)))
        texts.append(json.dumps({**frame_message(self.session), "frame": number}))
        return texts

    async def _send_view(self, reason: str | None = None, notice: str | None = None) -> None:
        self.shown = self.shown or reason is not None
        for text in await self.run(self._framed, self._next_frame(), reason, notice):
            await self.send(text)

    # --- training --------------------------------------------------------------------------------

    def _train_frame(self, number: int) -> list[str]:
        self.session.train_frame()
        return self._framed(number)

    async def _train(self) -> None:
        try:
            while self.playing and not self.closed:
                while self.sent - self.acked >= WINDOW and self.playing and not self.closed:
                    self._acked.clear()
                    await self._acked.wait()
                if not self.playing or self.closed:
                    break
                for text in await self.run(self._train_frame, self._next_frame()):
                    await self.send(text)
        except Exception as e:  # a failure while training stops training, not the server
            log.exception("nabla playground: training failed")
            self.playing = False
            await self.send({"type": "error", "message": f"training stopped: {type(e).__name__}: {e}"[:300]})
            await self.send({"type": "playing", "playing": False})

    async def _set_playing(self, playing: bool) -> None:
        """Start or stop the training loop; the page hears of it when it changes."""
        if playing == self.playing:
            return
        self.playing = playing
        if playing:
            self._loop = asyncio.create_task(self._train())
        else:
            self._acked.set()
            if self._loop is not None and self._loop is not asyncio.current_task():
                await self._loop  # the frame in progress is sent first: after "paused", no frame comes
        await self.send({"type": "playing", "playing": playing})

    def close(self) -> None:
        """The tab has gone: no further frame is trained."""
        self.closed = True
        self.playing = False
        self._acked.set()
        if self._loop is not None:
            self._loop.cancel()

    # --- the conversation ------------------------------------------------------------------------

    async def serve(self) -> None:
        await self.send(self.hello)
        self.session = await self.run(Session)
        try:
            while not self.closed:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                try:
                    await self.handle(parse_message(message.get("text")))
                except PlaygroundError as e:
                    await self.send({"type": "error", "message": str(e)})
                except Exception as e:
                    log.exception("nabla playground: a request failed")
                    await self.send({"type": "error", "message": f"the server failed: {type(e).__name__}: {e}"[:300]})
        finally:
            self.close()
            # Cancelling the loop does not stop a frame already running on the engine thread. That thread
            # is single and first-come first-served, so once this no-op has run, the tab's last frame has
            # ended, and the tab leaves the server's list only then. (The engine may be shut down already
            # when the server stops.)
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await self.run(_nothing)

    async def handle(self, message: dict) -> None:
        kind = message["type"]
        session = self.session
        if kind == "ack":
            self.acked = max(self.acked, min(message["frame"], self.sent))
            self._acked.set()
        elif kind == "play":
            await self._set_playing(True)
        elif kind == "pause":
            await self._set_playing(False)
        elif kind == "config":
            reason = await self.run(session.change, message["config"])  # checks it, changes nothing
            if reason in ("data", "network") or not self.shown:  # a new network: training pauses, as in TF Playground
                await self._set_playing(False)
                await self.run(session.configure, message["config"])
                await self._send_view(reason if self.shown else "data")
            else:
                await self.run(session.configure, message["config"])
                await self.send({"type": "applied", "reason": reason, "config": session.config.to_json()})
        elif kind == "reset":
            await self._set_playing(False)
            await self.run(session.reset)
            await self._send_view("reset")
        elif kind == "step":
            await self._set_playing(False)
            await self.send(await self.run(session.eager_step, record_step))
            await self._send_view()
        elif kind == "upload":
            await self._set_playing(False)
            notice = await self.run(session.upload, message["name"], message["text"])
            await self._send_view("upload", notice)
        elif kind == "export":
            await self.send(await self.run(file_message, session, message["what"]))
        elif kind == "surface":
            await self.send(
                await self.run(functools.partial(surface_message, session, message["start"], message["steps"]))
            )


def _nothing() -> None:
    """A call that only waits its turn on the engine thread."""
