"""The one strict JSON reader: a file's bytes to Python values, refusing what JSON cannot hold
exactly. Workspaces, presets and weights exports are all read with it, so the rules are one:

* UTF-8 text (a byte-order mark is dropped; ``engine.fileio.decode_text``);
* NaN, Infinity and -Infinity literals are refused, and so is every number beyond the 64-bit
  float range (``1e999``, a 400-digit integer): a number is refused exactly when it has no
  finite float value. An integer that has one stays an exact Python int (a field's own range
  check bounds it, e.g. a seed below 2**63);
* objects and lists nested more than ``MAX_DEPTH`` deep are refused;
* a key that appears twice in one object is refused, naming the key and the object (JSON
  parsers disagree on which one wins, so no answer is safe).

A refused number or key is named by its path once the whole document is parsed
(``state.parameters[0].W[1][0]: 1e999 is not allowed …``). Every problem is one JsonError line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from engine.fileio import decode_text
from engine.io.validate import join, quote, short

MAX_DEPTH = 32
"""Deepest nesting accepted (the playground's own files nest at most 6 deep)."""

_FINITE_RULE = "numbers must be finite and fit a 64-bit float"


class JsonError(ValueError):
    """A document that is not strict JSON; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


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
    try:
        text = decode_text(data, name)
    except ValueError as e:
        raise JsonError(f"{e}; is it a {what}?") from None
    if not text.strip():
        raise JsonError(f"{name}: the file is empty")
    try:
        doc = json.loads(text, parse_constant=_BadNumber, parse_float=_parse_float,
                         parse_int=_parse_int, object_pairs_hook=_object)
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise JsonError(f"{name}: the file ends too early (truncated?)") from None
        raise JsonError(
            f"{name}: not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}"
        ) from None
    except RecursionError:
        raise JsonError(f"{name}: not a {what} (JSON nested too deeply)") from None
    except ValueError as e:
        raise JsonError(f"{name}: not valid JSON: {short(str(e))}") from None
    try:
        check_json_values(doc)
    except JsonError as e:
        raise JsonError(f"{name}: {e}") from None
    return doc


def check_json_values(doc: Any) -> None:
    """Refuse anything strict JSON cannot hold, naming where it is: a non-finite number, a
    duplicate key, nesting deeper than MAX_DEPTH and (in values built in Python rather than
    parsed) a non-string key or a value of no JSON type."""
    problem = _first_problem(doc)
    if problem is not None:
        raise JsonError(problem)


def _first_problem(doc: Any) -> str | None:
    # Iterative, and scalars are checked in place without building their paths: a 64 MiB
    # workspace holds millions of numbers.
    stack: list[tuple[Any, str, int]] = [(doc, "", 0)]
    while stack:
        v, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"{path or 'document'}: nested too deeply (more than {MAX_DEPTH} levels)"
        problem = _scalar_problem(v)
        if problem is not None:
            return f"{path or 'document'}: {problem}"
        if isinstance(v, Mapping):
            for key, x in v.items():
                if not isinstance(key, str):
                    return f"{path or 'document'}: a key is not a string: {quote(key)}"
                if isinstance(x, list | Mapping):
                    stack.append((x, join(path, key), depth + 1))
                elif (problem := _scalar_problem(x)) is not None:
                    return f"{join(path, key)}: {problem}"
        elif isinstance(v, list):
            for i, x in enumerate(v):
                if isinstance(x, list | Mapping):
                    stack.append((x, f"{path}[{i}]", depth + 1))
                elif (problem := _scalar_problem(x)) is not None:
                    return _in_list(path, i, x, problem)
    return None


def _scalar_problem(v: Any) -> str | None:
    """Why ``v`` cannot be a JSON value (containers pass), or None."""
    if v is None or isinstance(v, str | bool | list | Mapping):
        return None
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
        return f"{where}: {problem}"
    nan = v.is_nan if isinstance(v, _BadNumber) else isinstance(v, float) and math.isnan(v)
    return (f"{path or 'document'}: contains {'NaN' if nan else 'Inf'} ({where} is {token}; "
            f"{_FINITE_RULE})")
