/**
 * Attacks from logged-in clients: requests at the wrong time, of unknown
 * names, with absurd values, in absurd numbers. The daemon refuses what it
 * must, answers every request that wants a reply, and the attacker's own
 * next command still runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type ssh2 from 'ssh2';
import { openArena, type Arena } from '../helpers/hostile-arena.js';
import { describeHoldings } from '../helpers/hostile-probe.js';
import {
  beforeNextExec,
  channelRequest,
  globalRequest,
  openChannel,
  sendPayload,
  sshString,
  uint32,
} from '../helpers/hostile-requests.js';
import { collect, connectClient, exec, type ExecOutcome } from '../helpers/ssh2-client.js';

function windowChange(cols: number, rows: number): Buffer {
  return Buffer.concat([uint32(cols), uint32(rows), uint32(cols * 8), uint32(rows * 16)]);
}

async function run(client: ssh2.Client, command: string, options: ssh2.ExecOptions = {}): Promise<ExecOutcome> {
  return collect(await exec(client, command, options));
}

describe('channel and request attacks', () => {
  let arena: Arena;
  let client: ssh2.Client;
  before(async () => {
    arena = await openArena();
    client = await connectClient(arena.daemon);
    client.on('error', () => {});
  });
  after(async () => {
    client.end();
    const { baseline, after: end, runs } = await arena.finish();
    console.log(`channel attacks: ${runs} well-behaved sessions`);
    console.log(`  baseline ${describeHoldings(baseline)}\n  after    ${describeHoldings(end)}`);
  });

  it('refuses unknown global requests and keeps the connection', { timeout: 60_000 }, async () => {
    for (const name of ['keepalive@openssh.com', 'nonsense', 'x'.repeat(30_000)]) {
      assert.equal(await globalRequest(client, name, Buffer.from('junk')), false);
    }
    assert.deepEqual(await run(client, 'echo still'), { stdout: 'still\n', stderr: '', code: 0 });

    // A malformed body is a protocol error: it costs that connection only.
    const broken = await connectClient(arena.daemon);
    broken.on('error', () => {});
    const closed = new Promise<void>((resolve) => broken.once('close', () => resolve()));
    void globalRequest(broken, 'tcpip-forward', Buffer.from([0, 0]));
    await closed;

    // OpenSSH's no-more-sessions: honoured, so that connection opens no session after it.
    const sealed = await connectClient(arena.daemon);
    sealed.on('error', () => {});
    assert.equal(await globalRequest(sealed, 'no-more-sessions@openssh.com'), true);
    await assert.rejects(exec(sealed, 'true'));
    sealed.end();
    await arena.assertServing();
  });

  it('refuses channels of unknown types', { timeout: 60_000 }, async () => {
    const opens: [string, Buffer][] = [
      ['x11', Buffer.concat([sshString('127.0.0.1'), uint32(6000)])],
      ['auth-agent@openssh.com', Buffer.alloc(0)],
      ['direct-streamlocal@openssh.com', Buffer.concat([sshString('/run/x.sock'), sshString(''), uint32(0)])],
      ['forwarded-tcpip', Buffer.concat([sshString('127.0.0.1'), uint32(1), sshString('127.0.0.1'), uint32(2)])],
      ['nonsense', Buffer.from('junk')],
      ['', Buffer.alloc(0)],
    ];
    for (const [type, body] of opens) assert.notEqual(await openChannel(client, type, body), 'opened', type);
    assert.deepEqual(await run(client, 'echo still'), { stdout: 'still\n', stderr: '', code: 0 });

    // A body that does not parse for its type is a protocol error for that connection only.
    const broken = await connectClient(arena.daemon);
    broken.on('error', () => {});
    const closed = new Promise<void>((resolve) => broken.once('close', () => resolve()));
    void openChannel(broken, 'x11', Buffer.from('junk'));
    await closed;
    await arena.assertServing();
  });

  it('refuses unknown and late channel requests on a running command', { timeout: 60_000 }, async () => {
    const channel = await exec(client, 'cat');
    const outcome = collect(channel);
    const refused = [
      { type: 'nonsense', data: Buffer.from('junk') },
      { type: 'x11-req', data: Buffer.concat([Buffer.from([0]), sshString('MIT'), sshString('00'), uint32(0)]) },
      { type: 'auth-agent-req@openssh.com' },
      { type: 'subsystem', data: sshString('sftp') },
      { type: 'exec', data: sshString('echo twice') },
      { type: 'shell' },
      { type: 'env', data: Buffer.concat([sshString('LATE'), sshString('1')]) },
      { type: 'window-change', data: windowChange(100, 40) },
      { type: 'signal', data: sshString('NOSUCHSIGNAL') },
      { type: 'exit-status', data: uint32(0) },
    ];
    // ssh2's server answers no request once the command runs (its accept and
    // reject do nothing then), so these go without want-reply: what matters
    // is that none of them disturbs the command.
    for (const request of refused) channelRequest(client, channel, request);
    channel.end('echoed\n');
    assert.deepEqual(await outcome, { stdout: 'echoed\n', stderr: '', code: 0 });
    await arena.assertServing();
  });

  it('refuses signals and window changes before exec, and data before exec is dropped', { timeout: 60_000 }, async () => {
    const replies: Promise<boolean>[] = [];
    beforeNextExec(client, (channel) => {
      for (const name of ['INT', 'KILL', 'HUP', 'NONSENSE']) {
        replies.push(channelRequest(client, channel, { type: 'signal', data: sshString(name), wantReply: true })!);
      }
      replies.push(channelRequest(client, channel, { type: 'window-change', data: windowChange(80, 24), wantReply: true })!);
      const id = (channel as unknown as { outgoing: { id: number } }).outgoing.id;
      sendPayload(client, Buffer.concat([Buffer.from([94]), uint32(id), sshString('early data\n')]));
    });
    const outcome = await run(client, 'echo fine');
    assert.deepEqual(await Promise.all(replies), [false, false, false, false, false]);
    assert.deepEqual(outcome, { stdout: 'fine\n', stderr: '', code: 0 });
    await arena.assertServing();
  });

  it('takes only sane window sizes, with or without a pty, before and after the command', { timeout: 60_000 }, async () => {
    const replies: Promise<boolean>[] = [];
    beforeNextExec(client, (channel) => {
      for (const [cols, rows] of [[2 ** 32 - 1, 2 ** 32 - 1], [100_000, 5], [5, 100_000], [100, 40]]) {
        replies.push(channelRequest(client, channel, { type: 'window-change', data: windowChange(cols, rows), wantReply: true })!);
      }
    });
    const sized = await run(client, 'stty size', { pty: { rows: 24, cols: 80 } });
    assert.deepEqual(await Promise.all(replies), [false, false, false, true]);
    assert.match(sized.stdout, /^40 100\r?\n$/);
    assert.equal(sized.code, 0);

    // Absurd sizes in the pty request itself.
    await assert.rejects(exec(client, 'true', { pty: { rows: 2 ** 31, cols: 2 ** 31 } }));

    // Without a pty, during and after the command.
    const channel = await exec(client, 'sleep 0.3');
    channelRequest(client, channel, { type: 'window-change', data: windowChange(100, 40) });
    const ended = new Promise<void>((resolve) => channel.once('exit', () => resolve()));
    const outcome = collect(channel);
    await ended;
    channelRequest(client, channel, { type: 'window-change', data: windowChange(100, 40) });
    assert.equal((await outcome).code, 0);

    // With a pty, after the command exited and before the channel closed.
    const tty = await exec(client, 'true', { pty: { rows: 24, cols: 80 } });
    const ttyOutcome = collect(tty);
    tty.once('exit', () => channelRequest(client, tty, { type: 'window-change', data: windowChange(120, 50) }));
    assert.equal((await ttyOutcome).code, 0);
    await arena.assertServing();
  });

  it('takes at most its limit of env requests and still runs the command', { timeout: 60_000 }, async () => {
    const env: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) env[`HOSTILE_${i}`] = `value ${i}`;
    const outcome = await run(client, 'env | grep -c ^HOSTILE_', { env });
    assert.equal(outcome.code, 0);
    assert.ok(Number(outcome.stdout) <= 1024, `the command got ${outcome.stdout.trim()} variables`);

    const odd: Record<string, string> = { 'A=B': 'x', '': 'empty', BIG: 'b'.repeat(33_000), 'NUL\0': 'x' };
    const second = await run(client, 'echo ${BIG:+has-big}; env | grep -c "^A=B"', { env: odd });
    assert.equal(second.stdout, 'has-big\n0\n');
    await arena.assertServing();
  });

  it('runs or refuses very long exec strings, up to what fits in a packet', { timeout: 60_000 }, async () => {
    const word = 'w'.repeat(33_000);
    const long = await run(client, `printf %s '${word}' | wc -c`);
    assert.deepEqual(long, { stdout: '33000\n', stderr: '', code: 0 });
    const words = await run(client, `true${' a'.repeat(16_000)}`);
    assert.equal(words.code, 0);
    const open = await run(client, `echo '${'q'.repeat(33_000)}`);
    assert.equal(open.code, 2);
    assert.match(open.stderr, /unterminated single quote/);
    const nul = await run(client, 'echo a\0b');
    assert.notEqual(nul.code, undefined);
    const quotes = await run(client, `echo ${`'"'"'`.repeat(5000)}`);
    assert.equal(quotes.code, 0);
    await arena.assertServing();
  });

  it('refuses forwards that bind or dial anything but loopback', { timeout: 60_000 }, async () => {
    const attacker = await connectClient(arena.daemon);
    attacker.on('error', () => {});
    const bind = (address: string): Promise<boolean> =>
      new Promise((resolve) => attacker.forwardIn(address, 0, (err) => resolve(!err)));
    for (const address of ['0.0.0.0', '', '::', '10.0.0.1', 'localhost.', '127.1']) {
      assert.equal(await bind(address), false, `bound ${JSON.stringify(address)}`);
    }
    const dial = (host: string): Promise<boolean> =>
      new Promise((resolve) =>
        attacker.forwardOut('127.0.0.1', 1, host, arena.daemon.port, (err, channel) => {
          channel?.destroy();
          resolve(!err);
        }),
      );
    for (const host of ['0.0.0.0', '2130706433', '0x7f.1', '127.1', 'localhost.', '::']) {
      assert.equal(await dial(host), false, `dialled ${JSON.stringify(host)}`);
    }
    const bound = await Promise.all(Array.from({ length: 20 }, () => bind('127.0.0.1')));
    assert.equal(bound.filter(Boolean).length, 16, 'the default -maxForwards is 16');
    attacker.end();
    await arena.assertServing();
  });
});
