/**
 * Test helper: writes a preprocessed map as the preprocess Lambda would (`maps/<galaxyId>`) and
 * returns the classify message body that points at it.
 */
import type { ClassifyMessageInput } from '../../config/index.ts';
import type { BlobStore } from '../../ports.ts';
import { keys } from '../keys.ts';
import { encodeStoredMap, type MapMeta } from '../map-codec.ts';

export async function putStoredMap(
  blobs: BlobStore,
  galaxyId: string,
  input: Float32Array,
  valid: Uint8Array,
  science: MapMeta['science'],
  /** The velocity + dispersion plane (40·40·2, HWC), when the galaxy came with a dispersion map. */
  kinematics?: Float32Array,
): Promise<string> {
  const provenance = {
    sourceKey: `incoming/t/${galaxyId}_stellar-velocity_default_two-moment.fits`,
    sourceEtag: `etag-${galaxyId}`,
    survey: 'synthetic' as const,
    preprocessedAt: new Date().toISOString(),
  };
  await blobs.put(
    keys.mapData(galaxyId),
    encodeStoredMap({
      meta: {
        galaxyId,
        size: 40,
        provenance,
        science,
        sourceGrid: { width: 50, height: 50, pixelScaleArcsec: 0.5 },
      },
      input,
      valid,
      kinematics,
    }),
  );
  const msg: ClassifyMessageInput = {
    galaxyId,
    mapKey: keys.mapData(galaxyId),
    provenance,
    runId: 't',
    enqueuedAt: new Date().toISOString(),
  };
  return JSON.stringify(msg);
}
