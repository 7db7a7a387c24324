// What a scenario name may be. Names become file names (`<name>.json` in a scenarios
// folder) and reach the mock over its control API, so the pattern is what keeps a name
// from climbing out of its folder: no separators, no leading dot, a bounded length.

export const SCENARIO_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const SCENARIO_NAME_MAX_LENGTH = 64;

/** The rule in words, for errors that refuse a name. */
export const SCENARIO_NAME_RULE = `use lower-case letters, digits, ".", "_" or "-" (at most ${SCENARIO_NAME_MAX_LENGTH} characters)`;

export function isScenarioName(value: string): boolean {
  return SCENARIO_NAME_PATTERN.test(value);
}

/**
 * Whether a scenario reference names a file rather than a bundled scenario: it has a
 * path separator or ends in .json. Such a reference is read from disk, so the control
 * API (remote clients) refuses it and only the CLI and library accept it.
 */
export function looksLikeScenarioPath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
}
