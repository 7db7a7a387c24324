// One Cargo.toml as cargo reads it, on its own: the error chain's rendering, the
// manifest's shape checks and a package's bin targets. Whole-workspace resolution
// (members, -p, the call_tool search) is in cargo-workspace.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CargoFailure, fail, isTable, listDir, loadPackage, readManifest, withContext, within } from '../../../../harness/fakes/shims/cargo-manifest.ts';

const base = mkdtempSync(path.join(tmpdir(), 'cargo-manifest-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let trees = 0;
function tree(files: Record<string, string>): string {
  const dir = path.join(base, `t${trees++}`);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}
/** The rendered error of `run`, which must fail with a CargoFailure. */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CargoFailure) return error.render();
    throw error;
  }
  throw new Error('expected a CargoFailure');
}
const read = (dir: string) => readManifest(path.join(dir, 'Cargo.toml'), dir);
const MAIN = 'fn main() {}\n';

describe('CargoFailure and withContext', () => {
  it('renders a message with its Caused by: chain, indenting multi-line causes', () => {
    expect(new CargoFailure(['failed to load', 'cause one\nsecond line', 'root cause']).render()).toBe(
      'failed to load\n\nCaused by:\n  cause one\n  second line\n\nCaused by:\n  root cause',
    );
    expect(new CargoFailure(['alone']).render()).toBe('alone');
    expect(new CargoFailure(['alone']).message).toBe('alone');
  });

  it('a diagnostic is followed by the contexts it failed in, each as an error: line', () => {
    expect(new CargoFailure(['bad toml\n --> Cargo.toml:1:2', 'failed to load member'], true).render()).toBe(
      'bad toml\n --> Cargo.toml:1:2\nerror: failed to load member',
    );
  });

  it('withContext puts the context before a plain failure and after a diagnostic, or leaves a diagnostic alone', () => {
    expect(failure(() => withContext('outer', () => fail('inner', 'root')))).toBe('outer\n\nCaused by:\n  inner\n\nCaused by:\n  root');
    const diagnostic = () => {
      throw new CargoFailure(['snippet'], true);
    };
    expect(failure(() => withContext('outer', diagnostic))).toBe('snippet\nerror: outer');
    expect(failure(() => withContext('outer', diagnostic, false))).toBe('snippet');
    expect(withContext('unused', () => 42)).toBe(42);
  });

  it('other errors pass through withContext untouched', () => {
    const error = new TypeError('a bug');
    expect(() =>
      withContext('outer', () => {
        throw error;
      }),
    ).toThrow(error);
  });
});

describe('helpers', () => {
  it('within: the folder itself or below it, never a sibling sharing a prefix', () => {
    expect(within('/ws/m', '/ws')).toBe(true);
    expect(within('/ws', '/ws')).toBe(true);
    expect(within('/ws/m', '/ws/')).toBe(true);
    expect(within('/ws-other/m', '/ws')).toBe(false);
    expect(within('/', '/ws')).toBe(false);
  });

  it('isTable: TOML tables only, not arrays, dates or null', () => {
    expect(isTable({})).toBe(true);
    expect(isTable([])).toBe(false);
    expect(isTable(new Date(0))).toBe(false);
    expect(isTable(null)).toBe(false);
    expect(isTable('x')).toBe(false);
  });

  it('listDir: sorted by code unit (upper case first), folders marked; [] for a missing folder', () => {
    const dir = tree({ 'b.rs': '', 'A.rs': '', 'a/main.rs': '' });
    expect(listDir(dir)).toEqual([
      { name: 'A.rs', dir: false },
      { name: 'a', dir: true },
      { name: 'b.rs', dir: false },
    ]);
    expect(listDir(path.join(dir, 'missing'))).toEqual([]);
  });
});

describe('readManifest', () => {
  it('a manifest that cannot be read: the path and the OS error as cargo words it', () => {
    const dir = tree({ 'Cargo.toml/.keep': '' });
    const file = path.join(dir, 'Cargo.toml');
    expect(failure(() => readManifest(file, dir))).toBe(`failed to read \`${file}\`\n\nCaused by:\n  Is a directory (os error 21)`);
    const below = path.join(dir, 'Cargo.toml', '.keep', 'Cargo.toml');
    expect(failure(() => readManifest(below, dir))).toBe(`failed to read \`${below}\`\n\nCaused by:\n  Not a directory (os error 20)`);
  });

  it('gives the package and workspace tables', () => {
    const m = read(tree({ 'Cargo.toml': '[package]\nname = "p"\n\n[workspace]\nmembers = []\n' }));
    expect(m.pkg).toEqual({ name: 'p' });
    expect(m.ws).toEqual({ members: [] });
    expect(m.dir).toBe(path.dirname(m.file));
  });

  it.each([
    ['package = 5\n', 'invalid type: integer `5`, expected struct TomlPackage\n --> Cargo.toml:1:11\n  |\n1 | package = 5\n  |           ^'],
    [
      '[package]\nname = "p"\nautobins = "no"\n',
      'invalid type: string "no", expected a boolean\n --> Cargo.toml:3:12\n  |\n3 | autobins = "no"\n  |            ^^^^',
    ],
    ['[package]\nname = true\n', 'invalid type: boolean `true`, expected a string\n --> Cargo.toml:2:8\n  |\n2 | name = true\n  |        ^^^^'],
    ['[package]\nname = 1.5\n', 'invalid type: floating point `1.5`, expected a string\n --> Cargo.toml:2:8\n  |\n2 | name = 1.5\n  |        ^^^'],
    ['[package]\nname = 1979-05-27\n', 'invalid type: datetime, expected a string\n --> Cargo.toml:2:8\n  |\n2 | name = 1979-05-27\n  |        ^^^^^^^^^^'],
    ['[workspace]\nexclude = [1]\n', 'invalid type: integer `1`, expected a string\n --> Cargo.toml:2:11\n  |\n2 | exclude = [1]\n  |           ^^^'],
  ])('a value of the wrong type is pointed at: %j', (toml, message) => {
    expect(failure(() => read(tree({ 'Cargo.toml': toml })))).toBe(message);
  });

  it('a wrong type written where the line cannot be found points at the file alone', () => {
    expect(failure(() => read(tree({ 'Cargo.toml': 'package = { name = 5 }\n' })))).toBe('invalid type: integer `5`, expected a string\n --> Cargo.toml');
  });

  it('an empty package name', () => {
    const dir = tree({ 'Cargo.toml': '[package]\nname = ""\n' });
    expect(failure(() => read(dir))).toBe(`failed to parse manifest at \`${path.join(dir, 'Cargo.toml')}\`\n\nCaused by:\n  package name cannot be empty`);
  });
});

describe('loadPackage', () => {
  const load = (files: Record<string, string>, rootFiles?: Record<string, string>) => {
    const dir = tree(files);
    const m = read(dir);
    const root = rootFiles ? read(tree(rootFiles)) : m;
    return { dir, pkg: loadPackage(m, root, dir) };
  };

  it('version defaults to 0.0.0; `.workspace = true` takes the root’s [workspace.package] value', () => {
    expect(load({ 'Cargo.toml': '[package]\nname = "p"\n', 'src/lib.rs': '' }).pkg.version).toBe('0.0.0');
    const { pkg } = load(
      { 'Cargo.toml': '[package]\nname = "p"\nversion.workspace = true\n', 'src/lib.rs': '' },
      { 'Cargo.toml': '[workspace]\n\n[workspace.package]\nversion = "2.1.0"\n' },
    );
    expect(pkg.version).toBe('2.1.0');
  });

  it('a version that is neither a string nor { workspace = true } is a type error', () => {
    const dir = tree({ 'Cargo.toml': '[package]\nname = "p"\nversion = 3\n', 'src/lib.rs': '' });
    expect(failure(() => loadPackage(read(dir), read(dir), dir))).toBe(
      'invalid type: integer `3`, expected a string or workspace\n --> Cargo.toml:3:11\n  |\n3 | version = 3\n  |           ^',
    );
  });

  it('auto-discovers src/main.rs (named after the package), src/bin/*.rs and src/bin/*/main.rs, in name order', () => {
    const { dir, pkg } = load({
      'Cargo.toml': '[package]\nname = "tool"\nversion = "1.0.0"\n',
      'src/main.rs': MAIN,
      'src/bin/zeta.rs': MAIN,
      'src/bin/alpha/main.rs': MAIN,
      'src/bin/empty/README.md': '',
      'src/bin/notes.txt': '',
    });
    expect(pkg).toEqual({
      name: 'tool',
      version: '1.0.0',
      manifest: path.join(dir, 'Cargo.toml'),
      bins: [
        { name: 'tool', path: path.join(dir, 'src/main.rs'), explicitPath: false },
        { name: 'alpha', path: path.join(dir, 'src/bin/alpha/main.rs'), explicitPath: false },
        { name: 'zeta', path: path.join(dir, 'src/bin/zeta.rs'), explicitPath: false },
      ],
    });
  });

  it('a declared [[bin]] replaces the discovered one of the same name or path; the rest are still discovered (edition 2021)', () => {
    const { dir, pkg } = load({
      'Cargo.toml': '[package]\nname = "p"\nedition = "2021"\n\n[[bin]]\nname = "renamed"\npath = "src/bin/a.rs"\n\n[[bin]]\nname = "b"\n',
      'src/bin/a.rs': MAIN,
      'src/bin/b.rs': MAIN,
      'src/bin/c.rs': MAIN,
    });
    expect(pkg.bins).toEqual([
      { name: 'renamed', path: path.join(dir, 'src/bin/a.rs'), explicitPath: true },
      { name: 'b', path: path.join(dir, 'src/bin/b.rs'), explicitPath: false },
      { name: 'c', path: path.join(dir, 'src/bin/c.rs'), explicitPath: false },
    ]);
  });

  it('autobins = true keeps discovery on in edition 2015 with a [[bin]] declared', () => {
    const { pkg } = load({
      'Cargo.toml': '[package]\nname = "p"\nautobins = true\n\n[[bin]]\nname = "x"\npath = "x.rs"\n',
      'x.rs': MAIN,
      'src/bin/y.rs': MAIN,
    });
    expect(pkg.bins.map((bin) => bin.name)).toEqual(['x', 'y']);
  });

  it('an explicit path is taken as given, even one that is missing (the caller reports it)', () => {
    const { dir, pkg } = load({ 'Cargo.toml': '[package]\nname = "p"\n\n[[bin]]\nname = "x"\npath = "../elsewhere/x.rs"\n' });
    expect(pkg.bins).toEqual([{ name: 'x', path: path.resolve(dir, '../elsewhere/x.rs'), explicitPath: true }]);
  });

  it('[[bin]] entries of the wrong shape are type errors pointed at', () => {
    const dir = tree({ 'Cargo.toml': '[package]\nname = "p"\n\n[[bin]]\nname = 7\n' });
    expect(failure(() => loadPackage(read(dir), read(dir), dir))).toBe(
      'invalid type: integer `7`, expected a string\n --> Cargo.toml:5:8\n  |\n5 | name = 7\n  |        ^',
    );
  });

  it('a package with no target at all fails; a library, a [lib] section, an example or a tests/ file is a target', () => {
    const none = tree({ 'Cargo.toml': '[package]\nname = "p"\n' });
    expect(failure(() => loadPackage(read(none), read(none), none))).toBe(
      `failed to parse manifest at \`${path.join(none, 'Cargo.toml')}\`\n\nCaused by:\n  no targets specified in the manifest\n` +
        '  either src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present',
    );
    for (const files of [{ 'src/lib.rs': '' }, { 'tests/it.rs': '' }, { 'examples/demo/main.rs': MAIN }] as Record<string, string>[]) {
      expect(load({ 'Cargo.toml': '[package]\nname = "p"\n', ...files }).pkg.bins).toEqual([]);
    }
    expect(load({ 'Cargo.toml': '[package]\nname = "p"\n\n[lib]\npath = "x.rs"\n' }).pkg.bins).toEqual([]);
    // autolib = false: src/lib.rs no longer counts.
    const noLib = tree({ 'Cargo.toml': '[package]\nname = "p"\nautolib = false\n', 'src/lib.rs': '' });
    expect(failure(() => loadPackage(read(noLib), read(noLib), noLib))).toMatch(/no targets specified in the manifest/);
    // A folder under examples/ without a main.rs is not a target.
    const stray = tree({ 'Cargo.toml': '[package]\nname = "p"\n', 'examples/notes/README.md': '' });
    expect(failure(() => loadPackage(read(stray), read(stray), stray))).toMatch(/no targets specified in the manifest/);
  });
});
