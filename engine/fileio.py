"""Safe file reading and writing for workspaces, exports and imports.

Writes are atomic: the data goes to a hidden temporary file next to the target, is flushed to
disk, and only then renamed over the target, so a crash, a full disk or an exception midway
leaves the previous file intact and no half-written file behind. Reads are bounded, so opening
a huge file by mistake fails quickly with a message instead of filling memory, and every
operating-system error becomes a one-line ValueError that names the path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def _current_umask() -> int:
    """The process umask (read once at import, before any worker threads exist)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_NEW_FILE_MODE = 0o666 & ~_current_umask()


class WriteError(OSError):
    """A file could not be written. ``str()`` is one line that names the user's file (never
    the temporary one) and says why, e.g. ``cannot write out/w.json: it is a folder``."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"cannot write {os.fspath(path) or repr('')}: {reason}")


def write_failure(path: str | os.PathLike[str], error: Exception) -> str:
    """One line for a failed write: a WriteError already names the file; anything else (a
    ValueError while preparing the data, say) gets the name put in front."""
    name, text = os.fspath(path), str(error)
    return text if name in text else f"cannot write {name}: {text}"


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raise WriteError if ``path`` cannot be (re)written as a file, before any work is done:
    an empty name, a folder, a missing or non-folder parent, a special file, no permission."""
    name = os.fspath(path)
    if not name:
        raise WriteError(path, "no file name given")
    if name == "-":
        raise WriteError(path, "writing to standard output is not supported; give a file name")
    if name.endswith(("/", os.sep)):
        raise WriteError(path, "that names a folder; give a file name")
    try:
        _check_target(name)
    except OSError as e:  # e.g. a parent folder this user may not look into
        if isinstance(e, WriteError):
            raise
        raise WriteError(path, e.strerror or str(e)) from None


def _check_target(path: str) -> None:
    """The file-system half of ``check_writable`` (may raise PermissionError and the like)."""
    target = Path(path)
    if target.is_symlink():
        target = _link_target(path)
    if target.is_dir():
        raise WriteError(path, "it is a folder; give a file name")
    parent = target.parent
    if not parent.exists():
        raise WriteError(path, f"the folder {parent} does not exist")
    if not parent.is_dir():
        raise WriteError(path, f"{parent} is a file, not a folder")
    if target.exists() and not target.is_file():
        raise WriteError(path, "it is not a regular file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise WriteError(path, f"no permission to write in the folder {parent}")


def _link_target(path: str | os.PathLike[str]) -> Path:
    """Where the symbolic link ``path`` leads (a write goes through it, as an ordinary write
    would); WriteError for a link that loops."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:  # a dangling link: the write creates its target
        return Path(os.path.realpath(path))
    except (OSError, RuntimeError) as e:  # ELOOP ("Symlink loop" in older Pythons)
        if isinstance(e, OSError) and e.errno not in (errno.ELOOP, None):
            raise
        raise WriteError(path, "it is a symbolic link that loops back on itself") from None


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once; on any error the old file stays as it was.

    Raises WriteError (or whatever interrupted the write) after removing the temporary file.
    """
    check_writable(path)
    target = Path(path)
    if target.is_symlink():  # write through the link, as an ordinary write would
        target = _link_target(path)
    directory = target.parent
    try:
        # In the same folder, so the rename is atomic; a short name, so that a target whose
        # name is at the file system's limit (255 bytes) still gets one.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:24]}.", suffix=".tmp", dir=directory)
    except OSError as e:  # name the user's file, not the temporary one
        raise WriteError(path, e.strerror or str(e)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _copy_mode(target, tmp)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and not isinstance(e, WriteError):
            raise WriteError(path, e.strerror or str(e)) from None
        raise
    _fsync_directory(directory)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """``atomic_write_bytes`` of ``text`` as UTF-8, without newline translation."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _copy_mode(target: Path, tmp: str) -> None:
    """Give the new file the old file's permissions (or the usual ones for a new file):
    mkstemp creates it readable by its owner only."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = _NEW_FILE_MODE
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def format_size(n: int) -> str:
    """A byte count for people: '512 bytes', '3.2 KiB', '64 MiB'."""
    if n < 1024:
        return f"{n} byte" if n == 1 else f"{n} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024.0
        if value < 1024.0 or unit == "TiB":
            text = f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    raise AssertionError("unreachable")


def read_limited(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The whole content of a regular file of at most ``max_bytes`` bytes.

    A larger file is refused from its size alone, before reading it. Missing files, folders,
    special files and permission problems raise ValueError with a one-line message.
    """
    name = os.fspath(path)
    limit = format_size(max_bytes)
    try:
        st = os.stat(name)
        if stat.S_ISDIR(st.st_mode):
            raise ValueError(f"{name}: is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{name}: not a regular file")
        if st.st_size > max_bytes:
            raise ValueError(
                f"{name}: file too large ({format_size(st.st_size)}; the limit is {limit})"
            )
        with open(name, "rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{name}: is a folder, not a file") from None
    except PermissionError:
        raise ValueError(f"{name}: permission denied") from None
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise ValueError(f"{name}: cannot read ({reason})") from None
    if len(data) > max_bytes:  # the file grew after stat
        raise ValueError(f"{name}: file too large (more than the limit of {limit})")
    return data


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text of a file's bytes (a byte-order mark is dropped); ValueError naming the
    file and the first bad byte otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{name}: not a UTF-8 text file (byte 0x{data[e.start]:02x} at "
                         f"offset {e.start})") from None
