/**
 * Everything checked before cpud serves anyone: the host key, the client key
 * file, where hand-over files go, and whether commands get a namespace.
 * A problem here stops the start with a message naming the file or flag.
 */
import { resolve } from 'node:path';
import type { CpudFlags } from '../cli/cpud-flags.js';
import { defaultHostKeyPath, defaultKeyFile, defaultRuntimeDir, defaultStateDir } from '../cli/defaults.js';
import { CpudError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { optionsRefusal, readAuthorizedKeys } from '../ssh/authorized-keys.js';
import { ensureHostKey, loadHostKey, type HostKey } from '../ssh/host-key.js';
import type { SessionDefaults } from '../ssh/connection.js';
import { checkExecHelper } from '../session/helper-command.js';
import { SshService, type SshServiceOptions } from '../ssh/ssh-service.js';
import { makeFolder } from '../util/make-folder.js';
import { loadNative } from '../util/native.js';
import { ensureDemoKeys, type DemoKeys } from './demo-keys.js';

export interface ServiceConfig {
  hostKey: HostKey;
  keyFile: string;
  stateDir: string;
  session: SessionDefaults;
  /** Set in -demo mode: the client key pair and known_hosts for ssh. */
  demo?: DemoKeys;
}

export function prepareService(flags: CpudFlags, log: Logger): ServiceConfig {
  const stateDir = flags.stateDir ?? defaultStateDir();
  const hostKeyPath = flags.hostKey ?? defaultHostKeyPath(stateDir);
  if (!flags.hostKey) {
    const { created } = ensureHostKey(hostKeyPath);
    if (created) log.info(`created host key "${hostKeyPath}"`);
  }
  const hostKey = loadHostKey(hostKeyPath);

  let keyFile = flags.keyFile ?? defaultKeyFile();
  let demo: DemoKeys | undefined;
  if (flags.demo && !flags.keyFile) {
    try {
      demo = ensureDemoKeys(stateDir, hostKey);
    } catch (err) {
      throw new CpudError('CPUD_ERR_CFG_KEYFILE', `demo keys in "${stateDir}": ${messageOf(err)}`, { cause: err });
    }
    keyFile = demo.publicKeyFile;
  }
  const { badLines, withOptions } = readAuthorizedKeys(keyFile);
  if (badLines.length) {
    const lines = badLines.length === 1 ? `line ${badLines[0]} holds` : `lines ${badLines.join(', ')} hold`;
    log.warn(`key file "${keyFile}": ${lines} no usable key`);
  }
  if (withOptions.length) log.warn(`key file "${keyFile}": ${optionsRefusal(withOptions)}`);

  const runtimeDir = defaultRuntimeDir();
  const namespace = process.getuid?.() === 0;
  // Each command's namespace gets a fresh /tmp before `cpud -remote` reads
  // its hand-over file: one written under /tmp would not be there.
  if (namespace && isUnder(resolve(runtimeDir), '/tmp')) {
    throw new CpudError(
      'CPUD_ERR_CFG_LISTEN',
      `runtime folder "${runtimeDir}" is under /tmp, which every command's namespace replaces: ` +
        'set RUNTIME_DIRECTORY to a folder elsewhere, or unset it for /run/cpud',
    );
  }
  try {
    makeFolder(runtimeDir, 0o700);
  } catch (err) {
    throw new CpudError('CPUD_ERR_CFG_LISTEN', `runtime folder: ${messageOf(err)}`, { cause: err });
  }
  // Both native parts start every command: a missing one stops cpud now,
  // not each session later.
  checkExecHelper();
  loadNative();
  if (!namespace) log.warn('commands run without a private namespace: cpud is not running as root');

  return {
    hostKey,
    keyFile,
    stateDir,
    demo,
    session: { runtimeDir, namespace, dbg9p: flags.dbg9p, hangupGraceMs: 2000 },
  };
}

function isUnder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

/** The SSH service of a checked configuration, as every role runs it. */
export function makeSshService(
  config: ServiceConfig,
  options: Pick<SshServiceOptions, 'logger' | 'limits' | 'onConnectionClosed'>,
): SshService {
  return new SshService({
    hostKey: config.hostKey,
    keyFile: config.keyFile,
    session: config.session,
    ...options,
  });
}
