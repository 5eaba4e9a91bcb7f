#!/bin/sh
# Installs the Debian packages weft needs, only those missing, and says which.
set -e
PKGS="build-essential pkg-config clang cppcheck \
libsqlite3-dev libicu-dev libutf8proc-dev libxml2-dev libgmime-3.0-dev \
libpoppler-glib-dev libarchive-dev libmagic-dev libuchardet-dev libigraph-dev \
libmicrohttpd-dev libcjson-dev libxxhash-dev libcmocka-dev iso-codes \
zip file sqlite3 libxml2-utils time"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
