#!/usr/bin/env bash
# npm run package: builds dist-pkg/cpud_<version>_<arch>.deb (dpkg-buildpackage,
# debhelper) and dist-pkg/cpud-<version>-1.<arch>.rpm (rpmbuild), version
# from package.json, then checks them with lintian and rpmlint: errors fail
# the build; warnings must be overridden, with a reason, in
# debian/cpud.lintian-overrides and rpm/cpud.rpmlintrc.
# Debian packages needed: dpkg-dev debhelper fakeroot lintian rpm rpmlint,
# and for the stage: nodejs (>= 20) npm python3 make g++.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(node -p "require('./package.json').version")"
stage="$PWD/dist-pkg/build/cpud-$version"

for tool in dpkg-buildpackage dh rpmbuild lintian rpmlint; do
  command -v "$tool" >/dev/null || {
    echo "package: \"$tool\" is missing: apt-get install dpkg-dev debhelper rpm lintian rpmlint" >&2
    exit 1
  }
done

bash scripts/package-stage.sh
bash scripts/package-deb.sh "$stage"
bash scripts/package-rpm.sh "$stage"
ls -l dist-pkg/*.deb dist-pkg/*.rpm
