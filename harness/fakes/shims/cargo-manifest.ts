// One Cargo.toml as cargo reads it: TOML syntax and the shape of [package] and
// [workspace] (with cargo's own error wording: annotated snippets, `Caused by:`
// chains), and a package's bin targets as cargo's target resolution finds them
// (explicit [[bin]] tables, auto-discovery under src/bin, autobins, the edition
// 2015 rule, `.workspace = true` inheritance). Used by cargo-workspace.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';

export interface CargoBin {
  name: string;
  /** Absolute path of the source file. */
  path: string;
  /** Given as `path = ...` in the manifest (only those can point at a missing file). */
  explicitPath: boolean;
}

export interface CargoPackage {
  name: string;
  version: string;
  manifest: string;
  bins: CargoBin[];
}

export type Table = Record<string, unknown>;

export interface Manifest {
  file: string;
  dir: string;
  text: string;
  toml: Table;
  pkg: Table | null;
  ws: Table | null;
}

/** A cargo error: a message and its `Caused by:` chain, or a diagnostic followed by the contexts it failed in. */
export class CargoFailure extends Error {
  readonly chain: string[];
  readonly diagnostic: boolean;
  constructor(chain: string[], diagnostic = false) {
    super(chain[0]);
    this.chain = chain;
    this.diagnostic = diagnostic;
  }
  render(): string {
    if (this.diagnostic) return this.chain.join('\nerror: ');
    const [head, ...causes] = this.chain;
    return `${head}${causes.map((cause) => `\n\nCaused by:\n  ${cause.replaceAll('\n', '\n  ')}`).join('')}`;
  }
}

export function fail(...chain: string[]): never {
  throw new CargoFailure(chain);
}

/** Adds a context to a failure; `diagnostics: false` leaves TOML diagnostics as they are (cargo does not wrap those). */
export function withContext<T>(context: string, body: () => T, diagnostics = true): T {
  try {
    return body();
  } catch (error) {
    if (!(error instanceof CargoFailure) || (error.diagnostic && !diagnostics)) throw error;
    throw error.diagnostic ? new CargoFailure([...error.chain, context], true) : new CargoFailure([context, ...error.chain]);
  }
}

const OS_ERRORS: Record<string, string> = {
  ENOENT: 'No such file or directory (os error 2)',
  EACCES: 'Permission denied (os error 13)',
  ENOTDIR: 'Not a directory (os error 20)',
  EISDIR: 'Is a directory (os error 21)',
};

export const isFile = (file: string): boolean => statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
export const isDir = (dir: string): boolean => statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
export const within = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
export const isTable = (value: unknown): value is Table => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

export function listDir(dir: string): { name: string; dir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .map((entry) => ({ name: entry.name, dir: entry.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** Cargo's annotated snippet (line 0: no known position, only the file). */
function snippet(m: Pick<Manifest, 'file' | 'text'>, cwd: string, message: string, line = 0, column = 0, width = 1): CargoFailure {
  const where = path.relative(cwd, m.file);
  if (line === 0) return new CargoFailure([`${message}\n --> ${where}`], true);
  const gutter = ' '.repeat(String(line).length);
  const source = m.text.split(/\r?\n/)[line - 1] ?? '';
  const marks = `${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(width)}`;
  return new CargoFailure(
    [[message, `${gutter}--> ${where}:${line}:${column}`, `${gutter} |`, `${line} | ${source}`, `${gutter} | ${marks}`].join('\n')],
    true,
  );
}

function syntaxError(m: Pick<Manifest, 'file' | 'text'>, cwd: string, error: TomlError): CargoFailure {
  let message = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
  const source = m.text.split(/\r?\n/)[error.line - 1] ?? '';
  // toml_edit's wording for the commonest slip, an unclosed table header.
  if (/^\s*\[/.test(source) && !source.includes(']')) message = 'unclosed table, expected `]`';
  return snippet(m, cwd, message, error.line, error.column);
}

/**
 * serde's "invalid type" diagnostic, pointing at `key = value` in `section` ('' for the
 * top level) when that line can be found, else at the file alone.
 */
function invalidType(m: Manifest, cwd: string, section: string, key: string, value: unknown, expected: string): never {
  const seen =
    typeof value === 'string'
      ? `string ${JSON.stringify(value)}`
      : typeof value === 'boolean'
        ? `boolean \`${value}\``
        : typeof value === 'number'
          ? `${Number.isInteger(value) ? 'integer' : 'floating point'} \`${value}\``
          : Array.isArray(value)
            ? 'sequence'
            : value instanceof Date
              ? 'datetime'
              : 'map';
  const lines = m.text.split(/\r?\n/);
  let current = '';
  for (const [index, line] of lines.entries()) {
    const header = /^(\s*)(\[\[?[^\]]*\]\]?)/.exec(line);
    if (header) current = header[2]!.replaceAll(' ', '');
    if (header && section === '' && current === `[${key}]`) {
      throw snippet(m, cwd, `invalid type: ${seen}, expected ${expected}`, index + 1, header[1]!.length + 1, header[2]!.length);
    }
    const match = current === section ? new RegExp(`^(\\s*${key.replace(/[-.]/g, '\\$&')}\\s*=\\s*)("[^"]*"|\\[[^\\]]*\\]|[^\\s#]+)`).exec(line) : null;
    if (match) throw snippet(m, cwd, `invalid type: ${seen}, expected ${expected}`, index + 1, match[1]!.length + 1, match[2]!.length);
  }
  throw snippet(m, cwd, `invalid type: ${seen}, expected ${expected}`);
}

function strings(m: Manifest, cwd: string, key: string): string[] | null {
  const value = m.ws![key];
  if (value === undefined) return null;
  if (!Array.isArray(value)) invalidType(m, cwd, '[workspace]', key, value, 'a sequence');
  for (const item of value) if (typeof item !== 'string') invalidType(m, cwd, '[workspace]', key, item, 'a string');
  return value as string[];
}

const VIRTUAL_FORBIDDEN = [
  'lib',
  'bin',
  'example',
  'test',
  'bench',
  'dependencies',
  'dev-dependencies',
  'build-dependencies',
  'features',
  'target',
  'badges',
  'lints',
];

export function readManifest(file: string, cwd: string): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    fail(`failed to read \`${file}\``, OS_ERRORS[code] ?? (error as Error).message);
  }
  let toml: Table;
  try {
    toml = parse(text);
  } catch (error) {
    if (error instanceof TomlError) throw syntaxError({ file, text }, cwd, error);
    throw error;
  }
  const m: Manifest = { file, dir: path.dirname(file), text, toml, pkg: null, ws: null };
  const parseError = `failed to parse manifest at \`${file}\``;
  for (const key of ['package', 'workspace'] as const) {
    const value = toml[key];
    if (value !== undefined && !isTable(value)) invalidType(m, cwd, '', key, value, key === 'package' ? 'struct TomlPackage' : 'struct TomlWorkspace');
  }
  m.pkg = (toml.package as Table | undefined) ?? null;
  m.ws = (toml.workspace as Table | undefined) ?? null;
  if (m.pkg === null && m.ws === null) fail(parseError, 'manifest is missing either a `[package]` or a `[workspace]`');
  if (m.ws !== null) for (const key of ['members', 'exclude', 'default-members']) strings(m, cwd, key);
  if (m.pkg === null) {
    const forbidden = VIRTUAL_FORBIDDEN.find((key) => toml[key] !== undefined);
    if (forbidden) fail(parseError, `this virtual manifest specifies a \`${forbidden}\` section, which is not allowed`);
    return m;
  }
  if (m.pkg.name === undefined) fail(parseError, 'missing field `package.name`');
  if (typeof m.pkg.name !== 'string') invalidType(m, cwd, '[package]', 'name', m.pkg.name, 'a string');
  if (m.pkg.name === '') fail(parseError, 'package name cannot be empty');
  for (const key of ['autobins', 'autolib']) {
    if (m.pkg[key] !== undefined && typeof m.pkg[key] !== 'boolean') invalidType(m, cwd, '[package]', key, m.pkg[key], 'a boolean');
  }
  return m;
}

/** `key.workspace = true` inheritance from `[workspace.package]`. */
function inherited(m: Manifest, root: Manifest, cwd: string, key: string, fallback: string): string {
  const value = m.pkg![key];
  if (value === undefined) return fallback;
  if (typeof value === 'string') return value;
  if (isTable(value) && value.workspace === true) {
    const shared = isTable(root.ws?.package) ? root.ws.package[key] : undefined;
    if (typeof shared === 'string') return shared;
    fail(`error inheriting \`${key}\` from workspace root manifest's \`workspace.package.${key}\``, `\`workspace.package.${key}\` was not defined`);
  }
  return invalidType(m, cwd, '[package]', key, value, 'a string or workspace');
}

function hasSources(dir: string): boolean {
  return listDir(dir).some((entry) => (entry.dir ? isFile(path.join(dir, entry.name, 'main.rs')) : entry.name.endsWith('.rs')));
}

/** The package's bin targets, as cargo's target resolution (toml_targets) finds them. */
export function loadPackage(m: Manifest, root: Manifest, cwd: string): CargoPackage {
  return withContext(
    `failed to parse manifest at \`${m.file}\``,
    () => {
      const pkg = m.pkg!;
      const name = pkg.name as string;
      const version = inherited(m, root, cwd, 'version', '0.0.0');
      const edition = inherited(m, root, cwd, 'edition', '2015');
      const inferred: CargoBin[] = [];
      if (isFile(path.join(m.dir, 'src', 'main.rs'))) inferred.push({ name, path: path.join(m.dir, 'src', 'main.rs'), explicitPath: false });
      const binDir = path.join(m.dir, 'src', 'bin');
      for (const entry of listDir(binDir)) {
        const main = path.join(binDir, entry.name, 'main.rs');
        if (!entry.dir && entry.name.endsWith('.rs'))
          inferred.push({ name: entry.name.slice(0, -3), path: path.join(binDir, entry.name), explicitPath: false });
        else if (entry.dir && isFile(main)) inferred.push({ name: entry.name, path: main, explicitPath: false });
      }
      let bins: CargoBin[];
      const declared = m.toml.bin;
      if (declared === undefined) {
        bins = pkg.autobins === false ? [] : inferred;
      } else {
        if (!Array.isArray(declared)) invalidType(m, cwd, '', 'bin', declared, 'a sequence');
        const explicit = declared.map((target: unknown): CargoBin => {
          if (!isTable(target)) return invalidType(m, cwd, '', 'bin', target, 'struct TomlTarget');
          if (target.name === undefined) fail('binary target bin.name is required');
          if (typeof target.name !== 'string') invalidType(m, cwd, '[[bin]]', 'name', target.name, 'a string');
          if (target.path !== undefined) {
            if (typeof target.path !== 'string') invalidType(m, cwd, '[[bin]]', 'path', target.path, 'a string');
            return { name: target.name, path: path.resolve(m.dir, target.path), explicitPath: true };
          }
          const found = inferred.find((bin) => bin.name === target.name);
          if (found) return { ...found };
          return fail(
            `can't find \`${target.name}\` bin at \`src/bin/${target.name}.rs\` or \`src/bin/${target.name}/main.rs\`. ` +
              'Please specify bin.path if you want to use a non-default path.',
          );
        });
        const rest = inferred.filter((bin) => !explicit.some((e) => e.name === bin.name || e.path === bin.path));
        // Without autobins, edition 2015 turns auto-discovery off once any [[bin]] is declared.
        const discover = (pkg.autobins as boolean | undefined) ?? edition !== '2015';
        bins = discover ? [...explicit, ...rest] : explicit;
      }
      const lib = m.toml.lib !== undefined || (pkg.autolib !== false && isFile(path.join(m.dir, 'src', 'lib.rs')));
      const others =
        ['example', 'test', 'bench'].some((key) => m.toml[key] !== undefined) ||
        ['examples', 'tests', 'benches'].some((dir) => hasSources(path.join(m.dir, dir)));
      if (!lib && bins.length === 0 && !others) {
        fail('no targets specified in the manifest\neither src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present');
      }
      return { name, version, manifest: m.file, bins };
    },
    false,
  );
}
