// Cargo's workspace resolution for `cargo run [-p SPEC] --bin call_tool`, on small
// workspaces in temp dirs: each rule shown holding and failing. Every expected error
// text was checked byte for byte against real cargo 1.95 on the same tree, except the
// TOML wording of syntax errors (smol-toml's message where cargo uses toml_edit's).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunTarget, rebasedWorkspaceManifest, resolveRunTarget } from '../../../../harness/fakes/shims/cargo-workspace.ts';
import { REFERENCE_GUARDRAILS_DIR } from '../../../../harness/run/runner.ts';

const base = mkdtempSync(path.join(tmpdir(), 'cargo-workspace-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const MAIN = 'fn main() {}\n';
const CALL_TOOL_BIN = '[[bin]]\nname = "call_tool"\npath = "src/bin/call_tool.rs"\n';
const pkg = (name: string, extra = '', edition = '2021'): string =>
  `[package]\nname = "${name}"\nversion = "0.1.0"\n${edition ? `edition = "${edition}"\n` : ''}${extra}`;
const ws = (members: string, extra = ''): string => `[workspace]\nresolver = "2"\nmembers = ${members}\n${extra}`;
/** A member `m/` holding codex-mcp-client with its call_tool. */
const CLIENT = { 'm/Cargo.toml': pkg('codex-mcp-client', CALL_TOOL_BIN), 'm/src/bin/call_tool.rs': MAIN };

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

interface RunOpts {
  manifest?: string;
  cwd?: string;
  /** -p; null: no -p. Default codex-mcp-client, as the guardrails pass it. */
  p?: string | null;
}
function run(dir: string, opts: RunOpts = {}): RunTarget {
  const packageSpec = opts.p === undefined ? 'codex-mcp-client' : (opts.p ?? undefined);
  return resolveRunTarget(opts.manifest ?? 'Cargo.toml', { cwd: path.join(dir, opts.cwd ?? ''), packageSpec, bin: 'call_tool' });
}
function ok(dir: string, opts: RunOpts = {}): Extract<RunTarget, { ok: true }> {
  const result = run(dir, opts);
  if (!result.ok) throw new Error(`expected a target, got: ${result.error}`);
  return result;
}
function error(dir: string, opts: RunOpts = {}): string {
  const result = run(dir, opts);
  if (result.ok) throw new Error(`expected cargo to fail, it runs ${result.bin.path}`);
  return result.error;
}
const j = path.join;

describe('the manifest', () => {
  it("resolves the reference guardrails' workspace to codex-mcp-client's call_tool", () => {
    const codexRs = j(REFERENCE_GUARDRAILS_DIR, 'codex-rs');
    const target = ok(REFERENCE_GUARDRAILS_DIR, { manifest: 'codex-rs/Cargo.toml' });
    expect(target.workspaceRoot).toBe(codexRs);
    expect(target.package).toMatchObject({ name: 'codex-mcp-client', manifest: j(codexRs, 'mcp-client/Cargo.toml') });
    expect(target.bin).toEqual({ name: 'call_tool', path: j(codexRs, 'mcp-client/src/bin/call_tool.rs'), explicitPath: true });
  });

  it("TOML that does not parse: cargo's annotated snippet, path relative to the cwd", () => {
    const dir = tree({ 'Cargo.toml': '[workspace\nmembers = []\n', ...CLIENT });
    expect(error(dir)).toBe('unclosed table, expected `]`\n --> Cargo.toml:1:11\n  |\n1 | [workspace\n  |           ^');
    expect(error(dir, { cwd: 'm', manifest: '../Cargo.toml' })).toMatch(/^unclosed table, expected `\]`\n --> \.\.\/Cargo\.toml:1:11\n/);
    expect(error(tree({ 'Cargo.toml': '[workspace]\nmembers = \n' }))).toMatch(/^invalid value\n --> Cargo.toml:2:11\n/);
  });

  it('needs [package] or [workspace]', () => {
    const dir = tree({ 'Cargo.toml': '# nothing\n' });
    expect(error(dir)).toBe(
      `failed to parse manifest at \`${j(dir, 'Cargo.toml')}\`\n\nCaused by:\n  manifest is missing either a \`[package]\` or a \`[workspace]\``,
    );
    expect(ok(tree({ 'Cargo.toml': ws('["m"]'), ...CLIENT })).package.name).toBe('codex-mcp-client');
  });

  it('a package needs a name', () => {
    const dir = tree({ 'Cargo.toml': '[package]\nversion = "0.1.0"\n' });
    expect(error(dir)).toBe(`failed to parse manifest at \`${j(dir, 'Cargo.toml')}\`\n\nCaused by:\n  missing field \`package.name\``);
  });

  it('a virtual manifest may not declare package sections', () => {
    const dir = tree({ 'Cargo.toml': ws('[]', '\n[dependencies]\n') });
    expect(error(dir)).toBe(
      `failed to parse manifest at \`${j(dir, 'Cargo.toml')}\`\n\nCaused by:\n  this virtual manifest specifies a \`dependencies\` section, which is not allowed`,
    );
  });

  it("a value of the wrong type: serde's message, pointed at", () => {
    expect(error(tree({ 'Cargo.toml': '[workspace]\nmembers = "m"\n' }))).toBe(
      'invalid type: string "m", expected a sequence\n --> Cargo.toml:2:11\n  |\n2 | members = "m"\n  |           ^^^',
    );
    expect(error(tree({ 'Cargo.toml': '[package]\nname = 5\n' }))).toBe(
      'invalid type: integer `5`, expected a string\n --> Cargo.toml:2:8\n  |\n2 | name = 5\n  |        ^',
    );
    expect(error(tree({ 'Cargo.toml': pkg('codex-mcp-client', '\n[bin]\nname = "call_tool"\n') }))).toMatch(
      /^invalid type: map, expected a sequence\n --> Cargo.toml:6:1\n {2}\|\n6 \| \[bin\]\n {2}\| \^{5}$/,
    );
  });
});

describe('workspace members', () => {
  const memberError = (dir: string, member: string, ...causes: string[]): string =>
    [`failed to load manifest for workspace member \`${j(dir, member)}\`\nreferenced by workspace at \`${j(dir, 'Cargo.toml')}\``, ...causes].join(
      '\n\nCaused by:\n  ',
    );

  it('a listed member must have a Cargo.toml', () => {
    const dir = tree({ 'Cargo.toml': ws('["m"]') });
    expect(error(dir)).toBe(memberError(dir, 'm', `failed to read \`${j(dir, 'm/Cargo.toml')}\``, 'No such file or directory (os error 2)'));
  });

  it("a member's manifest must parse: the snippet, then the member it failed in", () => {
    const dir = tree({ 'Cargo.toml': ws('["m"]'), 'm/Cargo.toml': '[package\n' });
    expect(error(dir)).toBe(`unclosed table, expected \`]\`\n --> m/Cargo.toml:1:9\n  |\n1 | [package\n  |         ^\nerror: ${memberError(dir, 'm')}`);
  });

  it('a member needs [package] with a name', () => {
    const noName = tree({ 'Cargo.toml': ws('["m"]'), 'm/Cargo.toml': '[package]\nversion = "0.1.0"\n' });
    expect(error(noName)).toBe(memberError(noName, 'm', `failed to parse manifest at \`${j(noName, 'm/Cargo.toml')}\``, 'missing field `package.name`'));
    const empty = tree({ 'Cargo.toml': ws('["m"]'), 'm/Cargo.toml': '# nothing\n' });
    expect(error(empty)).toBe(
      memberError(empty, 'm', `failed to parse manifest at \`${j(empty, 'm/Cargo.toml')}\``, 'manifest is missing either a `[package]` or a `[workspace]`'),
    );
  });

  it('members may be globs: matching directories only, each with a Cargo.toml', () => {
    const crate = { 'crates/m/Cargo.toml': pkg('codex-mcp-client', CALL_TOOL_BIN), 'crates/m/src/bin/call_tool.rs': MAIN };
    expect(ok(tree({ 'Cargo.toml': ws('["crates/*"]'), ...crate, 'crates/README.md': 'not a crate' })).package.name).toBe('codex-mcp-client');
    expect(ok(tree({ 'Cargo.toml': ws('["cr?tes/[a-m]*"]'), ...crate, 'crates/z/.keep': '' })).package.name).toBe('codex-mcp-client');

    const stray = tree({ 'Cargo.toml': ws('["crates/*"]'), ...crate, 'crates/empty/.keep': '' });
    expect(error(stray)).toBe(
      `failed to load manifest for workspace member \`${j(stray, 'crates/empty')}\`\nreferenced via \`crates/*\` by workspace at \`${j(stray, 'Cargo.toml')}\`` +
        `\n\nCaused by:\n  failed to read \`${j(stray, 'crates/empty/Cargo.toml')}\`\n\nCaused by:\n  No such file or directory (os error 2)`,
    );
    const excluded = tree({ 'Cargo.toml': ws('["crates/*"]', 'exclude = ["crates/empty"]\n'), ...crate, 'crates/empty/.keep': '' });
    expect(ok(excluded).package.name).toBe('codex-mcp-client');

    const nothing = tree({ 'Cargo.toml': ws('["crates/*"]') });
    expect(error(nothing)).toBe(
      memberError(nothing, 'crates/*', `failed to read \`${j(nothing, 'crates/*/Cargo.toml')}\``, 'No such file or directory (os error 2)'),
    );
  });

  it('members must lie below the workspace root', () => {
    const dir = tree({ 'w/Cargo.toml': ws('["../m"]'), ...CLIENT });
    expect(error(dir, { manifest: 'w/Cargo.toml' })).toBe(
      `workspace member \`${j(dir, 'm/Cargo.toml')}\` is not hierarchically below the workspace root \`${j(dir, 'w/Cargo.toml')}\``,
    );
  });

  it('package names are unique', () => {
    const dir = tree({ 'Cargo.toml': ws('["m", "n"]'), ...CLIENT, 'n/Cargo.toml': pkg('codex-mcp-client'), 'n/src/lib.rs': '' });
    expect(error(dir)).toBe(`two packages named \`codex-mcp-client\` in this workspace:\n- ${j(dir, 'm/Cargo.toml')}\n- ${j(dir, 'n/Cargo.toml')}`);
  });

  it('a member may not be a workspace root itself', () => {
    const dir = tree({ 'Cargo.toml': ws('["m"]'), 'm/Cargo.toml': pkg('codex-mcp-client', `${CALL_TOOL_BIN}\n[workspace]\n`), 'm/src/bin/call_tool.rs': MAIN });
    expect(error(dir)).toBe(`multiple workspace roots found in the same workspace:\n  ${j(dir, 'm')}\n  ${dir}`);
  });

  it("`.workspace = true` needs the root's [workspace.package] value", () => {
    const member = { 'm/Cargo.toml': '[package]\nname = "codex-mcp-client"\nedition.workspace = true\n', 'm/src/bin/call_tool.rs': MAIN };
    expect(ok(tree({ 'Cargo.toml': ws('["m"]', '\n[workspace.package]\nedition = "2021"\n'), ...member })).package.name).toBe('codex-mcp-client');
    const dir = tree({ 'Cargo.toml': ws('["m"]'), ...member });
    expect(error(dir)).toBe(
      memberError(
        dir,
        'm',
        `failed to parse manifest at \`${j(dir, 'm/Cargo.toml')}\``,
        "error inheriting `edition` from workspace root manifest's `workspace.package.edition`",
        '`workspace.package.edition` was not defined',
      ),
    );
  });
});

describe('the call_tool bin target', () => {
  it('an explicit path must exist and be a file', () => {
    expect(ok(tree({ 'Cargo.toml': ws('["m"]'), ...CLIENT })).bin.explicitPath).toBe(true);
    const missing = tree({ 'Cargo.toml': ws('["m"]'), 'm/Cargo.toml': pkg('codex-mcp-client', CALL_TOOL_BIN), 'm/src/lib.rs': '' });
    expect(error(missing)).toBe(
      `can't find bin \`call_tool\` at path \`${j(missing, 'm/src/bin/call_tool.rs')}\`\n --> ${j(missing, 'm/Cargo.toml')}\n` +
        'error: could not compile due to 1 previous target resolution error',
    );
    const folder = tree({ 'Cargo.toml': pkg('codex-mcp-client', CALL_TOOL_BIN), 'src/bin/call_tool.rs/main.rs': MAIN });
    expect(error(folder)).toBe(
      `path \`${j(folder, 'src/bin/call_tool.rs')}\` for bin \`call_tool\` is a directory, but a source file was expected.\n --> ${j(folder, 'Cargo.toml')}\n` +
        `  = help: an entry point exists at \`${j(folder, 'src/bin/call_tool.rs/main.rs')}\`\nerror: could not compile due to 1 previous target resolution error`,
    );
  });

  it('a [[bin]] without a path is looked for where cargo looks', () => {
    const declared = '[[bin]]\nname = "call_tool"\n';
    expect(ok(tree({ 'Cargo.toml': pkg('codex-mcp-client', declared), 'src/bin/call_tool/main.rs': MAIN })).bin.path).toMatch(/src\/bin\/call_tool\/main\.rs$/);
    const dir = tree({ 'Cargo.toml': ws('["m"]'), 'm/Cargo.toml': pkg('codex-mcp-client', declared) });
    expect(error(dir)).toBe(
      `failed to load manifest for workspace member \`${j(dir, 'm')}\`\nreferenced by workspace at \`${j(dir, 'Cargo.toml')}\`` +
        `\n\nCaused by:\n  failed to parse manifest at \`${j(dir, 'm/Cargo.toml')}\`` +
        "\n\nCaused by:\n  can't find `call_tool` bin at `src/bin/call_tool.rs` or `src/bin/call_tool/main.rs`. Please specify bin.path if you want to use a non-default path.",
    );
    const unnamed = tree({ 'Cargo.toml': pkg('codex-mcp-client', '[[bin]]\npath = "x.rs"\n'), 'x.rs': MAIN });
    expect(error(unnamed)).toBe(`failed to parse manifest at \`${j(unnamed, 'Cargo.toml')}\`\n\nCaused by:\n  binary target bin.name is required`);
  });

  it('auto-discovery finds src/bin/call_tool.rs and src/bin/call_tool/main.rs', () => {
    const file = ok(tree({ 'Cargo.toml': pkg('codex-mcp-client'), 'src/bin/call_tool.rs': MAIN }));
    expect(file.bin).toMatchObject({ name: 'call_tool', explicitPath: false });
    expect(ok(tree({ 'Cargo.toml': pkg('codex-mcp-client'), 'src/bin/call_tool/main.rs': MAIN })).bin.path).toMatch(/call_tool\/main\.rs$/);
  });

  it('autobins = false turns discovery off', () => {
    const bare = tree({ 'Cargo.toml': pkg('codex-mcp-client', 'autobins = false\n'), 'src/bin/call_tool.rs': MAIN });
    expect(error(bare)).toBe(
      `failed to parse manifest at \`${j(bare, 'Cargo.toml')}\`\n\nCaused by:\n  no targets specified in the manifest\n` +
        '  either src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present',
    );
    const withLib = tree({ 'Cargo.toml': pkg('codex-mcp-client', 'autobins = false\n'), 'src/lib.rs': '', 'src/bin/call_tool.rs': MAIN });
    expect(error(withLib)).toBe('no bin target named `call_tool` in `codex-mcp-client` package');
  });

  it('edition 2015 (the default) stops discovery once any [[bin]] is declared', () => {
    const files = { 'o.rs': MAIN, 'src/bin/call_tool.rs': MAIN };
    const declared = '\n[[bin]]\nname = "other"\npath = "o.rs"\n';
    expect(error(tree({ 'Cargo.toml': pkg('codex-mcp-client', declared, ''), ...files }))).toBe(
      'no bin target named `call_tool` in `codex-mcp-client` package\nhelp: available bin targets:\n    other',
    );
    expect(ok(tree({ 'Cargo.toml': pkg('codex-mcp-client', declared), ...files })).bin.name).toBe('call_tool');
  });

  it('no call_tool: the bins there are, or one with a similar name', () => {
    const dir = tree({ 'Cargo.toml': pkg('codex-mcp-client'), 'src/main.rs': MAIN, 'src/bin/zeta.rs': MAIN, 'src/bin/alpha/main.rs': MAIN });
    expect(error(dir)).toBe(
      'no bin target named `call_tool` in `codex-mcp-client` package\nhelp: available bin targets:\n    alpha\n    codex-mcp-client\n    zeta',
    );
    expect(error(tree({ 'Cargo.toml': pkg('codex-mcp-client'), 'src/bin/call-tool.rs': MAIN }), { p: null })).toBe(
      'no bin target named `call_tool` in default-run packages\n\nhelp: a target with a similar name exists: `call-tool`',
    );
  });
});

describe('-p and the default package', () => {
  it('-p must name a workspace member (a version may follow @)', () => {
    const dir = tree({ 'Cargo.toml': ws('["m"]'), ...CLIENT });
    expect(error(dir, { p: 'codex-cli' })).toBe(`package(s) \`codex-cli\` not found in workspace \`${dir}\``);
    expect(ok(dir, { p: 'codex-mcp-client@0.1.0' }).package.name).toBe('codex-mcp-client');
    expect(error(dir, { p: 'codex-mcp-client@0.2.0' })).toBe(`package(s) \`codex-mcp-client@0.2.0\` not found in workspace \`${dir}\``);
    const empty = tree({ 'Cargo.toml': ws('[]') });
    expect(error(empty)).toBe(`package(s) \`codex-mcp-client\` not found in workspace \`${empty}\``);
  });

  it('without -p a package manifest runs its own package', () => {
    expect(ok(tree({ 'Cargo.toml': pkg('codex-mcp-client'), 'src/bin/call_tool.rs': MAIN }), { p: null }).package.name).toBe('codex-mcp-client');
    const rooted = tree({ 'Cargo.toml': pkg('root', '\n[workspace]\nmembers = ["m"]\n'), 'src/main.rs': MAIN, ...CLIENT });
    expect(error(rooted, { p: null })).toBe(
      'no bin target named `call_tool` in default-run packages\nhelp: available bin in `codex-mcp-client` package:\n    call_tool',
    );
    expect(ok(rooted).package.name).toBe('codex-mcp-client');
  });

  it('without -p a virtual workspace searches every member: exactly one may have the bin', () => {
    const one = tree({ 'Cargo.toml': ws('["a", "m"]'), 'a/Cargo.toml': pkg('aa'), 'a/src/main.rs': MAIN, ...CLIENT });
    expect(ok(one, { p: null }).package.name).toBe('codex-mcp-client');
    const two = tree({ 'Cargo.toml': ws('["m", "n"]'), ...CLIENT, 'n/Cargo.toml': pkg('other'), 'n/src/bin/call_tool.rs': MAIN });
    expect(error(two, { p: null })).toBe(
      '`cargo run` can run at most one executable, but multiple were specified\nhelp: available targets:\n' +
        '    bin `call_tool` in package `codex-mcp-client`\n    bin `call_tool` in package `other`',
    );
    const none = tree({ 'Cargo.toml': ws('[]') });
    expect(error(none, { p: null })).toBe(`manifest path \`${none}\` contains no package: The manifest is virtual, and the workspace has no members.`);
  });

  it('default-members narrows the search and must name members', () => {
    const narrowed = tree({ 'Cargo.toml': ws('["a", "m"]', 'default-members = ["a"]\n'), 'a/Cargo.toml': pkg('aa'), 'a/src/main.rs': MAIN, ...CLIENT });
    expect(error(narrowed, { p: null })).toBe(
      'no bin target named `call_tool` in default-run packages\nhelp: available bin in `codex-mcp-client` package:\n    call_tool',
    );
    expect(ok(narrowed).package.name).toBe('codex-mcp-client');
    const stray = tree({ 'Cargo.toml': ws('["m"]', 'default-members = ["b"]\n'), ...CLIENT });
    expect(error(stray)).toBe(`package \`${j(stray, 'b')}\` is listed in default-members but is not a member\nfor workspace at \`${j(stray, 'Cargo.toml')}\`.`);
  });

  it('a package manifest belongs to the enclosing workspace, which must list it', () => {
    const listed = tree({ 'Cargo.toml': ws('["m"]'), ...CLIENT });
    expect(ok(listed, { manifest: 'm/Cargo.toml', p: null }).workspaceRoot).toBe(listed);
    const unlisted = tree({ 'Cargo.toml': ws('[]'), ...CLIENT });
    expect(error(unlisted, { manifest: 'm/Cargo.toml' })).toBe(
      `current package believes it's in a workspace when it's not:\ncurrent:   ${j(unlisted, 'm/Cargo.toml')}\nworkspace: ${j(unlisted, 'Cargo.toml')}\n\n` +
        `this may be fixable by adding \`m\` to the \`workspace.members\` array of the manifest located at: ${j(unlisted, 'Cargo.toml')}\n` +
        "Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, or add an empty `[workspace]` table to the package's manifest.",
    );
    const excluded = tree({ 'Cargo.toml': ws('[]', 'exclude = ["m"]\n'), ...CLIENT });
    expect(ok(excluded, { manifest: 'm/Cargo.toml' }).workspaceRoot).toBe(j(excluded, 'm'));
    const broken = tree({ 'Cargo.toml': '[workspace\n', ...CLIENT });
    expect(error(broken, { manifest: 'm/Cargo.toml' })).toMatch(/^unclosed table, expected `\]`\n --> Cargo.toml:1:11\n/);
  });
});

describe('rebasedWorkspaceManifest', () => {
  it('lists the members from an outer root, where cargo then finds call_tool', () => {
    const repo = j(base, 'rebased-reference');
    cpSync(j(REFERENCE_GUARDRAILS_DIR, 'codex-rs'), j(repo, 'codex-rs'), { recursive: true });
    const text = rebasedWorkspaceManifest(j(repo, 'codex-rs/Cargo.toml'), repo);
    expect(text).toBe('[workspace]\nresolver = "2"\nmembers = [ "codex-rs/mcp-client" ]\n');
    writeFileSync(j(repo, 'Cargo.toml'), text!);
    expect(ok(repo)).toMatchObject({ workspaceRoot: repo, package: { name: 'codex-mcp-client' } });
  });

  it('keeps [workspace.package] and rebases path dependencies; null where it cannot', () => {
    const inner = ws('["m"]', '\n[workspace.package]\nedition = "2021"\n\n[workspace.dependencies]\nshared = { path = "shared" }\n');
    const dir = tree({ 'inner/Cargo.toml': inner, 'inner/m/Cargo.toml': pkg('codex-mcp-client', CALL_TOOL_BIN), 'inner/m/src/bin/call_tool.rs': MAIN });
    const text = rebasedWorkspaceManifest(j(dir, 'inner/Cargo.toml'), dir)!;
    expect(text).toContain('members = [ "inner/m" ]');
    expect(text).toContain('[workspace.package]\nedition = "2021"');
    expect(text).toContain('[workspace.dependencies.shared]\npath = "inner/shared"');
    const rooted = tree({ 'Cargo.toml': pkg('root', '\n[workspace]\n'), 'src/main.rs': MAIN });
    expect(rebasedWorkspaceManifest(j(rooted, 'Cargo.toml'), path.dirname(rooted))).toBeNull();
    const broken = tree({ 'Cargo.toml': ws('["m"]') });
    expect(rebasedWorkspaceManifest(j(broken, 'Cargo.toml'), path.dirname(broken))).toBeNull();
  });
});
