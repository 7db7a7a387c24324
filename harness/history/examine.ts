// The verdicts of one commit: its guardrail tree (the object ids of --paths) decides them,
// so a tree is examined once. It is looked up, in order, among the trees this run has
// already examined, then in the cache folder; only then is the commit exported into a
// scratch folder and probed with `gaps` (detectGaps). `counts.probes` goes up exactly when
// detectGaps is called.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkSpecId, EvidenceError, newPairId } from '../evidence/evidence.ts';
import { availableFlows, detectGaps, GAP_IDS, type GapId, type GapState, type GapVerdict } from '../gaps/index.ts';
import { PROBE_FLOWS } from '../gaps/model.ts';
import { writeReports } from '../reports/index.ts';
import { validateEnvSettings } from '../run/run-environment.ts';
import { GUARDRAIL_TOOLS, requireTools } from '../run/run-matrix.ts';
import { DEFAULT_SPEC_ID, HarnessSetupError, SCRIPTS_DIR } from '../run/runner.ts';
import { removeScratch, scratchDir } from '../run/scratch.ts';
import { STAGE_OF_FLOW } from '../run/types.ts';
import { type CommitInfo, exportCommit, HistoryError, normalisePaths, openRepository, pathObjects } from './git.ts';
import { type CommitProbeOptions, DEFAULT_HISTORY_PATHS, type ExamineOptions, type ProbeCounts, type TreeVerdicts } from './model.ts';
import { defaultCacheDir, openTreeCache, type TreeCache, treeDigest, verdictContext } from './tree-cache.ts';

export interface Examined {
  verdicts: TreeVerdicts;
  /** The tree was examined before in this run (for another commit); nothing new was done. */
  reused: boolean;
}

export function stateOf(verdicts: TreeVerdicts, gap: GapId): GapVerdict {
  return verdicts.gaps.find((verdict) => verdict.id === gap) as GapVerdict;
}

const everyGap = (state: GapState, reason: string): GapVerdict[] => GAP_IDS.map((id) => ({ id, state, reason, evidence: [] }));

export class TreeExaminer {
  readonly counts: ProbeCounts = { probes: 0, cacheHits: 0, reused: 0 };
  private readonly byTree = new Map<string, Promise<TreeVerdicts>>();
  private readonly trees = new Map<string, Promise<string>>();

  private readonly root: string;
  private readonly paths: readonly string[];
  private readonly cache: TreeCache | null;
  private readonly options: ExamineOptions;

  constructor(root: string, paths: readonly string[], cache: TreeCache | null, options: ExamineOptions) {
    this.root = root;
    this.paths = paths;
    this.cache = cache;
    this.options = options;
  }

  /** The commit's guardrail tree: a hash of the object ids of the paths in it. */
  treeOf(sha: string): Promise<string> {
    let tree = this.trees.get(sha);
    if (tree === undefined) {
      tree = pathObjects(this.root, sha, this.paths).then(treeDigest);
      this.trees.set(sha, tree);
    }
    return tree;
  }

  async examine(commit: CommitInfo): Promise<Examined> {
    const tree = await this.treeOf(commit.sha);
    const known = this.byTree.get(tree);
    if (known !== undefined) {
      this.counts.reused += 1;
      return { verdicts: await known, reused: true };
    }
    const fresh = this.examineTree(commit, tree);
    this.byTree.set(tree, fresh);
    return { verdicts: await fresh, reused: false };
  }

  private async examineTree(commit: CommitInfo, tree: string): Promise<TreeVerdicts> {
    const started = Date.now();
    const cached = await this.cache?.read(tree);
    if (cached) {
      this.counts.cacheHits += 1;
      const verdicts: TreeVerdicts = {
        tree,
        source: 'cache',
        sha: cached.sha,
        probedAt: cached.probedAt,
        gaps: cached.gaps,
        bundles: cached.bundles,
        problem: null,
      };
      return this.done(commit, verdicts, started);
    }
    const scratch = await scratchDir('guardrail-history-');
    try {
      const copy = join(scratch, 'repo');
      await mkdir(copy);
      await exportCommit(this.root, commit.sha, copy);
      if (availableFlows(copy).length === 0) {
        const problem = `commit ${commit.short} has none of ${PROBE_FLOWS.map((flow) => `${SCRIPTS_DIR}/${STAGE_OF_FLOW[flow].script}`).join(', ')}: nothing to probe`;
        return this.done(
          commit,
          { tree, source: 'no-scripts', sha: commit.sha, probedAt: null, gaps: everyGap('not-testable', problem), bundles: [], problem },
          started,
        );
      }
      this.counts.probes += 1;
      const result = await detectGaps({
        repo: copy,
        pairId: `${newPairId()}-${commit.short}`,
        ...(this.options.specId !== undefined ? { specId: this.options.specId } : {}),
        ...(this.options.out !== undefined ? { out: this.options.out } : {}),
        ...(this.options.env !== undefined && this.options.env.length > 0 ? { env: this.options.env } : {}),
        ...(this.options.runConcurrency !== undefined ? { concurrency: this.options.runConcurrency } : {}),
        ...(this.options.timeoutSeconds !== undefined ? { timeoutSeconds: this.options.timeoutSeconds } : {}),
      });
      for (const probe of result.probes) await writeReports(probe.report);
      const verdicts: TreeVerdicts = {
        tree,
        source: 'probed',
        sha: commit.sha,
        probedAt: new Date().toISOString(),
        gaps: result.gaps,
        bundles: result.probes.map((probe) => probe.report.bundleDir),
        problem: null,
      };
      await this.cache?.write(tree, { sha: verdicts.sha, probedAt: verdicts.probedAt as string, gaps: verdicts.gaps, bundles: verdicts.bundles });
      return this.done(commit, verdicts, started);
    } catch (error) {
      // One commit that cannot be probed is reported in its row; the others still are.
      if (!(error instanceof HistoryError || error instanceof HarnessSetupError || error instanceof EvidenceError)) throw error;
      const problem = `commit ${commit.short} could not be probed: ${error.message}`;
      return this.done(
        commit,
        { tree, source: 'error', sha: commit.sha, probedAt: null, gaps: everyGap('not-testable', problem), bundles: [], problem },
        started,
      );
    } finally {
      await removeScratch(scratch);
    }
  }

  private done(commit: CommitInfo, verdicts: TreeVerdicts, started: number): TreeVerdicts {
    this.options.onExamined?.(commit, verdicts, Date.now() - started);
    return verdicts;
  }
}

export interface ExamineSession {
  root: string;
  paths: string[];
  cacheDir: string | null;
  examiner: TreeExaminer;
}

/** Checks what every commit would need (the repository, the tools, the --env settings) once, before any probe. */
export async function openExamineSession(options: CommitProbeOptions, runConcurrency: number | undefined): Promise<ExamineSession> {
  const root = await openRepository(options.repo);
  requireTools([...GUARDRAIL_TOOLS, 'tar'], 'history and bisect');
  const paths = normalisePaths(options.paths ?? DEFAULT_HISTORY_PATHS);
  const env = options.env ?? [];
  validateEnvSettings(env);
  const specId = options.specId ?? DEFAULT_SPEC_ID;
  checkSpecId(specId);
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const cache = cacheDir === null ? null : (await openTreeCache(cacheDir, (salt) => verdictContext(specId, paths, env, salt))).cache;
  const examiner = new TreeExaminer(root, paths, cache, {
    specId,
    env,
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(runConcurrency !== undefined ? { runConcurrency } : {}),
    ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
    ...(options.onExamined !== undefined ? { onExamined: options.onExamined } : {}),
  });
  return { root, paths, cacheDir: cache?.dir ?? null, examiner };
}
