"""The headless ``record`` command's options, checked into a ``Job`` before Qt starts (one
plain line, naming the option, for the first mistake)."""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass

from engine.fileio import check_writable
from gui.animation import MAX_FRAMES
from gui.record_options import (
    DEFAULT_FPS,
    DEFAULT_HOLD,
    MAX_FPS,
    MAX_HOLD,
    MIN_FPS,
    MIN_HOLD,
    TARGET_FRAMES,
    OptionError,
    RecordSettings,
    format_for,
    parse_float,
    parse_int,
    parse_size,
    parse_views,
)

MAX_EPOCHS = 10_000_000


@dataclass(frozen=True)
class Job:
    source: str
    workspace: bool
    epochs: int
    out: str
    settings: RecordSettings
    phases: bool


def parse(args: argparse.Namespace) -> Job:
    """The job the options describe; OptionError or WriteError naming the first mistake."""
    from engine.presets import load_presets

    presets = load_presets()
    workspace = args.source not in presets
    if workspace and not os.path.isfile(args.source):
        raise OptionError(f"{args.source!r} is neither a preset ({', '.join(presets)}) nor "
                          "a workspace file")
    if args.out is None:
        raise OptionError("record needs --out FILE (.gif, .png or .mp4)")
    fmt = format_for(args.out)
    check_writable(args.out)
    if args.epochs is None and not args.phases:
        raise OptionError("record needs --epochs N (the epochs to train), or --phases")
    low = 0 if args.phases else 1
    epochs = 0 if args.epochs is None else parse_int("--epochs", args.epochs, low, MAX_EPOCHS)
    if args.phases and args.every is not None:
        raise OptionError("--every sets the frames of training; --phases takes one per phase")
    every = (max(1, math.ceil(epochs / TARGET_FRAMES)) if args.every is None
             else parse_int("--every", args.every, 1, MAX_EPOCHS))
    settings = RecordSettings(
        views=parse_views(args.what),
        fps=DEFAULT_FPS if args.fps is None else parse_int("--fps", args.fps, MIN_FPS,
                                                           MAX_FPS),
        size=parse_size(args.width, args.height, args.scale),
        every=every,
        hold=DEFAULT_HOLD if args.hold is None else parse_float("--hold", args.hold,
                                                                MIN_HOLD, MAX_HOLD),
        format=fmt, caption=not args.no_caption)
    frames = math.ceil(epochs / every) + 1
    if not args.phases and frames > MAX_FRAMES:
        raise OptionError(f"{epochs} epochs at one frame every {every} make {frames} frames; "
                          f"the limit is {MAX_FRAMES} (use --every "
                          f"{math.ceil(epochs / (MAX_FRAMES - 1))} or more)")
    return Job(args.source, workspace, epochs, args.out, settings, args.phases)
