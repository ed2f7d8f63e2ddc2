import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { renderGallery } from '../../../test/support/mock-gallery.ts';
import { mulberry32 } from '../../maps/random.ts';
import { measureGalaxy } from '../measure.ts';
import { drawGalaxyParams, type GalaxyKind, type GalaxyParams } from './kinds.ts';
import { simulateGalaxy } from './simulate.ts';

/** A noiseless (S/N 10⁶) galaxy of the given kind with PA 0 (major axis along +y, rows). */
function clean(kind: GalaxyKind, over: Partial<GalaxyParams> = {}) {
  const rng = mulberry32(9);
  const p = drawGalaxyParams(kind === 'disc' ? 'fast' : 'slow', 'x', rng);
  return simulateGalaxy(
    {
      ...p,
      kind,
      paDeg: 0,
      kinPaOffsetDeg: 0,
      dxPx: 0,
      dyPx: 0,
      snAtRe: 1e6,
      reArcsec: 4,
      ellipticity: 0.3,
      ...over,
    },
    rng,
  );
}
const at = (g: ReturnType<typeof clean>, dx: number, dy: number) => g.velocity[(24 + dy) * 50 + 24 + dx];

describe('simulateGalaxy physics', () => {
  it('a disc rotates along its major axis: receding on one side, approaching on the other, zero on the minor axis', () => {
    const g = clean('disc', { vAmp: 200, sigmaCentre: 120, sigmaOuter: 70, psfFwhmArcsec: 2 });
    expect(at(g, 0, 8)).toBeGreaterThan(50);
    expect(at(g, 0, -9)).toBeLessThan(-50);
    expect(Math.abs(at(g, 8, 0) - at(g, -9, 0))).toBeLessThan(10);
    expect(measureGalaxy(g).lambdaR).toBeGreaterThan(0.4);
  });

  it('prolate rotation runs along the minor axis', () => {
    const g = clean('prolate', { vAmp: 60 });
    expect(at(g, 8, 0)).toBeLessThan(-20);
    expect(at(g, -9, 0)).toBeGreaterThan(20);
    expect(Math.abs(at(g, 0, 8))).toBeLessThan(Math.abs(at(g, 8, 0)) / 3);
  });

  it('a kinematically distinct core rotates inside and fades outside', () => {
    const g = clean('kdc', {
      vAmp: 80,
      coreRadiusArcsec: 3,
      rTurnArcsec: 0.5,
      outerAmp: 0,
      psfFwhmArcsec: 1.5,
    });
    expect(Math.abs(at(g, 0, 4))).toBeGreaterThan(15);
    expect(Math.abs(at(g, 0, 14))).toBeLessThan(Math.abs(at(g, 0, 4)) / 3);
  });

  it('a non-rotator has λRe ≈ 0 and the 2σ galaxy has a high central-to-outer σ along the major axis', () => {
    expect(measureGalaxy(clean('non-rotating', { vAmp: 0 })).lambdaR).toBeLessThan(0.01);
    const two = clean('counter-rotating', { vAmp: 150 });
    expect(measureGalaxy(two).lambdaR).toBeLessThan(0.2);
  });

  it('invalid spaxels are NaN in every plane and the S/N is ≥ 3 elsewhere', () => {
    const rng = mulberry32(4);
    const g = simulateGalaxy(drawGalaxyParams('fast', 'y', rng), rng);
    for (let i = 0; i < 2500; i++) {
      if (g.valid[i]) expect(g.snr[i]).toBeGreaterThanOrEqual(3);
      else expect([g.velocity[i], g.dispersion[i], g.flux[i], g.snr[i]].every(Number.isNaN)).toBe(true);
    }
  });
});

describe('renderGallery', () => {
  it('draws one row per kind as a decodable RGB PNG', () => {
    const png = decode(renderGallery(2, 1, 1));
    expect([png.width, png.height, png.channels]).toEqual([58, 6 * 54 + 4, 3]);
  });
});
