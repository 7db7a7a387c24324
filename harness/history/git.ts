// The git plumbing behind `history` and `bisect`. Every command here only reads the user's
// repository (rev-parse, rev-list, ls-tree, merge-base, archive): no checkout, no index,
// no ref, no worktree, nothing written under .git. A commit's files are exported with
// `git archive` into a folder the caller owns. git always gets an argument array, never a shell.
import { execFile, spawn } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { HarnessSetupError } from '../run/runner.ts';

/** A request history or bisect cannot act on (not a repository, a bad revision, an empty range): exit 2. */
export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

export interface CommitInfo {
  sha: string;
  short: string;
  /** Author date, ISO 8601 with its offset. */
  date: string;
  subject: string;
  parents: string[];
}

/** Variables that would point git at another repository, index or object store than --repo's. */
const RELOCATING = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of RELOCATING) delete env[name];
  return {
    ...env,
    // Even a read may refresh the index when it can take the lock; this forbids it.
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
    // --paths are file and folder names, not patterns: rev-list and ls-tree must agree on them.
    GIT_LITERAL_PATHSPECS: '1',
  };
}

interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

function git(cwd: string, args: readonly string[]): Promise<GitOutput> {
  return new Promise((done, fail) => {
    execFile('git', args, { cwd, env: gitEnv(), maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        fail(error.code === 'ENOENT' ? new HarnessSetupError('history and bisect need git on PATH; install it (on Debian: apt-get install -y git)') : error);
        return;
      }
      done({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** git's own first line of complaint, for a message that also says what to do. */
function gitSays(output: GitOutput): string {
  const line = output.stderr.split('\n').find((text) => text.trim() !== '');
  return line ? ` (git: ${line.trim()})` : '';
}

async function gitOrThrow(cwd: string, args: readonly string[], what: string): Promise<string> {
  const output = await git(cwd, args);
  if (output.code !== 0) throw new HistoryError(`${what} failed${gitSays(output)}`);
  return output.stdout;
}

/** The root of the repository to read: `dir` itself, which must be the top of a work tree or a bare repository. */
export async function openRepository(dir: string): Promise<string> {
  const path = resolve(dir);
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    // Reported below.
  }
  if (!isFolder) throw new HistoryError(`--repo ${path} is not a folder; point it at the root of a git checkout of your guardrail repository`);
  const bare = await git(path, ['rev-parse', '--is-bare-repository']);
  if (bare.code !== 0) {
    throw new HistoryError(`--repo ${path} is not a git repository${gitSays(bare)}; history and bisect read commits, so point --repo at a git checkout`);
  }
  if (bare.stdout.trim() === 'true') return path;
  const top = (await gitOrThrow(path, ['rev-parse', '--show-toplevel'], `git rev-parse in ${path}`)).trim();
  if (realpathSync(top) !== realpathSync(path)) {
    throw new HistoryError(`--repo ${path} is a folder inside the git repository ${top}; commits are probed whole, so pass --repo ${top}`);
  }
  return path;
}

/** The commit a revision names; `flag` is how the user gave it, for the message. */
export async function resolveCommit(root: string, rev: string, flag: string): Promise<string> {
  // A leading "-" would be read as an option.
  const output = rev === '' || rev.startsWith('-') ? null : await git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (output === null || output.code !== 0) {
    throw new HistoryError(`${flag} ${JSON.stringify(rev)} names no commit in ${root}; give a commit id, a branch or a tag (git log --oneline lists them)`);
  }
  return output.stdout.trim();
}

/** A resolved --range: every commit reachable from `to` and not from `from`. */
export interface CommitRange {
  text: string;
  from: string | null;
  to: string;
}

/** `A..B`, `A..` (up to HEAD) or a single revision (its whole history); undefined means HEAD's whole history. */
export async function resolveRange(root: string, range: string | undefined): Promise<CommitRange> {
  const text = range ?? 'HEAD';
  if (text.includes('...')) throw new HistoryError(`--range ${JSON.stringify(text)}: use A..B (two dots), the commits after A up to B`);
  const parts = text.split('..');
  if (parts.length > 2) throw new HistoryError(`--range ${JSON.stringify(text)}: expected A..B or a single revision`);
  if (parts.length === 1) return { text, from: null, to: await resolveCommit(root, text, '--range') };
  const [from, to] = parts.map((part) => (part === '' ? 'HEAD' : part)) as [string, string];
  return { text, from: await resolveCommit(root, from, '--range'), to: await resolveCommit(root, to, '--range') };
}

/** --paths as git reads them relative to the root: no absolute names, no "..", no trailing "/". */
export function normalisePaths(paths: readonly string[]): string[] {
  const normal = paths.map((path) => {
    const given = path.trim();
    const clean = given === '' ? '' : posix.normalize(given.replace(/\\/g, '/')).replace(/\/+$/, '');
    if (clean === '' || clean.startsWith('/') || clean === '..' || clean.startsWith('../')) {
      throw new HistoryError(`--paths ${JSON.stringify(path)}: give a file or folder relative to the repository root, like scripts/spec_ops_004`);
    }
    return clean;
  });
  return [...new Set(normal)];
}

const FIELD = '%x1f';
const FORMAT = ['%H', '%h', '%aI', '%P', '%s'].join(FIELD);

function parseCommits(text: string): CommitInfo[] {
  // rev-list --format prints "commit <sha>" before each formatted line.
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('commit '))
    .map((line) => {
      const [sha, short, date, parents, ...subject] = line.split('\x1f');
      return {
        sha: sha as string,
        short: short as string,
        date: date as string,
        parents: (parents ?? '').split(' ').filter(Boolean),
        subject: subject.join('\x1f'),
      };
    });
}

/**
 * The commits of `range` on its first-parent line that changed any of `paths` against their
 * first parent, oldest first. A merge is one of them when it brought a change to the paths
 * in from its other side; the side branch's own commits are not.
 */
export async function touchingCommits(root: string, range: CommitRange, paths: readonly string[]): Promise<CommitInfo[]> {
  const revs = [range.to, ...(range.from ? [`^${range.from}`] : [])];
  return parseCommits(await gitOrThrow(root, ['rev-list', '--first-parent', '--reverse', `--format=${FORMAT}`, ...revs, '--', ...paths], 'git rev-list'));
}

/** How many commits the range's first-parent line holds, touching the paths or not. */
export async function firstParentCount(root: string, range: CommitRange): Promise<number> {
  const revs = [range.to, ...(range.from ? [`^${range.from}`] : [])];
  return Number((await gitOrThrow(root, ['rev-list', '--first-parent', '--count', ...revs], 'git rev-list --count')).trim());
}

export async function commitInfo(root: string, sha: string): Promise<CommitInfo> {
  const [info] = parseCommits(await gitOrThrow(root, ['rev-list', '--no-walk', `--format=${FORMAT}`, sha], `reading commit ${sha}`));
  if (!info) throw new HistoryError(`commit ${sha} could not be read from ${root}`);
  return info;
}

export async function isAncestor(root: string, ancestor: string, descendant: string): Promise<boolean> {
  const output = await git(root, ['merge-base', '--is-ancestor', ancestor, descendant]);
  if (output.code > 1) throw new HistoryError(`git merge-base --is-ancestor failed${gitSays(output)}`);
  return output.code === 0;
}

/**
 * The object ids of `paths` in a commit, one "mode type id<TAB>path" line each (a folder is
 * one tree id, not its files): equal listings mean the same guardrail files.
 */
export async function pathObjects(root: string, sha: string, paths: readonly string[]): Promise<string> {
  return gitOrThrow(root, ['ls-tree', '--full-tree', sha, '--', ...paths], `git ls-tree ${sha}`);
}

/** Writes the commit's files into `dest` (an existing empty folder) through `git archive | tar -x`. */
export async function exportCommit(root: string, sha: string, dest: string): Promise<void> {
  const archive = spawn('git', ['archive', '--format=tar', sha], { cwd: root, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  // -m: the files get the time of extraction, so tar never warns about dates in the future.
  const tar = spawn('tar', ['-x', '-m', '--no-same-owner', '-f', '-', '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] });
  archive.stdout.pipe(tar.stdin);
  const finished = (child: typeof archive | typeof tar, name: string, tool: string) =>
    new Promise<void>((done, fail) => {
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('error', (error: NodeJS.ErrnoException) =>
        fail(
          error.code === 'ENOENT'
            ? new HarnessSetupError(`history and bisect need ${tool} on PATH; install it (on Debian: apt-get install -y ${tool})`)
            : error,
        ),
      );
      child.on('close', (code) =>
        code === 0 ? done() : fail(new HistoryError(`${name} of commit ${sha} exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`)),
      );
    });
  // A failed tar closes its stdin; the archive then dies of EPIPE, which says nothing new.
  tar.stdin.on('error', () => undefined);
  await Promise.all([finished(archive, 'git archive', 'git'), finished(tar, 'tar', 'tar')]);
}
