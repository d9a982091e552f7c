/**
 * Which network interface multicast DNS goes out on. One interface, named
 * by -dsInterface, else the one holding the address cpud listens on, else
 * the first with IPv4 and multicast. A daemon that listens on loopback only
 * is not advertised: nobody on the network could reach it.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface MulticastInterface {
  name: string;
  /** Its IPv4 address: what IP_MULTICAST_IF and the A record take. */
  address: string;
}

export interface InterfaceChoice {
  /** By name (-dsInterface). */
  name?: string;
  /** The address cpud listens on; empty, 0.0.0.0 or :: for every address. */
  listenAddress?: string;
}

/** The interface, or why there is none (for the one warning). */
export type InterfacePick = MulticastInterface | { reason: string };

// linux/if.h: IFF_UP, IFF_LOOPBACK, IFF_MULTICAST.
const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_MULTICAST = 0x1000;

export function pickMulticastInterface(choice: InterfaceChoice): InterfacePick {
  const all = networkInterfaces();
  if (choice.name !== undefined) {
    const infos = all[choice.name];
    if (!infos) return { reason: `interface "${choice.name}" does not exist` };
    const why = `interface "${choice.name}" ${whyNot(choice.name, infos)}`;
    return usable(choice.name, infos) ?? { reason: why };
  }

  const listen = choice.listenAddress ?? '';
  if (listen && listen !== '0.0.0.0' && listen !== '::') {
    const holder = Object.entries(all).find(([, infos]) =>
      (infos ?? []).some((i) => sameAddress(i.address, listen)),
    );
    if (!holder) return { reason: `no interface holds the listening address ${listen}` };
    const [name, infos = []] = holder;
    if (infos.some((i) => i.internal)) {
      return { reason: `cpud listens on loopback only (${listen})` };
    }
    return usable(name, infos) ?? { reason: `interface "${name}" ${whyNot(name, infos)}` };
  }

  for (const [name, infos = []] of Object.entries(all)) {
    const found = usable(name, infos);
    if (found) return found;
  }
  return { reason: 'no interface is up with an IPv4 address and multicast' };
}

function usable(name: string, infos: NetworkInterfaceInfo[]): MulticastInterface | undefined {
  const ipv4 = infos.find((i) => i.family === 'IPv4');
  const flags = interfaceFlags(name);
  if (!ipv4 || ipv4.internal) return undefined;
  const up = flags === undefined || (flags & IFF_UP && !(flags & IFF_LOOPBACK));
  if (!up || (flags !== undefined && !(flags & IFF_MULTICAST))) return undefined;
  return { name, address: ipv4.address };
}

function whyNot(name: string, infos: NetworkInterfaceInfo[]): string {
  const ipv4 = infos.find((i) => i.family === 'IPv4');
  if (!ipv4) return 'has no IPv4 address';
  if (ipv4.internal) return 'is a loopback interface';
  const flags = interfaceFlags(name) ?? 0;
  if (!(flags & IFF_UP)) return 'is down';
  return 'does not do multicast';
}

/** The kernel's IFF_* flags, from sysfs; undefined where sysfs does not show this namespace. */
function interfaceFlags(name: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8').trim(), 16);
  } catch {
    return undefined;
  }
}

function sameAddress(a: string, b: string): boolean {
  const plain = (x: string): string => x.replace(/^::ffff:/i, '').toLowerCase();
  return plain(a) === plain(b);
}
