import { readFileSync } from 'node:fs';

/** `PROGRAM VERSION (node vX)`, the version being package.json's, shipped beside dist/. */
export function versionLine(program: string): string {
  const manifest = new URL('../../../package.json', import.meta.url);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return `${program} ${version} (node ${process.version})\n`;
}
