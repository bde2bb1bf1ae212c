#!/usr/bin/env bash
# Steps of .ci/run's .deb checks that need more than one command. Run as root (or with sudo):
#
#   check_deb.sh install DEB     the dependencies (apt-get satisfy), then dpkg -i
#   check_deb.sh file-types      the bundle types are registered and opened by the desktop file
#   check_deb.sh remove          dpkg -r then dpkg -P: the program goes, a user's data stays
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKG=smartcity-desktop

install_deb() {
    local deb=$1
    # dpkg -i installs no dependencies; apt-get satisfy takes the Depends line as it stands
    # (versions and alternatives included).
    $SUDO apt-get satisfy -y -qq --no-install-recommends "$(dpkg-deb -f "$deb" Depends)" >/dev/null
    $SUDO dpkg -i "$deb"
    dpkg -s "$PKG" | grep -q '^Status: install ok installed$'
    for command in smartcity smartcity-desktop; do
        [ "$(readlink -f "/usr/bin/$command")" = "/opt/$PKG/smartcity" ] || {
            echo "/usr/bin/$command does not lead to /opt/$PKG"; return 1; }
    done
}

file_types() {
    # shared-mime-info's trigger compiled the types; desktop-file-utils' trigger listed the app
    # as their handler (what a file manager reads on a double-click).
    local mime=/usr/share/mime
    for type in x-smartcity-bundle x-smartcity-bundle-part; do
        [ -f "$mime/application/$type.xml" ] || { echo "$type not in $mime"; return 1; }
        grep -q "^application/$type=.*$PKG.desktop" /usr/share/applications/mimeinfo.cache || {
            echo "$type has no handler in mimeinfo.cache"; return 1; }
    done
    grep -q 'SCB-PART-1' "$mime/magic" || { echo "the part magic is not in $mime/magic"; return 1; }
    grep -q '\*\.scb$' "$mime/globs2" || { echo "*.scb is not in $mime/globs2"; return 1; }
    # The icon theme knows the app's icon in every size it ships.
    ls /usr/share/icons/hicolor/*/apps/$PKG.* >/dev/null
}

remove_keeps_data() {
    # An office initialised in the default data folder of a user (platformdirs, under $HOME), as
    # the app makes it; its database must be byte for byte the same after removing the package.
    local home
    home=$(mktemp -d)
    env -u XDG_DATA_HOME -u SMARTCITY_DATA_DIR HOME="$home" SMARTCITY_PASSPHRASE=kata-sandi-uji-paket \
        smartcity init --role desa --office 32.16.01.2001 --operator "Uji Paket" >/dev/null
    local database
    database=$(find "$home" -name smartcity.sqlite -print -quit)
    [ -n "$database" ] || { echo "no database was made under $home"; return 1; }
    local before
    before=$(cd "$home" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    $SUDO dpkg -r "$PKG"
    [ ! -e /opt/$PKG ] || { echo "/opt/$PKG is still there after dpkg -r"; return 1; }
    [ ! -e /usr/bin/smartcity ] || { echo "/usr/bin/smartcity is still there"; return 1; }
    # Without conffiles dpkg -r already forgets the package; purge whatever it kept.
    if dpkg -s "$PKG" >/dev/null 2>&1; then $SUDO dpkg -P "$PKG"; fi
    ! dpkg -s "$PKG" >/dev/null 2>&1 || { echo "$PKG is still known to dpkg"; return 1; }
    local after
    after=$(cd "$home" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    [ "$before" = "$after" ] || { echo "the user's data changed:"; diff <(echo "$before") <(echo "$after"); return 1; }
    echo "user data untouched: $database"
    rm -rf "$home"
}

case "${1:-}" in
    install) install_deb "$2" ;;
    file-types) file_types ;;
    remove) remove_keeps_data ;;
    *) echo "usage: $0 install DEB | file-types | remove" >&2; exit 2 ;;
esac
