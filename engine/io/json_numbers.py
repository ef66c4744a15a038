"""Long lists of fractional numbers in a JSON document, read by NumPy instead of one Python
object each.

``json.loads`` makes every number a Python float (24 bytes) in an 8-byte list slot: a 16 MiB
history of ``0.5,`` took 12× its size and 1.3 s (``bench/loader_bounds.py``). Before the
document is parsed, ``extract`` finds each flat list of at least ``MIN_LENGTH`` numbers that
holds a fraction or an exponent (weights, losses, data columns), checks its text against
JSON's number grammar, reads it into a float64 array (8 bytes a value) a chunk at a time, and
leaves a placeholder string in its place; ``restore`` puts the arrays back into the parsed
document. Lists of integers stay Python lists (small integers are shared objects, and the
fields that need integers, such as epochs, hold them).

The placeholders carry a random nonce, so no string in a file can pass for one. Anything the
fast path cannot vouch for (a list inside a string, a number with no finite float value)
leaves the document to the ordinary parse, which names the problem exactly.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

MIN_LENGTH = 64
"""Shortest list read into an array: shorter ones cost little as Python objects."""
CHUNK = 1 << 18
"""Bytes of number text handed to NumPy at a time (so text copies stay this small)."""

_NUMBER = rb"-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?+(?:[eE][+-]?+[0-9]++)?+"
_SPACE = rb"[ \t\n\r]*+"
_BODY = re.compile(_SPACE + _NUMBER + rb"(?:" + _SPACE + rb"," + _SPACE + _NUMBER + rb")*+"
                   + _SPACE)
"""The inside of a list of JSON numbers. Possessive throughout: no backtracking state is kept
per entry, and it runs at about 90 ns an entry (16 MiB of ``0.5,`` in 0.4 s; NumPy then
reads them in about 0.9 s)."""
_CANDIDATE = re.compile(rb"\[([^\[\]{}\"]{%d,})\]" % (2 * MIN_LENGTH - 1))
"""A bracketed run with no nested list, object or string, long enough for MIN_LENGTH."""
_FRACTION = re.compile(rb"[.eE]")
_ESCAPED_QUOTE = re.compile(rb'(?<!\\)(?:\\\\)*\\"')
"""A quote preceded by an odd number of backslashes: inside a string, not its end."""


class NumberList(np.ndarray):
    """A float64 array standing where a JSON list of numbers was. Compared and tested for
    truth as that list would be, so that code checking a field's raw value (``fmt !=
    "backprop-playground"``, ``if layers:``) works as it did; any NumPy function that takes it
    (``np.asarray``, ``np.array``) gives a plain ndarray."""

    __hash__ = None  # unhashable, as a list

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list | tuple | np.ndarray) or len(other) != len(self):
            return False
        try:
            return bool(np.array_equal(np.asarray(self), np.asarray(other, dtype=np.float64)))
        except (TypeError, ValueError):
            return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __bool__(self) -> bool:
        return len(self) > 0

    source: tuple[bytes, int, int] | None = None
    """The document's bytes and the span of the list's text, to give it back as written (set
    by ``extract``; None on arrays NumPy derives from one, such as a slice)."""


def as_written(values: np.ndarray) -> list[Any]:
    """The list an array stands for, exactly as the file wrote it (integers as exact ints),
    for a field that expected something else and judges its entries one by one; a plain
    array (not the reader's) as its floats."""
    if isinstance(values, NumberList) and values.source is not None:
        data, start, stop = values.source
        listed: list[Any] = json.loads(data[start:stop])
        return listed
    return values.tolist()


@dataclass(frozen=True)
class Extracted:
    """A document with its long number lists taken out."""

    text: bytes
    """The document with a placeholder string where each list was."""
    arrays: tuple[np.ndarray, ...]
    """(n_i,) float64, in document order."""
    prefix: str
    """Each placeholder is ``prefix`` followed by its array's index."""


def extract(data: bytes) -> Extracted | None:
    """The document with its long fractional number lists read into arrays, or None when it
    has none (or has one the ordinary parse must judge: then nothing is taken out)."""
    nonce = secrets.token_hex(16)
    pieces: list[bytes] = []
    arrays: list[np.ndarray] = []
    done = 0  # end of the last piece copied
    quotes = 0  # unescaped quotes before ``done``: odd means inside a string
    for m in _CANDIDATE.finditer(data):
        start, end = m.span()
        quotes += _unescaped_quotes(data, done, start)
        done_before, done = done, end
        if (quotes % 2 or data.count(b",", start, end) < MIN_LENGTH - 1
                or _FRACTION.search(data, start, end) is None):
            pieces.append(data[done_before:end])
            continue
        body_start, body_end = m.span(1)
        if _BODY.fullmatch(data, body_start, body_end) is None:
            pieces.append(data[done_before:end])  # not plain numbers: the parser will say
            continue
        values = _read_numbers(data, body_start, body_end)
        if values is None:
            return None
        pieces.append(data[done_before:start])
        pieces.append(b'"%s:%d"' % (nonce.encode(), len(arrays)))
        standing = values.view(NumberList)
        standing.source = (data, start, end)
        arrays.append(standing)
    if not arrays:
        return None
    pieces.append(data[done:])
    return Extracted(b"".join(pieces), tuple(arrays), f"{nonce}:")


def _unescaped_quotes(data: bytes, start: int, stop: int) -> int:
    quotes = data.count(b'"', start, stop)
    if quotes and data.find(b"\\", start, stop) >= 0:
        quotes -= _ESCAPED_QUOTE.subn(b"", data[start:stop])[1]
    return quotes


def _read_numbers(data: bytes, start: int, stop: int) -> np.ndarray | None:
    """(n,) float64 of the numbers in data[start:stop] (grammar already checked); None if one
    has no finite float value (1e999): the ordinary parse then names it."""
    out = np.empty(data.count(b",", start, stop) + 1)
    filled = 0
    for a, b in _chunks(data, start, stop):
        part = np.fromstring(data[a:b], sep=",")
        out[filled : filled + part.size] = part
        filled += part.size
    if filled != out.size or not np.isfinite(out).all():
        return None
    return out


def _chunks(data: bytes, start: int, stop: int) -> Iterator[tuple[int, int]]:
    """Consecutive ranges of about CHUNK bytes, each ending just before a comma (or at stop)."""
    while start < stop:
        end = data.find(b",", min(start + CHUNK, stop), stop)
        end = stop if end < 0 else end
        yield start, end
        start = end + 1


def restore(doc: Any, extracted: Extracted) -> Any:
    """The parsed document with each array back where its placeholder is (containers are
    changed in place); None if some placeholder was not found as a value exactly once (the
    document is then not to be trusted)."""
    prefix, arrays = extracted.prefix, extracted.arrays
    found: set[int] = set()

    def array_for(v: str) -> np.ndarray | None:
        digits = v[len(prefix):]
        index = int(digits) if digits.isdigit() else -1
        if not 0 <= index < len(arrays) or index in found:
            return None
        found.add(index)
        return arrays[index]

    if isinstance(doc, str) and doc.startswith(prefix):
        doc = array_for(doc)
        return doc if len(found) == len(arrays) else None
    stack: list[Any] = [doc] if isinstance(doc, dict | list) else []
    while stack:
        node = stack.pop()
        keys = list(node.keys()) if isinstance(node, dict) else range(len(node))
        for key in keys:
            v = node[key]
            if isinstance(v, dict | list):
                stack.append(v)
            elif isinstance(v, str) and v.startswith(prefix):
                array = array_for(v)
                if array is None:
                    return None
                node[key] = array
    return doc if len(found) == len(arrays) else None
