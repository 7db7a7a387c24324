// node:util parseArgs rejects unknown or malformed flags with these codes; both
// command lines answer them as usage errors (exit 2).
export function isParseArgsError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
