"""No log on a network drive or share, nor in a folder OneDrive or SharePoint keeps in sync
(storage/location.py): the decision on a table of places, and the facts read from mountinfo."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ddcase.storage import location
from ddcase.storage.location import Place, UnsafePlaceError, mount_type, unsafe_place_reason

ONEDRIVE = r"C:\Users\Zoë O'Brien\OneDrive - NHS"


@pytest.mark.parametrize(
    ("place", "why"),
    [
        # Windows: local folders
        (Place(r"C:\Users\Zoë O'Brien\AppData\Local\ddcase\ddcase.sqlite3", windows=True), None),
        (Place(r"D:\logs\ddcase.sqlite3", windows=True), None),
        (Place(r"\\?\C:\Users\a\AppData\Local\ddcase\ddcase.sqlite3", windows=True), None),
        (Place(r"C:\Users\a\OneDriveNotes\ddcase.sqlite3", windows=True), None),
        (Place(r"C:\Users\a\Documents\ddcase.sqlite3", windows=True, sync_roots=(ONEDRIVE,)), None),
        # Windows: network shares and drives
        (Place(r"\\fileserver\cmht\ddcase.sqlite3", windows=True), r"network share (\\fileserver\cmht)"),
        (Place("//fileserver/cmht/log.sqlite3", windows=True), r"network share (\\fileserver\cmht)"),
        (Place(r"\\?\UNC\fileserver\cmht\log.sqlite3", windows=True), r"network share (\\fileserver\cmht)"),
        (Place(r"H:\team\ddcase.sqlite3", windows=True, remote_drive=True), "H: is a network drive"),
        # Windows: synced folders, named to us or by OneDrive's way of naming them
        (
            Place(ONEDRIVE + r"\Documents\ddcase.sqlite3", windows=True, sync_roots=(ONEDRIVE,)),
            f"keeps in sync ({ONEDRIVE})",
        ),
        (
            Place(r"c:\users\zoë o'brien\onedrive - nhs\log.sqlite3", windows=True, sync_roots=(ONEDRIVE,)),
            "keeps in sync",
        ),
        (
            Place(
                r"C:\Users\a\NHS Trust\CMHT - Documents\log.sqlite3",
                windows=True,
                sync_roots=(r"C:\Users\a\NHS Trust\CMHT - Documents",),
            ),
            r"keeps in sync (C:\Users\a\NHS Trust\CMHT - Documents)",
        ),
        (
            Place(r"C:\Users\a\OneDrive - Leeds Trust\Logs\log.sqlite3", windows=True),
            r"keeps in sync (C:\Users\a\OneDrive - Leeds Trust)",
        ),
        (Place(r"C:\Users\a\OneDrive\log.sqlite3", windows=True), r"keeps in sync (C:\Users\a\OneDrive)"),
        # Linux: local file systems
        (Place("/home/a/.local/share/ddcase/ddcase.sqlite3", windows=False, file_system="ext4"), None),
        (Place("/tmp/log.sqlite3", windows=False, file_system="tmpfs"), None),
        (Place("/media/a/USB/log.sqlite3", windows=False, file_system="fuseblk"), None),
        (Place("/srv/log.sqlite3", windows=False, file_system=None), None),
        # Linux: network and FUSE file systems
        (Place("/home/a/log.sqlite3", windows=False, file_system="nfs4"), "network file system (nfs4)"),
        (Place("/mnt/share/log.sqlite3", windows=False, file_system="cifs"), "network file system (cifs)"),
        (Place("/mnt/share/log.sqlite3", windows=False, file_system="smb3"), "network file system (smb3)"),
        (
            Place("/mnt/s/log.sqlite3", windows=False, file_system="fuse.sshfs"),
            "FUSE file system (fuse.sshfs)",
        ),
        (Place("/run/user/1000/gvfs/x.sqlite3", windows=False, file_system="fuse.gvfsd-fuse"), "FUSE"),
        (Place("/home/a/OneDrive/log.sqlite3", windows=False, file_system="ext4"), "keeps in sync"),
    ],
)
def test_which_places_are_refused_and_why(place: Place, why: str | None) -> None:
    reason = unsafe_place_reason(place)
    if why is None:
        assert reason is None
    else:
        assert reason is not None and why in reason


MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
60 27 0:50 / /home rw,relatime shared:30 - nfs4 server:/export/home rw,vers=4.2
61 60 0:51 / /home/a/Team\040Share rw,relatime - cifs //fs/team rw
62 27 0:52 / /mnt/usb rw - fuseblk /dev/sdb1 rw
63 27 0:53 / /homework rw - ext4 /dev/vdb rw
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/var/lib/x.sqlite3", "ext4"),
        ("/home/a/log.sqlite3", "nfs4"),
        ("/home", "nfs4"),
        ("/home/a/Team Share/log.sqlite3", "cifs"),
        ("/homework/log.sqlite3", "ext4"),  # /home is not a folder of /homework
        ("/mnt/usb/log.sqlite3", "fuseblk"),
        ("/proc/self", "proc"),
    ],
)
def test_the_mount_holding_a_path_is_the_longest_mount_point_containing_it(path: str, kind: str) -> None:
    assert mount_type(MOUNTINFO, path) == kind


def test_a_log_on_this_machines_own_disk_is_allowed(tmp_path: Path) -> None:
    place = location.place_of(tmp_path / "new" / "log.sqlite3")  # need not exist yet
    if sys.platform.startswith("linux"):
        assert place.file_system is not None and not place.windows  # read from mountinfo
    location.refuse_unsafe_place(tmp_path / "new" / "log.sqlite3")


def test_the_message_says_why_and_points_to_the_team_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        location, "place_of", lambda path: Place(str(path), windows=False, file_system="nfs4")
    )
    with pytest.raises(UnsafePlaceError) as raised:
        location.refuse_unsafe_place(tmp_path / "log.sqlite3")
    text = str(raised.value)
    assert "network file system (nfs4)" in text
    assert "docs/team-database.md" in text
    assert "Nothing was changed" in text
