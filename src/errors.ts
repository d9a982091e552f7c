/**
 * The project's one error class. Code branches on `code`, never on message
 * text; docs/errors.md lists every code with what the user should do, and a
 * unit test keeps the two in step.
 */
export const ERROR_CODES = [
  'CPUD_ERR_CFG_FLAG',
  'CPUD_ERR_CFG_HOSTKEY',
  'CPUD_ERR_CFG_KEYFILE',
  'CPUD_ERR_CFG_LISTEN',
  'CPUD_ERR_CFG_HELPER',
  'CPUD_ERR_AUTH_REFUSED',
  'CPUD_ERR_AUTH_HOSTKEY',
  'CPUD_ERR_SSH_CONNECT',
  'CPUD_ERR_SSH_REQUEST',
  'CPUD_ERR_SSH_FORWARD',
  'CPUD_ERR_SESSION_EXEC',
  'CPUD_ERR_SESSION_SPAWN',
  'CPUD_ERR_NS_SETUP',
  'CPUD_ERR_NS_9P',
  'CPUD_ERR_9P_ROOT',
  'CPUD_ERR_MDNS_QUERY',
  'CPUD_ERR_MDNS_BROWSE',
  'CPUD_ERR_MDNS_NOTFOUND',
  'CPUD_ERR_INIT_NATIVE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class CpudError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CpudError';
    this.code = code;
  }
}

/**
 * The log line for a failure that stops cpud: a coded error ends with its
 * code (docs/errors.md says what to do); anything else is a bug to report.
 */
export function fatalMessage(err: unknown): string {
  return err instanceof CpudError ? `${err.message} [${err.code}]` : `unexpected failure: ${messageOf(err)}`;
}

/** The message of anything thrown, for log lines and user-facing text. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The errno-style code (`ENOENT`, ...) of a system error, if it has one. */
export function systemCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why a file could not be read, in words: the usual errnos, else Node's message. */
export function fileErrorWords(err: unknown): string {
  switch (systemCodeOf(err)) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return messageOf(err);
  }
}
