/**
 * Numbers of the 9P2000.L protocol, as the Linux v9fs client uses them
 * (include/net/9p/9p.h). Errno values are Linux's (asm-generic/errno*.h):
 * 9P2000.L carries raw Linux errno numbers in Rlerror, whatever the server's
 * own platform is, so they are written out rather than read from `os`.
 */

/** Message type numbers: a T-message's reply is its number plus one. */
export const MessageType = {
  Tlerror: 6, Rlerror: 7,
  Tstatfs: 8, Rstatfs: 9,
  Tlopen: 12, Rlopen: 13,
  Tlcreate: 14, Rlcreate: 15,
  Tsymlink: 16, Rsymlink: 17,
  Tmknod: 18, Rmknod: 19,
  Trename: 20, Rrename: 21,
  Treadlink: 22, Rreadlink: 23,
  Tgetattr: 24, Rgetattr: 25,
  Tsetattr: 26, Rsetattr: 27,
  Txattrwalk: 30, Rxattrwalk: 31,
  Txattrcreate: 32, Rxattrcreate: 33,
  Treaddir: 40, Rreaddir: 41,
  Tfsync: 50, Rfsync: 51,
  Tlock: 52, Rlock: 53,
  Tgetlock: 54, Rgetlock: 55,
  Tlink: 70, Rlink: 71,
  Tmkdir: 72, Rmkdir: 73,
  Trenameat: 74, Rrenameat: 75,
  Tunlinkat: 76, Runlinkat: 77,
  Tversion: 100, Rversion: 101,
  Tauth: 102, Rauth: 103,
  Tattach: 104, Rattach: 105,
  Tflush: 108, Rflush: 109,
  Twalk: 110, Rwalk: 111,
  Tread: 116, Rread: 117,
  Twrite: 118, Rwrite: 119,
  Tclunk: 120, Rclunk: 121,
  Tremove: 122, Rremove: 123,
} as const;

export const VERSION_9P2000_L = '9P2000.L';
export const VERSION_UNKNOWN = 'unknown';

/** Tag of Tversion, and fid meaning "none" (afid of an unauthenticated Tattach). */
export const NOTAG = 0xffff;
export const NOFID = 0xffffffff;

/** size[4] type[1] tag[2]. */
export const HEADER_SIZE = 7;

/** Rread/Rwrite overhead the kernel reserves per message (P9_IOHDRSZ). */
export const IOHDRSZ = 24;

/** Twalk carries at most 16 names per message (P9_MAXWELEM). */
export const MAXWELEM = 16;

/** qid.type bits. */
export const QidType = {
  DIR: 0x80, APPEND: 0x40, EXCL: 0x20, MOUNT: 0x10, AUTH: 0x08, TMP: 0x04, SYMLINK: 0x02,
  LINK: 0x01, FILE: 0x00,
} as const;

/** Tgetattr request_mask / Rgetattr valid bits. */
export const GetattrMask = {
  MODE: 0x1, NLINK: 0x2, UID: 0x4, GID: 0x8, RDEV: 0x10, ATIME: 0x20, MTIME: 0x40,
  CTIME: 0x80, INO: 0x100, SIZE: 0x200, BLOCKS: 0x400,
  BTIME: 0x800, GEN: 0x1000, DATA_VERSION: 0x2000,
  BASIC: 0x7ff, ALL: 0x3fff,
} as const;

/** Tsetattr valid bits (P9_ATTR_*). */
export const SetattrMask = {
  MODE: 0x1, UID: 0x2, GID: 0x4, SIZE: 0x8, ATIME: 0x10, MTIME: 0x20, CTIME: 0x40,
  ATIME_SET: 0x80, MTIME_SET: 0x100,
} as const;

/** Tlopen/Tlcreate flags are Linux's generic open(2) values (P9_DOTL_*). */
export const OpenFlag = {
  RDONLY: 0o0, WRONLY: 0o1, RDWR: 0o2, ACCMODE: 0o3,
  CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000, APPEND: 0o2000,
  NONBLOCK: 0o4000, DSYNC: 0o10000, FASYNC: 0o20000, DIRECT: 0o40000,
  LARGEFILE: 0o100000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000, NOATIME: 0o1000000,
  CLOEXEC: 0o2000000, SYNC: 0o4000000,
} as const;

/** Tunlinkat flags. */
export const AT_REMOVEDIR = 0x200;

/** Tlock type / Rgetlock type, and Rlock status. */
export const LockType = { RDLCK: 0, WRLCK: 1, UNLCK: 2 } as const;
export const LockStatus = { SUCCESS: 0, BLOCKED: 1, ERROR: 2, GRACE: 3 } as const;

/** Linux errno values carried in Rlerror, by the names Node gives errors. */
export const Errno = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, EBADF: 9,
  EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, EXDEV: 18,
  ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25,
  ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32,
  ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36, ENOLCK: 37, ENOSYS: 38, ENOTEMPTY: 39,
  ELOOP: 40, ENODATA: 61, EPROTO: 71, EBADMSG: 74, EOVERFLOW: 75, EILSEQ: 84,
  EMSGSIZE: 90, EOPNOTSUPP: 95, ENOTSUP: 95, ECONNREFUSED: 111, ETIMEDOUT: 110,
  ESTALE: 116, EDQUOT: 122, ECANCELED: 125,
} as const;
