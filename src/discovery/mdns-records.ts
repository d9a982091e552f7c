/**
 * The resource records that make one DNS-SD service (RFC 6763): the PTR
 * that browsing finds, SRV (host and port), TXT (the facts), the host's A
 * record, and the service-type enumeration PTR (section 9). TTLs follow
 * RFC 6762 section 10: 120 s for records tied to the host's addresses,
 * 75 minutes for the rest. Unique records carry the cache-flush bit
 * (section 10.2), so that a new TXT replaces the old one in every cache.
 */
import type { Answer, SrvAnswer, StringAnswer, TxtAnswer } from 'dns-packet';
import { encodeTxt, type TxtRecord } from './txt-record.js';

export interface ServiceIdentity {
  instance: string;
  /** Such as `_ncpu._tcp`. */
  service: string;
  domain: string;
  port: number;
  /** The IPv4 address the A record gives. */
  address: string;
}

export interface ServiceNames {
  /** `_ncpu._tcp.local`: what browsers ask for. */
  type: string;
  /** `box-cpud._ncpu._tcp.local`. */
  instance: string;
  /**
   * `box-cpud.local`: our own host name for SRV and A, not the machine's
   * `box.local`, which avahi may already own with other addresses.
   */
  host: string;
  enumeration: string;
}

export function serviceNames(id: ServiceIdentity): ServiceNames {
  return {
    type: `${id.service}.${id.domain}`,
    instance: `${id.instance}.${id.service}.${id.domain}`,
    host: `${id.instance}.${id.domain}`,
    enumeration: `_services._dns-sd._udp.${id.domain}`,
  };
}

export interface ServiceRecords {
  ptr: StringAnswer;
  srv: SrvAnswer;
  txt: TxtAnswer;
  a: StringAnswer;
  enumeration: StringAnswer;
}

export function serviceRecords(id: ServiceIdentity, txt: TxtRecord): ServiceRecords {
  const names = serviceNames(id);
  return {
    ptr: { name: names.type, type: 'PTR', ttl: 4500, data: names.instance },
    srv: {
      name: names.instance,
      type: 'SRV',
      ttl: 120,
      flush: true,
      data: { priority: 0, weight: 0, port: id.port, target: names.host },
    },
    txt: { name: names.instance, type: 'TXT', ttl: 4500, flush: true, data: encodeTxt(txt) },
    a: { name: names.host, type: 'A', ttl: 120, flush: true, data: id.address },
    enumeration: { name: names.enumeration, type: 'PTR', ttl: 4500, data: names.type },
  };
}

/** Every record, for announcements and goodbyes. */
export function allRecords(records: ServiceRecords): Answer[] {
  return [records.ptr, records.srv, records.txt, records.a, records.enumeration];
}

export interface QueryAnswer {
  answers: Answer[];
  additionals: Answer[];
}

/**
 * What to answer one question with; empty when it is not about us.
 * A PTR answer brings SRV, TXT and A along (RFC 6763 section 12.1), so a
 * browser needs one round trip.
 */
export function answerQuestion(
  records: ServiceRecords,
  question: { name: string; type: string },
): QueryAnswer {
  const name = question.name.toLowerCase();
  const type = question.type;
  const is = (record: Answer): boolean => record.name.toLowerCase() === name;
  const wants = (t: string): boolean => type === t || type === 'ANY';

  if (is(records.ptr) && wants('PTR')) {
    return { answers: [records.ptr], additionals: [records.srv, records.txt, records.a] };
  }
  if (is(records.enumeration) && wants('PTR')) {
    return { answers: [records.enumeration], additionals: [] };
  }
  if (is(records.srv)) {
    const answers = [
      ...(wants('SRV') ? [records.srv] : []),
      ...(wants('TXT') ? [records.txt] : []),
    ];
    return { answers, additionals: wants('SRV') ? [records.a] : [] };
  }
  if (is(records.a) && wants('A')) return { answers: [records.a], additionals: [] };
  return { answers: [], additionals: [] };
}
