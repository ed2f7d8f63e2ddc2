/**
 * Test helper: writes a preprocessed map as the preprocess Lambda would (`maps/<galaxyId>/<version>.bin` and its pointer) and
 * returns the classify message body that points at it.
 */
import type { ClassifyMessageInput } from '../../src/config/index.ts';
import { encodeStoredMap, type MapMeta, type MapPointer } from '../../src/formats/map-codec.ts';
import { mapVersion } from '../../src/pipeline/identity.ts';
import { keys } from '../../src/pipeline/keys.ts';
import type { BlobStore } from '../../src/ports/storage.ts';

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
  const meta: MapMeta = {
    galaxyId,
    size: 40,
    provenance,
    science,
    sourceGrid: { width: 50, height: 50, pixelScaleArcsec: 0.5 },
  };
  const bytes = encodeStoredMap({ meta, input, valid, kinematics });
  const version = mapVersion(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  const mapKey = keys.mapData(galaxyId, version);
  await blobs.put(mapKey, bytes);
  const pointer: MapPointer = { ...meta, mapKey, version };
  await blobs.put(keys.mapMeta(galaxyId), JSON.stringify(pointer));
  const msg: ClassifyMessageInput = {
    galaxyId,
    mapKey,
    provenance,
    runId: 't',
    enqueuedAt: new Date().toISOString(),
  };
  return JSON.stringify(msg);
}
