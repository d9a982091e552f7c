/**
 * The shape of every 9P2000.L message, as one table: each message is a list
 * of (field, wire kind) pairs after size[4] type[1] tag[2]. The codec walks
 * this table, so a message added here is encoded, decoded, traced and
 * round-trip tested without further code. Field names are the spec's,
 * except `type` (Rstatfs, the lock messages), which is `fstype`/`lock_type`
 * here because `type` names the message itself. Layouts follow the kernel's
 * net/9p/client.c format strings and diod's protocol.md.
 */
import { MessageType } from './constants.js';

/** A qid: the server's unique id of a file (type, version, path). */
export interface Qid {
  type: number;
  version: number;
  path: bigint;
}

/** Wire kinds: integers, counted string, qid, lists, counted data. */
export type Kind = 'u8' | 'u16' | 'u32' | 'u64' | 'str' | 'qid' | 'strs' | 'qids' | 'data';

type Schema = readonly (readonly [string, Kind])[];

const fid = ['fid', 'u32'] as const;
const qid = ['qid', 'qid'] as const;
const LOCK = [['lock_type', 'u8'], ['start', 'u64'], ['length', 'u64'], ['proc_id', 'u32'],
  ['client_id', 'str']] as const;
const TIME = <N extends string>(n: N) =>
  [[`${n}_sec` as `${N}_sec`, 'u64'], [`${n}_nsec` as `${N}_nsec`, 'u64']] as const;

export const SCHEMAS = {
  Rlerror: [['ecode', 'u32']],
  Tstatfs: [fid],
  Rstatfs: [['fstype', 'u32'], ['bsize', 'u32'], ['blocks', 'u64'], ['bfree', 'u64'],
    ['bavail', 'u64'], ['files', 'u64'], ['ffree', 'u64'], ['fsid', 'u64'], ['namelen', 'u32']],
  Tlopen: [fid, ['flags', 'u32']],
  Rlopen: [qid, ['iounit', 'u32']],
  Tlcreate: [fid, ['name', 'str'], ['flags', 'u32'], ['mode', 'u32'], ['gid', 'u32']],
  Rlcreate: [qid, ['iounit', 'u32']],
  Tsymlink: [fid, ['name', 'str'], ['symtgt', 'str'], ['gid', 'u32']],
  Rsymlink: [qid],
  Tmknod: [['dfid', 'u32'], ['name', 'str'], ['mode', 'u32'], ['major', 'u32'],
    ['minor', 'u32'], ['gid', 'u32']],
  Rmknod: [qid],
  Trename: [fid, ['dfid', 'u32'], ['name', 'str']],
  Rrename: [],
  Treadlink: [fid],
  Rreadlink: [['target', 'str']],
  Tgetattr: [fid, ['request_mask', 'u64']],
  Rgetattr: [['valid', 'u64'], qid, ['mode', 'u32'], ['uid', 'u32'], ['gid', 'u32'],
    ['nlink', 'u64'], ['rdev', 'u64'], ['size', 'u64'], ['blksize', 'u64'], ['blocks', 'u64'],
    ...TIME('atime'), ...TIME('mtime'), ...TIME('ctime'), ...TIME('btime'),
    ['gen', 'u64'], ['data_version', 'u64']],
  Tsetattr: [fid, ['valid', 'u32'], ['mode', 'u32'], ['uid', 'u32'], ['gid', 'u32'],
    ['size', 'u64'], ...TIME('atime'), ...TIME('mtime')],
  Rsetattr: [],
  Txattrwalk: [fid, ['newfid', 'u32'], ['name', 'str']],
  Rxattrwalk: [['size', 'u64']],
  Txattrcreate: [fid, ['name', 'str'], ['attr_size', 'u64'], ['flags', 'u32']],
  Rxattrcreate: [],
  Treaddir: [fid, ['offset', 'u64'], ['count', 'u32']],
  Rreaddir: [['data', 'data']],
  Tfsync: [fid, ['datasync', 'u32']],
  Rfsync: [],
  Tlock: [fid, ['lock_type', 'u8'], ['flags', 'u32'], ['start', 'u64'], ['length', 'u64'],
    ['proc_id', 'u32'], ['client_id', 'str']],
  Rlock: [['status', 'u8']],
  Tgetlock: [fid, ...LOCK],
  Rgetlock: LOCK,
  Tlink: [['dfid', 'u32'], fid, ['name', 'str']],
  Rlink: [],
  Tmkdir: [['dfid', 'u32'], ['name', 'str'], ['mode', 'u32'], ['gid', 'u32']],
  Rmkdir: [qid],
  Trenameat: [['olddirfid', 'u32'], ['oldname', 'str'], ['newdirfid', 'u32'],
    ['newname', 'str']],
  Rrenameat: [],
  Tunlinkat: [['dirfd', 'u32'], ['name', 'str'], ['flags', 'u32']],
  Runlinkat: [],
  Tversion: [['msize', 'u32'], ['version', 'str']],
  Rversion: [['msize', 'u32'], ['version', 'str']],
  Tauth: [['afid', 'u32'], ['uname', 'str'], ['aname', 'str'], ['n_uname', 'u32']],
  Rauth: [['aqid', 'qid']],
  Tattach: [fid, ['afid', 'u32'], ['uname', 'str'], ['aname', 'str'], ['n_uname', 'u32']],
  Rattach: [qid],
  Tflush: [['oldtag', 'u16']],
  Rflush: [],
  Twalk: [fid, ['newfid', 'u32'], ['wnames', 'strs']],
  Rwalk: [['qids', 'qids']],
  Tread: [fid, ['offset', 'u64'], ['count', 'u32']],
  Rread: [['data', 'data']],
  Twrite: [fid, ['offset', 'u64'], ['data', 'data']],
  Rwrite: [['count', 'u32']],
  Tclunk: [fid],
  Rclunk: [],
  Tremove: [fid],
  Rremove: [],
} as const satisfies Partial<Record<keyof typeof MessageType, Schema>>;

export type MessageName = keyof typeof SCHEMAS;

type KindValue<K> = K extends 'u8' | 'u16' | 'u32' ? number
  : K extends 'u64' ? bigint
    : K extends 'str' ? string
      : K extends 'qid' ? Qid
        : K extends 'strs' ? string[]
          : K extends 'qids' ? Qid[]
            : K extends 'data' ? Buffer
              : never;

type Fields<S extends Schema> = { [E in S[number] as E[0]]: KindValue<E[1]> };

/** One message: its spec name, its tag, and its fields by spec name. */
export type MessageOf<N extends MessageName> = { type: N; tag: number } & Fields<
  (typeof SCHEMAS)[N]
>;

export type Message = { [N in MessageName]: MessageOf<N> }[MessageName];

/** Names by type number, for the decoder. */
export function messageNameOf(type: number): MessageName | undefined {
  nameByNumber ??= new Map((MESSAGE_NAMES).map((n) => [MessageType[n], n]));
  return nameByNumber.get(type);
}

let nameByNumber: Map<number, MessageName> | undefined;

export const MESSAGE_NAMES = Object.keys(SCHEMAS) as MessageName[];
