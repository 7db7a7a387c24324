// The shims' pure helpers, without bash or a server: argv redaction, and how the cargo
// and npx shims recognise the call_tool and hal-mcp calls they emulate.
import { describe, expect, it } from 'vitest';
import { locateManifest, parseCallToolInvocation } from '../../../../harness/fakes/shims/cargo-shim.ts';
import { parseHalInvocation } from '../../../../harness/fakes/shims/npx-shim.ts';
import { redactArgv } from '../../../../harness/fakes/shims/shim-common.ts';

describe('shim helpers', () => {
  it('redacts --env secrets and any secret value in argv', () => {
    const argv = ['--env', 'HAL_SECRET_A=alpha1', '--env=HAL_SECRET_B=beta22', '--env', 'PLAIN=visible', '--args', '{"k":"alpha1 gamma333"}'];
    expect(redactArgv(argv, { HAL_SECRET_C: 'gamma333' })).toEqual([
      '--env',
      'HAL_SECRET_A=[REDACTED]',
      '--env=HAL_SECRET_B=[REDACTED]',
      '--env',
      'PLAIN=visible',
      '--args',
      '{"k":"[REDACTED] [REDACTED]"}',
    ]);
  });

  it('recognises cargo runs of call_tool in their old and new forms, and nothing else', () => {
    expect(
      parseCallToolInvocation([
        'run',
        '--manifest-path',
        'codex-rs/Cargo.toml',
        '--quiet',
        '-p',
        'codex-mcp-client',
        '--bin',
        'call_tool',
        '--',
        '--tool',
        't',
      ]),
    ).toEqual({ manifestPath: 'codex-rs/Cargo.toml', packageName: 'codex-mcp-client', quiet: true, toolArgs: ['--tool', 't'] });
    expect(parseCallToolInvocation(['run', '-q', '-p', 'codex-mcp-client', '--bin', 'call_tool', '--', '--tool', 't'])).toMatchObject({
      manifestPath: undefined,
      quiet: true,
    });
    expect(parseCallToolInvocation(['-q', 'run', '--manifest-path=a/Cargo.toml', '-pcodex-mcp-client', '--bin=call_tool'])).toEqual({
      manifestPath: 'a/Cargo.toml',
      packageName: 'codex-mcp-client',
      quiet: true,
      toolArgs: [],
    });
    expect(parseCallToolInvocation(['run', '--bin', 'codex'])).toBeNull();
    expect(parseCallToolInvocation(['build', '--bin', 'call_tool'])).toBeNull();
    expect(parseCallToolInvocation(['--version'])).toBeNull();
  });

  it('recognises npx hal-mcp with or without -y and a version', () => {
    expect(parseHalInvocation(['-y', 'hal-mcp'])).toEqual([]);
    expect(parseHalInvocation(['--yes', 'hal-mcp@1.2.0', '--flag'])).toEqual(['--flag']);
    expect(parseHalInvocation(['hal-mcp'])).toEqual([]);
    expect(parseHalInvocation(['-y', 'hal-mcp-other'])).toBeNull();
    expect(parseHalInvocation(['cowsay'])).toBeNull();
  });

  it('insists, like cargo, that --manifest-path names a Cargo.toml', () => {
    expect(locateManifest('/', 'codex-rs')).toEqual({ ok: false, error: 'the manifest-path must be a path to a Cargo.toml file' });
  });
});
