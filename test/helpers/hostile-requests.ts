/**
 * Messages no polite client sends, through an authenticated ssh2 client:
 * channel and global requests of any name and body, channel opens of any
 * type, and requests slipped in before `exec`. These reach into ssh2's
 * internals (its packet writer and reply queues) on purpose: the public
 * API only builds well-formed conversations.
 */
import { createRequire } from 'node:module';
import type ssh2 from 'ssh2';

const require = createRequire(import.meta.url);
const { sendPacket } = require('ssh2/lib/protocol/utils.js') as {
  sendPacket: (proto: unknown, packet: Buffer) => void;
};

interface Proto {
  _packetRW: { write: { allocStart: number; alloc(n: number): Buffer; finalize(p: Buffer): Buffer } };
  exec(chan: number, cmd: string, wantReply: boolean): void;
}

interface Internals {
  _protocol: Proto;
  _callbacks: ((failed: boolean) => void)[];
  _chanMgr: { add(cb: unknown): number; get(id: number): unknown };
}

interface ChannelInternals {
  outgoing: { id: number };
  _callbacks: ((failed: boolean) => void)[];
}

const MSG_GLOBAL_REQUEST = 80;
const MSG_CHANNEL_OPEN = 90;
const MSG_CHANNEL_REQUEST = 98;

export function sshString(value: string | Buffer): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value) : value;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}

export function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b;
}

function internals(client: ssh2.Client): Internals {
  return client as unknown as Internals;
}

/** Sends one payload as an SSH packet, encrypted like any other. */
export function sendPayload(client: ssh2.Client, payload: Buffer): void {
  const proto = internals(client)._protocol;
  const writer = proto._packetRW.write;
  const at = writer.allocStart;
  const packet = writer.alloc(payload.length);
  packet.set(payload, at);
  sendPacket(proto, writer.finalize(packet));
}

/** A channel request; with `wantReply` resolves true on success, false on failure. */
export function channelRequest(
  client: ssh2.Client,
  channel: ssh2.Channel,
  options: { type: string; data?: Buffer; wantReply?: boolean },
): Promise<boolean> | undefined {
  const chan = channel as unknown as ChannelInternals;
  const wantReply = options.wantReply ?? false;
  const payload = Buffer.concat([
    Buffer.from([MSG_CHANNEL_REQUEST]),
    uint32(chan.outgoing.id),
    sshString(options.type),
    Buffer.from([wantReply ? 1 : 0]),
    options.data ?? Buffer.alloc(0),
  ]);
  let reply: Promise<boolean> | undefined;
  if (wantReply) {
    reply = new Promise((resolve) => {
      chan._callbacks.push((failed) => resolve(!failed));
    });
  }
  sendPayload(client, payload);
  return reply;
}

/** A global request (RFC 4254 4); resolves true on success, false on failure. */
export function globalRequest(client: ssh2.Client, name: string, data: Buffer = Buffer.alloc(0)): Promise<boolean> {
  const reply = new Promise<boolean>((resolve) => {
    internals(client)._callbacks.push((failed) => resolve(!failed));
  });
  sendPayload(client, Buffer.concat([Buffer.from([MSG_GLOBAL_REQUEST]), sshString(name), Buffer.from([1]), data]));
  return reply;
}

/** Opens a channel of any type; resolves with the open failure's message, or 'opened'. */
export function openChannel(client: ssh2.Client, type: string, extra: Buffer = Buffer.alloc(0)): Promise<string> {
  return new Promise((resolve) => {
    const local = internals(client)._chanMgr.add((err: Error | undefined, channel?: ssh2.Channel) => {
      if (err) return resolve(err.message);
      channel?.close();
      resolve('opened');
    });
    sendPayload(
      client,
      Buffer.concat([Buffer.from([MSG_CHANNEL_OPEN]), sshString(type), uint32(local), uint32(2 ** 21), uint32(32768), extra]),
    );
  });
}

/**
 * Runs `before` with the session channel just before ssh2 sends its `exec`:
 * requests sent there reach the daemon between channel open and exec, and
 * their replies are queued ahead of the exec's own.
 */
export function beforeNextExec(client: ssh2.Client, before: (channel: ssh2.Channel) => void): void {
  const inner = internals(client);
  const proto = inner._protocol;
  const original = proto.exec;
  proto.exec = function (chan: number, cmd: string, wantReply: boolean): void {
    proto.exec = original;
    const channels = (inner._chanMgr as unknown as { _channels: Record<number, unknown> })._channels;
    const channel = Object.values(channels).find(
      (c) => typeof c === 'object' && c !== null && (c as ChannelInternals).outgoing?.id === chan,
    );
    if (channel) {
      const queue = (channel as ChannelInternals)._callbacks;
      const execReply = queue.splice(0, queue.length);
      before(channel as ssh2.Channel);
      queue.push(...execReply);
    }
    original.call(this, chan, cmd, wantReply);
  };
}
