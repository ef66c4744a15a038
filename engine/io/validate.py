"""Path-carrying checks of parsed JSON: the one validation kit for scenarios, presets,
workspaces and weights.

Every check raises FieldError (a ValueError) whose message starts with the path of the
offending value and says what was expected, for example
``scenario.model.hidden[1].activation: unknown 'relu6' (known: sigmoid, …)``. Text from the
input is quoted shortened (``QUOTE_LIMIT`` characters at most), so a message stays one short
line whatever the file holds. Callers turn the error into their own error class
(WorkspaceError, WeightsError) at their boundary.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

import numpy as np

from engine.io.json_numbers import as_written

QUOTE_LIMIT = 60
"""Most characters of the input a message quotes."""
MAX_MESSAGE = 300
"""Most characters of a loader's error message (one line)."""


def unexpected(error: BaseException) -> str:
    """An unexpected exception for a loader's message: its type and shortened text."""
    text = short(" ".join(str(error).split()), QUOTE_LIMIT)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def one_line(message: object, limit: int = MAX_MESSAGE) -> str:
    """``message`` as one line of plain words (runs of whitespace, newlines included, become
    one space), cut to ``limit`` characters: what every loader error says."""
    return short(" ".join(str(message).split()), limit)


class _Missing:
    """The default of a required field (``None`` is a legitimate default)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def kind(v: Any) -> str:
    """What a JSON value is, for messages: 'null', 'a boolean', 'an integer', …"""
    if v is None:
        return "null"
    for t, name in ((bool, "a boolean"), (int, "an integer"), (float, "a number"),
                    (str, "a string"), (list, "a list"), (np.ndarray, "a list"),
                    (Mapping, "an object")):
        if isinstance(v, t):
            return name
    return type(v).__name__


def short(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(v: Any) -> str:
    """A value for a message: strings quoted and shortened, numbers shortened, other things
    by kind ('a list')."""
    if isinstance(v, str):
        return repr(short(v))
    if isinstance(v, np.generic):  # an entry of an array the reader made: as written
        v = v.item()
    if isinstance(v, int | float) and not isinstance(v, bool):
        return short(repr(v))
    return kind(v)


def join(path: str, key: str) -> str:
    """The path of ``key`` inside ``path``: ``a.b``, or ``a['odd key']``."""
    if key.isidentifier() and len(key) <= QUOTE_LIMIT:
        return f"{path}.{key}" if path else key
    return f"{path}[{quote(key)}]"


class FieldError(ValueError):
    """A value that fails a check; the message starts with its path. (A subclass, so a reader
    can tell it from a ValueError that a library raises on damaged data.)"""


_LAYER_INDEX = re.compile(r"\b(layers|hidden)\[(\d+)\]")


def named(path: str) -> str:
    """``path`` as a message names it: 'document' for the whole, and a 0-based JSON index
    of a layer followed by the layer's 1-based name, as the window numbers layers:
    ``layers[0].W (layer 1)``, ``hidden[2] (hidden layer 3)``."""
    found = list(_LAYER_INDEX.finditer(path))
    if not found:
        return path or "document"
    last = found[-1]
    what = "hidden layer" if last.group(1) == "hidden" else "layer"
    return f"{path} ({what} {int(last.group(2)) + 1})"


def fail(path: str, message: str) -> NoReturn:
    """Raise the kit's error: ``path: message`` (``named(path)``)."""
    raise FieldError(f"{named(path)}: {message}")


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


# ---------------------------------------------------------------------------------------------
# Single values
# ---------------------------------------------------------------------------------------------


def as_object(v: Any, path: str, what: str = "an object") -> Mapping[str, Any]:
    if not isinstance(v, Mapping):
        fail(path, f"expected {what}, got {kind(v)}")
    return v


def as_list(v: Any, path: str, what: str = "a list") -> list[Any]:
    """A list. A long list of fractions, which the reader makes a float64 array
    (``engine.io.json_numbers``), comes back as the file wrote it, so that fields of other
    things (layers, epochs) judge it as before; ``as_values`` keeps it an array."""
    if isinstance(v, np.ndarray):
        return as_written(v)
    if not isinstance(v, list):
        fail(path, f"expected {what}, got {kind(v)}")
    return v


def as_values(v: Any, path: str) -> list[Any] | np.ndarray:
    """A list of scalars to be read one by one (a history column), or the float64 array the
    reader made of a long list of fractions, kept as it is (8 bytes a value)."""
    return v if isinstance(v, np.ndarray) else as_list(v, path)


def as_str(v: Any, path: str) -> str:
    if not isinstance(v, str):
        fail(path, f"expected a string, got {kind(v)}")
    return v


def as_name(v: Any, path: str, known: Iterable[str], what: str = "") -> str:
    """A string that must be one of ``known``: ``unknown activation 'relu6' (known: …)``."""
    names = list(known)
    if as_str(v, path) not in names:
        fail(path, f"unknown {what + ' ' if what else ''}{quote(v)} (known: {', '.join(names)})")
    return v


def as_bool(v: Any, path: str) -> bool:
    if not isinstance(v, bool):
        fail(path, f"expected true or false, got {kind(v)}")
    return v


def check_range(path: str, v: float, lo: float | None, hi: float | None) -> None:
    if lo is not None and v < lo:
        fail(path, f"must be at least {lo}, got {quote(v)}")
    if hi is not None and v > hi:
        fail(path, f"must be at most {hi}, got {quote(v)}")


def as_int(v: Any, path: str, lo: int | None = None, hi: int | None = None) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        fail(path, f"expected an integer, got {kind(v)}")
    check_range(path, v, lo, hi)
    return v


def as_number(v: Any, path: str, lo: float | None = None, hi: float | None = None) -> float:
    """A finite number (an integer is taken as a float)."""
    if not _is_number(v):
        fail(path, f"expected a number, got {kind(v)}")
    try:
        finite = math.isfinite(v)
    except OverflowError:  # an integer beyond the float range
        finite = False
    if not finite:
        fail(path, f"must be finite, got {quote(v)}")
    check_range(path, v, lo, hi)
    return float(v)


def no_unknown_keys(obj: Mapping[str, Any], path: str, known: Sequence[str]) -> None:
    for key in obj:
        if key not in known:
            fail(join(path, key), f"unknown field (known: {', '.join(known)})")


# ---------------------------------------------------------------------------------------------
# Arrays
# ---------------------------------------------------------------------------------------------


def check_finite(arr: np.ndarray, path: str) -> None:
    """Refuse NaN and infinite entries, saying which."""
    if np.isnan(arr).any():
        fail(path, "contains NaN")
    if np.isinf(arr).any():
        fail(path, "contains Inf")


_NUMBER_TYPES = frozenset((int, float, np.float64))
"""(np.float64: entries of the reader's arrays, ``engine.io.json_numbers``.)"""


def _nested_shape(v: Any, path: str, depth: int,
                  expected: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape of lists nested ``depth`` deep with numbers at the bottom, found level by
    level at C speed (no Python work per number) and compared with ``expected`` before any
    number is looked at; names the first bad entry."""
    if isinstance(v, np.ndarray) and depth > 1:  # numbers where rows belong: as a list says
        fail(f"{path}[0]", f"expected {_a_list(depth - 1)}, got a number")
    if not isinstance(v, list | np.ndarray):
        fail(path, f"expected {_a_list(depth)}, got {kind(v)}")
    shape = [len(v)]
    level: Any = v  # every entry at the current depth, flattened (shape ``shape``)
    for d in range(1, depth):
        if not level:
            fail(path, f"expected {f'shape {expected}' if expected else f'{depth} dimensions'}"
                       ", got an empty list")
        types = {np.ndarray if issubclass(t, np.ndarray) else t for t in map(type, level)}
        rows_only = d == depth - 1 and types <= {list, np.ndarray}  # arrays: rows of numbers
        if types != {list} and not rows_only:
            i = next(i for i, x in enumerate(level) if not isinstance(x, list))
            fail(_entry(path, shape, i), f"expected {_a_list(depth - d)}, got {kind(level[i])}")
        lengths = set(map(len, level))
        if len(lengths) > 1:
            i = next(i for i, x in enumerate(level) if len(x) != len(level[0]))
            want = f"; expected shape {expected}" if expected is not None else ""
            fail(path, f"rows of different lengths; {_entry(path, shape, i)}: has length "
                       f"{len(level[i])} but {_entry(path, shape, 0)} has length "
                       f"{len(level[0])}{want}")
        shape.append(lengths.pop())
        if expected is not None and shape[d - 1] != expected[d - 1]:
            break  # wrong already: refuse without flattening the rest
        if types == {np.ndarray}:  # every row read as finite float64 by the JSON reader
            level = []
            break
        level = list(itertools.chain.from_iterable(level))
    if expected is not None and tuple(shape) != expected:
        got = tuple(shape) if len(shape) == depth else (*shape, "…")
        fail(path, f"expected shape {expected}, got {got}".replace("'…'", "…"))
    if not set(map(type, level)) <= _NUMBER_TYPES:
        i = next(i for i, x in enumerate(level) if x.__class__ not in _NUMBER_TYPES)
        if not _is_number(level[i]):
            fail(_entry(path, shape, i), f"expected a number, got {kind(level[i])}")
    return tuple(shape)


def _a_list(depth: int) -> str:
    return "a list of numbers" if depth == 1 else "a list of rows"


def _entry(path: str, shape: Sequence[int], flat_index: int) -> str:
    """The path of entry ``flat_index`` of nested lists of ``shape`` read row by row."""
    index = np.unravel_index(flat_index, tuple(shape)) if shape else ()
    return path + "".join(f"[{int(i)}]" for i in index)


def number_array(
    v: Any, path: str, shape: tuple[int, ...] | None = None, ndim: int | None = None
) -> np.ndarray:
    """A finite float64 array from nested lists of numbers: of exactly ``shape`` when given,
    else of ``ndim`` dimensions. Ragged rows, non-numbers, NaN and Inf are refused by path; a
    wrong shape is refused before any number is converted."""
    depth = len(shape) if shape is not None else ndim
    if depth is None or depth < 1:
        raise TypeError("number_array needs a shape or ndim of at least 1")
    _nested_shape(v, path, depth, shape)
    try:
        arr = np.array(v, dtype=np.float64) if depth > 1 or isinstance(v, list) else np.asarray(v)
    except OverflowError:  # an integer beyond the float range
        fail(path, "contains Inf (a number beyond the float range)")
    check_finite(arr, path)
    return arr


# ---------------------------------------------------------------------------------------------
# Objects field by field
# ---------------------------------------------------------------------------------------------


class Fields:
    """A JSON object read field by field; every message names the field's full path.

    ``known`` (when given) refuses any other key. A default makes a field optional; without
    one a missing field is an error (``state.epoch: missing``).
    """

    def __init__(self, obj: Any, path: str = "", known: Sequence[str] | None = None) -> None:
        self.path = path
        self.obj = as_object(obj, path)
        if known is not None:
            no_unknown_keys(self.obj, path, known)

    def at(self, key: str) -> str:
        """The path of a field."""
        return join(self.path, key)

    def has(self, key: str) -> bool:
        """Present and not null."""
        return self.obj.get(key) is not None

    def raw(self, key: str, default: Any = MISSING) -> Any:
        if key not in self.obj:
            if default is MISSING:
                fail(self.at(key), "missing")
            return default
        return self.obj[key]

    def sub(self, key: str, optional: bool = True, known: Sequence[str] | None = None) -> Fields:
        """A nested object (an absent optional one reads as empty, so its defaults apply)."""
        if key not in self.obj and optional:
            return Fields({}, self.at(key), known)
        return Fields(self.raw(key), self.at(key), known)

    def string(self, key: str, default: Any = MISSING) -> str:
        return as_str(self.raw(key, default), self.at(key))

    def name(self, key: str, known: Iterable[str], default: Any = MISSING,
             what: str = "") -> str:
        return as_name(self.raw(key, default), self.at(key), known, what)

    def boolean(self, key: str, default: Any = MISSING) -> bool:
        return as_bool(self.raw(key, default), self.at(key))

    def integer(self, key: str, default: Any = MISSING, lo: int | None = None,
                hi: int | None = None) -> int:
        return as_int(self.raw(key, default), self.at(key), lo, hi)

    def number(self, key: str, default: Any = MISSING, lo: float | None = None,
               hi: float | None = None) -> float:
        return as_number(self.raw(key, default), self.at(key), lo, hi)

    def optional_number(self, key: str, lo: float | None = None,
                        hi: float | None = None) -> float | None:
        """A number, or None when absent or null."""
        v = self.raw(key, None)
        return None if v is None else as_number(v, self.at(key), lo, hi)

    def items(self, key: str, default: Any = MISSING, what: str = "a list") -> list[Any]:
        return as_list(self.raw(key, default), self.at(key), what)

    def values(self, key: str) -> list[Any] | np.ndarray:
        """A list of scalars (``as_values``)."""
        return as_values(self.raw(key), self.at(key))

    def array(self, key: str, shape: tuple[int, ...] | None = None,
              ndim: int | None = None) -> np.ndarray:
        return number_array(self.raw(key), self.at(key), shape, ndim)
