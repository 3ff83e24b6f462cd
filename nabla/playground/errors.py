"""The one error the playground shows on the page."""


class PlaygroundError(ValueError):
    """Bad input from the page or the socket: the message (one line: what was wrong, what to do) goes to the page,
    and nothing else changes."""
