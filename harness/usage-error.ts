// A command line the harness cannot act on: the CLI prints its message and exits 2.
export class UsageError extends Error {}
