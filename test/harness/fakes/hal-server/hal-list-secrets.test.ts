// The text of the list-secrets tool, line for line as hal-mcp 1.0.14 writes it:
// placeholder names grouped by namespace, their URL restrictions, never a value.
import { describe, expect, it } from 'vitest';
import { listSecretsText } from '../../../../harness/fakes/hal-server/hal-list-secrets.ts';
import { HalSecrets } from '../../../../harness/fakes/hal-server/hal-secrets.ts';

const list = (env: NodeJS.ProcessEnv): string => listSecretsText(new HalSecrets(env));

describe('listSecretsText', () => {
  it('with no secrets, explains how to configure them (no trailing newline)', () => {
    const text = list({ HAL_SECRET_EMPTY: '', OTHER: 'x' });
    expect(text.startsWith('No secrets are currently configured. To add secrets, set environment variables with the HAL_SECRET_ prefix.\n')).toBe(true);
    expect(text.endsWith('  Usage: {secrets.microsoft.api_key}')).toBe(true);
    expect(text.split('\n')).toHaveLength(12);
  });

  it('lists unrestricted secrets and a restricted namespace, with examples and the security notes', () => {
    expect(
      list({
        HAL_SECRET_TOKEN: 'tok_value',
        HAL_SECRET_KAVEDARR_API_KEY: 'kvd_value',
        HAL_SECRET_KAVEDARR_USER_NAME: 'someone',
        HAL_ALLOW_KAVEDARR: 'http://127.0.0.1:*/api/*, https://kavedarr.test/*',
      }),
    ).toBe(
      [
        'Available secrets (3 total):',
        '',
        '**Unrestricted Secrets** (can be used with any URL):',
        '1. {secrets.token}',
        '',
        '**Namespace: kavedarr**',
        'Restricted to URLs: http://127.0.0.1:*/api/*, https://kavedarr.test/*',
        'Secrets:',
        '1. {secrets.kavedarr.api_key}',
        '2. {secrets.kavedarr.user_name}',
        '',
        '**Usage examples:**',
        '- URL: "https://api.example.com/data?token={secrets.token}"',
        '- Header: {"Authorization": "Bearer {secrets.token}"}',
        '- Body: {"username": "{secrets.kavedarr.user_name}"}',
        '',
        '**Security Notes:**',
        '- Only the key names are shown here. The actual secret values are never exposed to the AI.',
        '- Secrets are substituted securely at request time.',
        '- 2 secrets have URL restrictions for enhanced security.',
        '- If a secret is restricted, it will only work with URLs matching its allowed patterns.',
        '',
      ].join('\n'),
    );
  });

  it('never shows a value', () => {
    const text = list({ HAL_SECRET_TOKEN: 'tok_value_123', HAL_SECRET_NS_KEY: 'ns_value_456', HAL_ALLOW_NS: 'http://a/*' });
    expect(text).not.toContain('tok_value_123');
    expect(text).not.toContain('ns_value_456');
  });

  it('a namespace without HAL_ALLOW_ is listed as unrestricted and not counted as restricted', () => {
    const text = list({ HAL_SECRET_GITHUB_TOKEN: 'g' });
    expect(text).toContain('**Namespace: github**\nNo URL restrictions (can be used with any URL)\nSecrets:\n1. {secrets.github.token}\n');
    expect(text).not.toContain('**Unrestricted Secrets**');
    expect(text).not.toContain('have URL restrictions');
    // No secret with "user" in its name: the body example falls back to "username".
    expect(text).toContain('- Body: {"username": "{secrets.username}"}');
    expect(text.endsWith('- Secrets are substituted securely at request time.\n')).toBe(true);
  });

  it('the first secret in environment order is the example; namespaces appear in first-seen order', () => {
    const text = list({ HAL_SECRET_B_ONE: '1', HAL_SECRET_TOKEN: '2', HAL_SECRET_A_TWO: '3' });
    expect(text).toContain('- URL: "https://api.example.com/data?token={secrets.b.one}"');
    expect(text.indexOf('**Namespace: b**')).toBeLessThan(text.indexOf('**Namespace: a**'));
  });

  it('a dashed namespace is grouped with dots; namespaces differing only in case share a group, whose restriction is its first secret’s', () => {
    const text = list({
      'HAL_SECRET_AZURE-STORAGE_KEY': 'k',
      HAL_SECRET_Kav_A: 'a',
      HAL_SECRET_KAV_B: 'b',
      HAL_ALLOW_KAV: 'http://kav/*',
    });
    expect(text).toContain('**Namespace: azure.storage**\nNo URL restrictions (can be used with any URL)\nSecrets:\n1. {secrets.azure.storage.key}\n');
    expect(text).toContain('**Namespace: kav**\nNo URL restrictions (can be used with any URL)\nSecrets:\n1. {secrets.kav.a}\n2. {secrets.kav.b}\n');
    expect(text).toContain('- 1 secrets have URL restrictions for enhanced security.');
  });

  it('a HAL_ALLOW_ list of only commas restricts to nothing yet is listed as unrestricted, as hal-mcp lists it', () => {
    const secrets = new HalSecrets({ HAL_SECRET_NS_KEY: 'v', HAL_ALLOW_NS: ' , ' });
    const text = listSecretsText(secrets);
    expect(text).toContain('**Namespace: ns**\nNo URL restrictions (can be used with any URL)\n');
    expect(text).toContain('- 1 secrets have URL restrictions for enhanced security.');
    expect(() => secrets.substitute('{secrets.ns.key}', 'http://anywhere/')).toThrow("Secret 'ns.key' is not allowed for URL 'http://anywhere/'");
  });
});
