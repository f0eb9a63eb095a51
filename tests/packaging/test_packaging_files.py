"""The packaging files kept in git: icons of the right sizes, a valid desktop entry, the Windows
version resource template, the changelog's version, and what the About box reads."""

from __future__ import annotations

import ast
import re
import shutil
import string
import struct
import subprocess
from pathlib import Path

import pytest

from ddcase import __copyright__, __licence__, __version__
from ddcase.paths import data_dir, licence_text, log_dir, resources_dir

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_each_png_icon_has_its_size(size):
    assert png_size(ICONS / f"ddcase-{size}.png") == (size, size)


def test_the_ico_holds_every_windows_size_up_to_256():
    data = (ICONS / "ddcase.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}  # a width of 0 means 256
    assert sizes == {16, 24, 32, 48, 64, 128, 256}


def test_the_icns_is_a_whole_icns_file():
    data = (ICONS / "ddcase.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)


def test_the_resources_folder_is_found_with_the_icons():
    assert (resources_dir() / "icons" / "ddcase.svg").is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_the_linux_desktop_entry_is_valid():
    result = subprocess.run(
        ["desktop-file-validate", str(ROOT / "packaging" / "linux" / "ddcase.desktop")],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_windows_version_resource_template_fills_in_as_one_call():
    template = string.Template(
        (ROOT / "packaging" / "windows" / "version_info.txt.in").read_text(encoding="utf-8")
    )
    text = template.substitute(version="1.2.3", version_tuple=(1, 2, 3, 0))
    call = ast.parse(text, mode="eval").body
    assert isinstance(call, ast.Call) and call.func.id == "VSVersionInfo"
    assert "filevers=(1, 2, 3, 0)" in text and "'ProductVersion', '1.2.3'" in text


def test_the_changelog_has_a_section_for_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\]", changelog, re.M)


def test_the_about_box_can_read_the_version_licence_and_folders():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert __licence__ == "MIT" and "ddcase developers" in __copyright__
    assert licence_text().startswith("MIT License")
    assert data_dir().name == "ddcase" and log_dir().is_absolute()


def test_the_package_and_pyproject_give_the_same_version():
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == __version__


WINDOWS = ROOT / "packaging" / "windows"
# The Inno Setup installer's AppId (0.1.0): its uninstall key is how an earlier install is found.
INNO_UNINSTALL_KEY = (
    r"Software\Microsoft\Windows\CurrentVersion\Uninstall\{E7D5322A-0F08-4E0D-8A2D-98F9EA1F9143}_is1"
)


def test_the_windows_installer_is_per_user_64_bit_and_finds_the_earlier_install():
    script = (WINDOWS / "ddcase.nsi").read_text(encoding="utf-8")
    assert not (WINDOWS / "ddcase.iss").exists()
    assert re.search(r"^RequestExecutionLevel user$", script, re.M)
    assert re.search(r"^Target amd64-unicode$", script, re.M)
    assert re.search(r'^InstallDir "\$LOCALAPPDATA\\Programs\\\$\{APPNAME\}"$', script, re.M)
    assert f'!define UNINST_KEY "{INNO_UNINSTALL_KEY}"' in script
    assert 'ReadRegStr $1 SHCTX "${UNINST_KEY}" "InstallLocation"' in script


@pytest.mark.skipif(shutil.which("makensis") is None, reason="nsis not installed")
def test_the_windows_installer_builds_with_the_version(tmp_path):
    bundle = tmp_path / "ddcase"
    (bundle / "_internal").mkdir(parents=True)
    for name in ("ddcase.exe", "ddcase-cli.exe", "_internal/python311.dll"):
        (bundle / name).write_bytes(b"MZ stand-in")
    result = subprocess.run(
        [
            "makensis",
            "-V2",
            "-DVERSION=1.2.3",
            f"-DBUNDLE_DIR={bundle}",
            f"-DOUT_DIR={tmp_path}",
            str(WINDOWS / "ddcase.nsi"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    setup = (tmp_path / "ddcase-1.2.3-setup.exe").read_bytes()
    assert setup[:2] == b"MZ"
    assert "1.2.3".encode("utf-16-le") in setup  # the version resource (Properties > Details)
