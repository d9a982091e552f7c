#!/usr/bin/env bash
# Makes the prebuilt tree both packages are built from:
#   dist-pkg/build/cpud-<version>/
# It holds the compiled JavaScript (dist/src only: dist/test and dist/bench
# are never shipped), the production node_modules with every native addon
# recompiled here for this machine's architecture, cpud's own addon, the
# launchers, units, init script, inetd example, man pages, and copies of
# debian/ and rpm/. dpkg-buildpackage runs inside it; rpmbuild takes it as a
# tarball. Building Node code once, here, keeps the two packages identical
# and lets both build without network (as sbuild and mock require).
# Needs: node 20, npm, python3, make, g++ (node-gyp), the Node headers npm's
# nodedir points at (NodeSource's nodejs ships them in /usr/include/node).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
version="$(node -p "require('./package.json').version")"
stage="$root/dist-pkg/build/cpud-$version"

step() { printf 'package-stage: %s\n' "$*"; }

# Debian's hardening flags (bindnow, fortify, stack protector) for every addon
# node-gyp compiles below; node-gyp's makefiles read them from the environment.
if command -v dpkg-buildflags >/dev/null; then eval "$(dpkg-buildflags --export=sh)"; fi

step "compiling TypeScript"
npx tsc -p tsconfig.json
step "building native/ (cpud-exec, which starts every command, and the init role's addon)"
bash scripts/build-native.sh
step "bundling the roles (dist/src/bundle)"
node scripts/build-bundle.mjs

rm -rf "$stage"
mkdir -p "$stage/dist" "$stage/native/build/Release" "$stage/launchers"

step "staging $stage"
cp package.json package-lock.json README.md "$stage/"
cp -a dist/src "$stage/dist/src"
find "$stage/dist" -name '*.map' -delete
cp native/build/Release/cpud_native.node native/build/Release/cpud-exec "$stage/native/build/Release/"
mkdir -p "$stage/bin"
cp bin/cpud "$stage/bin/"
# The client's launcher is being written: pick it up once it exists.
if [ -e bin/cpu ]; then cp bin/cpu "$stage/bin/"; fi
# Installed, they run under the packaged node, never one found through PATH.
sed -i '1s|^#!.*node.*$|#!/usr/bin/node|' "$stage"/bin/*
cp -a units inetd init.d man debian rpm "$stage/"

step "production node_modules (prune, then rebuild the addons for $(uname -m))"
cp -a node_modules "$stage/node_modules"
(
  cd "$stage"
  npm prune --omit=dev --no-audit --no-fund --loglevel=error
  # Recompile every addon from its sources for this architecture, offline:
  # node-gyp uses the local headers (npm's nodedir), never a download.
  npm rebuild --loglevel=error
)
bash scripts/package-prune.sh "$stage/node_modules"
rm -f "$stage/package-lock.json"

step "version $version from package.json"
# debian/changelog and rpm/cpud.spec name the version too; the staged copies
# get package.json's, with an entry saying so if the files lag behind.
bash scripts/package-version.sh "$stage" "$version"

step "launchers"
# exec, so that node keeps the pid systemd put in LISTEN_PID (sd_listen_fds(3)).
for cmd in cpud cpu; do
  [ -e "$stage/bin/$cmd" ] || continue
  printf '#!/bin/sh\n# %s: run by Node.js from /usr/lib/cpud.\n%s\n' "$cmd" \
    "exec /usr/bin/node /usr/lib/cpud/bin/$cmd \"\$@\"" > "$stage/launchers/$cmd"
  chmod 0755 "$stage/launchers/$cmd"
done

step "done: $stage"
