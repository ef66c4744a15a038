"""The one strict JSON reader: a file's bytes to Python values, refusing what JSON cannot hold
exactly. Workspaces, presets and weights exports are all read with it, so the rules are one:

* UTF-8 text (a byte-order mark is dropped; ``engine.fileio.decode_text``);
* NaN, Infinity and -Infinity literals are refused, and so is every number beyond the 64-bit
  float range (``1e999``, a 400-digit integer): a number is refused exactly when it has no
  finite float value. An integer that has one stays an exact Python int (a field's own range
  check bounds it, e.g. a seed below 2**63);
* objects and lists nested more than ``MAX_DEPTH`` deep are refused;
* a document with more than ``MAX_VALUES`` values or ``MAX_KEYS`` objects or fields is refused
  from its bytes, before parsing, so no file up to the size limits takes much more memory or
  time than its size;
* a key that appears twice in one object is refused, naming the key and the object (JSON
  parsers disagree on which one wins, so no answer is safe);
* a flat list of 64 or more numbers with a fraction or exponent among them comes back as a
  float64 array, read by NumPy (``engine.io.json_numbers.NumberList``): 8 bytes a value
  instead of a Python float each, so such a document takes about 2-3× its size rather than
  12×. Its integers are floats there; ``validate.as_list`` gives the list back exactly as
  written (integers exact) to fields that are not numbers.

A refused number or key is named by its path once the whole document is parsed
(``state.parameters[0].W[1][0]: 1e999 is not allowed …``). Every problem is one JsonError line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.fileio import decode_text
from engine.io.json_numbers import NumberList, extract, restore
from engine.io.validate import join, named, one_line, quote, short

MAX_DEPTH = 32
"""Deepest nesting accepted (the playground's own files nest at most 6 deep)."""
MAX_VALUES = 4 * 1024 * 1024
"""Most values (numbers, strings, lists, objects) a document may hold, counted on its bytes
before parsing. Parsed, 4 Mi values take at most about 300 MiB and 1 s; a workspace that the
app writes within the 64 MiB file limit holds about 3 Mi values (each number takes about 20
bytes of text)."""
MAX_KEYS = 64 * 1024
"""Most objects (``{``) and object fields (``:``) a document may have: the playground's files
have a few hundred at most, and each parsed one costs about 150 bytes and a Python call."""

_FINITE_RULE = "numbers must be finite and fit a 64-bit float"


class JsonError(ValueError):
    """A document that is not strict JSON; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


class _BadNumber:
    """Stands in for a number that has no finite float value until the whole document is
    parsed, so that the error can name the field it is in."""

    def __init__(self, text: str) -> None:
        self.text = short(text, 24)
        self.is_nan = text.lstrip("-") == "NaN"


class _DuplicateKey:
    """Stands in for an object that holds ``key`` twice."""

    def __init__(self, key: str) -> None:
        self.key = key


def _parse_float(text: str) -> float | _BadNumber:
    v = float(text)
    return v if math.isfinite(v) else _BadNumber(text)


def _parse_int(text: str) -> int | _BadNumber:
    # float() first: it is fast for any length and bounds the digits (a finite double has at
    # most 309), so int() never meets a 100,000-digit number.
    return int(text) if math.isfinite(float(text)) else _BadNumber(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any] | _DuplicateKey:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                return _DuplicateKey(key)
            seen.add(key)
    return obj


def read_json(data: bytes, name: str, what: str = "JSON document") -> Any:
    """Parse a file's bytes strictly (see the module docstring); ``name`` (the file name)
    starts every message, ``what`` ('workspace', 'weights file') names the expected kind."""
    _check_counts(data, name, what)
    fast = _read_with_arrays(data, name, what)
    if fast is not _ORDINARY:
        return fast
    try:
        text = decode_text(data, name)
    except ValueError as e:
        raise JsonError(f"{e}; is it a {what}?") from None
    if not text.strip():
        raise JsonError(f"{name}: the file is empty")
    # Fast first: the C parser's own numbers. Only a document with a problem is parsed again
    # with the exact hooks, so its message can quote the offending number as written.
    try:
        doc = _loads(text, name, what, exact=False)
        problem = _first_problem(doc)
    except _RetryExact:
        problem = ""
    if problem is not None:
        doc = _loads(text, name, what, exact=True)
        problem = _first_problem(doc) or problem
        if problem:
            raise JsonError(f"{name}: {problem}")
    return doc


_ORDINARY = object()
"""``_read_with_arrays``'s answer for a document to be read the ordinary way."""


def _read_with_arrays(data: bytes, name: str, what: str) -> Any:
    """The document with its long lists of fractions as float64 arrays
    (``engine.io.json_numbers``: 8 bytes a value instead of about 32), or ``_ORDINARY`` when
    it has none or has anything the ordinary reading must judge and name."""
    extracted = extract(data)
    if extracted is None:
        return _ORDINARY
    try:
        doc = _loads(decode_text(extracted.text, name), name, what, exact=False)
    except (ValueError, _RetryExact):  # JsonError is a ValueError
        return _ORDINARY
    doc = restore(doc, extracted)
    if doc is None or _first_problem(doc) is not None:
        return _ORDINARY
    return doc


def _check_counts(data: bytes, name: str, what: str) -> None:
    """Refuse, from the bytes alone, a document whose values or keys would take far more
    memory and time to parse than any real file of its kind needs (counted generously:
    separators inside strings count too)."""
    values = data.count(b",") + data.count(b"[") + data.count(b"{")
    if values > MAX_VALUES:
        raise JsonError(f"{name}: too many values for a {what} (about {values:,}; the limit "
                        f"is {MAX_VALUES:,})")
    keys = max(data.count(b":"), data.count(b"{"))
    if keys > MAX_KEYS:
        raise JsonError(f"{name}: too many objects or fields for a {what} (about {keys:,}; "
                        f"the limit is {MAX_KEYS:,})")


class _RetryExact(Exception):
    """The fast parse met something only the exact parse can name (a 5,000-digit integer)."""


_CUT_TOKENS = ("-", "true", "false", "null", "NaN", "Infinity", "-Infinity")
"""What a file cut in the middle of a value can end with."""


def _loads(text: str, name: str, what: str, exact: bool) -> Any:
    hooks: dict[str, Any] = {"parse_constant": _BadNumber, "object_pairs_hook": _object}
    if exact:
        hooks.update(parse_float=_parse_float, parse_int=_parse_int)
    try:
        return json.loads(text, **hooks)
    except json.JSONDecodeError as e:
        rest = text[e.pos:].rstrip()  # a cut just after a number's minus sign or in a word
        cut_token = bool(rest) and any(w.startswith(rest) for w in _CUT_TOKENS)
        if not rest or cut_token or e.msg.startswith("Unterminated string"):
            raise JsonError(f"{name}: the file ends too early (truncated?)") from None
        raise JsonError(
            f"{name}: not valid JSON: {short(e.msg)} at line {e.lineno}, column {e.colno}"
        ) from None
    except RecursionError:
        raise JsonError(f"{name}: not a {what} (JSON nested too deeply)") from None
    except ValueError as e:
        if not exact:
            raise _RetryExact from None
        raise JsonError(f"{name}: not valid JSON: {short(str(e))}") from None


def check_json_values(doc: Any) -> None:
    """Refuse anything strict JSON cannot hold, naming where it is: a non-finite number, a
    duplicate key, nesting deeper than MAX_DEPTH and (in values built in Python rather than
    parsed) a non-string key or a value of no JSON type."""
    problem = _first_problem(doc)
    if problem is not None:
        raise JsonError(problem)


_PLAIN = frozenset((int, float, str, bool, type(None)))
_NUMBERS = frozenset((int, float))


def _first_problem(doc: Any) -> str | None:
    # Depth first over an explicit stack of child iterators (nothing is built per value: a
    # 64 MiB document holds millions). A list of plain scalars is checked at C speed.
    problem = _scalar_problem(doc)
    if problem is not None:
        return f"document: {problem}"
    if not isinstance(doc, list | Mapping):
        return None
    stack = [_children(doc, "")]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        path, child = item
        if child is None:
            return path  # a problem's message
        if len(stack) > MAX_DEPTH:
            return f"{path}: nested too deeply (more than {MAX_DEPTH} levels)"
        if not isinstance(child, np.ndarray):  # an array: a list level of finite numbers
            stack.append(_children(child, path))
    return None


def _children(v: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(path, container) for each list or object inside ``v``; a scalar problem ends it as
    (message, None)."""
    if isinstance(v, Mapping):
        for key, x in v.items():
            if not isinstance(key, str):
                yield f"{path or 'document'}: a key is not a string: {quote(key)}", None
                return
            if isinstance(x, list | Mapping | np.ndarray):
                yield join(path, key), x
            elif (problem := _scalar_problem(x)) is not None:
                yield f"{join(path, key)}: {problem}", None
                return
        return
    kinds = set(map(type, v))
    scalars_ok = _plain_scalars_ok(v, kinds)
    if scalars_ok and kinds <= _PLAIN:
        return
    for i, x in enumerate(v):
        if isinstance(x, list | Mapping | np.ndarray):
            yield f"{path}[{i}]", x
        elif not scalars_ok and (problem := _scalar_problem(x)) is not None:
            yield _in_list(path, i, x, problem), None
            return


def _plain_scalars_ok(v: list[Any], kinds: set[type]) -> bool:
    """True when every scalar in ``v`` is plain JSON (containers are not looked at): its
    numbers finite and within the float range, and nothing of another type."""
    if not kinds <= _PLAIN | {list, dict, NumberList}:
        return False
    if not kinds & _NUMBERS:
        return True
    numbers = v if kinds <= _NUMBERS else [x for x in v if x.__class__ in _NUMBERS]
    try:
        return all(map(math.isfinite, numbers))
    except OverflowError:  # an integer beyond the float range
        return False


def _scalar_problem(v: Any) -> str | None:
    """Why ``v`` cannot be a JSON value (containers pass), or None."""
    if v is None or isinstance(v, str | bool | list | Mapping | np.ndarray):
        return None  # an array comes from json_numbers, finite float64
    token = _bad_number(v)
    if token is not None:
        return f"{token} is not allowed ({_FINITE_RULE})"
    if isinstance(v, int | float):
        return None
    if isinstance(v, _DuplicateKey):
        return f"the key {quote(v.key)} appears twice (keys must be unique)"
    return f"not a JSON value ({type(v).__name__})"


def _bad_number(v: Any) -> str | None:
    """The text of a number that has no finite float value, or None."""
    if isinstance(v, _BadNumber):
        return v.text
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 1000:
        try:
            float(v)
        except OverflowError:
            return quote(v)
    return None


def _in_list(path: str, i: int, v: Any, problem: str) -> str:
    """A bad entry of a list; a bad number reads as the list containing NaN or Inf."""
    where = f"{path}[{i}]"
    token = _bad_number(v)
    if token is None:
        return f"{named(where)}: {problem}"
    nan = v.is_nan if isinstance(v, _BadNumber) else isinstance(v, float) and math.isnan(v)
    return (f"{named(path)}: contains {'NaN' if nan else 'Inf'} ({where} is {token}; "
            f"{_FINITE_RULE})")
