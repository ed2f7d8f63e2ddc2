/**
 * Named crash points for fault-injection tests: with `GALSPIN_CRASH_AT=<point>:<n>` in the
 * environment, the process SIGKILLs itself the n-th time it reaches `<point>` (n defaults to 1). No
 * cleanup, no flush: exactly what a power cut or the OOM killer does. Unset, a crash point costs
 * one comparison. The points sit in the gaps that matter: between storing an object and
 * announcing it (`upload`), between storing a map and recording it (`ingest`), between inference
 * and its writes (`classify`), and between a result row and its upload rows (`write`).
 */
export type CrashPointName = 'upload' | 'ingest' | 'classify' | 'write';

const spec = parse(process.env.GALSPIN_CRASH_AT);
let reached = 0;

function parse(raw: string | undefined): { point: string; n: number } | undefined {
  if (!raw) return undefined;
  const [point, n] = raw.split(':');
  return { point, n: Number(n ?? 1) || 1 };
}

export function crashPoint(name: CrashPointName): void {
  if (spec?.point !== name) return;
  if (++reached === spec.n) process.kill(process.pid, 'SIGKILL');
}
