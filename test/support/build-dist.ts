/**
 * vitest global setup: builds dist/ once before the tests when a source is newer than it, so tests
 * that spawn `bin/galspin.mjs` run the current code without the bin's one-line rebuild notice.
 */
export async function setup(): Promise<void> {
  const { buildCli, buildStatus } = await import('../../scripts/build.mjs');
  if (!buildStatus().ok) await buildCli({ quiet: true });
}
