// Preloaded (node --import) into a server run with --cpu-prof: Node writes the profile
// only on a normal exit, and the service's own SIGTERM handling ends by re-raising the
// signal. SIGUSR2 is left to this handler.
process.on('SIGUSR2', () => process.exit(0));
