import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDnssdQuery, isDnssdHost } from '../../src/discovery/dnssd-query.js';
import { goArch } from '../../src/discovery/go-names.js';
import { selectServices, type FoundService } from '../../src/discovery/select-services.js';
import { formatServiceTable } from '../../src/discovery/service-table.js';

describe('dnssd: query parsing', () => {
  const cases: Array<[uri: string, want: Record<string, unknown>]> = [
    ['dnssd:', { domain: 'local', service: '_ncpu._tcp', sort: [] }],
    ['dnssd://', { domain: 'local', service: '_ncpu._tcp' }],
    ['dnssd://?sort=tenants', { sort: [{ key: 'tenants', descending: false }] }],
    [
      'dnssd://?sort=tenants,-mem.avail',
      { sort: [{ key: 'tenants', descending: false }, { key: 'mem.avail', descending: true }] },
    ],
    ['dnssd://Lab/_x._udp?timeout=2s', { domain: 'lab', service: '_x._udp', timeoutMs: 2000 }],
    ['dnssd:///_ncpu._tcp/box-cpud', { instance: 'box-cpud' }],
  ];
  for (const [uri, want] of cases) {
    it(`reads ${uri}`, () => {
      const query = parseDnssdQuery(uri);
      for (const [key, value] of Object.entries(want)) {
        assert.deepEqual(query[key as keyof typeof query], value, key);
      }
    });
  }

  it('reads conditions, lower-casing keys', () => {
    const query = parseDnssdQuery('dnssd://?Tenants=<4&cpu.pcnt=>10&rack=!3&gpu=*&arch=arm64');
    assert.deepEqual(query.conditions.get('tenants'), [{ op: 'lt', value: 4 }]);
    assert.deepEqual(query.conditions.get('cpu.pcnt'), [{ op: 'gt', value: 10 }]);
    assert.deepEqual(query.conditions.get('rack'), [{ op: 'ne', value: '3' }]);
    assert.deepEqual(query.conditions.get('gpu'), [{ op: 'any' }]);
    assert.deepEqual(query.conditions.get('arch'), [{ op: 'eq', value: 'arm64' }]);
  });

  it("defaults arch and os to this machine's, as u-root's client does", () => {
    const query = parseDnssdQuery('dnssd://');
    assert.deepEqual(query.conditions.get('arch'), [{ op: 'eq', value: goArch() }]);
    assert.deepEqual(query.conditions.get('os'), [{ op: 'eq', value: 'linux' }]);
  });

  const bad: Array<[string, RegExp]> = [
    ['http://x', /not a dnssd: URI/],
    ['dnssd://?tenants=<lots', /not a number/],
    ['dnssd://?timeout=soon', /not a duration/],
    ['dnssd:///ncpu', /not a service type/],
    ['dnssd:///_ncpu._tcp/a/b', /at most/],
    ['dnssd://?sort=,', /empty key/],
  ];
  for (const [uri, message] of bad) {
    it(`refuses ${uri} with CPUD_ERR_MDNS_QUERY`, () => {
      assert.throws(() => parseDnssdQuery(uri), { code: 'CPUD_ERR_MDNS_QUERY', message });
    });
  }

  it('tells dnssd: hosts from host names', () => {
    assert.equal(isDnssdHost('dnssd://?a=b'), true);
    assert.equal(isDnssdHost('DNSSD:'), true);
    assert.equal(isDnssdHost('dnssd.example.com'), false);
  });
});

const server = (instance: string, txt: Record<string, string>): FoundService => ({
  instance,
  address: '10.0.0.1',
  port: 17010,
  txt: { arch: goArch(), os: 'linux', ...txt },
});
const SERVERS = [
  server('a', { tenants: '3', 'cpu.pcnt': '50', rack: '1', 'mem.avail': '900' }),
  server('b', { tenants: '0', 'cpu.pcnt': '90', rack: '2', 'mem.avail': '5000' }),
  server('c', { tenants: '10', 'cpu.pcnt': '5', rack: '1', 'mem.avail': '80' }),
  server('d', { tenants: 'x', rack: '3' }),
  { ...server('e', { tenants: '1' }), txt: { arch: 'sparc64', os: 'linux', tenants: '1' } },
];

describe('dnssd: matching and ordering', () => {
  const cases: Array<[query: string, want: string[]]> = [
    ['dnssd://', ['a', 'b', 'c', 'd']],
    ['dnssd://?arch=sparc64', ['e']],
    ['dnssd://?arch=*', ['a', 'b', 'c', 'd', 'e']],
    ['dnssd://?rack=1', ['a', 'c']],
    ['dnssd://?rack=1&rack=3', ['a', 'c', 'd']],
    ['dnssd://?rack=!1', ['b', 'd']],
    ['dnssd://?gpu=!yes', ['a', 'b', 'c', 'd']],
    ['dnssd://?tenants=<4', ['a', 'b']],
    ['dnssd://?tenants=>0&tenants=<5', ['a']],
    ['dnssd://?cpu.pcnt=>40', ['a', 'b']],
    ['dnssd://?sort=tenants', ['b', 'a', 'c', 'd']],
    ['dnssd://?sort=-mem.avail', ['b', 'a', 'c', 'd']],
    ['dnssd://?sort=rack,tenants', ['a', 'c', 'b', 'd']],
    ['dnssd://?sort=cpu.pcnt', ['c', 'a', 'b', 'd']],
    ['dnssd:///_ncpu._tcp/c', ['c']],
    ['dnssd://?rack=9', []],
  ];
  for (const [uri, want] of cases) {
    it(`${uri} picks ${want.join(', ') || 'nothing'}`, () => {
      const got = selectServices(SERVERS, parseDnssdQuery(uri)).map((s) => s.instance);
      assert.deepEqual(got, want);
    });
  }

  it('lists servers as a table, extra TXT pairs last', () => {
    const table = formatServiceTable([server('box-cpud', { tenants: '2', rack: '1', gpu: 'yes' })]);
    const [header, row] = table.split('\n');
    assert.match(header, /^INSTANCE\s+ADDRESS\s+PORT\s+ARCH\s+OS\s+CORES\s+TENANTS\s+CPU%/);
    const cells = row.split(/\s+/);
    assert.deepEqual(cells.slice(0, 3), ['box-cpud', '10.0.0.1', '17010']);
    assert.deepEqual(cells.slice(4, 10), ['linux', '-', '2', '-', '-', '-']);
    assert.match(row, /\s{2}gpu=yes rack=1$/);
  });
});
