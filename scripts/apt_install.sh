# Sourced, not run, by scripts/setup.sh and scripts/windows_common.sh: the one way ddcase's
# scripts install Debian or Ubuntu packages.
#
# apt_install PKG...: install only what is missing (as root, where apt-get is there; apt-get
# update at most once per boot). Where apt-get is not ours to use it says what to install and
# returns 1, so a caller that cannot go on without the packages stops (set -e), and one that can
# writes `apt_install ... || true`.

apt_install() {
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
