// The kit's HAL server: its secret rules on their own (fast), and one smoke call through
// the kit's call_tool as the guardrails make it. Parity with the real hal-mcp, call by
// call, is test/conformance/hal-server.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact, secretValues } from '../../../../harness/evidence/secrets.ts';
import { HalSecrets, placeholderName, SecretNotAllowed, urlMatches } from '../../../../harness/fakes/hal-server/hal-secrets.ts';
import { type MockHal, startMockHal } from '../../../../mock-hal/server/server.ts';
import { API_KEY, cleanEnv, HAL_SERVER, NODE, parseResult, runCallTool } from '../../../support/mcp.ts';

describe('placeholder names', () => {
  it.each([
    ['HAL_SECRET_TOKEN', 'token', undefined],
    ['HAL_SECRET_KAVEDARR_API_KEY', 'kavedarr.api_key', 'KAVEDARR'],
    ['HAL_SECRET_AZURE-STORAGE_ACCESS_KEY', 'azure.storage.access_key', 'AZURE-STORAGE'],
    ['HAL_SECRET__LEADING', 'leading', undefined],
  ])('%s is {secrets.%s}', (variable, name, namespace) => {
    expect(placeholderName(variable)).toEqual({ name, namespace });
  });
});

describe('URL patterns', () => {
  it.each([
    ['http://127.0.0.1:7878/api/v3/movie', 'http://127.0.0.1:*/api/*', true],
    ['HTTP://127.0.0.1:7878/API/x', 'http://127.0.0.1:*/api/*', true],
    ['http://127.0.0.1:7878/health', 'http://127.0.0.1:*/api/*', false],
    ['http://127.0.0.1:7878/api', 'http://127.0.0.1:7878/api', true],
    ['http://127.0.0.1:7878/apix', 'http://127.0.0.1:7878/api', false],
    ['http://a.b/x?q=(1)', 'http://a.b/x?q=(1)', true],
  ])('%s against %s: %s', (url, pattern, matches) => {
    expect(urlMatches(url, pattern)).toBe(matches);
  });
});

describe('secret substitution', () => {
  const env = {
    HAL_SECRET_KAVEDARR_API_KEY: 'kvd_value',
    HAL_SECRET_TOKEN: 'tok_value',
    HAL_ALLOW_KAVEDARR: 'http://api.test/*',
    HAL_SECRET_EMPTY: '',
  };

  it('fills in namespaced and plain placeholders, ignoring case, and leaves unknown ones with a warning', () => {
    const warnings: string[] = [];
    const secrets = new HalSecrets(env, (line) => warnings.push(line));
    expect(secrets.substitute('{secrets.KAVEDARR.api_key} {secrets.token} {secrets.kavedarr_api_key}', 'http://api.test/x')).toBe(
      'kvd_value tok_value {secrets.kavedarr_api_key}',
    );
    expect(warnings).toEqual(["Warning: Secret 'kavedarr_api_key' not found. Available secrets: kavedarr.api_key, token"]);
    expect([...secrets.byName.keys()]).toEqual(['kavedarr.api_key', 'token']);
  });

  it('refuses a restricted secret bound elsewhere, naming the secret and the URL', () => {
    const secrets = new HalSecrets(env);
    expect(() => secrets.substitute('{secrets.kavedarr.api_key}', 'http://elsewhere.test/')).toThrow(
      new SecretNotAllowed("Secret 'kavedarr.api_key' is not allowed for URL 'http://elsewhere.test/'"),
    );
    expect(secrets.substitute('{secrets.token}', 'http://elsewhere.test/')).toBe('tok_value');
  });

  it('applies the global lists: the whitelist first, then the blacklist', () => {
    expect(new HalSecrets({ HAL_WHITELIST_URLS: 'http://ok/*' }).refusal('http://no/')).toBe(
      "URL 'http://no/' is not in the whitelist. Allowed patterns: http://ok/*",
    );
    expect(new HalSecrets({ HAL_BLACKLIST_URLS: 'http://no/*, ' }).refusal('http://no/x')).toBe(
      "URL 'http://no/x' is blacklisted. Blocked patterns: http://no/*",
    );
    expect(new HalSecrets({ HAL_WHITELIST_URLS: 'http://no/*', HAL_BLACKLIST_URLS: 'http://no/*' }).refusal('http://no/x')).toBeNull();
  });

  it('redacts every value wherever it appears', () => {
    expect(new HalSecrets(env).redact('a kvd_value b tok_valuetok_value')).toBe('a [REDACTED] b [REDACTED][REDACTED]');
  });
});

describe('the shims’ redaction', () => {
  it('hides every HAL_SECRET_ value, longest first', () => {
    const values = secretValues({ HAL_SECRET_SHORT: 'abc', HAL_SECRET_LONG: 'abcdef', OTHER: 'zzz' });
    expect(values).toEqual(['abcdef', 'abc']);
    expect(redact('abcdef abc zzz', values)).toBe('[REDACTED] [REDACTED] zzz');
  });
});

describe('a smoke call through call_tool', () => {
  let mock: MockHal;
  beforeAll(async () => {
    mock = await startMockHal({ scenario: 'healthy', apiKey: API_KEY });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('sends the real key for {secrets.kavedarr.api_key} and never prints it', async () => {
    const args = { url: `${mock.url}/api/v3/movie`, headers: { 'X-Api-Key': '{secrets.kavedarr.api_key}' } };
    const run = await runCallTool(
      ['--tool', 'http-get', '--args', JSON.stringify(args), '--env', `HAL_SECRET_KAVEDARR_API_KEY=${API_KEY}`, '--', NODE, HAL_SERVER],
      cleanEnv(),
    );
    expect(run.code).toBe(0);
    const text = parseResult(run.stdout).content[0]?.text ?? '';
    expect(text).toMatch(/^Status: 200 OK\n/);
    expect(run.stdout + run.stderr).not.toContain(API_KEY);
    const [request] = await mock.requests();
    expect(request?.headers['x-api-key']).toBe('[REDACTED]');
  });
});
