// The one redaction rule, and the places that must apply it rather than a copy of it.
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactor, secretsToHide } from '../../../common/hal-contract/redact.ts';
import { REDACTED as HARNESS_REDACTED, redact as harnessRedact, secretValues } from '../../../harness/evidence/secrets.ts';
import { redactArgv } from '../../../harness/fakes/shims/shim-common.ts';
import { Redactor } from '../../../mock-hal/server/auth.ts';

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    expect(REDACTED).toBe('[REDACTED]');
    expect(redact('k=s3cret&again=s3cret, t=tok', ['s3cret', 'tok'])).toBe('k=[REDACTED]&again=[REDACTED], t=[REDACTED]');
  });

  it('hides a secret that contains another whole, whatever order they are given in', () => {
    expect(redact('key=abcdef', ['abc', 'abcdef'])).toBe('key=[REDACTED]');
    expect(redact('key=abcdef', ['abcdef', 'abc'])).toBe('key=[REDACTED]');
  });

  it('ignores empty secrets instead of redacting between every character', () => {
    expect(redact('plain', ['', 'zz'])).toBe('plain');
  });

  it('treats secrets as text, not patterns', () => {
    expect(redact('a.c abc $& (x)', ['a.c', '$&', '(x)'])).toBe('[REDACTED] abc [REDACTED] [REDACTED]');
  });

  it('leaves text with no secret alone', () => {
    expect(redact('nothing here', [])).toBe('nothing here');
    expect(redactor([])('nothing here')).toBe('nothing here');
  });

  it('secretsToHide: distinct, long enough, longest first', () => {
    expect(secretsToHide(['ab', 'abcd', '', 'abc', 'abcd'])).toEqual(['abcd', 'abc', 'ab']);
    expect(secretsToHide(['ab', 'abcd', 'abc'], 3)).toEqual(['abcd', 'abc']);
  });

  it('redactor with a minimum length leaves short values visible', () => {
    expect(redactor(['ab', 'longer'], 4)('ab longer')).toBe(`ab ${REDACTED}`);
  });
});

describe('its users apply the contract rule', () => {
  const secrets = ['kvd_one_secret', 'kvd_one', 'xy'];
  const text = 'path/kvd_one_secret?q=kvd_one&z=xy';

  it('the harness re-exports the contract redact itself, not a copy', () => {
    expect(harnessRedact).toBe(redact);
    expect(HARNESS_REDACTED).toBe(REDACTED);
  });

  it('the journal redacts like the contract, less secrets under 4 characters', () => {
    const journal = new Redactor(secrets);
    expect(journal.text(text)).toBe(redact(text, ['kvd_one_secret', 'kvd_one']));
    expect(journal.text(text)).toBe(`path/${REDACTED}?q=${REDACTED}&z=xy`);
  });

  it('the journal masks secret headers by name and redacts the rest', () => {
    const headers = new Headers({ authorization: 'Bearer anything', 'x-note': 'has kvd_one inside' });
    expect(new Redactor(secrets).headers(headers)).toEqual({ authorization: REDACTED, 'x-note': `has ${REDACTED} inside` });
    expect(Redactor.none.headers(headers)).toEqual({ authorization: 'Bearer anything', 'x-note': 'has kvd_one inside' });
  });

  it('the harness hides HAL_SECRET_ values, longest first', () => {
    const env = { HAL_SECRET_A: 'short1', HAL_SECRET_B: 'short1_and_more', OTHER: 'visible', HAL_SECRET_EMPTY: '' };
    expect(secretValues(env, ['extra_value', 'short1'])).toEqual(['short1_and_more', 'extra_value', 'short1']);
    expect(redactArgv(['--env', 'HAL_SECRET_C=given_inline', 'x=short1_and_more', 'visible'], env)).toEqual([
      '--env',
      `HAL_SECRET_C=${REDACTED}`,
      `x=${REDACTED}`,
      'visible',
    ]);
  });
});
