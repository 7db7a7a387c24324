// run --export-evidence: the pair's guardrail-written files go back into the user's
// repository, into the evidence folder the Spec Kit reads, under their original names,
// with the telemetry's paths pointing at where the files now are. It refuses to
// overwrite anything: every destination is checked before the first file is written,
// each file is published with link(2), which fails on an existing name, and a failure
// part-way removes what this export wrote.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { writeFileNoClobber } from '../../common/atomic-files.ts';
import { REFERENCE_GUARDRAILS_DIR } from '../../common/package-root.ts';
import { MANIFEST_NAME } from './bundle-names.ts';
import type { ManifestFile, RunManifest } from './evidence.ts';
import { safeFileName } from './safe-names.ts';

/** The guardrails' evidence folder, relative to the repository root; files go into `<this>/<SPEC-ID>/`. */
export const EVIDENCE_FOLDER = 'docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands';

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

export interface ExportRun {
  scenario: string;
  phase?: string;
  flow: string;
  /** The run's folder in the evidence bundle (holds manifest.json). */
  evidenceDir: string;
}

export interface ExportedFile {
  /** Absolute path in the user's repository. */
  path: string;
  /** The bundle file it came from. */
  from: string;
  /** The run that wrote it, e.g. "degraded/validate". */
  run: string;
  /** Telemetry only: how many paths inside were rewritten. */
  rewrittenPaths?: number;
  /** Something the user should know about this file. */
  warning?: string;
}

export interface ExportResult {
  /** `<repo>/docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands/<SPEC-ID>`. */
  dir: string;
  files: ExportedFile[];
}

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/**
 * The export writes into `repo`; refuse a repository that is not a folder, and the kit's
 * own reference guardrails: evidence written there would end up in every later snapshot
 * of them (the harness copies untracked files) and dirty the kit's checkout.
 */
export function assertExportableRepo(repo: string): string {
  const root = resolve(repo);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ExportError(`--export-evidence: --repo ${root} is not a folder; point --repo at your guardrail repository`);
  }
  const real = realpathSync(root);
  if (existsSync(REFERENCE_GUARDRAILS_DIR) && isInside(realpathSync(REFERENCE_GUARDRAILS_DIR), real)) {
    throw new ExportError(
      "--export-evidence writes into --repo, and --repo is the kit's own reference guardrails (the default); " +
        'the kit is never written to. Pass --repo with your guardrail repository, or, to keep evidence of the reference guardrails, ' +
        `copy them first (cp -r ${REFERENCE_GUARDRAILS_DIR} /tmp/reference && git -C /tmp/reference init) and export into the copy`,
    );
  }
  return root;
}

interface Planned {
  run: string;
  file: ManifestFile;
  from: string;
  /** Destination, relative to the repository root, forward slashes. */
  dest: string;
  telemetry: boolean;
}

function runLabel(run: ExportRun): string {
  return `${run.scenario}${run.phase !== undefined ? `/${run.phase}` : ''}/${run.flow}`;
}

async function readManifest(run: ExportRun): Promise<RunManifest> {
  const path = join(run.evidenceDir, MANIFEST_NAME);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunManifest;
  } catch (error) {
    throw new ExportError(`--export-evidence: cannot read ${path} (${(error as Error).message}); the run's evidence is incomplete, so nothing was exported`);
  }
}

/** A path as the guardrail wrote it, relative to its repository root; null when it points elsewhere. */
function repoRelative(path: string, roots: readonly string[]): string | null {
  if (isAbsolute(path)) {
    for (const root of roots) {
      if (isInside(root, path) && path !== root) return relative(root, path).split(sep).join('/');
    }
    return null;
  }
  const normal = posix.normalize(path.split(sep).join('/'));
  return normal === '.' || normal === '..' || normal.startsWith('../') || normal === '' ? null : normal;
}

/** Every string in a JSON value, with a way to replace it. */
function mapStrings(value: unknown, replace: (text: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, replace));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, replace)]));
  }
  return value;
}

function collectStrings(value: unknown, into: string[] = []): string[] {
  mapStrings(value, (text) => {
    into.push(text);
    return text;
  });
  return into;
}

async function planRun(run: ExportRun, specId: string, taken: Map<string, string>): Promise<{ planned: Planned[]; roots: string[]; telemetry: unknown }> {
  const manifest = await readManifest(run);
  const label = runLabel(run);
  const roots = Array.isArray(manifest.repoCopy) ? manifest.repoCopy : [];
  if (roots.length === 0) {
    throw new ExportError(
      `--export-evidence: ${join(run.evidenceDir, MANIFEST_NAME)} does not say where the run's repository copy was (a bundle from an older harness); run again to export`,
    );
  }
  const folder = `${EVIDENCE_FOLDER}/${specId}/`;
  const telemetryFile = manifest.telemetry === null ? undefined : manifest.files.find((file) => file.name === manifest.telemetry);
  let telemetry: unknown = null;
  if (telemetryFile) {
    try {
      telemetry = JSON.parse(await readFile(join(run.evidenceDir, telemetryFile.name), 'utf8'));
    } catch {
      telemetry = null; // Exported byte for byte below; nothing to rewrite in a file that is not JSON.
    }
  }
  const referenced = new Set(collectStrings(telemetry).flatMap((text) => repoRelative(text, roots) ?? []));
  const planned: Planned[] = [];
  for (const file of manifest.files) {
    if (file.repoPath === undefined) continue;
    const inFolder = file.repoPath.startsWith(folder);
    const isTelemetry = file === telemetryFile;
    if (!isTelemetry && !inFolder && !referenced.has(file.repoPath)) continue;
    let dest = inFolder ? file.repoPath : `${folder}${file.original}`;
    // Two runs of one pair can write the same name (captures stamped in the same second):
    // the first keeps it, a later one goes into a folder named after its run, name unchanged.
    if (taken.has(dest.toLowerCase())) dest = `${folder}${safeFileName(label.replaceAll('/', '-'))}/${dest.slice(folder.length)}`;
    if (taken.has(dest.toLowerCase())) {
      throw new ExportError(
        `--export-evidence: ${file.original} of ${label} and of ${taken.get(dest.toLowerCase())} would both be ${dest}; nothing was exported`,
      );
    }
    taken.set(dest.toLowerCase(), label);
    planned.push({ run: label, file, from: join(run.evidenceDir, file.name), dest, telemetry: isTelemetry });
  }
  return { planned, roots, telemetry };
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

/** Copies the runs' guardrail-written files into `<repo>/<EVIDENCE_FOLDER>/<specId>/`; see the file comment. */
export async function exportEvidence(options: { repo: string; specId: string; runs: readonly ExportRun[] }): Promise<ExportResult> {
  const repo = assertExportableRepo(options.repo);
  const dir = join(repo, EVIDENCE_FOLDER, options.specId);
  const taken = new Map<string, string>();
  const plans = [];
  for (const run of options.runs) plans.push(await planRun(run, options.specId, taken));

  const everything = plans.flatMap((plan) => plan.planned);
  const existing: string[] = [];
  for (const item of everything) if (await exists(join(repo, item.dest))) existing.push(item.dest);
  if (existing.length > 0) {
    const shown = existing.slice(0, 5).join(', ') + (existing.length > 5 ? ` and ${existing.length - 5} more` : '');
    throw new ExportError(
      `--export-evidence: ${shown} already exist${existing.length === 1 ? 's' : ''} in ${repo}; the export never overwrites, so nothing was exported. ` +
        'Move those files away (or keep them and export another run later) and run again',
    );
  }

  const written: string[] = [];
  const files: ExportedFile[] = [];
  try {
    for (const plan of plans) {
      const destOf = new Map(plan.planned.map((item) => [item.file.repoPath as string, join(repo, item.dest)]));
      for (const item of plan.planned) {
        const target = join(repo, item.dest);
        await mkdir(dirname(target), { recursive: true });
        if (!isInside(realpathSync(repo), realpathSync(dirname(target)))) {
          throw new ExportError(`--export-evidence: ${dirname(item.dest)} leads out of ${repo} (a symlink?); nothing was exported`);
        }
        let data: Uint8Array | string = await readFile(item.from);
        let rewrittenPaths: number | undefined;
        if (item.telemetry && plan.telemetry !== null) {
          rewrittenPaths = 0;
          const rewritten = mapStrings(plan.telemetry, (text) => {
            const rel = repoRelative(text, plan.roots);
            // A relative string is a path only when it names an exported file ("passed" is not a path).
            if (rel === null || (!isAbsolute(text) && !destOf.has(rel))) return text;
            (rewrittenPaths as number) += 1;
            // An exported file: where it now is. Any other path into the copy: the same file in the user's repository.
            return destOf.get(rel) ?? join(repo, ...rel.split('/'));
          });
          data = `${JSON.stringify(rewritten, null, 2)}\n`;
        }
        try {
          await writeFileNoClobber(target, data);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
            throw new ExportError(
              `--export-evidence: ${item.dest} appeared in ${repo} while exporting; the export never overwrites, so what it had written was removed again`,
            );
          }
          throw error;
        }
        written.push(target);
        // implement's lock is evidence its telemetry lists, but in the evidence folder itself it is also live state.
        const warning =
          item.dest.endsWith('.lock') && dirname(item.dest) === `${EVIDENCE_FOLDER}/${options.specId}`
            ? 'a lock file: where the scripts look for it, it may mark the spec as locked; run unlock or delete it if it must not be'
            : undefined;
        files.push({
          path: target,
          from: item.from,
          run: item.run,
          ...(rewrittenPaths !== undefined ? { rewrittenPaths } : {}),
          ...(warning ? { warning } : {}),
        });
      }
    }
  } catch (error) {
    for (const path of written.reverse()) await rm(path, { force: true });
    throw error;
  }
  return { dir, files };
}
