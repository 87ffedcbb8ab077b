/**
 * Every GraphQL query this client can send (a test validates each one against the schema).
 * Shapes follow the official Python client; see api-notes in the project brief.
 */

/** Sweep metadata, as current servers answer it. */
export const SWEEP_META_QUERY = `query SweepMeta($entity: String, $project: String, $sweep: String!) {
  project(name: $project, entityName: $entity) {
    sweep(sweepName: $sweep) {
      id name displayName method state description bestLoss config
      createdAt updatedAt runCount runCountExpected
    }
  }
}`;

/** The same for old servers, which lack displayName and runCountExpected: only long-standing fields. */
export const SWEEP_META_LEGACY_QUERY = `query SweepMetaLegacy($entity: String, $project: String, $sweep: String!) {
  project(name: $project, entityName: $entity) {
    sweep(sweepName: $sweep) { id name state bestLoss config }
  }
}`;

/**
 * One page of a sweep's runs, config and summary included (no request per run). `filters` is a JSON
 * string; `cursor` is the last edge's cursor of the previous page.
 */
export const SWEEP_RUNS_QUERY = `query SweepRuns($entity: String!, $project: String!, $filters: JSONString, $order: String, $first: Int, $cursor: String) {
  project(name: $project, entityName: $entity) {
    runCount(filters: $filters)
    runs(filters: $filters, order: $order, first: $first, after: $cursor) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id name displayName state sweepName createdAt heartbeatAt config summaryMetrics } }
    }
  }
}`;

export const ALL_QUERIES: readonly string[] = [SWEEP_META_QUERY, SWEEP_META_LEGACY_QUERY, SWEEP_RUNS_QUERY];

export interface SweepNode {
  id?: string | null;
  name?: string | null;
  displayName?: string | null;
  method?: string | null;
  state?: string | null;
  description?: string | null;
  bestLoss?: number | null;
  config?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  runCount?: number | null;
  runCountExpected?: number | null;
}

export interface SweepMetaData {
  project: { sweep: SweepNode | null } | null;
}

export interface RunNode {
  id: string;
  name: string;
  displayName?: string | null;
  state?: string | null;
  sweepName?: string | null;
  createdAt?: string | null;
  heartbeatAt?: string | null;
  config?: string | null;
  summaryMetrics?: string | null;
}

export interface SweepRunsData {
  project: {
    runCount?: number | null;
    runs: {
      pageInfo: { hasNextPage: boolean; endCursor?: string | null };
      edges: { cursor: string; node: RunNode }[];
    } | null;
  } | null;
}
