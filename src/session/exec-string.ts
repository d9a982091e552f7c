/**
 * The exec string of a session. u-root's client sends
 * `-port9p=N 'arg0' 'arg1'`: every word single-quoted, a quote inside a word
 * written as '"'"'. OpenSSH users send shell text (`ls | wc -l`). Words are
 * split as a POSIX shell splits them; when unquoted shell syntax remains,
 * the text runs through a shell as sshd would run it.
 */
import { CpudError } from '../errors.js';

export interface ExecRequest {
  /** `-port9p=N`: the forwarded 9P port on the daemon's loopback. */
  port9p?: number;
  /** `-d`: the client asked for debug output of the remote side. */
  debug: boolean;
  /** The command's words, quotes removed. Empty: run the user's shell. */
  argv: string[];
  /** Set when the words hold shell syntax: the text for `$SHELL -c`. */
  shellCommand?: string;
  /** The command as the client wrote it, after the flags (for a shell fallback). */
  text: string;
}

interface Word {
  value: string;
  quoted: boolean;
  end: number;
}

// Outside quotes these make the text a shell program, not a list of words.
const SHELL_SYNTAX = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`', '*', '?', '[', '\n']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function parseExecString(text: string): ExecRequest {
  const { words, needsShell } = splitWords(text);
  const request: ExecRequest = { debug: false, argv: [], text: '' };

  let first = 0;
  for (; first < words.length; first++) {
    const word = words[first];
    if (word.quoted) break;
    const port = /^--?port9p=(.*)$/.exec(word.value);
    if (port) {
      request.port9p = parsePort(port[1]);
    } else if (/^--?port9p$/.test(word.value) && first + 1 < words.length) {
      request.port9p = parsePort(words[++first].value);
    } else if (word.value === '-d' || word.value === '--d') {
      request.debug = true;
    } else {
      break;
    }
  }

  const rest = words.slice(first);
  request.argv = rest.map((w) => w.value);
  request.text = text.slice(first === 0 ? 0 : words[first - 1].end).trim();
  const startsWithAssignment = rest.length > 0 && !rest[0].quoted && ASSIGNMENT.test(rest[0].value);
  if (rest.length > 0 && (needsShell || startsWithAssignment)) request.shellCommand = request.text;
  return request;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) {
    throw new CpudError('CPUD_ERR_SESSION_EXEC', `exec: -port9p "${text}" is not a port number`);
  }
  return port;
}

function splitWords(text: string): { words: Word[]; needsShell: boolean } {
  const words: Word[] = [];
  let needsShell = false;
  let value = '';
  let inWord = false;
  let quoted = false;

  const finish = (end: number): void => {
    if (inWord) words.push({ value, quoted, end });
    value = '';
    inWord = false;
    quoted = false;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw unterminated('single');
      value += text.slice(i + 1, close);
      inWord = true;
      quoted = true;
      i = close;
    } else if (c === '"') {
      i = readDoubleQuoted(text, i, (part, expands) => {
        value += part;
        needsShell ||= expands;
      });
      inWord = true;
      quoted = true;
    } else if (c === '\\') {
      if (i + 1 < text.length && text[i + 1] !== '\n') value += text[i + 1];
      inWord = true;
      quoted = true;
      i++;
    } else if (c === ' ' || c === '\t') {
      finish(i);
    } else {
      if (SHELL_SYNTAX.has(c)) needsShell = true;
      if (!inWord && (c === '#' || c === '~')) needsShell = true;
      value += c;
      inWord = true;
    }
  }
  finish(text.length);
  return { words, needsShell };
}

// Inside double quotes a backslash escapes only $ ` " \ and newline, and
// $ or ` still expand: such text needs a real shell.
function readDoubleQuoted(
  text: string,
  open: number,
  emit: (part: string, expands: boolean) => void,
): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return i;
    if (c === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1])) {
      emit(text[i + 1] === '\n' ? '' : text[i + 1], false);
      i++;
    } else {
      emit(c, c === '$' || c === '`');
    }
  }
  throw unterminated('double');
}

function unterminated(kind: 'single' | 'double'): CpudError {
  return new CpudError('CPUD_ERR_SESSION_EXEC', `exec: the command has an unterminated ${kind} quote`);
}
