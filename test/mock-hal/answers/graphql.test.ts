// The inspection of a /graphql body that the journal and the 400 answers rest on:
// each refusal names why and what to send; the limits are inclusive bounds.
import { describe, expect, it } from 'vitest';
import { type GraphqlInspection, type GraphqlLimits, inspectGraphqlBody } from '../../../mock-hal/answers/graphql.ts';
import { DEFAULT_LIMITS } from '../../../mock-hal/server/limits.ts';

const body = (query: unknown): string => JSON.stringify({ query });
const refusal = (inspection: GraphqlInspection): { error: string; query: string | null } => {
  if (inspection.ok) throw new Error(`expected a refusal, got operation ${inspection.operation}`);
  return { error: inspection.error, query: inspection.query };
};
/** A query whose deepest selection is `depth` levels down. */
const nested = (depth: number): string => `query { ${'a { '.repeat(depth - 1)}b${' }'.repeat(depth - 1)} }`;

describe('inspectGraphqlBody: accepted documents', () => {
  it.each([
    ['query { __typename }', 'query'],
    ['{ health { status } }', 'query'],
    ['query Ping { __typename }', 'query Ping'],
    ['mutation Save { save }', 'mutation Save'],
    ['subscription { ticks }', 'subscription'],
    ['fragment F on Query { a } query Second { ...F }', 'query Second'],
    ['query First { a } query Second { b }', 'query First'],
  ])('%s is operation %j', (query, operation) => {
    const inspection = inspectGraphqlBody(body(query));
    expect(inspection).toMatchObject({ ok: true, query, operation });
  });

  it('keeps the parsed document and ignores other body fields', () => {
    const inspection = inspectGraphqlBody(JSON.stringify({ query: 'query Q($n: Int) { a(n: $n) }', variables: { n: 1 }, operationName: 'Q' }));
    expect(inspection.ok && inspection.document.definitions).toHaveLength(1);
  });
});

describe('inspectGraphqlBody: refusals', () => {
  it('a body that is not JSON, quoting the parser and what to send', () => {
    expect(refusal(inspectGraphqlBody('{query: x}'))).toEqual({
      query: null,
      error: expect.stringMatching(/^body is not valid JSON \(.+\); send \{"query": "..."\}$/),
    });
    expect(refusal(inspectGraphqlBody('')).error).toMatch(/^body is not valid JSON/);
  });

  it.each(['[]', '"query { a }"', 'null', '42'])('a JSON body that is not an object (%s)', (text) => {
    expect(refusal(inspectGraphqlBody(text))).toEqual({ query: null, error: 'body must be a JSON object like {"query": "query { __typename }"}' });
  });

  it.each([{}, { query: 5 }, { query: '' }, { query: ' \n\t' }, { Query: 'query { a }' }])('no query string: %j', (payload) => {
    expect(refusal(inspectGraphqlBody(JSON.stringify(payload)))).toEqual({
      query: null,
      error: 'body has no "query" string; send {"query": "query { __typename }"}',
    });
  });

  it('a query that does not parse keeps the query and quotes the GraphQL error', () => {
    expect(refusal(inspectGraphqlBody(body('query { a ')))).toEqual({
      query: 'query { a ',
      error: 'query is not a parseable GraphQL document: Syntax Error: Expected Name, found <EOF>.',
    });
  });

  it('a document of fragments only has no operation', () => {
    expect(refusal(inspectGraphqlBody(body('fragment F on Query { a }')))).toEqual({
      query: 'fragment F on Query { a }',
      error: 'document has no operation (query, mutation or subscription)',
    });
  });
});

describe('inspectGraphqlBody: limits', () => {
  const limits = (given: Partial<GraphqlLimits>): GraphqlLimits => ({ ...DEFAULT_LIMITS, ...given });

  it('size counts UTF-8 bytes of the query: exactly the limit passes, one byte more does not', () => {
    const query = 'query { a(s: "é") }'; // 20 bytes, 19 characters
    expect(inspectGraphqlBody(body(query), limits({ graphqlMaxQueryBytes: 20 })).ok).toBe(true);
    expect(refusal(inspectGraphqlBody(body(query), limits({ graphqlMaxQueryBytes: 19 })))).toEqual({ query: null, error: 'query is larger than 19 bytes' });
  });

  it('depth: the default allows 12 levels and refuses 13', () => {
    expect(inspectGraphqlBody(body(nested(12))).ok).toBe(true);
    expect(refusal(inspectGraphqlBody(body(nested(13))))).toEqual({ query: nested(13), error: 'query is nested deeper than 12 levels' });
    expect(refusal(inspectGraphqlBody(body(nested(3)), limits({ graphqlMaxDepth: 2 }))).error).toBe('query is nested deeper than 2 levels');
  });

  it('depth is checked for every operation, not only the first', () => {
    const query = `query Shallow { a } ${nested(4).replace('query', 'query Deep')}`;
    expect(refusal(inspectGraphqlBody(body(query), limits({ graphqlMaxDepth: 3 }))).error).toBe('query is nested deeper than 3 levels');
  });

  it('tokens: past the limit the parser stops, and the error says so', () => {
    const query = `query { ${Array.from({ length: 20 }, (_, index) => `f${index}`).join(' ')} }`; // 23 tokens
    expect(inspectGraphqlBody(body(query), limits({ graphqlMaxTokens: 23 })).ok).toBe(true);
    expect(refusal(inspectGraphqlBody(body(query), limits({ graphqlMaxTokens: 22 }))).error).toBe(
      'query is not a parseable GraphQL document: Syntax Error: Document contains more than 22 tokens. Parsing aborted.',
    );
  });

  // Named fragments must not hide depth from graphqlMaxDepth.
  it('depth counts selections reached through fragment spreads', () => {
    const query = 'query { a { ...F } } fragment F on A { b { c { d } } }'; // a > b > c > d: 4 levels
    expect(inspectGraphqlBody(body(query), limits({ graphqlMaxDepth: 3 })).ok).toBe(false);
    expect(inspectGraphqlBody(body(query), limits({ graphqlMaxDepth: 4 })).ok).toBe(true);
  });

  it('a fragment spread many times, or spreading itself, is measured without blowing up', () => {
    const chain = Array.from({ length: 30 }, (_, i) => `fragment F${i} on A { x: a { ...F${i + 1} } y: a { ...F${i + 1} } }`).join(' ');
    const wide = `query { ...F0 } ${chain} fragment F30 on A { z }`; // 2^30 paths, 31 levels
    expect(inspectGraphqlBody(body(wide), limits({ graphqlMaxDepth: 31, graphqlMaxTokens: 100_000, graphqlMaxQueryBytes: 100_000 })).ok).toBe(true);
    expect(inspectGraphqlBody(body(wide), limits({ graphqlMaxDepth: 30, graphqlMaxTokens: 100_000, graphqlMaxQueryBytes: 100_000 }))).toMatchObject({
      ok: false,
      error: 'query is nested deeper than 30 levels',
    });
    const cycle = 'query { a { ...F } } fragment F on A { b { ...F } }';
    expect(inspectGraphqlBody(body(cycle), limits({ graphqlMaxDepth: 2 })).ok).toBe(true);
  });
});
