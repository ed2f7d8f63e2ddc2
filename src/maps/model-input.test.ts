import { describe, expect, it } from 'vitest';
import { buildModelInput, CLIP } from './model-input.ts';
import type { KinematicMap } from './types.ts';

/** A 50×50 SAMI-like rotating disc with a centrally peaked σ, flux and error planes. */
function disc(opts: { vScale?: number; offset?: number; hot?: number[] } = {}): KinematicMap {
  const n = 2500;
  const k = opts.vScale ?? 1;
  const velocity = new Float64Array(n);
  const dispersion = new Float64Array(n);
  const flux = new Float64Array(n);
  const velocityError = new Float64Array(n).fill(5);
  const dispersionError = new Float64Array(n).fill(6);
  const snr = new Float64Array(n).fill(20);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = (i % 50) - 24.5;
    const y = Math.floor(i / 50) - 24.5;
    const r = Math.hypot(x, y);
    if (r > 15) {
      velocity[i] = dispersion[i] = flux[i] = Number.NaN;
      continue;
    }
    velocity[i] = k * ((150 * x) / (r + 3)) + (opts.offset ?? 0);
    dispersion[i] = k * (60 + 120 * Math.exp(-r / 6));
    flux[i] = Math.exp(-r / 5);
    valid[i] = 1;
  }
  for (const i of opts.hot ?? []) velocity[i] += 500;
  return {
    galaxyId: 'disc',
    survey: 'synthetic',
    width: 50,
    height: 50,
    pixelScaleArcsec: 0.5,
    velocity,
    dispersion,
    flux,
    velocityError,
    dispersionError,
    snr,
    valid,
    source: { velocityFile: 'disc_A_stellar-velocity_default_two-moment.fits' },
  };
}

const maxDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('buildModelInput', () => {
  it('velocity: the paper input, one channel in km/s', () => {
    const x = buildModelInput(disc(), 'velocity');
    expect(x.channels).toBe(1);
    expect(x.input).toHaveLength(1600);
    expect(Math.max(...x.input)).toBeGreaterThan(50);
  });

  it('velocity+dispersion: HWC, V/S and σ/S within the clip, masked spaxels 0 in both', () => {
    const x = buildModelInput(disc(), 'velocity+dispersion');
    expect(x.channels).toBe(2);
    expect(x.input).toHaveLength(3200);
    for (let i = 0; i < 1600; i++) {
      if (!x.valid[i]) {
        expect([x.input[2 * i], x.input[2 * i + 1]]).toEqual([0, 0]);
        continue;
      }
      expect(Math.abs(x.input[2 * i])).toBeLessThanOrEqual(CLIP);
      expect(x.input[2 * i + 1]).toBeGreaterThan(0);
    }
  });

  it('is invariant to a common scale of V and σ, as λR is (on the spaxels that pass the cuts in both)', () => {
    // The cuts and the outlier floor are in km/s, as the errors are, so a spaxel near a cut may
    // change sides; every spaxel kept in both maps must agree.
    const a = buildModelInput(disc(), 'velocity+dispersion');
    const b = buildModelInput(disc({ vScale: 1.7 }), 'velocity+dispersion');
    const ratio = (b.normalisation?.scaleKms ?? 0) / (a.normalisation?.scaleKms ?? 1);
    expect(ratio).toBeGreaterThan(1.7 * 0.99);
    expect(ratio).toBeLessThan(1.7 * 1.01);
    let worst = 0;
    let common = 0;
    for (let i = 0; i < 1600; i++) {
      if (!a.valid[i] || !b.valid[i]) continue;
      common++;
      for (const k of [0, 1]) worst = Math.max(worst, Math.abs(a.input[2 * i + k] - b.input[2 * i + k]));
    }
    expect(common).toBeGreaterThan(600);
    expect(worst).toBeLessThan(0.02);
  });

  it('removes a systemic offset: a wrong redshift does not look like rotation', () => {
    const a = buildModelInput(disc(), 'velocity+dispersion');
    const b = buildModelInput(disc({ offset: 60 }), 'velocity+dispersion');
    expect(b.normalisation?.systemicKms).toBeGreaterThan(50);
    expect(maxDiff(a.input, b.input)).toBeLessThan(0.05);
  });

  it('masks hot spaxels instead of feeding them to the network', () => {
    const hot = [24 * 50 + 20, 28 * 50 + 27, 20 * 50 + 30];
    const x = buildModelInput(disc({ hot }), 'velocity+dispersion');
    expect(x.normalisation?.rejected.outliers).toBeGreaterThanOrEqual(hot.length);
    // 50×50 → 40×40 crop starts at row/col 5
    for (const i of hot) expect(x.valid[(Math.floor(i / 50) - 5) * 40 + (i % 50) - 5]).toBe(0);
  });

  it('names the file when the dispersion map is missing', () => {
    const m = disc();
    delete m.dispersion;
    expect(() => buildModelInput(m, 'velocity+dispersion')).toThrow(
      /disc_A_stellar-velocity.*no dispersion map/,
    );
  });
});
