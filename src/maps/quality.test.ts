import { describe, expect, it } from 'vitest';
import { cleanKinematics, rejectOutliers, samiQualityMask, systemicVelocity } from './quality.ts';
import { mulberry32 } from './random.ts';
import type { KinematicMap } from './types.ts';

const N = 50;

/** Steep arctan disc (turnover 1 px, PA 30°, ε 0.5) blurred by nothing but smooth; noise 5 km/s. */
function disc(opts: { vsys?: number; seed?: number; withErrors?: boolean } = {}): KinematicMap {
  const rng = mulberry32(opts.seed ?? 1);
  const velocity = new Float64Array(N * N);
  const dispersion = new Float64Array(N * N);
  const flux = new Float64Array(N * N);
  const valid = new Uint8Array(N * N);
  const pa = (30 * Math.PI) / 180;
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const x = c - 24.5;
      const y = r - 24.5;
      const i = r * N + c;
      if (x * x + y * y > 15 * 15) {
        velocity[i] = dispersion[i] = flux[i] = Number.NaN;
        continue;
      }
      const u = -x * Math.sin(pa) + y * Math.cos(pa);
      const w = (-x * Math.cos(pa) - y * Math.sin(pa)) / 0.5;
      const R = Math.hypot(u, w);
      velocity[i] = (opts.vsys ?? 0) + (R > 0 ? (250 * (2 / Math.PI) * Math.atan(R / 1) * u) / R : 0);
      velocity[i] += 5 * rng.normal();
      dispersion[i] = 150 * (1 + R / 8) ** -0.4 + 5 * rng.normal();
      flux[i] = Math.exp(-R / 5);
      valid[i] = 1;
    }
  }
  const map: KinematicMap = {
    galaxyId: 'disc',
    survey: 'synthetic',
    width: N,
    height: N,
    pixelScaleArcsec: 0.5,
    velocity,
    dispersion,
    flux,
    valid,
    source: { velocityFile: 'disc' },
  };
  if (opts.withErrors) {
    map.velocityError = new Float64Array(N * N).fill(5);
    map.dispersionError = new Float64Array(N * N).fill(5);
  }
  return map;
}

function injectHot(map: KinematicMap, frac: number, seed: number): Uint8Array {
  const rng = mulberry32(seed);
  const hot = new Uint8Array(N * N);
  for (let i = 0; i < N * N; i++) {
    if (!map.valid[i] || rng.next() >= frac) continue;
    hot[i] = 1;
    if (rng.next() < 0.5) map.velocity[i] += (rng.next() < 0.5 ? -1 : 1) * rng.uniform(150, 600);
    else map.dispersion![i] *= rng.uniform(2, 5);
  }
  return hot;
}

describe('samiQualityMask (SAMI DR3 cuts)', () => {
  it('applies each cut only where its plane exists', () => {
    const base = disc();
    const all = samiQualityMask(base);
    expect(all.reduce((a, b) => a + b, 0)).toBe(base.valid.reduce((a, b) => a + b, 0));
    const i = 25 * N + 25;
    const m: KinematicMap = {
      ...base,
      snr: new Float64Array(N * N).fill(10),
      velocityError: new Float64Array(N * N).fill(10),
      dispersionError: new Float64Array(N * N).fill(10),
      dispersion: Float64Array.from(base.dispersion!),
    };
    m.snr![i] = 2.9; // S/N ≤ 3
    m.velocityError![i + 1] = 30; // V_err ≥ 30
    m.dispersion![i + 2] = 34; // σ ≤ 35
    m.dispersionError![i + 3] = 0.1 * m.dispersion![i + 3] + 25.01; // σ_err ≥ 0.1σ + 25
    m.dispersionError![i + 4] = 0.1 * m.dispersion![i + 4] + 24.9; // passes
    m.snr![i + 5] = Number.NaN; // a NaN in an existing plane fails
    const q = samiQualityMask(m);
    expect([q[i], q[i + 1], q[i + 2], q[i + 3], q[i + 4], q[i + 5]]).toEqual([0, 0, 0, 0, 1, 0]);
    // without a dispersion plane σ imposes nothing; a non-finite V always fails
    const noSigma: KinematicMap = {
      ...base,
      dispersion: undefined,
      velocity: Float64Array.from(base.velocity),
    };
    noSigma.velocity[i] = Number.POSITIVE_INFINITY;
    const q2 = samiQualityMask(noSigma);
    expect(q2[i]).toBe(0);
    expect(q2[i + 2]).toBe(1);
  });
});

describe('rejectOutliers', () => {
  it('catches ≥ 95 % of hot spaxels and loses < 1 % of good ones on a steep smooth disc', () => {
    let hotN = 0;
    let caught = 0;
    let goodN = 0;
    let lost = 0;
    for (const seed of [1, 2, 3, 4]) {
      const map = disc({ seed });
      const hot = injectHot(map, 0.02, 100 + seed);
      const keep = rejectOutliers(map, samiQualityMask(map));
      for (let i = 0; i < N * N; i++) {
        if (!map.valid[i]) continue;
        if (hot[i]) {
          hotN++;
          caught += keep[i] ? 0 : 1;
        } else {
          goodN++;
          lost += keep[i] ? 0 : 1;
        }
      }
    }
    expect(hotN).toBeGreaterThan(40);
    expect(caught / hotN).toBeGreaterThanOrEqual(0.95);
    expect(lost / goodN).toBeLessThan(0.01);
  });

  it('keeps every spaxel of a clean map with error planes, and never adds spaxels', () => {
    const map = disc({ withErrors: true });
    const mask = samiQualityMask(map);
    mask[0] = 0;
    const keep = rejectOutliers(map, mask);
    let lost = 0;
    for (let i = 0; i < keep.length; i++) {
      expect(keep[i] <= mask[i]).toBe(true);
      lost += mask[i] - keep[i];
    }
    expect(lost).toBeLessThan(5);
  });
});

describe('cleanKinematics', () => {
  it('recovers the systemic velocity of a rotating disc with hot spaxels to a few km/s', () => {
    for (const vsys of [-50, 0, 37, 60]) {
      const map = disc({ vsys, seed: 7 });
      injectHot(map, 0.02, 9);
      const c = cleanKinematics(map);
      expect(Math.abs(c.systemicKms - vsys)).toBeLessThan(3);
      expect(c.rejected.outliers).toBeGreaterThan(0);
      expect(c.rejected.quality).toBe(0);
    }
  });

  it('uses a central circle when the map has no flux, and counts quality rejects', () => {
    const map = disc({ vsys: 20 });
    map.flux = undefined;
    map.dispersion![25 * N + 25] = 20; // below 35 km/s
    const c = cleanKinematics(map);
    expect(c.rejected.quality).toBe(1);
    expect(c.valid[25 * N + 25]).toBe(0);
    expect(Math.abs(c.systemicKms - 20)).toBeLessThan(3);
    expect(systemicVelocity(map, new Uint8Array(N * N))).toBe(0);
  });
});
