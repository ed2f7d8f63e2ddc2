/** Test support: loads the committed report fixtures in test/fixtures/report (see make-fixtures.ts there). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNpy } from '../../src/formats/npy.ts';
import { type Metrics, parseMetrics } from '../../src/report/metrics-json.ts';
import { parseResults, type ReportRow } from '../../src/report/sources.ts';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/report/', import.meta.url));
export const FIXTURE_VERSION = '2026-11-25T19-00-00Z-fixture';

export function fixtureMetrics(): Metrics {
  return parseMetrics(readFileSync(`${FIXTURE_DIR}model/metrics.json`, 'utf8'));
}

export function fixtureRows(): ReportRow[] {
  return parseResults(readFileSync(`${FIXTURE_DIR}results.jsonl`, 'utf8'), 'results.jsonl');
}

export function fixtureMap(galaxyId: string): Float32Array {
  return parseNpy(readFileSync(`${FIXTURE_DIR}maps/${galaxyId}.npy`)).data as Float32Array;
}

export function fixtureAttribution(galaxyId: string): Float32Array {
  return parseNpy(readFileSync(`${FIXTURE_DIR}attributions/${FIXTURE_VERSION}/${galaxyId}.npy`))
    .data as Float32Array;
}
