#!/usr/bin/env bash
# Builds cpud's Node-API addon (native/) with the node-gyp that ships with
# npm, against the headers npm is configured for. Output:
# native/build/Release/cpud_native.node. Needs python3, make and g++.
set -euo pipefail
cd "$(dirname "$0")/.."
gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
if [ ! -f "$gyp" ]; then gyp="$(command -v node-gyp)"; fi
nodedir="${npm_config_nodedir:-$(npm config get nodedir)}"
args=(rebuild --directory native --loglevel warn)
# npm passes its nodedir setting to scripts it runs; a plain shell does not.
if [ -n "$nodedir" ] && [ "$nodedir" != undefined ]; then args+=("--nodedir=$nodedir"); fi
node "$gyp" "${args[@]}"
