// Cargo's workspace resolution, as far as `cargo run [-p SPEC] --bin BIN` depends on
// it: a manifest is resolved to its workspace (members and their globs, exclude,
// default-members, the enclosing workspace of a package manifest), every member is
// loaded (cargo-manifest.ts) and the one bin to run is chosen. Whatever real cargo
// (1.95) refuses fails here with cargo's wording, so the hermetic shim cannot pass a
// workspace that real cargo could not build.
// Not emulated: path dependencies as implicit members, `package.workspace`, -p globs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'smol-toml';
import {
  type CargoBin,
  CargoFailure,
  type CargoPackage,
  fail,
  isDir,
  isFile,
  isTable,
  listDir,
  loadPackage,
  type Manifest,
  readManifest,
  type Table,
  withContext,
  within,
} from './cargo-manifest.ts';

export type { CargoBin, CargoPackage };

export type RunTarget = { ok: true; workspaceRoot: string; package: CargoPackage; bin: CargoBin } | { ok: false; error: string };

function globSegment(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    const close = c === '[' ? segment.indexOf(']', i + 2) : -1;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (close !== -1) {
      const body = segment.slice(i + 1, close);
      source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`.replaceAll('\\', '\\\\');
      i = close;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A `members` entry as cargo expands it: a glob's matching directories, else the literal path. */
function expandMember(rootDir: string, entry: string): { dir: string; via?: string }[] {
  const literal = path.resolve(rootDir, entry);
  if (!/[*?[]/.test(entry)) return [{ dir: literal }];
  let found = [path.parse(literal).root];
  const segments = literal.split(path.sep).filter(Boolean);
  for (const [index, segment] of segments.entries()) {
    if (segment === '**') {
      // Zero or more directories; at the end, only what lies below.
      const all: string[] = [];
      const descend = (dir: string, depth: number): void => {
        if (depth > 0 || index < segments.length - 1) all.push(dir);
        for (const child of listDir(dir)) if (child.dir) descend(path.join(dir, child.name), depth + 1);
      };
      for (const dir of found) descend(dir, 0);
      found = all;
    } else if (/[*?[]/.test(segment)) {
      const pattern = globSegment(segment);
      found = found.flatMap((dir) =>
        listDir(dir)
          .filter((child) => pattern.test(child.name))
          .map((child) => path.join(dir, child.name)),
      );
    } else {
      found = found.map((dir) => path.join(dir, segment)).filter((p) => existsSync(p));
    }
  }
  if (found.length === 0) return [{ dir: literal }];
  return found.filter(isDir).map((dir) => ({ dir, via: entry }));
}

function isExcluded(root: Manifest, manifestFile: string): boolean {
  const exclude = (root.ws?.exclude as string[] | undefined) ?? [];
  const members = (root.ws?.members as string[] | undefined) ?? [];
  const under = (entries: string[]): boolean => entries.some((entry) => within(manifestFile, path.resolve(root.dir, entry)));
  return !under(members) && under(exclude);
}

interface Workspace {
  root: Manifest;
  members: CargoPackage[];
  /** What `cargo run` without -p picks from. */
  defaults: CargoPackage[];
  /** Directories of members that declare a [workspace] of their own. */
  nestedRoots: string[];
}

function loadWorkspace(manifestFile: string, cwd: string): Workspace {
  const current = readManifest(manifestFile, cwd);
  let root = current;
  if (current.ws === null) {
    // A package manifest belongs to the nearest enclosing workspace that does not exclude it.
    for (let dir = path.dirname(current.dir); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'Cargo.toml');
      if (existsSync(candidate)) {
        const m = readManifest(candidate, cwd);
        if (m.ws !== null && !isExcluded(m, current.file)) {
          root = m;
          break;
        }
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  const entries: { dir: string; via?: string }[] = root.pkg !== null ? [{ dir: root.dir }] : [];
  for (const entry of (root.ws?.members as string[] | undefined) ?? []) entries.push(...expandMember(root.dir, entry));
  const members: CargoPackage[] = [];
  const memberDirs: string[] = [];
  const nestedRoots: string[] = [];
  for (const { dir, via } of entries) {
    const file = path.join(dir, 'Cargo.toml');
    if (memberDirs.includes(dir) || (dir !== root.dir && isExcluded(root, file))) continue;
    if (file === root.file) {
      // The root package is a member without being listed (a virtual root is none).
      if (root.pkg !== null) {
        memberDirs.push(dir);
        members.push(loadPackage(root, root, cwd));
      }
      continue;
    }
    const context = `failed to load manifest for workspace member \`${dir}\`\nreferenced ${via ? `via \`${via}\` ` : ''}by workspace at \`${root.file}\``;
    const member = withContext(context, () => {
      const m = file === current.file ? current : readManifest(file, cwd);
      if (m.ws !== null) nestedRoots.push(dir);
      return m.pkg === null ? null : loadPackage(m, root, cwd);
    });
    if (member === null) continue;
    memberDirs.push(dir);
    members.push(member);
  }
  let defaults: CargoPackage[];
  const declaredDefaults = root.ws?.['default-members'] as string[] | undefined;
  if (current === root && declaredDefaults !== undefined) {
    defaults = declaredDefaults
      .flatMap((entry) => expandMember(root.dir, entry))
      .map(({ dir }) => {
        const index = memberDirs.indexOf(dir);
        if (index === -1) fail(`package \`${dir}\` is listed in default-members but is not a member\nfor workspace at \`${root.file}\`.`);
        return members[index]!;
      });
  } else if (current.pkg !== null) {
    defaults = members.filter((member) => member.manifest === current.file);
  } else {
    defaults = members;
  }
  validate(current, { root, members, defaults, nestedRoots });
  return { root, members, defaults, nestedRoots };
}

/** Cargo's Workspace::validate, in its order. */
function validate(current: Manifest, ws: Workspace): void {
  const { root, members } = ws;
  members.forEach((member, index) => {
    const twin = members.find((other, j) => j > index && other.name === member.name);
    if (twin) fail(`two packages named \`${member.name}\` in this workspace:\n- ${member.manifest}\n- ${twin.manifest}`);
  });
  if (ws.nestedRoots.length > 0) fail(`multiple workspace roots found in the same workspace:\n  ${[...ws.nestedRoots, root.dir].join('\n  ')}`);
  for (const member of members) {
    if (!within(path.dirname(member.manifest), root.dir)) {
      fail(`workspace member \`${member.manifest}\` is not hierarchically below the workspace root \`${root.file}\``);
    }
  }
  if (current.pkg !== null && !members.some((member) => member.manifest === current.file)) {
    const rel = path.relative(root.dir, current.dir);
    const hint =
      root.pkg !== null && root.ws?.members === undefined
        ? `this may be fixable by ensuring that this crate is depended on by the workspace root: ${root.file}`
        : within(current.dir, root.dir)
          ? `this may be fixable by adding \`${rel}\` to the \`workspace.members\` array of the manifest located at: ${root.file}`
          : `this may be fixable by adding a member to the \`workspace.members\` array of the manifest located at: ${root.file}`;
    fail(
      `current package believes it's in a workspace when it's not:\ncurrent:   ${current.file}\nworkspace: ${root.file}\n\n${hint}\n` +
        "Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, or add an empty `[workspace]` table to the package's manifest.",
    );
  }
}

/** Optimal string alignment distance, as cargo's `closest` uses to suggest names (at most 3 edits). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

function matchesSpec(pkg: CargoPackage, spec: string): boolean {
  const at = spec.indexOf('@');
  const name = at === -1 ? spec : spec.slice(0, at);
  const version = at === -1 ? null : spec.slice(at + 1);
  return pkg.name === name && (version === null || pkg.version === version || pkg.version.startsWith(`${version}.`));
}

function chooseBin(ws: Workspace, manifestFile: string, spec: string | undefined, binName: string): { pkg: CargoPackage; bin: CargoBin } {
  let selected = ws.defaults;
  if (spec !== undefined) {
    selected = ws.members.filter((pkg) => matchesSpec(pkg, spec));
    if (selected.length === 0) fail(`package(s) \`${spec}\` not found in workspace \`${ws.root.dir}\``);
  } else if (selected.length === 0) {
    fail(`manifest path \`${path.dirname(manifestFile)}\` contains no package: The manifest is virtual, and the workspace has no members.`);
  }
  const hits = selected.flatMap((pkg) => pkg.bins.filter((bin) => bin.name === binName).map((bin) => ({ pkg, bin })));
  if (hits.length > 1) {
    const listed = hits.map(({ pkg }) => `    bin \`${binName}\` in package \`${pkg.name}\``).join('\n');
    fail(`\`cargo run\` can run at most one executable, but multiple were specified\nhelp: available targets:\n${listed}`);
  }
  if (hits.length === 1) return hits[0]!;
  const names = [...new Set(selected.flatMap((pkg) => pkg.bins.map((bin) => bin.name)))].sort();
  const closest = names
    .map((name) => ({ name, distance: editDistance(binName, name) }))
    .filter(({ distance }) => distance <= 3)
    .sort((a, b) => a.distance - b.distance)[0];
  let message = `no bin target named \`${binName}\` in ${spec !== undefined ? `\`${spec}\` package` : 'default-run packages'}`;
  if (closest) message += `\n\nhelp: a target with a similar name exists: \`${closest.name}\``;
  const elsewhere = ws.members.filter((pkg) => !selected.includes(pkg) && pkg.bins.some((bin) => bin.name === binName));
  if (elsewhere.length > 0) message += elsewhere.map((pkg) => `\nhelp: available bin in \`${pkg.name}\` package:\n    ${binName}`).join('');
  else if (!closest && names.length > 0) message += `\nhelp: available bin targets:\n${names.map((name) => `    ${name}`).join('\n')}`;
  return fail(message);
}

/**
 * What `cargo run --manifest-path MANIFEST [-p SPEC] --bin BIN` would run, or cargo's
 * error (the text after `error: `). `cwd` is where cargo runs: it shortens paths in diagnostics.
 */
export function resolveRunTarget(manifest: string, opts: { cwd: string; packageSpec?: string | undefined; bin: string }): RunTarget {
  try {
    const ws = loadWorkspace(path.resolve(opts.cwd, manifest), opts.cwd);
    const { pkg, bin } = chooseBin(ws, path.resolve(opts.cwd, manifest), opts.packageSpec, opts.bin);
    if (bin.explicitPath && !isFile(bin.path)) {
      const entry = path.join(bin.path, 'main.rs');
      const lines = isDir(bin.path)
        ? [
            `path \`${bin.path}\` for bin \`${bin.name}\` is a directory, but a source file was expected.`,
            ` --> ${pkg.manifest}`,
            ...(isFile(entry) ? [`  = help: an entry point exists at \`${entry}\``] : []),
          ]
        : [`can't find bin \`${bin.name}\` at path \`${bin.path}\``, ` --> ${pkg.manifest}`];
      fail([...lines, 'error: could not compile due to 1 previous target resolution error'].join('\n'));
    }
    return { ok: true, workspaceRoot: ws.root.dir, package: pkg, bin };
  } catch (error) {
    if (error instanceof CargoFailure) return { ok: false, error: error.render() };
    throw error;
  }
}

/**
 * The same workspace as a manifest for `newRoot` (an ancestor of it): members, and path
 * dependencies in [workspace.dependencies], relative to there; the rest of [workspace]
 * as it was. Cargo lets an outer workspace claim the crates of an inner one. Null when the
 * workspace does not resolve, or a member (the root package, say) declares its own [workspace].
 */
export function rebasedWorkspaceManifest(manifest: string, newRoot: string): string | null {
  let ws: Workspace;
  try {
    ws = loadWorkspace(path.resolve(manifest), newRoot);
  } catch (error) {
    if (error instanceof CargoFailure) return null;
    throw error;
  }
  const { root } = ws;
  if ((root.pkg !== null && root.ws !== null) || ws.nestedRoots.length > 0) return null;
  const rel = (dir: string): string => path.relative(newRoot, dir).split(path.sep).join('/');
  const members = ws.members.map((pkg) => rel(path.dirname(pkg.manifest)));
  if (members.some((dir) => dir === '' || dir.startsWith('..'))) return null;
  const table: Table = { ...(root.ws ?? { resolver: '2' }), members };
  delete table.exclude;
  delete table['default-members'];
  if (isTable(table.dependencies)) {
    table.dependencies = Object.fromEntries(
      Object.entries(table.dependencies).map(([name, dep]) => [
        name,
        isTable(dep) && typeof dep.path === 'string' ? { ...dep, path: rel(path.resolve(root.dir, dep.path)) } : dep,
      ]),
    );
  }
  return stringify({ workspace: table });
}
