// A guardrail repository in a temp folder holding the real telemetry samples, with
// their /home/thetu/code paths moved into it and every listed artifact written, so
// the Spec Kit's evidence validation can find them.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/telemetry/', import.meta.url));
/** The team's real samples, beside the interfaces doc; absent in a checkout without shared/. */
export const SAMPLES = fileURLToPath(new URL('../../../shared/reference/samples/', import.meta.url));
export const SAMPLES_PRESENT = existsSync(SAMPLES);
/** The repo root the real samples were written in. */
export const SAMPLE_ROOT = '/home/thetu/code';
export const EVIDENCE = 'docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands/SPEC-KIT-018';

/** A fixture's name as the guardrails wrote it (colons in the time). */
export function realName(fixture: string): string {
  return fixture.replace(/T(\d{2})-(\d{2})-(\d{2})Z/, 'T$1:$2:$3Z');
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

/** Every path the telemetry lists (artifacts and hal.summary.artifacts, baseline.artifact). */
export function listedPaths(data: Record<string, any>): string[] {
  const paths = [
    ...(Array.isArray(data.artifacts) ? data.artifacts.map((a: any) => (typeof a === 'string' ? a : a?.path)) : []),
    ...(Array.isArray(data.hal?.summary?.artifacts) ? data.hal.summary.artifacts : []),
    data.baseline?.artifact,
  ];
  return [...new Set(paths.filter((path): path is string => typeof path === 'string'))];
}

export interface SampleRepo {
  root: string;
  evidenceDir: string;
  /** Real (colon) names of the telemetry files written. */
  files: string[];
  remove(): void;
}

/**
 * Writes the fixtures into `<tmp>/repo/docs/.../evidence/commands/SPEC-KIT-018/` under
 * their real names, with the sample root replaced by the temp repo, and creates every
 * listed artifact (unless `withArtifacts` is false).
 */
export function sampleRepo(options: { withArtifacts?: boolean } = {}): SampleRepo {
  const base = mkdtempSync(join(tmpdir(), 'spec-kit-repo-'));
  const root = join(base, 'repo');
  const evidenceDir = join(root, EVIDENCE);
  mkdirSync(evidenceDir, { recursive: true });
  const files: string[] = [];
  for (const name of fixtureNames()) {
    const text = readFileSync(join(FIXTURES, name), 'utf8').replaceAll(SAMPLE_ROOT, root);
    writeFileSync(join(evidenceDir, realName(name)), text);
    files.push(realName(name));
    if (options.withArtifacts === false) continue;
    for (const path of listedPaths(JSON.parse(text) as Record<string, unknown>)) {
      mkdirSync(dirname(path), { recursive: true });
      if (!existsSync(path)) writeFileSync(path, path.endsWith('.md') ? '- Status: passed\n' : '{"ok":true}\n');
    }
  }
  return { root, evidenceDir, files, remove: () => rmSync(base, { recursive: true, force: true }) };
}
