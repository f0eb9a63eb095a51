#!/usr/bin/env bash
# Installs the built one-folder app for the current user only (no root): the program in
# ~/.local/lib/ddcase, the command ~/.local/bin/ddcase, the menu entry and the icons.
# Usage: bash packaging/linux/install.sh [BUNDLE_FOLDER]      (default dist/ddcase)
#        bash packaging/linux/install.sh --uninstall          (your data folder is kept)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
lib=$HOME/.local/lib/ddcase
bin=$HOME/.local/bin
apps=$data_home/applications
icons=$data_home/icons/hicolor

if [ "${1:-}" = --uninstall ]; then
  rm -rf "$lib" "$bin/ddcase" "$apps/ddcase.desktop"
  rm -f "$icons"/*/apps/ddcase.png "$icons/scalable/apps/ddcase.svg"
  echo "ddcase removed. Your data folder ($data_home/ddcase) was kept."
  exit 0
fi

bundle=$(cd "${1:-$root/dist/ddcase}" && pwd)
[ -x "$bundle/ddcase" ] || { echo "No built program in $bundle (run scripts/build_bundle.sh)" >&2; exit 1; }
mkdir -p "$(dirname "$lib")" "$bin" "$apps" "$icons/scalable/apps"
rm -rf "$lib.new"
cp -a "$bundle" "$lib.new"
rm -rf "$lib"
mv "$lib.new" "$lib"
ln -sfn "$lib/ddcase" "$bin/ddcase"
# The menu entry names the program by its full path: ~/.local/bin is not on every desktop's PATH.
sed -e "s|^Exec=ddcase|Exec=$lib/ddcase|" -e "s|^TryExec=ddcase|TryExec=$lib/ddcase|" \
  "$here/ddcase.desktop" >"$apps/ddcase.desktop"
for png in "$root"/resources/icons/ddcase-*.png; do
  size=$(basename "$png" .png | cut -d- -f2)
  mkdir -p "$icons/${size}x${size}/apps"
  cp "$png" "$icons/${size}x${size}/apps/ddcase.png"
done
cp "$root/resources/icons/ddcase.svg" "$icons/scalable/apps/ddcase.svg"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
echo "ddcase installed in $lib; run it from your applications menu or as $bin/ddcase."
