import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitLogLine, Logger } from '../../src/log/logger.js';

describe('log lines', () => {
  it('turns newlines into spaces and other control bytes into \\xNN', () => {
    assert.equal(fitLogLine('a\r\nb\x1b[31mc\x00d\x7f'), 'a b\\x1b[31mc\\x00d\\x7f');
  });

  it('keeps the head of a long message and says how long it was', () => {
    const line = fitLogLine('x'.repeat(30_000));
    assert.equal(line, `${'x'.repeat(2000)}... (30000 characters)`);
  });

  it('prefixes a child logger and fits its message', () => {
    const lines: string[] = [];
    const log = new Logger({ sink: (_level, line) => lines.push(line) }).child('c1');
    log.info('user "a\nb"');
    assert.deepEqual(lines, ['c1: user "a b"']);
  });
});
