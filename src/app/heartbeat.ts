/**
 * The worker's liveness mark: the image HEALTHCHECK (cdk/lib/constructs/containers.ts) fails when
 * this file's mtime is older than 5 minutes, so a wedged poll loop gets the task replaced.
 */
import { closeSync, openSync, utimesSync } from 'node:fs';

/** Sets `file`'s mtime to now, creating it (empty) the first time. */
export function touchHeartbeat(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    closeSync(openSync(file, 'a'));
  }
}
