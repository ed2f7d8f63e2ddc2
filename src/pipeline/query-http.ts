/**
 * HTTP API routes of the query service (API Gateway HTTP API v2 payload; IAM auth is enforced at
 * the gateway, so requests that reach here are already signed):
 *
 *   GET /galaxies/{galaxyId}
 *   GET /results?class=fast|slow|uncertain[&model=V][&minP=][&maxP=][&order=asc|desc][&limit=][&cursor=]
 *   GET /status/{QUEUED|CLASSIFIED|REJECTED|FAILED}[?of=sources|results][&run=][&limit=][&cursor=]
 *
 * `format=json` (default), `csv` or `ecsv` picks the body; JSON carries `cursor` for the next page.
 */
import { z } from 'zod';
import { ResultStatus, RotatorClass } from '../config/index.ts';
import type { BlobStore, ResultIndex } from '../ports.ts';
import { QueryError, type QuerySpec, renderQuery, runQuery } from './query.ts';

export interface HttpRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const num = z.coerce.number().min(0).max(1).optional();
const limit = z.coerce.number().int().min(1).max(1000).optional();
const ResultsQuery = z.object({
  class: RotatorClass,
  model: z.string().min(1).max(128).optional(),
  minP: num,
  maxP: num,
  order: z.enum(['asc', 'desc']).optional(),
  limit,
  cursor: z.string().max(4096).optional(),
});
const StatusQuery = z.object({
  of: z.enum(['sources', 'results']).default('sources'),
  run: z.string().max(128).optional(),
  limit,
  cursor: z.string().max(4096).optional(),
});
const Format = z.enum(['json', 'csv', 'ecsv']).default('json');

const json = (statusCode: number, body: unknown): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Maps a request to a {@link QuerySpec}; throws QueryError (→ 400/404) for bad input. */
export function routeQuery(req: HttpRequest): QuerySpec {
  const parse = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> => {
    const r = schema.safeParse(value);
    if (!r.success)
      throw new QueryError(
        `bad query: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    return r.data;
  };
  const galaxy = /^\/galaxies\/([^/]+)$/.exec(req.path);
  if (galaxy) return { kind: 'galaxy', galaxyId: decodeURIComponent(galaxy[1]) };
  if (req.path === '/results') {
    const q = parse(ResultsQuery, req.query);
    return {
      kind: 'class',
      class: q.class,
      modelVersion: q.model,
      minProbability: q.minP,
      maxProbability: q.maxP,
      descending: q.order === 'desc',
      limit: q.limit,
      cursor: q.cursor,
    };
  }
  const status = /^\/status\/([A-Z]+)$/.exec(req.path);
  if (status) {
    const q = parse(StatusQuery, req.query);
    return {
      kind: 'status',
      status: parse(ResultStatus, status[1]),
      of: q.of,
      runId: q.run,
      limit: q.limit,
      cursor: q.cursor,
    };
  }
  throw new QueryError(`no route for ${req.method} ${req.path}`);
}

export async function handleQueryRequest(
  deps: { index: ResultIndex; blobs: BlobStore },
  req: HttpRequest,
): Promise<HttpResponse> {
  if (req.method !== 'GET') return json(405, { error: 'only GET is supported' });
  try {
    const format = Format.safeParse(req.query.format ?? undefined);
    if (!format.success) throw new QueryError('format must be json, csv or ecsv');
    const result = await runQuery(deps, routeQuery(req));
    if (format.data === 'json') return json(200, { items: result.rows, cursor: result.cursor ?? null });
    return {
      statusCode: 200,
      headers: {
        'content-type': format.data === 'csv' ? 'text/csv' : 'text/plain',
        ...(result.cursor ? { 'x-galspin-cursor': result.cursor } : {}),
      },
      body: renderQuery(result, format.data) as string,
    };
  } catch (err) {
    if (err instanceof QueryError)
      return json(/not in the index|no route/.test(err.message) ? 404 : 400, { error: err.message });
    if (err instanceof Error && err.name === 'CursorError') return json(400, { error: err.message });
    throw err;
  }
}
