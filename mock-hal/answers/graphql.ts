// The inspection of /graphql requests that the journal and the 400 answers need.
// The Yoga server that executes them is in graphql-server.ts, loaded on first use.
import { type DocumentNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse, type SelectionSetNode } from 'graphql';
import { DEFAULT_LIMITS, type Limits } from '../server/limits.ts';

export type GraphqlLimits = Pick<Limits, 'graphqlMaxQueryBytes' | 'graphqlMaxDepth' | 'graphqlMaxTokens'>;

export type GraphqlInspection = { ok: true; query: string; operation: string; document: DocumentNode } | { ok: false; error: string; query: string | null };

type SelectionHolder = { readonly selectionSet?: SelectionSetNode | undefined };

/**
 * How deep a selection set nests, following named fragments: a spread adds no level of
 * its own but its selections count where it is spread, so fragments cannot hide depth.
 * Each fragment's own depth is computed once (a document can spread one fragment many
 * times) and a fragment that spreads itself counts as having no depth, not as infinite.
 */
function documentDepth(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): number {
  const fragmentDepth = new Map<string, number>();
  const walk = (node: SelectionHolder): number => {
    let deepest = 0;
    for (const selection of node.selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined) continue;
        if (!fragmentDepth.has(name)) {
          fragmentDepth.set(name, 0);
          fragmentDepth.set(name, walk(fragment));
        }
        deepest = Math.max(deepest, fragmentDepth.get(name) ?? 0);
      } else {
        deepest = Math.max(deepest, 1 + walk(selection));
      }
    }
    return deepest;
  };
  return walk(operation);
}

/**
 * Checks a /graphql body the way the real service's front door would, so that a
 * guardrail that sends broken JSON or a broken document gets a 400 naming why.
 */
export function inspectGraphqlBody(body: string, limits: GraphqlLimits = DEFAULT_LIMITS): GraphqlInspection {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch (error) {
    return { ok: false, query: null, error: `body is not valid JSON (${(error as Error).message}); send {"query": "..."}` };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, query: null, error: 'body must be a JSON object like {"query": "query { __typename }"}' };
  }
  const query = (payload as Record<string, unknown>).query;
  if (typeof query !== 'string' || query.trim() === '') {
    return { ok: false, query: null, error: 'body has no "query" string; send {"query": "query { __typename }"}' };
  }
  if (Buffer.byteLength(query) > limits.graphqlMaxQueryBytes) {
    return { ok: false, query: null, error: `query is larger than ${limits.graphqlMaxQueryBytes} bytes` };
  }
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.graphqlMaxTokens });
  } catch (error) {
    return { ok: false, query, error: `query is not a parseable GraphQL document: ${(error as Error).message}` };
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const first = operations[0];
  if (!first) return { ok: false, query, error: 'document has no operation (query, mutation or subscription)' };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  for (const operation of operations) {
    if (documentDepth(operation, fragments) > limits.graphqlMaxDepth) {
      return { ok: false, query, error: `query is nested deeper than ${limits.graphqlMaxDepth} levels` };
    }
  }
  const operation = first.name ? `${first.operation} ${first.name.value}` : first.operation;
  return { ok: true, query, operation, document };
}

/** Bodies longer than this are inspected every time: a regression suite's bodies are small and repeat. */
const CACHED_BODY_CHARS = 8 * 1024;
const CACHED_BODIES = 512;

/**
 * inspectGraphqlBody with the answers kept per body text: suites send the same few
 * documents again and again, and parsing each again was a tenth of a /graphql answer.
 * An inspection depends only on the body and the limits, which are fixed per inspector.
 */
export function createGraphqlInspector(limits: GraphqlLimits = DEFAULT_LIMITS): (body: string) => GraphqlInspection {
  const seen = new Map<string, GraphqlInspection>();
  return (body) => {
    if (body.length > CACHED_BODY_CHARS) return inspectGraphqlBody(body, limits);
    let inspection = seen.get(body);
    if (inspection === undefined) {
      inspection = inspectGraphqlBody(body, limits);
      // Oldest first out: a Map iterates in insertion order.
      if (seen.size >= CACHED_BODIES) seen.delete(seen.keys().next().value as string);
      seen.set(body, inspection);
    }
    return inspection;
  };
}
