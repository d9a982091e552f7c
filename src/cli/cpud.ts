/**
 * cpud's entry. The `-remote` helper is recognised first and imports almost
 * nothing: it starts once per command. Everything else parses flags and
 * picks a role as the design notes say.
 */
const argv = process.argv.slice(2);

if (argv[0] === '-remote' || argv[0] === '--remote') {
  const { runRemote } = await import('../roles/remote.js');
  await runRemote(argv[1] ?? '');
} else {
  const { main } = await import('./cpud-main.js');
  await main(argv);
}
