"""Errors as users read them: one plain-text line of bounded length, never a traceback."""

from __future__ import annotations

import os

MAX_MESSAGE = 300
"""Characters a message may have (the end is cut and marked with …)."""


def one_line(error: BaseException | str, limit: int = MAX_MESSAGE) -> str:
    """The error's message on one line, at most ``limit`` characters. Exceptions that carry
    no text of their own are named by their kind (a bare KeyError says only its key)."""
    text = str(error) if not isinstance(error, str) else error
    if isinstance(error, BaseException) and not isinstance(error, (ValueError, OSError)):
        kind = type(error).__name__
        text = f"{kind}: {text}" if text else kind
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def naming_file(path: str, error: BaseException) -> str:
    """``one_line(error)``, with the file's name in front when the message lacks it."""
    name = os.path.basename(path)
    text = one_line(error)
    return text if name in text else one_line(f"{name}: {text}")
