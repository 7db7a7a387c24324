// Finds scenario files: the bundled ones in scenarios/, a user's folder, or a file path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isScenarioName, looksLikeScenarioPath } from '../../common/hal-contract/scenario-name.ts';
import { BUNDLED_SCENARIOS_DIR } from '../../common/package-root.ts';
import { parseScenario, type Scenario, ScenarioError } from './scenario-model.ts';

export const DEFAULT_SCENARIOS_DIR = BUNDLED_SCENARIOS_DIR;
export const DEFAULT_SCENARIO = 'healthy';

const SCHEMA_FILE = 'scenario.schema.json';
const MAX_SCENARIO_BYTES = 1024 * 1024;

/** Reads and validates one scenario file; the error names the file and the field. */
export function loadScenarioFile(path: string): Scenario {
  const absolute = resolve(path);
  let text: string;
  try {
    const stats = statSync(absolute);
    if (!stats.isFile()) throw new ScenarioError(absolute, ['(file): not a regular file']);
    if (stats.size > MAX_SCENARIO_BYTES) {
      throw new ScenarioError(absolute, [`(file): ${stats.size} bytes is over the ${MAX_SCENARIO_BYTES}-byte limit`]);
    }
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    throw new ScenarioError(absolute, [`(file): cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(absolute, [`(document): not valid JSON: ${(error as Error).message}`]);
  }
  const scenario = parseScenario(data, absolute);
  return { ...scenario, source: absolute };
}

export interface ScenarioListing {
  scenarios: Scenario[];
  /** Files that failed to load, with why; listing goes on without them. */
  errors: ScenarioError[];
}

export function listScenarios(dir = DEFAULT_SCENARIOS_DIR): ScenarioListing {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new ScenarioError(dir, [`(folder): cannot read the scenarios folder (${(error as NodeJS.ErrnoException).code})`]);
  }
  const scenarios: Scenario[] = [];
  const errors: ScenarioError[] = [];
  for (const name of names.filter((file) => file.endsWith('.json') && file !== SCHEMA_FILE).sort()) {
    try {
      const scenario = loadScenarioFile(join(dir, name));
      if (`${scenario.name}.json` !== name) {
        throw new ScenarioError(join(dir, name), [`name: "${scenario.name}" must match the file name "${basename(name, '.json')}"`]);
      }
      scenarios.push(scenario);
    } catch (error) {
      errors.push(error as ScenarioError);
    }
  }
  return { scenarios, errors };
}

/**
 * Resolves "NAME" in the scenarios folder or "FILE" as a path. Names are checked
 * against a strict pattern first, so a name can never climb out of the folder.
 */
export function resolveScenario(ref: string, dir = DEFAULT_SCENARIOS_DIR): Scenario {
  if (looksLikeScenarioPath(ref)) return loadScenarioFile(ref);
  if (!isScenarioName(ref)) {
    throw new ScenarioError(ref, ['(name): a scenario name uses lower-case letters, digits, ".", "_" or "-"; give a path ending in .json for a file']);
  }
  const file = join(dir, `${ref}.json`);
  try {
    statSync(file);
  } catch {
    const known = safeNames(dir);
    throw new ScenarioError(ref, [`(name): no scenario "${ref}" in ${dir}; known: ${known.join(', ') || '(none)'}`]);
  }
  return loadScenarioFile(file);
}

function safeNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith('.json') && file !== SCHEMA_FILE)
      .map((file) => basename(file, '.json'))
      .sort();
  } catch {
    return [];
  }
}
