# Shared by scripts/windows_installer_check.sh and scripts/windows_check.sh (sourced, not run):
# the Debian packages they need, and a throwaway 64-bit Wine prefix.

win_apt_install() {
  # Install only what is missing (as scripts/setup.sh does); quietly skip where apt-get is not
  # ours to use.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}"
    if [ ! -f /tmp/.ddcase-apt-updated ]; then
      apt-get update -qq && touch /tmp/.ddcase-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Please install these system packages first: ${missing[*]}" >&2
    return 1
  fi
}

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
