"""The messages a page sends over the WebSocket, and their checks.

Every message is a JSON object with a ``"type"``; anything else (not JSON, NaN or Infinity, an
unknown type, a missing or extra field, a field of the wrong kind, a message over
:data:`MAX_MESSAGE` characters) raises :class:`PlaygroundError` with a one-line reason, which the
server sends back as ``{"type": "error", "message": ...}`` without changing anything.

Page -> server::

    {"type": "config", "config": {...}}      the whole setup (see nabla.playground.config.Config)
    {"type": "play"} / {"type": "pause"}     start or stop training (frames follow while playing)
    {"type": "step"}                         pause, train one mini-batch, send its graph and a frame
    {"type": "reset"}                        pause, the initial network again
    {"type": "ack", "frame": n}              the page has drawn frame n (flow control)
    {"type": "upload", "name": "...", "text": "..."}   a CSV file's text
    {"type": "export", "what": "model" | "code" | "csv"}
    {"type": "surface", "start": [w1, w2], "steps": n}

Server -> page: ``hello`` (choices, limits, defaults, the datasets' previews), ``state`` (after a new
network: points, domain, features, layer sizes), ``frame`` (a live update), ``graph`` (the step view),
``surface``, ``file`` (a download), ``playing``, ``applied`` (a setting taken without a new network),
``error``.
"""

from __future__ import annotations

import json
import math

from .errors import PlaygroundError

MAX_MESSAGE = 1_500_000  # characters: an uploaded CSV (at most 1 MB) and its envelope

FIELDS = {
    "config": {"config": dict},
    "play": {},
    "pause": {},
    "step": {},
    "reset": {},
    "ack": {"frame": int},
    "upload": {"name": str, "text": str},
    "export": {"what": str},
    "surface": {"start": list, "steps": int},
}
EXPORTS = ("model", "code", "csv")


def _refuse_constant(name: str):
    raise PlaygroundError(f"the message holds {name}, which is not a number JSON allows; send finite numbers")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 reads as infinity
        _refuse_constant(text[:20])
    return value


def parse_message(text) -> dict:
    """Decode and check one message from the page; returns it as a dict."""
    if not isinstance(text, str):
        raise PlaygroundError("messages must be JSON text, not binary")
    if len(text) > MAX_MESSAGE:
        raise PlaygroundError(f"the message is too long ({len(text):,} characters; at most {MAX_MESSAGE:,})")
    try:
        message = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as e:
        raise PlaygroundError(f"the message is not valid JSON ({e.msg} at character {e.pos})") from None
    if not isinstance(message, dict):
        raise PlaygroundError('a message must be a JSON object with a "type"')
    kind = message.get("type")
    if kind not in FIELDS:
        raise PlaygroundError(f"unknown message type {str(kind)[:40]!r}; known: {', '.join(FIELDS)}")
    expected = FIELDS[kind]
    extra = sorted(set(message) - set(expected) - {"type"})
    if extra:
        raise PlaygroundError(f"a {kind!r} message has no field(s) {', '.join(extra)[:80]}")
    for name, cls in expected.items():
        if name not in message:
            raise PlaygroundError(f"a {kind!r} message needs the field {name!r}")
        value = message[name]
        if not isinstance(value, cls) or (cls is int and isinstance(value, bool)):
            raise PlaygroundError(f"{kind}.{name} must be a {cls.__name__}, got {type(value).__name__}")
    if kind == "export" and message["what"] not in EXPORTS:
        raise PlaygroundError(f"export.what must be one of {', '.join(EXPORTS)}, got {message['what'][:40]!r}")
    return message
