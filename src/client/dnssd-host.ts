/**
 * The `dnssd:` host word of the cpu client: browse, keep the servers the
 * query accepts, and either dial the best one or (`-list`) print them.
 */
import type { CpuFlags } from '../cli/cpu-flags.js';
import { browseServices, type BrowseResult } from '../discovery/browse.js';
import { isDnssdHost, parseDnssdQuery } from '../discovery/dnssd-query.js';
import { formatServiceTable } from '../discovery/service-table.js';
import { CpudError } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** The flags with the dnssd: host replaced by the chosen server's address and port. */
export async function resolveDnssdHost(flags: CpuFlags, log: Logger): Promise<CpuFlags> {
  const result = await matching(flags.host, log);
  const best = result.matches[0];
  log.debug(
    `dnssd: ${result.matches.length} of ${result.seen} servers match; ` +
      `using ${best.instance} at ${best.address} port ${best.port}`,
  );
  return { ...flags, host: best.address, port: String(best.port) };
}

/** `-list`: prints the table, returns the exit status. */
export async function listDnssdHosts(
  flags: CpuFlags,
  options: { stdout: NodeJS.WritableStream; log: Logger },
): Promise<number> {
  if (!isDnssdHost(flags.host)) {
    throw new CpudError(
      'CPUD_ERR_MDNS_QUERY',
      `flag "-list": "${flags.host}" is not a dnssd: query such as dnssd://?arch=arm64`,
    );
  }
  const result = await matching(flags.host, options.log);
  await new Promise<void>((resolve, reject) =>
    options.stdout.write(formatServiceTable(result.matches), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  return 0;
}

async function matching(uri: string, log: Logger): Promise<BrowseResult> {
  const query = parseDnssdQuery(uri);
  const result = await browseServices(query, { log });
  if (!result.matches.length) {
    const seen = result.seen
      ? `${result.seen} ${result.seen === 1 ? 'server' : 'servers'} answered, none matched`
      : 'no server answered';
    throw new CpudError(
      'CPUD_ERR_MDNS_NOTFOUND',
      `dnssd: no cpud for "${uri}" within ${result.timeoutMs} ms: ${seen}`,
    );
  }
  return result;
}
