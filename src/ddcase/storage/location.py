"""Where a log may live: never on a network drive or share, nor in a folder that a sync client
(OneDrive, SharePoint) copies. SQLite is not safe there: its write-ahead log needs shared memory
that network file systems do not give, their locks are unreliable, and a sync client copies the
file half-written (https://www.sqlite.org/useovernet.html). Teams who want to share a log should
use a team database on a server (docs/team-database.md).

`unsafe_place_reason` is the decision, pure: it is handed a `Place` (the facts) and says why not,
or None. `place_of` gathers the facts, thinly, per platform: on Windows the drive's type
(GetDriveTypeW, through ctypes) and the OneDrive folders (environment, the sync engine's registry
entries); on Linux the mount's file-system type (/proc/self/mountinfo).
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import sys
from dataclasses import dataclass
from pathlib import Path

from ddcase.storage.errors import StorageError

TEAM_DATABASE_DOC = "docs/team-database.md"

# Linux file-system types (mountinfo's names) that reach another computer or a cloud service.
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "coda", "9p", "ceph", "glusterfs",
        "lustre", "gpfs", "beegfs", "davfs", "sshfs", "fuse",
    }
)  # fmt: skip
# fuse.<name> is a FUSE file system (sshfs, rclone, gvfs, onedriver...): treated as network.
# fuseblk is a local disk (NTFS or exFAT through FUSE) and is fine.
FUSE_PREFIX = "fuse."
ONEDRIVE_ENV = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
# GetDriveTypeW's value for a mapped network drive.
DRIVE_REMOTE = 4


class UnsafePlaceError(StorageError):
    """The log is in a network or synced folder; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Place:
    """What is known about the folder a log would be in."""

    path: str  # absolute
    windows: bool
    remote_drive: bool = False  # Windows: the drive letter is a mapped network drive
    file_system: str | None = None  # Linux: the mount's type, as /proc/self/mountinfo names it
    sync_roots: tuple[str, ...] = ()  # folders a sync client keeps in sync (OneDrive, SharePoint)


def unsafe_place_reason(place: Place) -> str | None:
    """Why a log must not be kept at `place.path`, or None when it may. Pure."""
    if place.windows:
        path = _windows_local_form(place.path)
        drive = ntpath.splitdrive(path)[0]
        if drive.startswith("\\\\"):
            return f"it is in a network share ({drive})"
        if place.remote_drive:
            return f"{drive} is a network drive"
    elif place.file_system is not None:
        kind = place.file_system.lower()
        if kind in NETWORK_FILE_SYSTEMS:
            return f"it is on a network file system ({place.file_system})"
        if kind.startswith(FUSE_PREFIX):
            return f"it is on a FUSE file system ({place.file_system}), a network or cloud folder"
    root = _synced_root(place)
    if root is not None:
        return f"it is in a folder that OneDrive or SharePoint keeps in sync ({root})"
    return None


def _windows_local_form(path: str) -> str:
    r"""`\\?\C:\x` is C:\x; `\\?\UNC\server\share\x` is \\server\share\x."""
    path = path.replace("/", "\\")
    for prefix in ("\\\\?\\", "\\\\.\\"):
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            return "\\\\" + rest[4:] if rest[:4].upper() == "UNC\\" else rest
    return path


def _synced_root(place: Place) -> str | None:
    """The sync root the path is in: one named to us, or a folder named as OneDrive names its
    folders ("OneDrive", "OneDrive - NHS Trust")."""
    flavour = ntpath if place.windows else posixpath
    path = _windows_local_form(place.path) if place.windows else place.path
    normal = flavour.normcase(flavour.normpath(path))
    for root in place.sync_roots:
        if not root:
            continue
        root_normal = flavour.normcase(flavour.normpath(_windows_local_form(root) if place.windows else root))
        if normal == root_normal or normal.startswith(root_normal.rstrip(flavour.sep) + flavour.sep):
            return root
    parts = flavour.normpath(path).split(flavour.sep)
    for index, part in enumerate(parts):
        name = part.lower()
        if name == "onedrive" or name.startswith("onedrive - "):
            found: str = flavour.sep.join(parts[: index + 1])
            return found
    return None


def unsafe_place_message(path: Path, reason: str) -> str:
    return (
        f"ddcase will not keep a log at {path}: {reason}.\n\nThe log is an SQLite database, and SQLite "
        "is not safe in a network or synced folder: the file can be damaged or entries lost when "
        "two computers use it or a sync client copies it half-written.\n\nKeep the log on this "
        "computer (ddcase's own folder is the default), and to share a log with your team use a "
        f"team database on a server ({TEAM_DATABASE_DOC}). A log kept there until now: close "
        "ddcase on every computer, copy the file to this computer and open the copy. Nothing was "
        "changed."
    )


def refuse_unsafe_place(path: Path) -> None:
    """Raise UnsafePlaceError if a log at `path` would be in a network or synced folder."""
    reason = unsafe_place_reason(place_of(path))
    if reason is not None:
        raise UnsafePlaceError(unsafe_place_message(path, reason))


# ---------------------------------------------------------------------- the facts, per platform


def place_of(path: Path) -> Place:
    """The facts about where `path` is (it need not exist yet)."""
    absolute = Path(os.path.abspath(path))
    try:
        resolved = absolute.resolve()
    except OSError:
        resolved = absolute
    if sys.platform == "win32":  # pragma: no cover - Windows only (and under Wine in CI)
        return Place(
            str(resolved),
            windows=True,
            remote_drive=_is_remote_drive(str(absolute)) or _is_remote_drive(str(resolved)),
            sync_roots=_windows_sync_roots(),
        )
    file_system = None
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as file:
                file_system = mount_type(file.read(), str(resolved))
        except OSError:
            file_system = None
    return Place(str(resolved), windows=False, file_system=file_system)


def mount_type(mountinfo: str, path: str) -> str | None:
    """The file-system type of the mount holding `path` (absolute, resolved), read from the text
    of /proc/self/mountinfo: the longest mount point that contains it. Pure."""
    best: tuple[int, str] | None = None
    for line in mountinfo.splitlines():
        fields = line.split()
        if "-" not in fields or len(fields) < 5:
            continue
        separator = fields.index("-")
        if separator + 1 >= len(fields):
            continue
        point = _unescape(fields[4])
        inside = path == point or point == "/" or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), fields[separator + 1])
    return None if best is None else best[1]


def _unescape(field: str) -> str:
    r"""mountinfo writes space, tab, newline and backslash in octal (\040)."""
    for code in ("040", "011", "012", "134"):
        field = field.replace("\\" + code, chr(int(code, 8)))
    return field


def _is_remote_drive(path: str) -> bool:  # pragma: no cover - Windows only
    if sys.platform != "win32":  # called only there; so mypy checks windll on Windows only
        return False
    drive = ntpath.splitdrive(path)[0]
    if len(drive) != 2 or drive[1] != ":":
        return False
    import ctypes

    get_drive_type = ctypes.windll.kernel32.GetDriveTypeW
    get_drive_type.argtypes = [ctypes.c_wchar_p]
    get_drive_type.restype = ctypes.c_uint
    return bool(get_drive_type(drive + "\\") == DRIVE_REMOTE)


def _windows_sync_roots() -> tuple[str, ...]:  # pragma: no cover - Windows only
    """OneDrive's folders from the environment, and every folder the sync engine keeps (OneDrive
    and SharePoint libraries) from HKCU\\Software\\SyncEngines\\Providers\\OneDrive\\*\\MountPoint."""
    if sys.platform != "win32":  # called only there; so mypy checks winreg on Windows only
        return ()
    roots = [os.environ.get(name, "") for name in ONEDRIVE_ENV]
    try:
        import winreg

        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\SyncEngines\Providers\OneDrive") as key:
            index = 0
            while True:
                try:
                    name = winreg.EnumKey(key, index)
                except OSError:
                    break
                index += 1
                try:
                    with winreg.OpenKey(key, name) as provider:
                        roots.append(str(winreg.QueryValueEx(provider, "MountPoint")[0]))
                except OSError:
                    continue
    except (ImportError, OSError):
        pass
    return tuple(root for root in roots if root)
