"""The Windows file rules that POSIX-only code breaks, enforced on Linux for every test
(../shared/notes/windows.md; tests/conftest.py turns them on).

1. `os.fsync` needs a writable handle: on Windows it is FlushFileBuffers, which fails on a handle
   opened read-only (Python raises `OSError: [Errno 9] Bad file descriptor`). A folder cannot be
   opened at all there, so code must never try (storage/files.py::fsync_folder skips it on
   Windows); on Linux flushing a folder is right, so a folder's descriptor is let through.
2. A file that is open cannot be replaced, renamed or deleted: Python's `open()` and SQLite open
   files without FILE_SHARE_DELETE, so `os.replace`/`os.rename`/`os.remove`/`os.unlink` (and
   `Path.replace`/`rename`/`unlink`, which call them) fail with PermissionError (WinError 32)
   while any handle of this process holds the file (the target, or the source of a rename). The
   handles are read from /proc/self/fd, which sees SQLite's own too; a file is the same file under
   any of its names (its device and inode), as hard links are on NTFS.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Callable
from typing import Any

WINDOWS_IN_USE = (
    "[WinError 32] The process cannot access the file because it is being used by another process "
    "(the Windows rule of tests/windows_rules.py: this process still holds it open)"
)
WINDOWS_READ_ONLY_FLUSH = (
    "Bad file descriptor (the Windows rule of tests/windows_rules.py: FlushFileBuffers needs a "
    "descriptor opened for writing)"
)

_real_stat = os.stat
_real_fstat = os.fstat
_real_listdir = os.listdir


def held_files() -> set[tuple[int, int]]:
    """The regular files this process holds open now, as (device, inode)."""
    held = set()
    for name in _real_listdir("/proc/self/fd"):
        try:
            info = _real_stat(f"/proc/self/fd/{name}")
        except OSError:  # closed meanwhile (or the listing's own descriptor)
            continue
        if stat.S_ISREG(info.st_mode):
            held.add((info.st_dev, info.st_ino))
    return held


def _identity(path: Any, dir_fd: int | None) -> tuple[int, int] | None:
    try:
        info = _real_stat(path, dir_fd=dir_fd, follow_symlinks=False)
    except (OSError, TypeError, ValueError):
        return None  # missing (the real call says so itself) or not a path at all
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_dev, info.st_ino)


def refuse_if_held(path: Any, dir_fd: int | None = None) -> None:
    """PermissionError, as Windows raises it, if this process holds `path` open."""
    identity = _identity(path, dir_fd)
    if identity is not None and identity in held_files():
        raise PermissionError(errno.EACCES, WINDOWS_IN_USE, os.fsdecode(path) if path else path)


def _guard_remove(real: Callable[..., None]) -> Callable[..., None]:
    def remove(path: Any, *, dir_fd: int | None = None) -> None:
        refuse_if_held(path, dir_fd)
        real(path, dir_fd=dir_fd)

    remove.__wrapped__ = real  # type: ignore[attr-defined]
    return remove


def _guard_rename(real: Callable[..., None]) -> Callable[..., None]:
    def rename(src: Any, dst: Any, *, src_dir_fd: int | None = None, dst_dir_fd: int | None = None) -> None:
        refuse_if_held(src, src_dir_fd)
        refuse_if_held(dst, dst_dir_fd)
        real(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)

    rename.__wrapped__ = real  # type: ignore[attr-defined]
    return rename


def _guard_fsync(real: Callable[[Any], None]) -> Callable[[Any], None]:
    def fsync(fd: Any) -> None:
        number = fd if isinstance(fd, int) else fd.fileno()
        read_only = fcntl.fcntl(number, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY
        if read_only and not stat.S_ISDIR(_real_fstat(number).st_mode):
            raise OSError(errno.EBADF, WINDOWS_READ_ONLY_FLUSH)
        real(fd)

    fsync.__wrapped__ = real  # type: ignore[attr-defined]
    return fsync


# Wrapped once, when this module is first imported (before any test has patched anything).
PATCHES: dict[str, Callable[..., Any]] = {
    "fsync": _guard_fsync(os.fsync),
    "remove": _guard_remove(os.remove),
    "unlink": _guard_remove(os.unlink),
    "rename": _guard_rename(os.rename),
    "replace": _guard_rename(os.replace),
}
