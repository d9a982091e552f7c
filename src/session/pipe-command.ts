/**
 * A command without a terminal: real pipes for stdin, stdout and stderr,
 * or socketpairs where the command sees the client's files (both in
 * command-pipes.ts). The command is started with setsid (detached), so its
 * process group is its pid and a vanished client can end all of it.
 */
import { spawn } from 'node:child_process';
import type { Duplex, Writable } from 'node:stream';
import { openInputPipe, openOutputPipe, type InputPipe, type OutputPipe, type PipeKind } from './command-pipes.js';
import type { HelperCommand } from './helper-command.js';
import { signalGroup, type CommandExit, type RunningCommand } from './running-command.js';

export interface PipeChannel extends Duplex {
  stderr: Writable;
}

export function startPipeCommand(
  helper: HelperCommand,
  options: { channel: PipeChannel; env: Record<string, string>; pipeKind?: PipeKind },
): RunningCommand {
  const { channel } = options;
  const { stdin, stdout, stderr } = openPipes(channel, options.pipeKind ?? 'pipe');
  const all = [stdin, stdout, stderr];
  let child;
  try {
    child = spawn(helper.file, helper.args, {
      stdio: [stdin.commandEnd, stdout.commandEnd, stderr.commandEnd],
      detached: true,
      env: options.env,
    });
  } catch (err) {
    // Refused before any process (a NUL byte in an argument, say).
    for (const end of [stdin.writer, stdout, stderr]) end.destroy();
    throw err;
  } finally {
    // The command has its own copies now (or never will): ours would keep EOF away.
    for (const pipe of all) pipe.closeCommandEnd();
  }

  // The command may exit before reading its input: EPIPE is no one's fault.
  stdin.writer.on('error', () => {});
  channel.pipe(stdin.writer);
  // A client that vanishes while output waits on its SSH window ends the
  // channel under the pipes: the next write would be a write after end,
  // whose 'error' nobody else handles. The session hangs the command up;
  // until it is gone, its output is read and dropped.
  channel.on('error', () => {});
  channel.stderr.on('error', () => {});
  channel.once('close', () => {
    stdout.drop();
    stderr.drop();
  });

  const exited = new Promise<CommandExit>((resolve) => {
    child.once('error', (err) => {
      channel.unpipe(stdin.writer);
      for (const end of [stdin.writer, stdout, stderr]) end.destroy();
      channel.stderr.write(`cpud: cannot start the command helper: ${err.message}\r\n`);
      resolve({ code: 127 });
    });
    child.once('exit', (code, signal) => {
      channel.unpipe(stdin.writer);
      stdin.writer.destroy();
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

function openPipes(
  channel: PipeChannel,
  kind: PipeKind,
): { stdin: InputPipe; stdout: OutputPipe; stderr: OutputPipe } {
  const stdin = openInputPipe(kind);
  try {
    const stdout = openOutputPipe(channel, kind);
    try {
      return { stdin, stdout, stderr: openOutputPipe(channel.stderr, kind) };
    } catch (err) {
      stdout.closeCommandEnd();
      stdout.destroy();
      throw err;
    }
  } catch (err) {
    stdin.closeCommandEnd();
    stdin.writer.destroy();
    throw err;
  }
}
