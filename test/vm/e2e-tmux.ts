/**
 * A tmux server of the test's own (`-L`), so that a terminal with a size
 * the test sets drives `cpu`: tmux resizes its pane and the client must
 * forward each change as a window-change.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { clientEnv } from './e2e-client.js';

export class TestTmux {
  readonly #socket = `cpu-e2e-${process.pid}`;

  static require(): void {
    if (spawnSync('sh', ['-c', 'command -v tmux']).status !== 0) {
      throw new Error('tmux is missing: install the Debian package tmux');
    }
  }

  run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.#socket, ...args], {
      encoding: 'utf8',
      env: clientEnv(),
      cwd: '/',
    });
  }

  /** A detached session of the given size running `command` (sh -c). */
  start(name: string, size: { columns: number; rows: number }, command: string): void {
    this.run(
      'new-session', '-d', '-s', name, '-c', '/',
      '-x', String(size.columns), '-y', String(size.rows), command,
    );
  }

  screen(name: string): string {
    return this.run('capture-pane', '-p', '-J', '-S', '-200', '-t', name);
  }

  type(name: string, line: string): void {
    this.run('send-keys', '-t', name, '-l', line);
    this.run('send-keys', '-t', name, 'Enter');
  }

  resize(name: string, size: { columns: number; rows: number }): void {
    this.run('resize-window', '-t', name, '-x', String(size.columns), '-y', String(size.rows));
  }

  /** Ends the server and every session in it; fine when it is already gone. */
  close(): void {
    spawnSync('tmux', ['-L', this.#socket, 'kill-server'], { stdio: 'ignore' });
  }
}
