/**
 * The names Go's runtime gives machines (GOARCH, GOOS), which the TXT
 * records carry so that Go clients and ours compare the same words.
 */
import { arch, endianness, platform } from 'node:os';

const ARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  riscv64: 'riscv64',
  s390x: 's390x',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

export function goArch(): string {
  const name = arch();
  // Node calls both byte orders ppc64; Go tells them apart.
  if (name === 'ppc64') return endianness() === 'LE' ? 'ppc64le' : 'ppc64';
  return ARCH[name] ?? name;
}

export function goOs(): string {
  // Node's platform names match GOOS for the systems cpud runs on, except win32.
  const name = platform();
  return name === 'win32' ? 'windows' : name;
}
