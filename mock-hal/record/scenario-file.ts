// Writes a recorded scenario to --out: validated first, never half-written, and an
// existing file is replaced only with --force.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic, writeFileNoClobber } from '../../common/atomic-files.ts';
import { parseScenario, type ScenarioInput } from '../scenario/scenario-model.ts';
import { RecordError } from './recorded-answer.ts';

function alreadyExists(file: string): RecordError {
  return new RecordError(`--out ${file} already exists; pass --force to overwrite it or pick another --out`);
}

/** Fails early, before anything is recorded, when --out cannot be written. */
export async function assertWritable(file: string, force: boolean): Promise<void> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new RecordError(`--out ${file} is a folder; give a file name like ${join(file, 'recording.json')}`);
    if (!force) throw alreadyExists(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Validates and writes the scenario. Without `force` the file is created with
 * writeFileNoClobber, so a file that appeared after assertWritable is still never replaced.
 */
export async function writeScenarioFile(file: string, scenario: ScenarioInput, force: boolean): Promise<void> {
  parseScenario(scenario, `recorded scenario "${String(scenario.name)}"`);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  await assertWritable(path, force);
  const text = `${JSON.stringify(scenario, null, 2)}\n`;
  if (force) {
    await writeFileAtomic(path, text);
    return;
  }
  try {
    await writeFileNoClobber(path, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(file);
    throw error;
  }
}
