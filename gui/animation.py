"""The frames of a recording, held compactly, and the animated GIF, APNG or MP4 written from
them (Qt-free: Pillow, NumPy and, for MP4, imageio-ffmpeg).

Frames arrive as (H, W, 3) uint8 RGB arrays, all of one size. Each is kept zlib-compressed
(compressed on a helper thread, so that grabbing never waits for it); a frame equal to the one
before only lengthens that one. Recording stops at ``MAX_FRAMES`` frames or ``MAX_BYTES`` held.
The writers stream: they hold two decoded frames at a time, whatever the length, and crop each
frame to the rectangle that changed. GIF uses one palette for the whole clip (adapted to frames
sampled across it, no dithering), so flat colours stay flat and nothing flickers; measured on
training clips, a pixel is off by 0.6 levels in 255 on average and by about 10 at worst.
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import GifImagePlugin, Image

from engine.fileio import atomic_write_bytes
from gui.record_options import Format

MAX_FRAMES = 600
"""One minute at 10 fps."""
MAX_BYTES = 256 * 1024 * 1024
"""Compressed frames held in memory (a frame of the 1440×900 window is about 0.1–0.3 MB)."""
PALETTE_SAMPLES = 24
"""Frames, spread over the clip, that the GIF palette is adapted to."""
EXACT_COLOURS = 48
"""The commonest colours the GIF palette keeps exactly."""

Progress = Callable[[int, int], None]
"""``progress(done, total)``; it may raise ``Cancelled`` to stop writing."""


class Cancelled(Exception):
    """Writing was cancelled; nothing was written."""


@dataclass
class Frame:
    data: Future[bytes] | bytes
    """The (H, W, 3) RGB bytes, zlib-compressed."""
    ticks: int
    """How long it shows, in frame times (1/fps s)."""


class FrameStore:
    """The frames of one recording: ``width`` × ``height`` pixels at ``fps`` frames a second."""

    def __init__(self, width: int, height: int, fps: int, threaded: bool = True) -> None:
        self.width, self.height, self.fps = width, height, fps
        self.frames: list[Frame] = []
        self.full: str | None = None
        """Why the store takes no more frames (None while it does)."""
        self._last: np.ndarray | None = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="frameCompressor") if threaded \
            else None

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def ticks(self) -> int:
        return sum(f.ticks for f in self.frames)

    @property
    def seconds(self) -> float:
        return self.ticks / self.fps

    @property
    def nbytes(self) -> int:
        """Bytes held (a frame still being compressed counts at its full size)."""
        raw = self.width * self.height * 3
        return sum(len(f.data) if isinstance(f.data, bytes) else
                   len(f.data.result()) if f.data.done() else raw for f in self.frames)

    def add(self, rgb: np.ndarray, ticks: int = 1, extend: bool = True) -> bool:
        """Append a frame shown for ``ticks`` frame times; False (and ``full`` says why) once
        the store is full. A frame equal to the last one lengthens it instead: by ``ticks``
        (time passed while the picture stood still), or with ``extend`` False only to at least
        ``ticks`` (the same picture drawn again)."""
        if rgb.shape != (self.height, self.width, 3) or rgb.dtype != np.uint8:
            raise ValueError(f"frame of shape {rgb.shape}, expected "
                             f"({self.height}, {self.width}, 3) uint8")
        if self._last is not None and np.array_equal(rgb, self._last):
            last = self.frames[-1]
            last.ticks = last.ticks + ticks if extend else max(last.ticks, ticks)
            return True
        if self.full is None and len(self.frames) >= MAX_FRAMES:
            self.full = f"the limit of {MAX_FRAMES} frames"
        elif self.full is None and self.nbytes >= MAX_BYTES:
            self.full = f"the memory limit of {MAX_BYTES // 2**20} MB for held frames"
        if self.full is not None:
            return False
        raw = np.ascontiguousarray(rgb).tobytes()
        data: Future[bytes] | bytes = (zlib.compress(raw, 1) if self._pool is None
                                       else self._pool.submit(zlib.compress, raw, 1))
        self.frames.append(Frame(data, ticks))
        self._last = rgb.copy()
        return True

    def finish(self) -> None:
        """Wait for the compressions still running; no more frames are added after this."""
        for f in self.frames:
            if not isinstance(f.data, bytes):
                f.data = f.data.result()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def rgb(self, index: int) -> np.ndarray:
        """Frame ``index`` as (H, W, 3) uint8."""
        f = self.frames[index]
        data = f.data if isinstance(f.data, bytes) else f.data.result()
        return np.frombuffer(zlib.decompress(data), np.uint8).reshape(self.height,
                                                                      self.width, 3)

    def __iter__(self) -> Iterator[tuple[np.ndarray, int]]:
        for i, f in enumerate(self.frames):
            yield self.rgb(i), f.ticks


# ------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------
def write_animation(store: FrameStore, path: str, fmt: Format,
                    progress: Progress | None = None) -> int:
    """Write the clip to ``path`` atomically; returns its size in bytes. Raises Cancelled,
    OSError (cannot encode or write; the old file is untouched) or ValueError (no frames)."""
    if not store.frames:
        raise ValueError("nothing was recorded")
    store.finish()
    report = progress or (lambda done, total: None)
    encoders = {Format.GIF: encode_gif, Format.APNG: encode_apng, Format.MP4: encode_mp4}
    data = encoders[fmt](store, report)
    atomic_write_bytes(path, data)
    return len(data)


def _changed_box(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the pixels that differ between two frames."""
    diff = a != b
    if diff.ndim == 3:
        diff = diff.any(axis=2)
    rows, cols = np.flatnonzero(diff.any(axis=1)), np.flatnonzero(diff.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _delays_cs(store: FrameStore) -> list[int]:
    """Each frame's GIF delay in centiseconds, rounded so the total stays true to the fps."""
    delays, start = [], 0
    for f in store.frames:
        end = start + f.ticks
        delays.append(round(end * 100 / store.fps) - round(start * 100 / store.fps))
        start = end
    return delays


def _packed(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 colours as (...) uint32 0xRRGGBB."""
    return rgb.astype(np.uint32) @ np.array([65536, 256, 1], np.uint32)


class GifPalette:
    """One 256-colour palette for a whole clip: the ``EXACT_COLOURS`` commonest colours of
    frames spread over it, kept exactly (backgrounds, text and lines stay true), and the rest
    adapted to those frames by median cut (the colour maps' gradients)."""

    def __init__(self, store: FrameStore) -> None:
        n = len(store)
        k = min(n, PALETTE_SAMPLES)
        picks = sorted({round(i * (n - 1) / max(1, k - 1)) for i in range(k)})
        sample = np.concatenate([store.rgb(i) for i in picks], axis=0)
        values, counts = np.unique(_packed(sample), return_counts=True)
        exact = values[np.argsort(-counts, kind="stable")[:EXACT_COLOURS]]
        colours = [(int(v) >> 16, (int(v) >> 8) & 255, int(v) & 255) for v in exact]
        if len(values) > len(colours):
            # fitted to each colour once, not to pixel counts: a thin green edge is as
            # important as a large pale background
            distinct = np.stack([values >> 16, (values >> 8) & 255, values & 255], axis=1)
            fitted = Image.fromarray(distinct.astype(np.uint8)[None], "RGB").quantize(
                256 - len(colours), method=Image.Quantize.MAXCOVERAGE)
            flat = fitted.getpalette() or []
            for k in range(len(flat) // 3):
                rgb = (flat[3 * k], flat[3 * k + 1], flat[3 * k + 2])
                if rgb not in colours and len(colours) < 256:
                    colours.append(rgb)
        self.colours = [c for rgb in colours for c in rgb] + [0] * 3 * (256 - len(colours))
        self.image = Image.new("P", (1, 1))
        self.image.putpalette(self.colours)
        order = np.argsort(exact)
        self._exact, self._exact_index = exact[order], order.astype(np.uint8)

    def apply(self, rgb: np.ndarray) -> Image.Image:
        """``rgb`` as a "P" image in this palette: exact colours exactly, the others nearest
        (Pillow's lookup, which works to 6 bits a channel)."""
        indices = np.array(Image.fromarray(rgb, "RGB").quantize(
            palette=self.image, dither=Image.Dither.NONE))
        packed = _packed(rgb)
        pos = np.minimum(np.searchsorted(self._exact, packed), len(self._exact) - 1)
        hit = self._exact[pos] == packed
        indices[hit] = self._exact_index[pos[hit]]
        frame = Image.fromarray(indices, "P")
        frame.putpalette(self.colours)
        return frame


def encode_gif(store: FrameStore, progress: Progress) -> bytes:
    total = len(store) + 1
    palette = GifPalette(store)
    progress(1, total)
    out = io.BytesIO()
    delays = _delays_cs(store)
    previous: np.ndarray | None = None
    pending: tuple[Image.Image, tuple[int, int], int] | None = None

    def flush() -> None:
        if pending is not None:
            image, offset, delay = pending
            for part in GifImagePlugin.getdata(image, offset, duration=delay * 10, disposal=1):
                out.write(part)

    for i, (rgb, _ticks) in enumerate(store):
        frame = palette.apply(rgb)
        indices = np.asarray(frame)
        if previous is None:
            header, _ = GifImagePlugin.getheader(frame, None, {"loop": 0, "duration": 1})
            out.write(b"".join(header))
            pending = (frame, (0, 0), delays[i])
        else:
            box = _changed_box(previous, indices)
            if box is None:  # equal once quantised: the frame before lasts longer
                assert pending is not None
                pending = (pending[0], pending[1], pending[2] + delays[i])
            else:
                flush()
                pending = (frame.crop(box), box[:2], delays[i])
        previous = indices
        progress(i + 2, total)
    flush()
    out.write(b";")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_parts(rgb: np.ndarray) -> tuple[bytes, bytes]:
    """(IHDR data, concatenated IDAT data) of ``rgb`` encoded as a PNG by Pillow."""
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, "PNG", compress_level=9)
    png, pos, header, idat = buffer.getvalue(), 8, b"", []
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat.append(data)
        pos += 12 + length
    return header, b"".join(idat)


def encode_apng(store: FrameStore, progress: Progress) -> bytes:
    """An animated PNG (full colour), each frame after the first cropped to what changed."""
    out = [b"\x89PNG\r\n\x1a\n"]
    seq, previous, total = 0, None, len(store)
    for i, (rgb, ticks) in enumerate(store):
        box = (0, 0, store.width, store.height) if previous is None else \
            _changed_box(previous, rgb) or (0, 0, 1, 1)
        left, top, right, bottom = box
        header, data = _png_parts(rgb[top:bottom, left:right])
        if previous is None:
            out.append(_chunk(b"IHDR", header))
            out.append(_chunk(b"acTL", struct.pack(">II", total, 0)))  # 0: loop for ever
        out.append(_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, right - left, bottom - top,
                                               left, top, min(ticks, 65535), store.fps, 0, 0)))
        seq += 1
        if previous is None:
            out.append(_chunk(b"IDAT", data))
        else:
            out.append(_chunk(b"fdAT", struct.pack(">I", seq) + data))
            seq += 1
        previous = rgb
        progress(i + 1, total)
    out.append(_chunk(b"IEND", b""))
    return b"".join(out)


def encode_mp4(store: FrameStore, progress: Progress) -> bytes:
    """H.264 in MP4 at ``store.fps`` (a long frame is repeated); sides padded to even."""
    import imageio_ffmpeg

    width, height = store.width + store.width % 2, store.height + store.height % 2
    with tempfile.TemporaryDirectory(prefix="backprop-video-") as folder:
        target = os.path.join(folder, "clip.mp4")
        writer = imageio_ffmpeg.write_frames(
            target, (width, height), fps=store.fps, codec="libx264", pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p", quality=8, macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart"])
        try:
            writer.send(None)
            for i, (rgb, ticks) in enumerate(store):
                padded = np.pad(rgb, ((0, height - store.height), (0, width - store.width),
                                      (0, 0)), mode="edge")
                data = padded.tobytes()
                for _ in range(ticks):
                    writer.send(data)
                progress(i + 1, len(store))
        except (RuntimeError, BrokenPipeError) as e:
            raise OSError(f"the video encoder failed: {e}"[:300]) from e
        finally:
            with contextlib.suppress(RuntimeError, OSError):
                writer.close()
        return Path(target).read_bytes()
