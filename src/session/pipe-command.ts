/**
 * A command without a terminal: three pipes. The helper is started with
 * setsid (detached), so the command's process group is the helper's pid and
 * a vanished client can end all of it.
 */
import { spawn } from 'node:child_process';
import type { Duplex, Writable } from 'node:stream';
import type { HelperCommand } from './helper-command.js';
import { signalGroup, type CommandExit, type RunningCommand } from './running-command.js';

export interface PipeChannel extends Duplex {
  stderr: Writable;
}

export function startPipeCommand(
  helper: HelperCommand,
  options: { channel: PipeChannel; env: Record<string, string> },
): RunningCommand {
  const { channel } = options;
  const child = spawn(helper.file, helper.args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: options.env,
  });

  // The command may exit before reading its input: EPIPE is no one's fault.
  child.stdin.on('error', () => {});
  channel.pipe(child.stdin);
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(channel.stderr, { end: false });
  // A client that vanishes while output waits on its SSH window ends the
  // channel under the pipes: the next write would be a write after end,
  // whose 'error' nobody else handles. The session hangs the command up;
  // until it is gone, its output is read and dropped.
  channel.on('error', () => {});
  channel.stderr.on('error', () => {});
  channel.once('close', () => {
    child.stdout.unpipe(channel);
    child.stderr.unpipe(channel.stderr);
    child.stdout.resume();
    child.stderr.resume();
  });

  const finished = new Promise<CommandExit>((resolve) => {
    child.once('error', (err) => {
      channel.stderr.write(`cpud: cannot start the command helper: ${err.message}\r\n`);
      resolve({ code: 127 });
    });
    child.once('close', (code, signal) => {
      channel.unpipe(child.stdin);
      resolve(signal ? { signal } : { code: code ?? 255 });
    });
  });

  return {
    pid: child.pid ?? -1,
    finished,
    signal: (signal) => signalGroup(child.pid ?? -1, signal),
    resize: () => {},
  };
}
