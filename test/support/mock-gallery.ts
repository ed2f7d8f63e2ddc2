import { writeFile } from 'node:fs/promises';
import { encode } from 'fast-png';
import { deriveSeed, mulberry32 } from '../../src/maps/random.ts';
import { drawGalaxyParams, GALAXY_KINDS, type GalaxyKind } from '../../src/survey/analytic/kinds.ts';
import { simulateGalaxy } from '../../src/survey/analytic/simulate.ts';
import { measureGalaxy } from '../../src/survey/measure.ts';

/** Diverging colour for v/vmax in [−1, 1]: blue (approaching) – white – red (receding). */
function diverging(t: number): [number, number, number] {
  const x = Math.max(-1, Math.min(1, t));
  if (x < 0) {
    const a = 1 + x;
    return [Math.round(40 + 215 * a), Math.round(70 + 185 * a), 255];
  }
  const a = 1 - x;
  return [255, Math.round(60 + 195 * a), Math.round(40 + 215 * a)];
}

/**
 * A PNG of velocity maps: one row per kind (order of {@link GALAXY_KINDS}), `perKind` examples per row,
 * each 50 × 50 spaxels scaled by `zoom`, on a fixed ±`vmax` km/s scale so amplitudes compare;
 * invalid spaxels grey. Rows are drawn with the kind's own population (disc = fast, others slow).
 */
export function renderGallery(seed: number, perKind = 5, zoom = 3, vmax = 200): Uint8Array {
  const cell = 50 * zoom;
  const gap = 4;
  const width = perKind * (cell + gap) + gap;
  const height = GALAXY_KINDS.length * (cell + gap) + gap;
  const data = new Uint8Array(width * height * 3).fill(255);
  GALAXY_KINDS.forEach((kind: GalaxyKind, row) => {
    let made = 0;
    for (let k = 0; made < perKind && k < 10_000; k++) {
      const rng = mulberry32(deriveSeed(seed, row * 10_000 + k));
      const params = drawGalaxyParams(kind === 'disc' ? 'fast' : 'slow', `g${row}-${k}`, rng);
      if (params.kind !== kind) continue;
      const g = simulateGalaxy(params, rng);
      const m = measureGalaxy(g);
      if (m.label !== (kind === 'disc' ? 'fast' : 'slow')) continue;
      const x0 = gap + made * (cell + gap);
      const y0 = gap + row * (cell + gap);
      for (let py = 0; py < cell; py++) {
        // FITS row 0 is the bottom of the picture
        const r = 49 - Math.floor(py / zoom);
        for (let px = 0; px < cell; px++) {
          const c = Math.floor(px / zoom);
          const i = r * 50 + c;
          const rgb: [number, number, number] = g.valid[i]
            ? diverging(g.velocity[i] / vmax)
            : [170, 170, 170];
          data.set(rgb, ((y0 + py) * width + x0 + px) * 3);
        }
      }
      made++;
    }
  });
  return encode({ width, height, data, channels: 3, depth: 8 });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? 'docs/figures/survey-gallery.png';
  await writeFile(out, renderGallery(Number(process.argv[3] ?? 1)));
  process.stdout.write(`${out}: rows ${GALAXY_KINDS.join(', ')}; velocity ±200 km/s\n`);
}
