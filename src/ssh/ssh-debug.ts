/**
 * ssh2's debug lines, fit for cpud's log. They spell out env requests whole,
 * and a client's environment carries secrets (CPUNONCE, tokens people keep
 * there, the fstab): the log keeps the name and drops the value.
 */
const ENV_REQUEST = /^(.*CHANNEL_REQUEST \(r:\d+, env: [^=]*)=[\s\S]*\)$/;

export function redactSshDebug(line: string): string {
  return line.replace(ENV_REQUEST, '$1=...)');
}
