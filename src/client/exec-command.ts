/**
 * The exec string a cpu client sends (PROTOCOL.md, step 6): the optional
 * `-port9p=N` word, then every argument in single quotes. A quote inside an
 * argument closes the quoted run, adds a double-quoted quote, and reopens:
 * `'"'"'`. The daemon (ours and u-root's) splits the text like a POSIX shell,
 * so no other character needs care. Without 9P the string starts with a space,
 * exactly as u-root's client sends it.
 */
export function quoteArgument(arg: string): string {
  return `'${arg.replaceAll("'", `'"'"'`)}'`;
}

export function execCommand(argv: readonly string[], port9p?: number): string {
  const head = port9p === undefined ? '' : `-port9p=${port9p}`;
  return `${head} ${argv.map(quoteArgument).join(' ')}`;
}
