#!/bin/sh
# Installs the Debian packages weft needs, only those missing, and says which.
set -e
PKGS="build-essential pkg-config clang cppcheck \
libsqlite3-dev libicu-dev libutf8proc-dev libxml2-dev libgmime-3.0-dev \
libpoppler-glib-dev libarchive-dev libmagic-dev libuchardet-dev libigraph-dev \
libmicrohttpd-dev libcjson-dev libxxhash-dev libcmocka-dev libsodium-dev iso-codes \
zip file sqlite3 libxml2-utils time chromium python3 curl"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# The web UI's JavaScript (cytoscape, built into weft) and the browser test's
# driver (playwright-core), pinned by package-lock.json.  Plain `make` does
# not need them: without them weft serves the UI without its graph view.
cd "$(dirname "$0")/.."
if [ -f package-lock.json ] && [ ! -d node_modules ]; then
	if command -v npm >/dev/null; then
		echo "install-deps: npm ci (web UI dependencies)"
		npm ci --no-audit --no-fund || echo "install-deps: npm ci failed: the graph view and the browser test will be missing" >&2
	else
		echo "install-deps: no npm: the graph view and the browser test will be missing" >&2
	fi
fi
