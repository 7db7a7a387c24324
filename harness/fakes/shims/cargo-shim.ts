// The hermetic `cargo`: `cargo run ... --bin call_tool -- ARGS` runs the
// TypeScript call_tool in this process (no Rust toolchain, one Node start-up
// fewer). Cargo's manifest lookup and workspace resolution (cargo-workspace.ts) are
// emulated with its real errors and exit code 101, because a guardrail that forgets
// `--manifest-path`, or a workspace without codex-mcp-client's call_tool, must fail
// here as it would against the real workspace. Other cargo commands go to the real cargo.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { callToolMain } from '../call-tool/call-tool.ts';
import { resolveRunTarget } from './cargo-workspace.ts';
import { exitCodeForSignal, FORWARDED_SIGNALS, findRealTool, runInherited, ShimRecorder } from './shim-common.ts';

export const CALL_TOOL_PACKAGE = 'codex-mcp-client';
export const CALL_TOOL_BIN = 'call_tool';
/** Cargo's exit code for its own errors. */
export const CARGO_ERROR_EXIT = 101;

export interface CallToolInvocation {
  manifestPath: string | undefined;
  packageName: string | undefined;
  quiet: boolean;
  /** Arguments for call_tool itself. */
  toolArgs: string[];
}

const GLOBAL_WITH_VALUE = new Set(['--color', '--config', '-Z', '-C']);
const RUN_WITH_VALUE = new Set([
  '--manifest-path',
  '-p',
  '--package',
  '--bin',
  '--example',
  '-F',
  '--features',
  '--target',
  '--profile',
  '-j',
  '--jobs',
  '--target-dir',
  '--color',
  '--config',
  '-Z',
  '--message-format',
  '--lockfile-path',
]);

/** Recognises `cargo [globals] run [options] --bin call_tool [-- ARGS]`; null for any other cargo command. */
export function parseCallToolInvocation(argv: readonly string[]): CallToolInvocation | null {
  let i = 0;
  let quiet = false;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('+')) continue; // rustup toolchain selector
    if (arg === '-q' || arg === '--quiet') quiet = true;
    else if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) break;
  }
  if (argv[i] !== 'run' && argv[i] !== 'r') return null;
  const options = new Map<string, string>();
  const toolArgs: string[] = [];
  for (i++; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      toolArgs.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-q' || arg === '--quiet') {
      quiet = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq !== -1 && RUN_WITH_VALUE.has(arg.slice(0, eq))) {
      options.set(arg.slice(0, eq), arg.slice(eq + 1));
    } else if (RUN_WITH_VALUE.has(arg)) {
      const value = argv[++i];
      if (value === undefined) return null; // let real cargo word the error
      options.set(arg, value);
    } else if (/^-[pFj]./.test(arg)) {
      options.set(arg.slice(0, 2), arg.slice(2));
    } else if (!arg.startsWith('-')) {
      toolArgs.push(arg); // cargo hands stray words to the binary too
    }
  }
  if (options.get('--bin') !== CALL_TOOL_BIN || options.has('--example')) return null;
  return {
    manifestPath: options.get('--manifest-path'),
    packageName: options.get('-p') ?? options.get('--package'),
    quiet,
    toolArgs,
  };
}

export type ManifestLookup = { ok: true; manifest: string } | { ok: false; error: string };

/** Cargo's manifest resolution, with cargo's own wording when it fails. */
export function locateManifest(cwd: string, manifestPath: string | undefined): ManifestLookup {
  if (manifestPath !== undefined) {
    if (path.basename(manifestPath) !== 'Cargo.toml') {
      return { ok: false, error: 'the manifest-path must be a path to a Cargo.toml file' };
    }
    const resolved = path.resolve(cwd, manifestPath);
    if (!existsSync(resolved)) return { ok: false, error: `manifest path \`${manifestPath}\` does not exist` };
    return { ok: true, manifest: resolved };
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'Cargo.toml');
    if (existsSync(candidate)) return { ok: true, manifest: candidate };
    if (path.dirname(dir) === dir) break;
  }
  return { ok: false, error: `could not find \`Cargo.toml\` in \`${path.resolve(cwd)}\` or any parent directory` };
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export async function cargoShimMain(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const recorder = new ShimRecorder('cargo', argv, env);
  const invocation = parseCallToolInvocation(argv);
  if (invocation === null) {
    const real = findRealTool('cargo', env);
    if (real === null) {
      process.stderr.write(
        `cargo (hermetic transport): only \`cargo run ... --bin ${CALL_TOOL_BIN} -- ...\` is emulated, and no real ` +
          `cargo was found on the original PATH to run \`cargo ${recorder.argv.join(' ')}\`. ` +
          'Install cargo, or use a transport that has it.\n',
      );
      recorder.finish('refused', 127, 'not a call_tool run and no real cargo on the original PATH');
      return 127;
    }
    const code = await runInherited(real, argv);
    recorder.finish('passthrough', code, `ran ${real}`);
    return code;
  }

  const cargoError = (error: string): number => {
    process.stderr.write(`error: ${error}\n`);
    recorder.finish('call_tool', CARGO_ERROR_EXIT, `cargo: ${error}`);
    return CARGO_ERROR_EXIT;
  };
  const lookup = locateManifest(process.cwd(), invocation.manifestPath);
  if (!lookup.ok) return cargoError(lookup.error);
  const target = resolveRunTarget(lookup.manifest, { cwd: process.cwd(), packageSpec: invocation.packageName, bin: CALL_TOOL_BIN });
  if (!target.ok) return cargoError(target.error);
  if (target.package.name !== CALL_TOOL_PACKAGE) {
    // Real cargo would build and run another crate's binary: not ours to emulate.
    process.stderr.write(
      `cargo (hermetic transport): \`${CALL_TOOL_BIN}\` resolves to package \`${target.package.name}\` (${target.package.manifest}); ` +
        `only the \`${CALL_TOOL_PACKAGE}\` one is emulated.\n`,
    );
    recorder.finish('refused', 127, `${CALL_TOOL_BIN} of package ${target.package.name}, not ${CALL_TOOL_PACKAGE}`);
    return 127;
  }
  if (!invocation.quiet) {
    // Without --quiet real cargo announces the run, arguments and all, on stderr:
    // a guardrail that drops --quiet leaks whatever it passes, here as there.
    // Like cargo: relative to the cwd when the target dir is below it, else absolute.
    const absolute = path.join(target.workspaceRoot, 'target', 'debug', CALL_TOOL_BIN);
    const relative = path.relative(process.cwd(), absolute);
    const binary = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
    process.stderr.write(
      '    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.00s\n' +
        `     Running \`${[binary, ...invocation.toolArgs].map(shellQuote).join(' ')}\`\n`,
    );
  }

  const stop = new AbortController();
  let stoppedBy: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    stoppedBy ??= sig;
    stop.abort();
    // call_tool stops its server within a few seconds; do not outlive that.
    setTimeout(() => {
      recorder.finish('call_tool', exitCodeForSignal(sig), `stopped by ${sig}; call_tool did not wind down in time`);
      process.exit(exitCodeForSignal(sig));
    }, 5000).unref();
  };
  for (const sig of FORWARDED_SIGNALS) process.on(sig, onSignal);
  const code = await callToolMain(invocation.toolArgs, process, { env, signal: stop.signal });
  if (stoppedBy !== null) {
    const sigCode = exitCodeForSignal(stoppedBy);
    recorder.finish('call_tool', sigCode, `stopped by ${stoppedBy}`);
    return sigCode;
  }
  recorder.finish('call_tool', code, `manifest ${lookup.manifest}`);
  return code;
}

if (import.meta.main) {
  const code = await cargoShimMain(process.argv.slice(2));
  process.exit(code);
}
