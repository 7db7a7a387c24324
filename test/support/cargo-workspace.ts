// A Cargo workspace for repositories that tests build by hand: the reference
// guardrails' codex-rs/ (codex-mcp-client with its call_tool bin), copied, so that
// the cargo shim, which resolves workspaces as real cargo does, accepts it.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MANIFEST, REFERENCE_GUARDRAILS_DIR } from '../../harness/run/runner.ts';

/** Copies the reference workspace into `repoDir/codex-rs/`; returns the manifest path. */
export function writeCargoWorkspace(repoDir: string): string {
  cpSync(join(REFERENCE_GUARDRAILS_DIR, 'codex-rs'), join(repoDir, 'codex-rs'), { recursive: true });
  return join(repoDir, DEFAULT_MANIFEST);
}
