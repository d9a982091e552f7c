#!/usr/bin/env bash
# Puts VERSION into the staged debian/changelog and rpm/cpud.spec, so that
# package.json alone decides the packages' version. When the committed files
# already name it, nothing changes; otherwise a changelog entry is added.
# Usage: scripts/package-version.sh STAGE VERSION
set -euo pipefail
stage="$1"
version="$2"
[[ "$version" =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || {
  echo "package-version: \"$version\" (package.json) is not a Debian/RPM version" >&2
  exit 2
}
who="$(sed -n 's/^ -- \(.*>\)  .*/\1/p' "$stage/debian/changelog" | head -n 1)"

current="$(sed -n '1s/^cpud (\([^)]*\)).*/\1/p' "$stage/debian/changelog")"
if [ "$current" != "$version" ]; then
  {
    printf 'cpud (%s) unstable; urgency=medium\n\n' "$version"
    printf '  * Version %s, from package.json.\n\n' "$version"
    printf ' -- %s  %s\n\n' "$who" "$(date -R)"
    cat "$stage/debian/changelog"
  } > "$stage/debian/changelog.new"
  mv "$stage/debian/changelog.new" "$stage/debian/changelog"
fi

spec="$stage/rpm/cpud.spec"
sed -i "s/^Version:.*/Version:        $version/" "$spec"
if ! grep -q -- "- $version-1\$" "$spec"; then
  day="$(LC_ALL=C date '+%a %b %d %Y')"
  entry="* $day $who - $version-1\n- Version $version, from package.json.\n"
  sed -i "/^%changelog/a $entry" "$spec"
fi
