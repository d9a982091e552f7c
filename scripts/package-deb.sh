#!/usr/bin/env bash
# Builds the .deb from the staged tree (scripts/package-stage.sh) with
# dpkg-buildpackage, puts it in dist-pkg/, and runs lintian on it.
# Usage: scripts/package-deb.sh STAGE
set -euo pipefail
stage="$1"
out="$(cd "$(dirname "$0")/.." && pwd)/dist-pkg"
arch="$(dpkg-architecture -qDEB_HOST_ARCH)"
version="$(sed -n '1s/^cpud (\([^)]*\)).*/\1/p' "$stage/debian/changelog")"
deb="cpud_${version}_${arch}.deb"

# -b: binary only (the source is this repository, not a Debian source
# package), unsigned.
(cd "$stage" && dpkg-buildpackage -us -uc -b)
mv -f "$stage/../$deb" "$out/$deb"
rm -f "$stage"/../cpud_"${version}"_"${arch}".{buildinfo,changes} "$stage"/../cpud-dbgsym_*.*deb

echo "package-deb: lintian $out/$deb"
lintian --fail-on error --tag-display-limit 0 "$out/$deb"
