"""What a recording captures and how: the views, frame rate, size, pacing and file format.

Qt-free, so that the headless ``record`` command can check every option (one plain line per
mistake) before Qt starts; the Record dialog builds the same ``RecordSettings``.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

MIN_FPS, MAX_FPS = 1, 50
"""GIF delays are whole centiseconds and viewers slow down anything under 2 (over 50 fps)."""
MIN_SIDE, MAX_SIDE = 16, 3840
"""Pixels: the smallest and largest width or height of a recording (3840: a 4K screen)."""
MIN_SCALE, MAX_SCALE = 0.1, 4.0
MIN_HOLD, MAX_HOLD = 0.1, 10.0
DEFAULT_FPS = 10
TARGET_FRAMES = 100
"""A headless recording without --every takes about this many frames (10 s at 10 fps)."""
DEFAULT_HOLD = 1.0
"""Seconds a frame taken after a Step (a phase, say) stays on screen: long enough to read."""
VIDEO_HINT = ('MP4 needs the optional imageio-ffmpeg package; install it with '
              '.venv/bin/pip install -e ".[video]"')


class View(StrEnum):
    """A part of the window a recording can show."""

    DIAGRAM = "diagram"
    OUTPUT = "output"
    LOSS = "loss"
    WINDOW = "window"


VIEW_ORDER = (View.DIAGRAM, View.OUTPUT, View.LOSS)
"""How several views are laid out: the first on the left, the others stacked on its right."""
VIEW_TITLES = {View.DIAGRAM: "Network diagram", View.OUTPUT: "Output view",
               View.LOSS: "Loss plot", View.WINDOW: "Whole window"}


class Format(StrEnum):
    GIF = "gif"
    APNG = "apng"
    """Animated PNG: full colour, read by every current browser and by PowerPoint 365."""
    MP4 = "mp4"
    """H.264 video (needs imageio-ffmpeg)."""


SUFFIXES = {".gif": Format.GIF, ".png": Format.APNG, ".apng": Format.APNG, ".mp4": Format.MP4}
FORMAT_FILTERS = {Format.GIF: "Animated GIF (*.gif)", Format.APNG: "Animated PNG (*.png *.apng)",
                  Format.MP4: "MP4 video (*.mp4)"}
FORMAT_SUFFIX = {Format.GIF: ".gif", Format.APNG: ".png", Format.MP4: ".mp4"}


def video_available() -> bool:
    return importlib.util.find_spec("imageio_ffmpeg") is not None


@dataclass(frozen=True)
class SizeSpec:
    """The recording's size: ``scale`` × the size on screen, or a width and/or height in pixels
    (one alone keeps the aspect ratio; both: the picture fits inside, centred on white)."""

    scale: float = 1.0
    width: int | None = None
    height: int | None = None

    def output_size(self, natural: tuple[int, int]) -> tuple[int, int]:
        """(width, height) in pixels for views ``natural`` pixels large on screen."""
        nw, nh = max(1, natural[0]), max(1, natural[1])
        if self.width is not None and self.height is not None:
            return self.width, self.height
        if self.width is not None:
            return self.width, max(1, round(nh * self.width / nw))
        if self.height is not None:
            return max(1, round(nw * self.height / nh)), self.height
        return max(1, round(nw * self.scale)), max(1, round(nh * self.scale))


@dataclass(frozen=True)
class RecordSettings:
    views: tuple[View, ...] = (View.DIAGRAM, View.OUTPUT)
    """One or more of diagram, output and loss (in VIEW_ORDER), or (WINDOW,) alone."""
    fps: int = DEFAULT_FPS
    size: SizeSpec = SizeSpec()
    every: int = 0
    """While training runs: a frame every ``every`` epochs; 0: as shown, at most ``fps`` a
    second."""
    hold: float = DEFAULT_HOLD
    """Seconds each frame taken after a Step (not while running) lasts."""
    format: Format = Format.GIF
    caption: bool = True
    """A line above the views with the epoch and loss, or the phase being stepped (not over
    the whole window or the loss plot alone, which show their own)."""

    @property
    def hold_ticks(self) -> int:
        """A step frame's duration in frame times (1/fps s each)."""
        return max(1, round(self.hold * self.fps))

    def describe(self) -> str:
        return " + ".join(VIEW_TITLES[v] for v in self.views)


class OptionError(ValueError):
    """One plain line naming the option that is wrong."""


def parse_views(text: str) -> tuple[View, ...]:
    """``"diagram,loss"`` → (DIAGRAM, LOSS), in layout order; ``"window"`` alone."""
    names = [t.strip().lower() for t in text.split(",") if t.strip()]
    known = ", ".join(v.value for v in View)
    if not names:
        raise OptionError(f"--what: give one of {known}, or several of the first three "
                          "joined by commas")
    views = set()
    for n in names:
        try:
            views.add(View(n))
        except ValueError:
            raise OptionError(f"--what: unknown view {n!r} (known: {known})") from None
    if View.WINDOW in views and len(views) > 1:
        raise OptionError("--what: 'window' already holds the other views; give it alone")
    return (View.WINDOW,) if View.WINDOW in views else tuple(v for v in VIEW_ORDER
                                                             if v in views)


def _number(option: str, text: str, kind: type, low: float, high: float) -> float:
    try:
        value = kind(text)
    except (TypeError, ValueError):
        what = "a whole number" if kind is int else "a number"
        raise OptionError(f"{option} must be {what} from {low:g} to {high:g}, got {text!r}"
                          ) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise OptionError(f"{option} must be from {low:g} to {high:g}, got {text}")
    return value


def parse_int(option: str, text: str, low: int, high: int) -> int:
    return int(_number(option, text, int, low, high))


def parse_float(option: str, text: str, low: float, high: float) -> float:
    return float(_number(option, text, float, low, high))


def parse_size(width: str | None, height: str | None, scale: str | None) -> SizeSpec:
    if scale is not None and (width is not None or height is not None):
        raise OptionError("give --scale or --width/--height, not both")
    if scale is not None:
        return SizeSpec(scale=parse_float("--scale", scale, MIN_SCALE, MAX_SCALE))
    return SizeSpec(
        width=None if width is None else parse_int("--width", width, MIN_SIDE, MAX_SIDE),
        height=None if height is None else parse_int("--height", height, MIN_SIDE, MAX_SIDE))


def check_size(size: tuple[int, int]) -> None:
    """OptionError for a recording too small or too large (at a scale of the screen size)."""
    w, h = size
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        raise OptionError(f"a recording of {w}×{h} pixels is out of range: each side must be "
                          f"{MIN_SIDE} to {MAX_SIDE}; choose another --scale, --width or "
                          "--height")


def format_for(path: str) -> Format:
    """The file format a name asks for; OptionError for any other suffix or a missing
    video package."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise OptionError(f"{Path(path).name or path!r}: record to a .gif, .png (animated "
                          "PNG) or .mp4 file")
    fmt = SUFFIXES[suffix]
    if fmt is Format.MP4 and not video_available():
        raise OptionError(VIDEO_HINT)
    return fmt
