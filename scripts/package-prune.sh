#!/usr/bin/env bash
# Removes from a production node_modules what only building needs, and what
# would be wrong in a Linux package: node-gyp intermediates, C/C++ sources
# and headers, header-only build dependencies, other platforms' prebuilt
# binaries, and the node_gyp_bins symlink to python3. Keeps every package's
# JavaScript, package.json, licence, and the compiled build/Release/*.node.
# Usage: scripts/package-prune.sh DIR/node_modules
set -euo pipefail
modules="$1"
[ -d "$modules" ] || { echo "package-prune: no such folder \"$modules\"" >&2; exit 2; }
cd "$modules"

# Header-only or install-time helpers: nothing requires them at run time.
rm -rf nan node-addon-api buildcheck node-pty/node-addon-api node-pty/node_modules/node-addon-api
# node-pty: Windows and macOS prebuilds, winpty and conpty sources.
rm -rf node-pty/prebuilds node-pty/deps node-pty/third_party node-pty/src node-pty/scripts
rm -rf cpu-features/deps cpu-features/src ssh2/lib/protocol/crypto/src
rm -rf unix-dgram/src sd-notify/src
# Command-line tools of libraries (a #! script made 0644 below): cpud never
# runs them, and rpmlint rightly calls a non-executable script an error.
rm -f multicast-dns/cli.js

# node-gyp leaves objects, makefiles and a python3 symlink next to the addon.
find . -type d \( -name obj.target -o -name .deps -o -name node_gyp_bins \) -prune -exec rm -rf {} +
find . -path '*/build/*' -type f ! -name '*.node' -delete
find . -type f \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' \
  -o -name '*.gyp' -o -name '*.gypi' -o -name '*.map' -o -name '*.ts' -o -name '*.tsbuildinfo' \) \
  -delete
# Documentation other than licences: cpud's own is in /usr/share/doc/cpud.
find . -type f \( -iname '*.md' -o -iname '*.markdown' \) ! -iname 'licen[cs]e*' -delete
find . -type d \( -name test -o -name tests -o -name examples -o -name example \
  -o -name .github -o -name typings \) -prune -exec rm -rf {} +
find . -name '.*' ! -name '.' -prune -exec rm -rf {} +
find . -type d -empty -delete

# Plain files: read-only data for root; the addons are loaded, never executed.
find . -type f -exec chmod 0644 {} +
find . -type d -exec chmod 0755 {} +
