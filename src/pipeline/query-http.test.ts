/**
 * The query API under fuzzing: random methods, paths, parameters and cursors against the embedded
 * (SQLite) result index holding real rows. Whatever arrives, the handler answers below 500 with a
 * JSON one-line error for anything it refuses, and every malformed request gets its 4xx.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelinePorts } from '../app/aws-ports.ts';
import { embeddedPorts } from '../app/embedded-ports.ts';
import type { ResultRow, SourceRow } from '../config/index.ts';
import { CHAMPION_KEY } from './model-repository.ts';
import { type HttpRequest, type HttpResponse, handleQueryRequest } from './query-http.ts';

const RUNS = 250;
const T0 = Date.parse('2026-11-25T19:00:00.000Z');

function result(galaxyId: string, modelVersion: string, p: number, s: number): ResultRow {
  return {
    galaxyId,
    modelVersion,
    runId: s % 2 ? 'run-a' : 'run-b',
    sourceKey: `incoming/run-a/${galaxyId}_stellar-velocity_default_two-moment.fits`,
    updatedAt: new Date(T0 + s * 1000).toISOString(),
    status: 'CLASSIFIED',
    probability: p,
    class: p >= 0.95 ? 'fast' : p <= 0.05 ? 'slow' : 'uncertain',
    uncertainty: { mean: p, std: 0.01, passes: 10 },
    moransI: 0.7,
    attributionKeys: {
      array: `attributions/${modelVersion}/${galaxyId}.npy`,
      png: `attributions/${modelVersion}/${galaxyId}.png`,
    },
    timings: {},
  };
}

function source(i: number, status: SourceRow['status']): SourceRow {
  return {
    sourceKey: `incoming/run-a/g${i}_stellar-velocity_default_two-moment.fits`,
    galaxyId: `g${i}`,
    status,
    runId: 'run-a',
    updatedAt: new Date(T0 + i * 1000).toISOString(),
    ...(status === 'REJECTED' ? { reason: 'bad file' } : {}),
  };
}

let home: string;
let ports: PipelinePorts;
/** Cursors the index really issued, one per paged query kind. */
const issued: string[] = [];

const call = (req: HttpRequest): Promise<HttpResponse> => handleQueryRequest(ports, req);
const get = (path: string, query: Record<string, string> = {}) => call({ method: 'GET', path, query });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'galspin-qfuzz-'));
  ports = await embeddedPorts(home);
  const ps = [0.99, 0.97, 0.951, 0.999, 0.5, 0.3, 0.01, 0.02, 0.04, 0.96];
  for (const [i, p] of ps.entries()) {
    await ports.index.putResult(result(`g${i}`, 'v1', p, i));
    await ports.index.putResult(result(`g${i}`, 'v2', 1 - p, i));
    await ports.index.putSourceStatus(source(i, i % 3 === 0 ? 'REJECTED' : 'CLASSIFIED'));
  }
  await ports.blobs.put(
    CHAMPION_KEY,
    JSON.stringify({ version: 'v1', promotedAt: new Date(T0).toISOString() }),
  );
  for (const [path, query] of [
    ['/results', { class: 'fast', limit: '2' }],
    ['/results', { class: 'slow', model: 'v2', order: 'desc', limit: '1' }],
    ['/status/CLASSIFIED', { of: 'results', limit: '3' }],
    ['/status/REJECTED', { limit: '1' }],
  ] as const) {
    const page = JSON.parse((await get(path, query)).body);
    expect(page.cursor, `${path} ${JSON.stringify(query)}`).toEqual(expect.any(String));
    issued.push(page.cursor);
  }
});

afterAll(() => {
  ports?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** What every answer must be: below 500; a refusal is JSON `{error}` on one line. */
function expectWellFormed(res: HttpResponse, req: HttpRequest): void {
  const what = JSON.stringify(req);
  expect(res.statusCode, what).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(res.headers['content-type'], what).toBe('application/json');
    const body = JSON.parse(res.body);
    expect(Object.keys(body), what).toEqual(['error']);
    expect(body.error, what).toMatch(/^[^\n\r]{1,1000}$/);
  } else if (res.headers['content-type'] === 'application/json') {
    expect(JSON.parse(res.body).items, what).toEqual(expect.any(Array));
  }
}

// --- generators --------------------------------------------------------------------------------

const KNOWN_PARAMS = ['class', 'model', 'minP', 'maxP', 'order', 'limit', 'cursor', 'format', 'of', 'run'];
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const numberText = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '1',
    '1000',
    '1001',
    '1e3',
    '0x10',
    'NaN',
    'Infinity',
    '1.5',
    '.5',
    '5.',
    '١',
  ),
  fc.double().map(String),
  fc.integer().map(String),
);
const paramValue = fc.oneof(
  anyText,
  numberText,
  fc.constantFrom('fast', 'slow', 'uncertain', 'v1', 'desc', 'csv'),
);
const params = fc.dictionary(
  fc.oneof(fc.constantFrom(...KNOWN_PARAMS), fc.string({ maxLength: 8 })),
  paramValue,
  {
    maxKeys: 5,
  },
);
/** Percent sequences that decodeURIComponent refuses: stray `%`, non-hex, truncated or invalid UTF-8. */
const badPercent = fc.constantFrom('%', '%2', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%ED%A0%80', 'a%', '%%41');
const segment = fc.oneof(fc.webSegment(), anyText.map(encodeURIComponent), anyText);
const path = fc.oneof(
  segment.map((s) => `/galaxies/${s}`),
  // `~` (unreserved, not a hex digit) keeps what follows from completing the escape.
  fc.tuple(segment, badPercent, segment).map(([a, b, c]) => `/galaxies/${a}${b}~${c}`),
  segment.map((s) => `/status/${s}`),
  fc.constantFrom('/results', '/results/', '/galaxies/', '/status/', '/', '', '//results', '/galaxies/a/b'),
  fc.webPath(),
  anyText,
);
const methods = fc.oneof(
  fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'get'),
  fc.string({ maxLength: 10 }),
);

/** A cursor the index issued, or one corrupted in a way that keeps it plausible-looking. */
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const decoded = (c: string) =>
  JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as { t: string; p: unknown };
const realCursor = fc.constantFrom(...Array.from({ length: 4 }, (_, i) => i)).map((i) => issued[i]);
/** Cursors no query of this index issued: all must be refused with 400. */
const forgedCursor = fc.oneof(
  // not base64url at all
  fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !/^[A-Za-z0-9_-]+$/.test(s)),
  // base64url of something that is not JSON, or JSON of the wrong shape
  fc.string({ minLength: 1, maxLength: 60 }).map(b64),
  fc.jsonValue({ maxDepth: 3 }).map(b64),
  // a real cursor's position under another query's tag
  fc
    .tuple(realCursor, fc.string({ maxLength: 30 }))
    .map(([c, t]) => b64({ ...decoded(c), t: `${decoded(c).t}${t}x` })),
  // the right tag with a position of the wrong shape (not three strings)
  fc
    .tuple(
      realCursor,
      fc.oneof(
        fc
          .jsonValue({ maxDepth: 3 })
          .filter((p) => !(Array.isArray(p) && p.length === 3 && p.every((x) => typeof x === 'string'))),
        fc.array(fc.string(), { minLength: 0, maxLength: 2 }),
        fc.array(fc.string(), { minLength: 4, maxLength: 6 }),
        fc.tuple(fc.string(), fc.integer(), fc.string()),
        fc.tuple(fc.string({ minLength: 2049, maxLength: 2100 }), fc.string(), fc.string()),
      ),
    )
    .map(([c, p]) => b64({ t: decoded(c).t, p })),
  // a real cursor cut short or with a character swapped for a non-alphabet one
  fc.tuple(realCursor, fc.nat(), fc.constantFrom('=', '+', '/', '.', ' ', '%')).map(([c, i, ch]) => {
    const at = i % c.length;
    return `${c.slice(0, at)}${ch}${c.slice(at + 1)}`;
  }),
  fc.string({ minLength: 4097, maxLength: 4200, unit: fc.constantFrom('A', 'b', '_') }),
);

// --- properties --------------------------------------------------------------------------------

describe('query HTTP handler under fuzzing (embedded index)', () => {
  it('answers every request below 500, with a JSON one-line error for any refusal', async () => {
    await fc.assert(
      fc.asyncProperty(
        methods,
        path,
        params,
        fc.option(fc.oneof(realCursor, forgedCursor)),
        async (method, p, q, c) => {
          const req = { method, path: p, query: c === null ? q : { ...q, cursor: c } };
          expectWellFormed(await call(req), req);
        },
      ),
      { numRuns: RUNS, seed: 13 },
    );
  });

  it('refuses forged, garbled and foreign cursors with 400 on every paged route', async () => {
    const routes = fc.constantFrom(
      ['/results', { class: 'fast' }],
      ['/results', { class: 'slow', model: 'v2', order: 'desc' }],
      ['/status/CLASSIFIED', { of: 'results' }],
      ['/status/REJECTED', {}],
    );
    await fc.assert(
      fc.asyncProperty(routes, forgedCursor, async ([p, q], cursor) => {
        const req = { method: 'GET', path: p, query: { ...q, cursor } };
        const res = await call(req);
        expectWellFormed(res, req);
        expect(res.statusCode, JSON.stringify(req)).toBe(400);
      }),
      { numRuns: RUNS, seed: 15 },
    );
  });

  it('accepts a cursor on the query that issued it and refuses it on every other one', async () => {
    const queries = [
      ['/results', { class: 'fast', limit: '2' }],
      ['/results', { class: 'slow', model: 'v2', order: 'desc', limit: '1' }],
      ['/status/CLASSIFIED', { of: 'results', limit: '3' }],
      ['/status/REJECTED', { limit: '1' }],
    ] as const;
    for (const [i, [p, q]] of queries.entries()) {
      for (const [j, cursor] of issued.entries()) {
        const res = await get(p, { ...q, cursor });
        expect(res.statusCode, `${p} ${JSON.stringify(q)} with cursor ${j}`).toBe(i === j ? 200 : 400);
      }
    }
  });

  it('gives 400 for bad percent-encoding in a galaxy id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.webSegment(), badPercent, fc.webSegment(), async (a, bad, b) => {
        const res = await get(`/galaxies/${a}${bad}~${b}`);
        expect(res.statusCode).toBe(400);
        expect(JSON.parse(res.body).error).toMatch(/percent-encoding/);
      }),
      { numRuns: 100, seed: 17 },
    );
  });

  it('gives 405 for every method but GET, and 404 for every path that is not a route', async () => {
    await fc.assert(
      fc.asyncProperty(
        methods.filter((m) => m !== 'GET'),
        path,
        async (method, p) => {
          const res = await call({ method, path: p, query: {} });
          expect(res.statusCode).toBe(405);
          expect(res.headers.allow).toBe('GET');
        },
      ),
      { numRuns: 100, seed: 19 },
    );
    const notRoutes = fc
      .oneof(
        fc.webPath(),
        anyText,
        fc.constantFrom('/results/', '/galaxies/', '/status/', '/', '', '//results', '/galaxies/a/b'),
      )
      .filter((p) => !/^\/galaxies\/[^/]+$/.test(p) && p !== '/results' && !/^\/status\/[^/]+$/.test(p));
    await fc.assert(
      fc.asyncProperty(notRoutes, async (p) => {
        const res = await get(p);
        expect(res.statusCode).toBe(404);
        expectWellFormed(res, { method: 'GET', path: p, query: {} });
      }),
      { numRuns: 100, seed: 21 },
    );
  });

  it('gives 400 for parameters out of range, of the wrong kind, or unknown', async () => {
    const bad = fc.oneof(
      // limit outside [1, 1000] or not a plain whole number
      fc
        .oneof(numberText, anyText)
        .filter((v) => !(/^\d{1,7}$/.test(v) && Number(v) >= 1 && Number(v) <= 1000))
        .map((v) => ['/results', { class: 'fast', limit: v }] as const),
      // probabilities outside [0, 1], not decimals, or crossed
      fc
        .oneof(numberText, anyText)
        .filter((v) => !(/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(v) && Number(v) <= 1))
        .map((v) => ['/results', { class: 'fast', minP: v }] as const),
      fc
        .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
        .filter(([a, b]) => a > b && !String(a).includes('e') && !String(b).includes('e'))
        .map(([a, b]) => ['/results', { class: 'fast', minP: String(a), maxP: String(b) }] as const),
      // classes, statuses, orders, formats, `of` that do not exist
      anyText
        .filter((v) => !['fast', 'slow', 'uncertain'].includes(v))
        .map((v) => ['/results', { class: v }] as const),
      fc.constant(['/results', {}] as const),
      anyText
        .filter(
          (v) =>
            !['QUEUED', 'CLASSIFIED', 'REJECTED', 'FAILED'].includes(v) && v.length > 0 && !v.includes('/'),
        )
        .map((v) => [`/status/${v}`, {}] as const),
      anyText
        .filter((v) => v !== 'asc' && v !== 'desc')
        .map((v) => ['/results', { class: 'slow', order: v }] as const),
      anyText
        .filter((v) => !['json', 'csv', 'ecsv'].includes(v))
        .map((v) => ['/galaxies/g1', { format: v }] as const),
      anyText
        .filter((v) => v !== 'sources' && v !== 'results')
        .map((v) => ['/status/QUEUED', { of: v }] as const),
      // names too long or with control characters
      fc
        .string({ minLength: 129, maxLength: 200 })
        .map((v) => ['/results', { class: 'fast', model: v }] as const),
      fc.constantFrom('a\u0000b', 'run\n1', '\u007f').map((v) => ['/status/QUEUED', { run: v }] as const),
      // parameters no route knows
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((k) => !KNOWN_PARAMS.includes(k))
        .map((k) => ['/galaxies/g1', { [k]: '1' }] as const),
      fc.constantFrom('run', 'of', 'minP').map((k) => ['/results', { class: 'fast', [k]: 'x' }] as const),
    );
    await fc.assert(
      fc.asyncProperty(bad, async ([p, q]) => {
        const req = { method: 'GET', path: p, query: q as Record<string, string> };
        const res = await call(req);
        expectWellFormed(res, req);
        expect(res.statusCode, JSON.stringify(req)).toBe(400);
      }),
      { numRuns: RUNS, seed: 23 },
    );
  });

  it('still answers well-formed requests with 200 (or 404 for a galaxy it does not hold)', async () => {
    const good = fc.oneof(
      fc
        .record(
          {
            class: fc.constantFrom('fast', 'slow', 'uncertain'),
            model: fc.constantFrom('v1', 'v2', 'v9'),
            minP: fc.constantFrom('0', '0.5', '.95'),
            maxP: fc.constantFrom('1', '1.0', '0.999'),
            order: fc.constantFrom('asc', 'desc'),
            limit: fc.integer({ min: 1, max: 1000 }).map(String),
            format: fc.constantFrom('json', 'csv', 'ecsv'),
          },
          { requiredKeys: ['class'] },
        )
        .map((q) => ['/results', q] as const),
      fc
        .record(
          {
            of: fc.constantFrom('sources', 'results'),
            run: fc.constantFrom('run-a', 'run-b', 'nope'),
            limit: fc.integer({ min: 1, max: 1000 }).map(String),
          },
          { requiredKeys: [] },
        )
        .chain((q) =>
          fc
            .constantFrom('QUEUED', 'CLASSIFIED', 'REJECTED', 'FAILED')
            .map((s) => [`/status/${s}`, q] as const),
        ),
    );
    await fc.assert(
      fc.asyncProperty(good, async ([p, q]) => {
        const res = await get(p, q as Record<string, string>);
        expect(res.statusCode, `${p} ${JSON.stringify(q)}`).toBe(200);
      }),
      { numRuns: 150, seed: 25 },
    );
    expect((await get('/galaxies/g3')).statusCode).toBe(200);
    expect(JSON.parse((await get('/galaxies/g3')).body).items).toHaveLength(3);
    expect((await get(`/galaxies/${encodeURIComponent('g 3/x')}`)).statusCode).toBe(404);
  });
});
