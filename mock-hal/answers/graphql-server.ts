// The GraphQL Yoga server over the mock's small schema. Loaded on the first /graphql
// request that needs executing (and warmed right after start-up), because Yoga is most
// of the mock's start-up cost and readiness does not need it.
import { createSchema, createYoga } from 'graphql-yoga';
import { SMOKE_ROUTES } from '../../common/hal-contract/routes.ts';
import { healthBody, MAX_PAGE_SIZE, moviePage } from './bodies.ts';

const typeDefs = /* GraphQL */ `
  type Health {
    status: String!
    service: String!
    version: String!
    timestamp: String!
    uptime: Int!
  }
  type Movie {
    id: Int!
    title: String!
    year: Int!
    tmdbId: Int!
    monitored: Boolean!
    hasFile: Boolean!
  }
  type MoviePage {
    page: Int!
    pageSize: Int!
    totalCount: Int!
    records: [Movie!]!
  }
  type Query {
    health: Health!
    movies(page: Int = 1, pageSize: Int = 50): MoviePage!
  }
`;

/** The mock's schema; `startedAt` (when the mock started) gives the health body's uptime. */
export function createGraphqlSchema(startedAt: number) {
  return createSchema({
    typeDefs,
    resolvers: {
      Query: {
        health: () => healthBody(startedAt),
        movies: (_root: unknown, args: { page: number; pageSize: number }) => {
          if (args.page < 1) throw new Error('movies(page): page must be >= 1');
          if (args.pageSize < 1 || args.pageSize > MAX_PAGE_SIZE) {
            throw new Error(`movies(pageSize): pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
          }
          return moviePage(args.page, args.pageSize);
        },
      },
    },
  });
}

export function createGraphqlServer(startedAt: number) {
  return createYoga({
    schema: createGraphqlSchema(startedAt),
    graphqlEndpoint: SMOKE_ROUTES.graphql_ping.path,
    graphiql: false,
    landingPage: false,
    logging: false,
  });
}

export type GraphqlServer = ReturnType<typeof createGraphqlServer>;
