#!/usr/bin/env bash
# Builds the .rpm from the staged tree (scripts/package-stage.sh) with
# rpmbuild, puts it in dist-pkg/, and runs rpmlint on it.
# Usage: scripts/package-rpm.sh STAGE
set -euo pipefail
stage="$1"
out="$(cd "$(dirname "$0")/.." && pwd)/dist-pkg"
top="$(dirname "$stage")/rpm"
name="$(basename "$stage")"
rm -rf "$top"
mkdir -p "$top/SOURCES"
tar -C "$(dirname "$stage")" --owner=0 --group=0 -czf "$top/SOURCES/$name.tar.gz" "$name"

# --nodeps: on Debian the rpm database is empty, so no BuildRequires could
# ever be met; the tree is prebuilt anyway.
rpmbuild -bb --nodeps --define "_topdir $top" "$stage/rpm/cpud.spec"
rpm_file="$(find "$top/RPMS" -name 'cpud-*.rpm' | head -n 1)"
mv -f "$rpm_file" "$out/"

echo "package-rpm: rpmlint $out/$(basename "$rpm_file")"
rpmlint -r "$stage/rpm/cpud.rpmlintrc" "$out/$(basename "$rpm_file")"
