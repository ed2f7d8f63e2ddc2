/** Types of scripts/build.mjs (plain JavaScript so that the bin runs it without TypeScript). */
export type BuildStatus = { ok: true; entry: string } | { ok: false; why: string; stale?: string };
export function buildStatus(root?: string): BuildStatus;
export function buildCli(opts?: { root?: string; quiet?: boolean }): Promise<{ ok: true; entry: string }>;
