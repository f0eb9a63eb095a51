# Shared by scripts/windows_installer_check.sh and scripts/windows_check.sh (sourced, not run):
# the Debian packages they need (apt_install, from scripts/apt_install.sh), and a throwaway
# 64-bit Wine prefix.

# shellcheck source=scripts/apt_install.sh
. scripts/apt_install.sh

win_prefix() {  # win_prefix DIR: a new, empty 64-bit Wine prefix in DIR, ready to use
  rm -rf "$1"
  mkdir -p "$1"
  export WINEPREFIX=$1 WINEARCH=win64 WINEDEBUG=-all
  # No Mono or Gecko (nothing here needs .NET or a browser engine; they would be downloaded).
  export WINEDLLOVERRIDES="mscoree,mshtml="
  # No X display is needed for console programs and silent installers.
  unset DISPLAY
  wineboot -i >/dev/null 2>&1
  wineserver -w
}

win_env() {  # win_env NAME: a Windows environment variable as Wine sets it
  wine cmd /c "echo %$1%" 2>/dev/null | tr -d '\r'
}

win_prefix_done() {  # stop the prefix's Wine processes and delete it (KEEP_WINEPREFIX=1 keeps it)
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
  if [ "${KEEP_WINEPREFIX:-0}" != 1 ]; then
    rm -rf "$WINEPREFIX"
  fi
}
