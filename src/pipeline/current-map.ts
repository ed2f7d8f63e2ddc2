/**
 * A galaxy's current map: `maps/<galaxyId>.json` points at the version (`maps/<galaxyId>/<v>.bin`)
 * that ingest last accepted for it. Retraining reads maps through it, and the worker uses it to
 * tell a superseded classify message from a current one.
 */

import { MapPointer } from '../formats/map-codec.ts';
import type { BlobStore } from '../ports/storage.ts';
import { keys } from './keys.ts';

/** The pointer, or undefined when the galaxy has none (or only an unreadable one from an old home). */
export async function currentMap(blobs: BlobStore, galaxyId: string): Promise<MapPointer | undefined> {
  const key = keys.mapMeta(galaxyId);
  if (!(await blobs.head(key))) return undefined;
  const text = new TextDecoder().decode(await blobs.get(key, { maxBytes: 1024 * 1024 }));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = MapPointer.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Whether a bucket key under `maps/` is a galaxy's pointer (top level), not one of its versions. */
export function isMapPointerKey(key: string, mapsPrefix: string): boolean {
  return key.endsWith('.json') && !key.slice(mapsPrefix.length).includes('/');
}
