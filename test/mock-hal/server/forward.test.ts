// Where mock-hal proxy points a redirect the API sent: back through the proxy when it is
// under the API's base URL, left alone otherwise.
import { describe, expect, it } from 'vitest';
import { throughProxy } from '../../../mock-hal/server/forward.ts';

const PROXY = 'http://127.0.0.1:7879';

describe('throughProxy', () => {
  it.each([
    ['http://api.internal:8080', 'http://api.internal:8080/login?next=%2F', `${PROXY}/login?next=%2F`],
    ['http://api.internal:8080', 'http://api.internal:8080', `${PROXY}/`],
    ['http://api.internal:8080/v1/', 'http://api.internal:8080/v1/movies', `${PROXY}/movies`],
    ['http://api.internal:8080/v1', 'http://api.internal:8080/v1?page=2', `${PROXY}/?page=2`],
    // Not under the base URL: another path prefix, another port, another host, a relative location.
    ['http://api.internal:8080/v1', 'http://api.internal:8080/v10/movies', 'http://api.internal:8080/v10/movies'],
    ['http://api.internal:8080', 'http://api.internal:9090/x', 'http://api.internal:9090/x'],
    ['http://api.internal:8080', 'https://sso.example/login', 'https://sso.example/login'],
    ['http://api.internal:8080', '/relative/path', '/relative/path'],
  ])('target %s, Location %s → %s', (target, location, expected) => {
    expect(throughProxy(location, new URL(target), PROXY)).toBe(expected);
  });
});
