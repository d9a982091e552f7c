/**
 * A command without a terminal: its stdin a Node pipe, its stdout and
 * stderr real pipes (output-pipe.ts). The command is started with setsid
 * (detached), so its process group is its pid and a vanished client can
 * end all of it.
 */
import { spawn } from 'node:child_process';
import type { Duplex, Writable } from 'node:stream';
import type { HelperCommand } from './helper-command.js';
import { openOutputPipe, type OutputPipe } from './output-pipe.js';
import { signalGroup, type CommandExit, type RunningCommand } from './running-command.js';

export interface PipeChannel extends Duplex {
  stderr: Writable;
}

export function startPipeCommand(
  helper: HelperCommand,
  options: { channel: PipeChannel; env: Record<string, string> },
): RunningCommand {
  const { channel } = options;
  const stdout = openOutputPipe(channel);
  let stderr: OutputPipe;
  try {
    stderr = openOutputPipe(channel.stderr);
  } catch (err) {
    stdout.closeCommandEnd();
    stdout.destroy();
    throw err;
  }
  const outputs = [stdout, stderr];
  let child;
  try {
    child = spawn(helper.file, helper.args, {
      stdio: ['pipe', stdout.commandEnd, stderr.commandEnd],
      detached: true,
      env: options.env,
    });
  } finally {
    // The command has its own copies now (or never will): ours would keep EOF away.
    for (const output of outputs) output.closeCommandEnd();
  }

  const stdin = child.stdin as Writable;
  // The command may exit before reading its input: EPIPE is no one's fault.
  stdin.on('error', () => {});
  channel.pipe(stdin);
  // A client that vanishes while output waits on its SSH window ends the
  // channel under the pipes: the next write would be a write after end,
  // whose 'error' nobody else handles. The session hangs the command up;
  // until it is gone, its output is read and dropped.
  channel.on('error', () => {});
  channel.stderr.on('error', () => {});
  channel.once('close', () => {
    for (const output of outputs) output.drop();
  });

  const exited = new Promise<CommandExit>((resolve) => {
    child.once('error', (err) => {
      for (const output of outputs) output.destroy();
      channel.stderr.write(`cpud: cannot start the command helper: ${err.message}\r\n`);
      resolve({ code: 127 });
    });
    child.once('close', (code, signal) => {
      channel.unpipe(stdin);
      resolve(signal ? { signal } : { code: code ?? 255 });
    });
  });
  // The status goes out after the last byte: wait for EOF on both outputs.
  const finished = Promise.all([exited, stdout.ended, stderr.ended]).then(([exit]) => exit);

  return {
    pid: child.pid ?? -1,
    finished,
    signal: (signal) => signalGroup(child.pid ?? -1, signal),
    resize: () => {},
  };
}
