/**
 * Runs a CommonJS file with V8's code cache. Compiling the one-connection
 * bundle (~800 KB) was the largest single cost left in that role's start
 * (about a tenth of it), and Node 20 has a code cache for neither ES
 * modules nor require() (module.enableCompileCache came in Node 22), so the
 * bundle is a CommonJS file run through vm.Script with `cachedData` that
 * the build wrote (scripts/build-bundle.mjs calls writeCodeCache).
 *
 * A cache from another V8 (a Node upgrade after the build) or for other
 * source is rejected by V8 and the file is compiled as usual: the cache can
 * make the start slower by nothing but the read of the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

type Wrapped = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;

export interface CachedScriptResult {
  exports: unknown;
  /** False when V8 refused the cache or there was none. */
  cacheUsed: boolean;
  script: Script;
}

export function runCachedScript(file: string, cacheFile: string): CachedScriptResult {
  const source = readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }

  // Node's own CommonJS wrapper, so that the file runs as require() would run it.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, cachedData },
  );
  const module = { exports: {} };
  const wrapped = script.runInThisContext() as Wrapped;
  wrapped.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));

  return {
    exports: module.exports,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    script,
  };
}

/**
 * Runs `file` once (its top level only: modules do no work at import) and
 * writes the code V8 compiled on the way to `cacheFile`.
 */
export function writeCodeCache(file: string, cacheFile: string): number {
  const { script } = runCachedScript(file, '/dev/null/none');
  const data = script.createCachedData();
  writeFileSync(cacheFile, data);
  return data.length;
}
