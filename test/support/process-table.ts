// Reading the process table (Linux /proc) to prove what a command left running.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessRow {
  pid: number;
  state: string;
  args: string;
}

/**
 * Every live (not zombie) process whose command line or environment mentions
 * `marker`. Point TMPDIR at a fresh folder and it reaches everything a command starts:
 * the harness's temp folders (where scripts run and the shims sit, on PATH, which even
 * the MCP server's trimmed environment keeps) live there, and TMPDIR itself is inherited.
 */
export function processesMentioning(marker: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z') continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (args.includes(marker) || environ.includes(marker)) rows.push({ pid: Number(entry), state, args });
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return rows;
}

/** Running, as opposed to gone or a zombie (orphans here may wait a while for init to reap them). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The parent of `pid`, from /proc/<pid>/stat (ppid is the second field after the name). */
export function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Whether any process of the group led by `pid` is still running. */
export function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** The processes whose parent is `pid`, lowest pid first. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parentPid(Number(entry)) === pid) children.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return children.sort((a, b) => a - b);
}

/** SIGKILL to `pid` and every process below it: clean-up for a test that failed half-way. */
export function killTree(pid: number): void {
  for (const child of childPids(pid)) killTree(child);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}
