import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCpudFlags } from '../../src/cli/cpud-flags.js';
import { answerQuestion, serviceRecords } from '../../src/discovery/mdns-records.js';
import { pickMulticastInterface } from '../../src/discovery/multicast-interface.js';
import { SystemStats } from '../../src/discovery/system-stats.js';
import { decodeTxt, encodeTxt, parseTxtPairs } from '../../src/discovery/txt-record.js';

describe('cpud discovery flags', () => {
  it('advertises by default, as <hostname>-cpud in _ncpu._tcp.local, registerTO 5s', () => {
    const { discovery } = parseCpudFlags([]);
    assert.equal(discovery.enabled, true);
    assert.match(discovery.instance, /^[^.]+-cpud$/);
    assert.equal(discovery.domain, 'local');
    assert.equal(discovery.service, '_ncpu._tcp');
    assert.equal(discovery.registerTimeoutMs, 5000);
    assert.equal(discovery.register, undefined);
  });

  const cases: Array<[argv: string[], key: string, want: unknown]> = [
    [['-dsEnabled=false'], 'enabled', false],
    [['-dnssd=false'], 'enabled', false],
    [['--dsInstance', 'rack1'], 'instance', 'rack1'],
    [['-dsDomain=Lab.'], 'domain', 'lab'],
    [['-dsService', '_cpu._tcp'], 'service', '_cpu._tcp'],
    [['-dsInterface', 'eth1'], 'interface', 'eth1'],
    [['-dsTxt', 'Rack=3,gpu'], 'txt', { rack: '3', gpu: 'true' }],
    [['-register', '10.0.0.1:7000'], 'register', { host: '10.0.0.1', port: 7000 }],
    [['-register', '[fd00::1]:7000'], 'register', { host: 'fd00::1', port: 7000 }],
    [['-registerTO', '1m30s'], 'registerTimeoutMs', 90_000],
  ];
  for (const [argv, key, want] of cases) {
    it(`${argv.join(' ')} sets ${key}`, () => {
      const discovery = parseCpudFlags(argv).discovery as unknown as Record<string, unknown>;
      assert.deepEqual(discovery[key], want);
    });
  }

  const bad: Array<[string[], RegExp]> = [
    [['-dsService', 'ncpu'], /-dsService/],
    [['-dsDomain', 'a..b'], /-dsDomain/],
    [['-dsInstance', 'a.b'], /-dsInstance/],
    [['-dsTxt', '=v'], /-dsTxt/],
    [['-dsTxt', `k=${'v'.repeat(260)}`], /limit is 255/],
    [['-register', 'host'], /-register/],
    [['-register', 'host:70000'], /-register/],
    [['-registerTO', '5'], /-registerTO/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(' ').slice(0, 40)}`, () => {
      assert.throws(() => parseCpudFlags(argv), { code: 'CPUD_ERR_CFG_FLAG', message });
    });
  }
});

describe('TXT strings (RFC 6763 section 6)', () => {
  it('round-trips pairs; an empty record is one empty string', () => {
    const txt = parseTxtPairs('a=1,b=x=y,c=');
    assert.deepEqual(decodeTxt(encodeTxt(txt)), { a: '1', b: 'x=y', c: '' });
    assert.deepEqual(encodeTxt({}), [Buffer.alloc(0)]);
  });

  it('decodes keys case-insensitively; the first of a repeated key wins', () => {
    const txt = decodeTxt(['Arch=arm64', 'ARCH=amd64', 'flag', '']);
    assert.deepEqual(txt, { arch: 'arm64', flag: '' });
  });
});

describe('multicast DNS records', () => {
  const id = {
    ...{ instance: 'box-cpud', service: '_ncpu._tcp', domain: 'local' },
    ...{ port: 17010, address: '10.0.0.5' },
  };
  const records = serviceRecords(id, { tenants: '0' });
  const cases: Array<[name: string, type: string, answers: string[], additionals: string[]]> = [
    ['_ncpu._tcp.local', 'PTR', ['PTR'], ['SRV', 'TXT', 'A']],
    ['_NCPU._tcp.local', 'ANY', ['PTR'], ['SRV', 'TXT', 'A']],
    ['_services._dns-sd._udp.local', 'PTR', ['PTR'], []],
    ['box-cpud._ncpu._tcp.local', 'SRV', ['SRV'], ['A']],
    ['box-cpud._ncpu._tcp.local', 'TXT', ['TXT'], []],
    ['box-cpud._ncpu._tcp.local', 'ANY', ['SRV', 'TXT'], ['A']],
    ['box-cpud.local', 'A', ['A'], []],
    ['box-cpud.local', 'AAAA', [], []],
    ['_http._tcp.local', 'PTR', [], []],
  ];
  for (const [name, type, answers, additionals] of cases) {
    it(`answers ${type} ${name} with ${answers.join(', ') || 'nothing'}`, () => {
      const got = answerQuestion(records, { name, type });
      assert.deepEqual(got.answers.map((r) => r.type), answers);
      assert.deepEqual(got.additionals.map((r) => r.type), additionals);
    });
  }

  it('points SRV at our own host name and port, with cache-flush on unique records', () => {
    const srv = { priority: 0, weight: 0, port: 17010, target: 'box-cpud.local' };
    assert.deepEqual(records.srv.data, srv);
    assert.equal(records.a.data, '10.0.0.5');
    assert.deepEqual([records.srv.flush, records.txt.flush, records.a.flush], [true, true, true]);
    assert.equal(records.ptr.flush, undefined, 'PTR is a shared record');
  });
});

describe('system facts', () => {
  it('reads memory from meminfo and busy percent from /proc/stat deltas', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpud-proc-'));
    try {
      const meminfo = 'MemTotal: 1000 kB\nMemFree: 10 kB\nMemAvailable: 600 kB\n';
      writeFileSync(join(dir, 'meminfo'), meminfo);
      writeFileSync(join(dir, 'stat'), 'cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 1 1 1\n');
      const stats = new SystemStats({ procDir: dir });
      const want = { 'mem.avail': '614400', 'mem.total': '1024000', 'cpu.pcnt': '20' };
      assert.deepEqual(stats.sample(), want);
      // 300 more busy ticks, 100 more idle: 75% busy since the last look.
      writeFileSync(join(dir, 'stat'), 'cpu  300 0 200 800 100 0 0 0 0 0\n');
      assert.equal(stats.sample()['cpu.pcnt'], '75');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the machine as Go does', () => {
    const fixed = SystemStats.fixed();
    assert.match(fixed.arch, /^(amd64|arm64|386|arm|riscv64|s390x|ppc64le|ppc64|loong64|mipsle?)$/);
    assert.equal(fixed.os, 'linux');
    assert.ok(Number(fixed.cores) >= 1);
  });
});

describe('multicast interface choice', () => {
  const cases: Array<[choice: Parameters<typeof pickMulticastInterface>[0], reason: RegExp]> = [
    [{ name: 'nosuch0' }, /interface "nosuch0" does not exist/],
    [{ name: 'lo' }, /interface "lo" is a loopback interface/],
    [{ listenAddress: '127.0.0.1' }, /listens on loopback only/],
    [{ listenAddress: '192.0.2.77' }, /no interface holds the listening address 192\.0\.2\.77/],
  ];
  for (const [choice, reason] of cases) {
    it(`gives a reason for ${JSON.stringify(choice)}`, () => {
      const pick = pickMulticastInterface(choice);
      assert.ok('reason' in pick);
      assert.match(pick.reason, reason);
    });
  }
});
