/**
 * PROTOCOL.md: the command starts in the client's $PWD. When that folder does
 * not exist on this side, warn once and use the home folder, else `/`.
 */
import { statSync } from 'node:fs';

export interface WorkingDirectory {
  path: string;
  warning?: string;
}

export function chooseWorkingDirectory(pwd: string | undefined, home: string | undefined): WorkingDirectory {
  if (pwd && isDirectory(pwd)) return { path: pwd };
  const fallback = home && isDirectory(home) ? home : '/';
  if (!pwd) return { path: fallback };
  return { path: fallback, warning: `working directory "${pwd}" does not exist here; starting in "${fallback}"` };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
