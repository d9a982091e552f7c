/**
 * cpud's entry. The `-remote` helper is recognised first and imports almost
 * nothing: it starts once per command. The one-connection role starts once
 * per connection, so it too is chosen here, before the flag parser and the
 * other roles are loaded, and comes from the bundle when there is a current
 * one (src/roles/role-bundle.ts). Everything else parses flags and picks
 * a role as the design notes say, from the bundle too when it is current.
 */
import { chooseRole } from '../roles/choose-role.js';

const argv = process.argv.slice(2);

if (argv[0] === '-remote' || argv[0] === '--remote') {
  const { runRemote } = await import('../roles/remote.js');
  await runRemote(argv[1] ?? '');
} else if (chooseRole({ pid: process.pid, env: process.env }) === 'session') {
  const { loadOneConnection } = await import('../roles/role-bundle.js');
  const { runOneConnection } = await loadOneConnection();
  await runOneConnection(argv);
} else {
  const { loadCpudMain } = await import('../roles/role-bundle.js');
  const { main } = await loadCpudMain();
  await main(argv);
}
