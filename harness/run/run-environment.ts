// The environment a guardrail script gets: the caller's, minus anything that would steer
// it; then the harness's own variables; then what the user set with --env / --env-file,
// which wins. This module parses the user's variables, applies them, and says in the
// report what was set and which harness variables it replaced (secrets redacted).
import { readFile } from 'node:fs/promises';
import { REDACTED } from '../../common/hal-contract/index.ts';
import type { EnvSetting, UserEnvironmentReport } from './types.ts';

/** A name a POSIX shell accepts as a variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A bad --env / --env-file: the CLI answers it with exit 2. */
export class EnvOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvOptionError';
  }
}

const NAME_RULE = 'letters, digits and _, not starting with a digit';

function checkName(name: string, where: string): void {
  if (!ENV_NAME.test(name)) {
    throw new EnvOptionError(`${where}: ${JSON.stringify(name)} is not a shell variable name (${NAME_RULE}); write KEY=VALUE, for example SPEC_OPS_HAL_SKIP=0`);
  }
}

function checkValue(value: string, where: string): void {
  if (value.includes('\0')) throw new EnvOptionError(`${where}: the value holds a NUL character, which no environment variable can carry; remove it`);
}

/** `--env KEY=VALUE`: the value is everything after the first `=`, taken literally (the shell has already removed any quotes). */
export function parseEnvAssignment(text: string, source = '--env'): EnvSetting {
  const equals = text.indexOf('=');
  if (equals < 0) {
    throw new EnvOptionError(`${source} ${JSON.stringify(text)}: expected KEY=VALUE (an empty value is KEY=), for example ${source} SPEC_OPS_HAL_SKIP=0`);
  }
  const name = text.slice(0, equals);
  const value = text.slice(equals + 1);
  checkName(name, `${source} ${JSON.stringify(text)}`);
  checkValue(value, `${source} ${name}`);
  return { name, value, source };
}

/**
 * An --env-file, one KEY=VALUE per line:
 * - blank lines, and lines whose first non-blank character is `#`, are ignored;
 * - whitespace at the start and end of a line is ignored; a leading `export ` is allowed;
 * - KEY is a shell variable name, written directly against the `=` (no spaces around it);
 * - VALUE is the rest of the line, literally: no escapes, no `$` expansion, and a `#`
 *   after it is part of it. A value wrapped whole in "double" or 'single' quotes loses
 *   them (nothing inside is interpreted); a value may not start with a quote it does not end with.
 * A value cannot span lines. Later lines win over earlier ones.
 */
export function parseEnvFile(text: string, file: string): EnvSetting[] {
  const settings: EnvSetting[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const where = `${file}:${index + 1}`;
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const body = /^export\s+/.test(line) ? line.replace(/^export\s+/, '') : line;
    const equals = body.indexOf('=');
    if (equals < 0) {
      throw new EnvOptionError(`${where}: expected KEY=VALUE, got ${JSON.stringify(line)}; comment it out with # or write KEY=VALUE (KEY= for an empty value)`);
    }
    const name = body.slice(0, equals);
    if (name !== name.trimEnd() || body[equals + 1] === ' ' || body[equals + 1] === '\t') {
      throw new EnvOptionError(`${where}: no spaces around "=" (write ${name.trim()}=VALUE; quote a value that starts with a space)`);
    }
    checkName(name, where);
    let value = body.slice(equals + 1);
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      if (value.length < 2 || !value.endsWith(quote)) {
        throw new EnvOptionError(
          `${where}: the value of ${name} starts with ${quote} but does not end with it; quote the whole value or none of it (values cannot span lines)`,
        );
      }
      value = value.slice(1, -1);
    }
    checkValue(value, where);
    settings.push({ name, value, source: where });
  });
  return settings;
}

export async function readEnvFile(path: string): Promise<EnvSetting[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EnvOptionError(
      `--env-file ${path}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? String(error))}); pass a file of KEY=VALUE lines`,
    );
  }
  return parseEnvFile(text, path);
}

/** --env-file FILE... first (in order), then --env KEY=VALUE... (in order): the command line wins over files. */
export async function collectUserEnv(files: readonly string[], assignments: readonly string[]): Promise<EnvSetting[]> {
  const settings: EnvSetting[] = [];
  for (const file of files) settings.push(...(await readEnvFile(file)));
  for (const assignment of assignments) settings.push(parseEnvAssignment(assignment));
  return settings;
}

/** For library callers of runHarness: the same rules the CLI applies. */
export function validateEnvSettings(settings: readonly EnvSetting[]): void {
  for (const setting of settings) {
    checkName(setting.name, setting.source || 'env');
    checkValue(setting.value, `${setting.source || 'env'} ${setting.name}`);
  }
}

/** The caller's environment, minus anything that would steer the guardrail. */
export function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(SPEC_OPS_|HAL_SECRET_|GUARDRAIL_HARNESS_|GIT_DIR$|GIT_WORK_TREE$)/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

export interface RunEnvironment {
  env: Record<string, string>;
  /** The user's variables as the scripts got them (last setting of each name). */
  userEnv: Record<string, string>;
  /** Harness variables the user replaced in this run. */
  overridden: string[];
}

/** The caller's cleaned environment, then the harness's variables, then the user's (which win). */
export function buildRunEnvironment(harnessVars: Record<string, string>, settings: readonly EnvSetting[]): RunEnvironment {
  const userEnv: Record<string, string> = {};
  for (const setting of settings) userEnv[setting.name] = setting.value;
  const overridden = Object.keys(userEnv).filter((name) => Object.hasOwn(harnessVars, name));
  return { env: { ...baseEnvironment(), ...harnessVars, ...userEnv }, userEnv, overridden };
}

/**
 * The user's setting of the API key the scripts read: the variable SPEC_OPS_HAL_SECRET_ENV
 * names (`defaultSecretEnv` unless the user points it elsewhere), last setting winning as
 * in buildRunEnvironment. Null when the user set none, and the harness's own key goes there.
 * A run's mock, its secret-leak check and the report's redaction all need the key the
 * scripts actually send.
 */
export function userApiKey(settings: readonly EnvSetting[], defaultSecretEnv: string): EnvSetting | null {
  const last = (name: string) => settings.findLast((setting) => setting.name === name);
  const secretEnv = last('SPEC_OPS_HAL_SECRET_ENV')?.value ?? defaultSecretEnv;
  // A name no shell can hold is a variable the scripts cannot read the key from.
  if (!ENV_NAME.test(secretEnv)) return null;
  return last(secretEnv) ?? null;
}

const SECRET_NAME = /(^|_)(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|CREDENTIALS?)($|_)/i;

/**
 * Whether a user-set value must not be shown: any HAL_SECRET_* value, the variable
 * SPEC_OPS_HAL_SECRET_ENV names, names that say secret/token/password/key, and any value
 * holding one of the runs' API keys.
 */
export function isSecretSetting(name: string, value: string, userEnv: Readonly<Record<string, string>>, apiKeys: readonly string[]): boolean {
  if (name.startsWith('HAL_SECRET_')) return true;
  if (name !== 'SPEC_OPS_HAL_SECRET_ENV' && SECRET_NAME.test(name)) return true;
  if (userEnv.SPEC_OPS_HAL_SECRET_ENV === name) return true;
  return apiKeys.some((key) => key !== '' && value.includes(key));
}

/** What the report says: every setting (secrets redacted) and the harness variables replaced, with their runs. */
export function describeUserEnvironment(
  settings: readonly EnvSetting[],
  runs: readonly { label: string; overridden: readonly string[]; apiKey: string }[],
): UserEnvironmentReport {
  const userEnv: Record<string, string> = {};
  for (const setting of settings) userEnv[setting.name] = setting.value;
  const apiKeys = runs.map((run) => run.apiKey);
  const set = settings.map((setting) => ({
    name: setting.name,
    value: isSecretSetting(setting.name, setting.value, userEnv, apiKeys) ? REDACTED : setting.value,
    source: setting.source,
  }));
  const overridden = new Map<string, string[]>();
  for (const run of runs) {
    for (const name of run.overridden) overridden.set(name, [...(overridden.get(name) ?? []), run.label]);
  }
  return { set, overridden: [...overridden].map(([name, labels]) => ({ name, runs: labels })) };
}

/** The notes the console summary and report.json carry. */
export function userEnvironmentNotes(report: UserEnvironmentReport, runCount: number): string[] {
  if (report.set.length === 0) return [];
  const notes = [
    `--env: the scripts got ${report.set.map((setting) => `${setting.name}=${setting.value} (${setting.source})`).join(', ')}; later settings of a name win`,
  ];
  if (report.overridden.length > 0) {
    const replaced = report.overridden.map(({ name, runs }) => `${name} (${runs.length === runCount ? 'every run' : runs.join(', ')})`);
    notes.push(`--env replaced the harness's own ${replaced.join(', ')}; the checks judge what the scripts got`);
  }
  return notes;
}
