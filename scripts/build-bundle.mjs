#!/usr/bin/env node
// Bundles the one-connection role (socket activation, inetd) into
// dist/src/bundle/: one Node starts per connection there, and resolving and
// reading ~45 ES modules plus ssh2's ~40 CommonJS files cost about as much
// as Node's own start. A bundle is read and compiled as a few files.
//
// Runs after tsc (it bundles dist/src, not src). The folder sits at the
// same depth as dist/src/session/ on purpose: modules that find files
// relative to import.meta.url (native/, cli/cpud.js) still find them.
// inputs.json records each bundled dist file's mtime and hash, so that
// src/roles/role-bundle.ts can tell a bundle older than its sources
// (someone ran tsc since) and fall back to dist/src.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outdir = join(dist, 'src', 'bundle');
// The one-connection role as one CommonJS file with a V8 code cache
// (src/roles/cached-script.ts), and cpud-main (daemon, init) as ES modules,
// for a smaller daemon: the server-only ssh2 leaves node:http, node:https
// and ssh2's client out.
const sessionEntry = join(dist, 'src', 'roles', 'one-connection.js');
const sessionFile = join(outdir, 'session.cjs');
const mainEntry = join(dist, 'src', 'cli', 'cpud-main.js');

let esbuild;
try {
  // CommonJS resolution, so that NODE_PATH can point at an esbuild elsewhere.
  esbuild = createRequire(import.meta.url)('esbuild');
} catch {
  process.stderr.write('build-bundle: esbuild is not installed (npm install)\n');
  process.exit(1);
}

// ssh2 loads its native crypto binding by a path relative to its own file;
// from the bundle that path must go through node_modules instead.
const sshBinding = {
  name: 'ssh2-binding',
  setup(build) {
    build.onResolve({ filter: /sshcrypto\.node$/ }, () => ({
      path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node',
      external: true,
    }));
  },
};

// `import ssh2 from 'ssh2'` gets the server-side part only (ssh2-server.cjs).
const serverOnly = {
  name: 'ssh2-server-only',
  setup(build) {
    const facade = join(root, 'scripts', 'ssh2-server.cjs');
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: facade }));
  },
};

// ssh2 compiles a WebAssembly Poly1305 when it loads (~4 MB of RSS and a few
// ms), though it uses it only where its native binding is missing. In the
// bundle that happens only then; without the pattern the build stops, so an
// ssh2 update cannot silently drop the change.
const POLY1305_LOAD = "POLY1305_WASM_MODULE = await require('./crypto/poly1305.js')();";
const wasmOnlyWithoutBinding = {
  name: 'ssh2-poly1305-on-demand',
  setup(build) {
    build.onLoad({ filter: /ssh2[\\/]lib[\\/]protocol[\\/]crypto\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(POLY1305_LOAD)) {
        throw new Error(`${args.path}: ssh2 changed, "${POLY1305_LOAD}" not found`);
      }
      const onlyWithout = 'if (ChaChaPolyCipher && ChaChaPolyDecipher) return resolve();';
      const guarded = `${onlyWithout} ${POLY1305_LOAD}`;
      return { contents: text.replace(POLY1305_LOAD, guarded), loader: 'js' };
    });
  },
};

// Each chunk gets CommonJS's names, which ssh2's files use.
const banner = [
  "import { createRequire as __cpudRequire } from 'node:module';",
  "import { fileURLToPath as __cpudPath } from 'node:url';",
  'const require = __cpudRequire(import.meta.url);',
  'const __filename = __cpudPath(import.meta.url);',
  "const __dirname = __cpudPath(new URL('.', import.meta.url));",
].join(' ');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Native addons and packages the roles load only on demand stay outside.
  external: [
    'node-pty',
    'unix-dgram',
    'cpu-features',
    'sd-notify',
    'bonjour-service',
    'multicast-dns',
  ],
  plugins: [serverOnly, sshBinding, wasmOnlyWithoutBinding],
  metafile: true,
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
const session = await esbuild.build({
  ...common,
  entryPoints: [sessionEntry],
  outfile: sessionFile,
  format: 'cjs',
  // vm.Script has no loader for import(): node-pty and the like come
  // through require, still only when first used.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__cpudImportMetaUrl' },
  banner: { js: "var __cpudImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const main = await esbuild.build({
  ...common,
  entryPoints: { main: mainEntry },
  outdir,
  outExtension: { '.js': '.mjs' },
  // Dynamic imports (node-pty at the first pty-req, ...) stay separate
  // chunks, loaded only when used.
  splitting: true,
  format: 'esm',
  banner: { js: banner },
});
if (/\bimport\(/.test(readFileSync(sessionFile, 'utf8'))) {
  throw new Error(`${sessionFile}: an import() is left, which vm.Script cannot run`);
}
const { writeCodeCache } = await import(join(dist, 'src', 'roles', 'cached-script.js'));
const cacheBytes = writeCodeCache(sessionFile, join(outdir, 'session.cache'));

const inputs = {};
const bundled = new Set([
  ...Object.keys(session.metafile.inputs),
  ...Object.keys(main.metafile.inputs),
  // The loader that runs session.cjs, and this file's own inputs to it.
  relative(root, join(dist, 'src', 'roles', 'cached-script.js')),
]);
for (const input of bundled) {
  const file = join(root, input);
  if (!file.startsWith(dist + '/')) continue;
  inputs[relative(dist, file)] = {
    mtimeMs: statSync(file).mtimeMs,
    sha1: createHash('sha1').update(readFileSync(file)).digest('hex'),
  };
}
writeFileSync(join(outdir, 'inputs.json'), `${JSON.stringify({ inputs }, null, 1)}\n`);
const bytes = [session, main]
  .flatMap((r) => Object.values(r.metafile.outputs))
  .reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(
  `build-bundle: ${Object.keys(inputs).length} dist files and their packages -> ` +
    `${relative(root, outdir)} (${Math.round(bytes / 1024)} KB, code cache ` +
    `${Math.round(cacheBytes / 1024)} KB)\n`,
);
