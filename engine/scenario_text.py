"""A scenario as one short line of text to share (the desktop counterpart of TensorFlow
Playground's URL): ``bp1:`` followed by the scenario JSON, compressed, in base64url.

``encode`` writes the scenario as ``engine.io.scenario_json`` does, leaves out every field the
reader fills in with the same value (each omission is checked by reading the result back), and
compresses it with zlib (whose checksum also catches a damaged text). The start weights of a
run are not part of a scenario; explicit start weights a scenario names (a worked example's)
are. Custom data travels inside the text only when small (``MAX_SHARED_VALUES`` numbers);
bigger data belongs in a workspace file.

``decode`` refuses, in one line, anything but a whole text of this version: a wrong prefix,
characters base64url does not use, a cut or damaged stream, and more than
``MAX_DECODED_BYTES`` once inflated (it stops inflating there: a small text cannot unpack into
gigabytes). The JSON is then read by the strict reader and the scenario reader, as a preset.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
import zlib
from collections.abc import Iterator
from typing import Any

from engine.io.jsonread import read_json
from engine.io.validate import one_line, short, unexpected
from engine.scenario import Scenario, scenario_from_dict, scenario_to_dict

VERSION = 1
PREFIX = f"bp{VERSION}:"
MAX_SHARED_VALUES = 2000
"""Most numbers of custom data a text may carry."""
MAX_DECODED_BYTES = 64 * 1024
"""Most bytes of JSON a text may hold (and inflate to)."""
MAX_TEXT_CHARS = 100_000
"""Longer texts are refused before decoding (64 KiB compressed is about 88,000 characters)."""
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_PREFIX = re.compile(r"bp(\d{1,6}):")


class ScenarioTextError(ValueError):
    """A scenario that cannot be shared as text, or a text that is not one; one line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


# ---------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------


def encode(s: Scenario) -> str:
    """``bp1:`` + base64url(zlib(compact scenario JSON)), without padding."""
    c = s.data.custom
    if c is not None and c.x.size + c.y.size > MAX_SHARED_VALUES:
        raise ScenarioTextError(
            f"the data is too big to share as text ({c.x.size + c.y.size:,} numbers; at most "
            f"{MAX_SHARED_VALUES:,}): save a workspace file and share that instead")
    full = scenario_to_dict(s)
    if len(_dumps(full)) > 2 * MAX_DECODED_BYTES:
        raise ScenarioTextError(_too_big())
    raw = _dumps(compact(s, full))
    if len(raw) > MAX_DECODED_BYTES:
        raise ScenarioTextError(_too_big())
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=")
    return PREFIX + packed.decode("ascii")


def _too_big() -> str:
    return (f"the scenario is too big to share as text (over {MAX_DECODED_BYTES // 1024} KB: "
            "its start weights or data): save a workspace file and share that instead")


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def compact(s: Scenario, d: dict[str, Any] | None = None) -> dict[str, Any]:
    """``scenario_to_dict(s)`` without the fields the reader fills in with the same values:
    each is left out only if the result still reads back to a scenario equal to ``s``."""
    d = copy.deepcopy(scenario_to_dict(s) if d is None else d)
    for path in list(_paths(d)):
        parent = _parent(d, path)
        if parent is None or path[-1] not in parent:
            continue
        value = parent.pop(path[-1])
        try:
            same = scenario_from_dict(d) == s
        except ValueError:
            same = False
        if not same:
            parent[path[-1]] = value
    return d


def _paths(d: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every field's path, an object's own fields before the object itself."""
    for key, value in d.items():
        if isinstance(value, dict) and value:
            yield from _paths(value, (*prefix, key))
        yield (*prefix, key)


def _parent(d: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    node: Any = d
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------


def decode(text: str) -> Scenario:
    """The scenario a text holds; ScenarioTextError (one line) for anything else. Whitespace
    anywhere is ignored (a text wrapped by an e-mail still reads)."""
    try:
        return scenario_from_dict(read_json(_inflate(text), "scenario text", "scenario"))
    except ScenarioTextError:
        raise
    except ValueError as e:
        msg = str(e).replace(": the file ", ": the text ", 1)
        raise ScenarioTextError(msg if msg.startswith("scenario text") else
                                f"scenario text: {msg}") from None
    except Exception as e:  # MemoryError, RecursionError: never a crash
        raise ScenarioTextError(f"scenario text: cannot read it ({unexpected(e)})") from None


def looks_like_text(value: str) -> bool:
    """Whether ``value`` is meant as a scenario text (``bpN:…``) rather than a name or path."""
    return _PREFIX.match(value.strip()) is not None


def _inflate(text: str) -> bytes:
    if not isinstance(text, str):
        raise ScenarioTextError(f"a scenario text is text, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise ScenarioTextError(f"the scenario text is too long ({len(text):,} characters; "
                                f"at most {MAX_TEXT_CHARS:,})")
    text = "".join(text.split())
    if not text:
        raise ScenarioTextError("the scenario text is empty: copy one with Edit › Copy "
                                "scenario as text")
    m = _PREFIX.match(text)
    if m is None:
        raise ScenarioTextError(f"not a scenario text: it should start with {PREFIX!r}, got "
                                f"{short(text, 24)!r}")
    if int(m.group(1)) != VERSION:
        raise ScenarioTextError(f"this scenario text is version {int(m.group(1))} "
                                f"(bp{int(m.group(1))}:); this version of Backprop "
                                f"Playground reads {PREFIX} only")
    body = text[m.end():].rstrip("=")  # padding is optional
    if not _B64URL.fullmatch(body):
        bad = next(ch for ch in body if not _B64URL.fullmatch(ch))
        raise ScenarioTextError(f"the scenario text holds {bad!r}, which base64url does not "
                                "use: was it changed or joined with other text?")
    if len(body) % 4 == 1 or not body:
        raise ScenarioTextError("the scenario text is cut short (copy all of it)")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise ScenarioTextError("the scenario text is damaged (not base64url)") from None
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(packed, MAX_DECODED_BYTES)
    except zlib.error:
        raise ScenarioTextError("the scenario text is damaged (its compressed data does not "
                                "unpack): copy it again") from None
    if inflater.unconsumed_tail or (not inflater.eof and len(raw) >= MAX_DECODED_BYTES):
        raise ScenarioTextError(f"the scenario text unpacks to more than "
                                f"{MAX_DECODED_BYTES // 1024} KB: refused")
    if not inflater.eof:
        raise ScenarioTextError("the scenario text is cut short (copy all of it)")
    if inflater.unused_data:
        raise ScenarioTextError("the scenario text has extra data after its end")
    return raw
