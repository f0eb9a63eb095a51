#!/usr/bin/env bash
# Builds the Windows installer (packaging/windows/ddcase.nsi) with makensis and tries it under Wine
# in a throwaway WINEPREFIX, silently, as IT would: an install over an earlier Inno Setup install
# (found by its uninstall key, upgraded in place), the files, the Start-menu shortcut and the
# uninstall entry; an upgrade; a silent uninstall that keeps the user's data; /PURGE that does not;
# and /ALLUSERS into Program Files. Prints one line per check and "installer: N passed, N failed".
#
# Usage: bash scripts/windows_installer_check.sh [BUNDLE_DIR]
#   BUNDLE_DIR: the one-folder Windows app to install (dist/ddcase from PyInstaller on Windows).
#   Without it, a stand-in bundle is made: two small programs built with mingw-w64 from
#   packaging/windows/stubs/standin.c that print the version, and a file in _internal\.
# Needs (Debian): nsis, wine, wine64, mingw-w64 (installed here when run as root).
set -euo pipefail
exec </dev/null  # Wine's programs read nothing; a closed or terminal stdin upsets some
cd "$(dirname "$0")/.."
root=$PWD
started=$SECONDS

# shellcheck source=scripts/windows_common.sh
. scripts/windows_common.sh
apt_install nsis wine wine64 mingw-w64

version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' src/ddcase/__init__.py)
work=$root/build/win-installer
rm -rf "$work"
mkdir -p "$work"

make_standin() {  # make_standin DIR VERSION
  mkdir -p "$1/_internal"
  x86_64-w64-mingw32-gcc -O2 -s -DDDCASE_VERSION="\"$2\"" -o "$1/ddcase.exe" \
    packaging/windows/stubs/standin.c
  cp "$1/ddcase.exe" "$1/ddcase-cli.exe"
  echo "ddcase $2" >"$1/_internal/VERSION.txt"
}

build_installer() {  # build_installer BUNDLE VERSION OUTDIR
  mkdir -p "$3"
  if ! makensis -V2 -DVERSION="$2" -DBUNDLE_DIR="$1" -DOUT_DIR="$3" \
      packaging/windows/ddcase.nsi >"$3/makensis.log" 2>&1; then
    cat "$3/makensis.log" >&2
    echo "windows_installer_check: makensis failed" >&2
    exit 1
  fi
}

bundle=${1:-}
next=0.0.0
if [ -z "$bundle" ]; then
  bundle=$work/bundle
  make_standin "$bundle" "$version"
fi
bundle=$(cd "$bundle" && pwd)
build_installer "$bundle" "$version" "$work/out"
setup=$work/out/ddcase-$version-setup.exe
# A later version, to try an upgrade in place.
make_standin "$work/bundle-next" 99.0.0
build_installer "$work/bundle-next" 99.0.0 "$work/out-next"
setup_next=$work/out-next/ddcase-99.0.0-setup.exe
echo "Built $(basename "$setup") ($(du -k "$setup" | cut -f1) KB) in $((SECONDS - started)) s"

win_prefix "$work/prefix"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\{E7D5322A-0F08-4E0D-8A2D-98F9EA1F9143}_is1'
hklm_key=${key/HKCU/HKLM}
local_win=$(win_env LOCALAPPDATA)
local_unix=$(winepath -u "$local_win")
start_menu=$(winepath -u "$(win_env APPDATA)")/Microsoft/Windows/Start\ Menu/Programs
progfiles=$(winepath -u "$(win_env ProgramW6432)")

passed=0
failed=0
check() {  # check "what" command...
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then
    passed=$((passed + 1))
    echo "PASS  $what"
  else
    failed=$((failed + 1))
    echo "FAIL  $what"
  fi
}
reg_value() {  # reg_value KEY NAME: the value's data, or nothing
  wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v n="$2" '$1 == n {sub(/^ *[^ ]+ +[^ ]+ +/, ""); print}'
}
reg_is() { [ "$(reg_value "$1" "$2")" = "$3" ]; }
no_key() { ! wine reg query "$1" >/dev/null 2>&1; }
run_silently() { wine "$@" >/dev/null 2>&1; wineserver -w; }  # the uninstaller re-runs from %TEMP%
cli_says() { wine "$1" --version 2>/dev/null | tr -d '\r' | grep -q "^ddcase $2"; }

# 1. An earlier install by the Inno Setup installer, in a folder of its own: found by its key.
inno_win="$local_win\\Programs\\ddcase-inno"
inno_unix=$(winepath -u "$inno_win")
mkdir -p "$inno_unix/_internal"
touch "$inno_unix/unins000.exe" "$inno_unix/unins000.dat" "$inno_unix/_internal/old-library.dll"
wine reg add "$key" /v InstallLocation /d "$inno_win\\" /f >/dev/null 2>&1
wine reg add "$key" /v "Inno Setup: App Path" /d "$inno_win" /f >/dev/null 2>&1
run_silently "$setup" /S
check "install over the Inno Setup one goes to its folder" test -f "$inno_unix/ddcase.exe"
check "installed ddcase-cli.exe runs and says $version" cli_says "$inno_unix/ddcase-cli.exe" "$version"
check "the bundle's _internal files are installed" test -f "$inno_unix/_internal/VERSION.txt"
check "the old version's libraries are gone" test ! -e "$inno_unix/_internal/old-library.dll"
check "the Inno Setup uninstaller is replaced" test ! -e "$inno_unix/unins000.exe" -a -f "$inno_unix/uninstall.exe"
check "the uninstall entry has no Inno Setup leftovers" test -z "$(reg_value "$key" "Inno Setup: App Path")"
check "the uninstall entry names the version" reg_is "$key" DisplayVersion "$version"
check "the uninstall entry points at the uninstaller" reg_is "$key" UninstallString "\"$inno_win\\uninstall.exe\""
check "the Start-menu shortcut is there" test -f "$start_menu/ddcase.lnk"
run_silently "$inno_unix/uninstall.exe" /S
check "uninstall removes the Inno-era folder" test ! -e "$inno_unix"

# 2. A fresh per-user install, an upgrade in place, and a silent uninstall that keeps the data.
app_win="$local_win\\Programs\\ddcase"
app_unix=$(winepath -u "$app_win")
run_silently "$setup" /S
check "per-user install goes to %LOCALAPPDATA%\\Programs\\ddcase" test -f "$app_unix/ddcase.exe" -a -f "$app_unix/ddcase-cli.exe"
check "the uninstall entry is in HKCU, with the folder" reg_is "$key" InstallLocation "$app_win"
check "nothing is written to HKLM" no_key "$hklm_key"
check "nothing is written to Program Files" test ! -e "$progfiles/ddcase"
mkdir -p "$local_unix/ddcase/backups"
echo "the case log" >"$local_unix/ddcase/ddcase.sqlite3"
echo "a backup" >"$local_unix/ddcase/backups/ddcase-backup.sqlite3"
run_silently "$setup_next" /S
check "an upgrade replaces the program in place" cli_says "$app_unix/ddcase-cli.exe" 99.0.0
check "an upgrade updates the uninstall entry" reg_is "$key" DisplayVersion 99.0.0
check "an upgrade keeps the user's data" test -f "$local_unix/ddcase/ddcase.sqlite3"
run_silently "$app_unix/uninstall.exe" /S
check "silent uninstall removes the program folder" test ! -e "$app_unix"
check "silent uninstall removes the shortcut" test ! -e "$start_menu/ddcase.lnk"
check "silent uninstall removes the uninstall entry" no_key "$key"
check "silent uninstall keeps the case log" test -f "$local_unix/ddcase/ddcase.sqlite3"
check "silent uninstall keeps the backups" test -f "$local_unix/ddcase/backups/ddcase-backup.sqlite3"

# 3. /PURGE deletes the data too.
run_silently "$setup" /S
run_silently "$app_unix/uninstall.exe" /S /PURGE
check "uninstall /PURGE deletes the data folder" test ! -e "$local_unix/ddcase"
check "uninstall /PURGE removes the program folder" test ! -e "$app_unix"

# 4. /ALLUSERS (IT, elevated; Wine's user is an administrator).
run_silently "$setup" /S /ALLUSERS
check "/ALLUSERS installs to Program Files" test -f "$progfiles/ddcase/ddcase.exe"
check "/ALLUSERS writes the uninstall entry to HKLM" reg_is "$hklm_key" InstallLocation "$(win_env ProgramW6432)\\ddcase"
check "/ALLUSERS writes nothing to HKCU" no_key "$key"
run_silently "$progfiles/ddcase/uninstall.exe" /S
check "/ALLUSERS uninstall removes the folder and the entry" eval "test ! -e '$progfiles/ddcase' && no_key '$hklm_key'"

win_prefix_done
echo "windows_installer_check: $((SECONDS - started)) s"
echo "installer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
