/**
 * HTTP API routes of the query service (API Gateway HTTP API v2 payload; IAM auth is enforced at
 * the gateway, so requests that reach here are already signed):
 *
 *   GET /galaxies/{galaxyId}[?format=]
 *   GET /results?class=fast|slow|uncertain[&model=V][&minP=][&maxP=][&order=asc|desc][&limit=][&cursor=][&format=]
 *   GET /status/{QUEUED|CLASSIFIED|REJECTED|FAILED}[?of=sources|results][&run=][&limit=][&cursor=][&format=]
 *
 * `format=json` (default), `csv` or `ecsv` picks the body; JSON carries `cursor` for the next page.
 *
 * Every request the service cannot answer as asked gets a 4xx with a JSON body `{"error": "<one
 * line>"}`: an unknown path (404) or method (405), bad percent-encoding, an unknown or malformed
 * parameter, a forged or foreign cursor (400), a galaxy not in the index (404), a galaxy too large
 * for one unpaged answer (422). Only a fault of the service itself (the index unreachable, a stored
 * row that no longer parses) escapes as an exception, which the Lambda shell turns into a 500.
 */
import { z } from 'zod';
import { ResultStatus, RotatorClass } from '../config/index.ts';
import { oneLine } from '../errors.ts';
import { MAX_CURSOR_CHARS } from '../ports/cursor.ts';
import { ReadLimitError } from '../ports/page-limit.ts';
import { type BlobStore, CursorError, PAGE_LIMIT, type ResultIndex } from '../ports/storage.ts';
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

/** Longest galaxy id accepted in a path (ids are sanitised to far less by the identity module). */
const MAX_GALAXY_ID_CHARS = 256;

/** A plain decimal: no signs, exponents, hex or blanks, which `Number()` would quietly accept. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

const probability = z
  .string()
  .regex(DECIMAL, 'must be a decimal number in [0, 1]')
  .transform(Number)
  .pipe(z.number().min(0).max(1))
  .optional();
const limit = z
  .string()
  .regex(/^\d{1,7}$/, `must be a whole number in [1, ${PAGE_LIMIT.max}]`)
  .transform(Number)
  .pipe(z.number().int().min(1).max(PAGE_LIMIT.max))
  .optional();
const cursor = z.string().min(1).max(MAX_CURSOR_CHARS).optional();
const format = z.enum(['json', 'csv', 'ecsv']).default('json');
const name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

const GalaxyQuery = z.strictObject({ format });
const ResultsQuery = z
  .strictObject({
    class: RotatorClass,
    model: name.optional(),
    minP: probability,
    maxP: probability,
    order: z.enum(['asc', 'desc']).optional(),
    limit,
    cursor,
    format,
  })
  .refine((q) => q.minP === undefined || q.maxP === undefined || q.minP <= q.maxP, {
    message: 'minP must not exceed maxP',
    path: ['minP'],
  });
const StatusQuery = z.strictObject({
  of: z.enum(['sources', 'results']).default('sources'),
  run: name.optional(),
  limit,
  cursor,
  format,
});

type Format = z.infer<typeof format>;

/** Request text echoed in a message: quoted and escaped, so a message stays one line. */
const quote = (text: string, max = 64): string =>
  JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const fail = (statusCode: number, message: string, headers?: Record<string, string>): HttpResponse =>
  json(statusCode, { error: oneLine(message) }, headers);

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `unknown parameter ${i.keys.map((k) => quote(k)).join(', ')}`;
    const where = i.path.length ? i.path.join('.') : 'value';
    return `${where}: ${i.message}`;
  });
  throw new QueryError(`bad query: ${issues.join('; ')}`);
}

/** The query-string parameters that are present (API Gateway omits none, but tests may pass `undefined`). */
function present(query: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

function galaxyIdOf(raw: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw new QueryError('bad percent-encoding in the galaxy id');
  }
  if (id.length === 0 || id.length > MAX_GALAXY_ID_CHARS) {
    throw new QueryError(`galaxy id must have 1 to ${MAX_GALAXY_ID_CHARS} characters`);
  }
  if (/\p{Cc}/u.test(id)) throw new QueryError('galaxy id must not contain control characters');
  return id;
}

/** Maps a request to a {@link QuerySpec} and its body format; throws QueryError (→ 4xx) for bad input. */
export function routeRequest(req: HttpRequest): { spec: QuerySpec; format: Format } {
  const query = present(req.query);
  const galaxy = /^\/galaxies\/([^/]+)$/.exec(req.path);
  if (galaxy) {
    const galaxyId = galaxyIdOf(galaxy[1]);
    return { spec: { kind: 'galaxy', galaxyId }, format: parse(GalaxyQuery, query).format };
  }
  if (req.path === '/results') {
    const q = parse(ResultsQuery, query);
    return {
      spec: {
        kind: 'class',
        class: q.class,
        modelVersion: q.model,
        minProbability: q.minP,
        maxProbability: q.maxP,
        descending: q.order === 'desc',
        limit: q.limit,
        cursor: q.cursor,
      },
      format: q.format,
    };
  }
  const status = /^\/status\/([^/]+)$/.exec(req.path);
  if (status) {
    const s = ResultStatus.safeParse(status[1]);
    if (!s.success) {
      throw new QueryError(`unknown status ${quote(status[1])} (one of ${ResultStatus.options.join(', ')})`);
    }
    const q = parse(StatusQuery, query);
    return {
      spec: { kind: 'status', status: s.data, of: q.of, runId: q.run, limit: q.limit, cursor: q.cursor },
      format: q.format,
    };
  }
  throw new QueryError(`no route for ${quote(req.method, 16)} ${quote(req.path, 200)}`, { status: 404 });
}

/** Maps a request to a {@link QuerySpec}; throws QueryError (→ 400/404) for bad input. */
export function routeQuery(req: HttpRequest): QuerySpec {
  return routeRequest(req).spec;
}

/** The status and one-line message of a request-side error, or undefined for a service fault. */
export function clientError(err: unknown): { status: number; message: string } | undefined {
  if (err instanceof QueryError) return { status: err.status, message: err.message };
  if (err instanceof ReadLimitError) return { status: 422, message: err.message };
  if (err instanceof CursorError) return { status: 400, message: err.message };
  // Other input errors (a missing or oversized object behind the champion pointer) are the
  // service's state, not the request's: they stay 5xx faults.
  return undefined;
}

export async function handleQueryRequest(
  deps: { index: ResultIndex; blobs: BlobStore },
  req: HttpRequest,
): Promise<HttpResponse> {
  if (req.method !== 'GET')
    return fail(405, `method ${quote(req.method, 16)} not allowed: only GET`, { allow: 'GET' });
  try {
    const { spec, format } = routeRequest(req);
    const result = await runQuery(deps, spec);
    if (format === 'json') return json(200, { items: result.rows, cursor: result.cursor ?? null });
    return {
      statusCode: 200,
      headers: {
        'content-type': format === 'csv' ? 'text/csv' : 'text/plain',
        ...(result.cursor ? { 'x-galspin-cursor': result.cursor } : {}),
      },
      body: renderQuery(result, format) as string,
    };
  } catch (err) {
    const client = clientError(err);
    if (client) return fail(client.status, client.message);
    throw err;
  }
}
