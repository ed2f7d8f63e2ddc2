import { describe, expect, it } from 'vitest';
import { measureKinematics } from '../../maps/lambda-r.ts';
import { mulberry32 } from '../../maps/random.ts';
import type { MockGalaxy, Nuisance } from '../family.ts';
import {
  drawModel,
  type ParticleKind,
  type ParticleModel,
  particleFamily,
  simulateParticleGalaxy,
} from './index.ts';

/** A clean nuisance: PA 0 puts the projected major axis along +y (rows). */
const NU: Nuisance = {
  reArcsec: 4,
  sersicN: 3,
  ellipticity: 0.2,
  paDeg: 0,
  snAtRe: 1e4,
  fluxAtRe: 0.1,
  psfFwhmArcsec: 1.5,
  dxPx: 0,
  dyPx: 0,
  vSysOffsetKms: 0,
  noiseCorrPx: 0,
  hotFraction: 0,
  deadFraction: 0,
  sigmaScaleKms: 150,
  zPpxf: 0.02,
};

const lambdaRe = (g: MockGalaxy) =>
  measureKinematics(g, {
    xc: g.truth.xcPx,
    yc: g.truth.ycPx,
    ellipticity: g.truth.ellipticity,
    paDeg: g.truth.paDeg,
    radiusPx: g.truth.reArcsec / g.pixelScaleArcsec,
  }).lambdaR;

/** Mean of a plane over the 2 × 2 spaxels around grid offset (dx, dy) from the centre (24.5, 24.5). */
const at = (a: Float64Array, dx: number, dy: number) => {
  let s = 0;
  for (const ox of [0, 1]) for (const oy of [0, 1]) s += a[(24 + oy + dy) * 50 + 24 + ox + dx];
  return s / 4;
};

/** A galaxy of the kind seen with the intrinsic y axis along the line of sight (edge-on for z and x). */
function edgeOn(
  kind: ParticleKind,
  tweak: (m: ParticleModel) => void = () => {},
  over: Partial<Nuisance> = {},
) {
  const rng = mulberry32(11);
  const nu = { ...NU, ...over };
  const model = drawModel(kind, nu.sersicN, nu.sigmaScaleKms, nu.reArcsec, rng);
  tweak(model);
  return simulateParticleGalaxy('slow', 'g1', nu, rng, { model, lineOfSight: [0, 1, 0] });
}

describe('particle family galaxies', () => {
  it('is deterministic for a given seed and differs between seeds', () => {
    const a = particleFamily.simulate('slow', 'x', NU, mulberry32(7));
    const b = particleFamily.simulate('slow', 'x', NU, mulberry32(7));
    const c = particleFamily.simulate('slow', 'x', NU, mulberry32(8));
    expect(Array.from(a.velocity)).toEqual(Array.from(b.velocity));
    expect(Array.from(a.dispersion)).toEqual(Array.from(b.dispersion));
    expect(a.truth).toEqual(b.truth);
    expect(a.kind).toBe(b.kind);
    expect(Array.from(a.flux)).not.toEqual(Array.from(c.flux));
  });

  it('fills the MockGalaxy contract', () => {
    const g = particleFamily.simulate(
      'fast',
      '9008500001',
      { ...NU, dxPx: 1.5, dyPx: -0.5, paDeg: 120 },
      mulberry32(1),
    );
    expect(particleFamily.name).toBe('particle');
    expect(g.family).toBe('particle');
    expect(particleFamily.kinds.fast).toContain(g.kind);
    expect(g.galaxyId).toBe('9008500001');
    expect(g.survey).toBe('synthetic');
    expect(g.source.velocityFile).toBe('9008500001_A_stellar-velocity_default_two-moment.fits');
    expect(g.zPpxf).toBe(0.02);
    expect([g.width, g.height, g.pixelScaleArcsec]).toEqual([50, 50, 0.5]);
    expect(g.truth.xcPx).toBe(26);
    expect(g.truth.ycPx).toBe(24);
    expect(g.truth.paDeg).toBe(120);
    expect(g.truth.reArcsec).toBeCloseTo(4, 9);
    for (let i = 0; i < g.velocity.length; i++)
      expect(g.valid[i]).toBe(Number.isFinite(g.velocity[i]) ? 1 : 0);
  });

  it('the Family keeps ε < 0.4 even for thin discs by re-drawing the view', () => {
    for (let s = 0; s < 6; s++) {
      const g = particleFamily.simulate('fast', 'x', NU, mulberry32(100 + s));
      expect(g.truth.ellipticity).toBeLessThan(0.42);
    }
  });

  it('an edge-on oblate rotator has λRe > 0.4 and ε ≈ 1 − q; a non-rotator has λRe < 0.1', () => {
    for (const q of [0.25, 0.45]) {
      const g = edgeOn('oblate-rotator', (m) => {
        m.q = q;
        m.components[0].streaming.vMaxKms = 1.5 * 150;
      });
      expect(Math.abs(g.truth.ellipticity - (1 - q))).toBeLessThan(0.05);
      expect(lambdaRe(g)).toBeGreaterThan(0.4);
      // the velocity gradient runs along the major axis (rows at PA 0)
      expect(Math.abs(at(g.velocity, 0, 8) - at(g.velocity, 0, -9))).toBeGreaterThan(150);
    }
    expect(lambdaRe(edgeOn('non-rotating'))).toBeLessThan(0.1);
  });

  it('puts the photometric major axis and an oblate rotator’s velocity gradient at nuisance.paDeg', () => {
    for (const paDeg of [30, 120]) {
      const g = edgeOn(
        'oblate-rotator',
        (m) => {
          m.q = 0.4;
          m.components[0].streaming.vMaxKms = 200;
        },
        { paDeg, dxPx: 1, dyPx: -2 },
      );
      // flux-weighted second moments of the observed flux plane
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let i = 0; i < 2500; i++) {
        if (!g.valid[i]) continue;
        const x = (i % 50) - g.truth.xcPx;
        const y = Math.floor(i / 50) - g.truth.ycPx;
        sxx += g.flux[i] * x * x;
        syy += g.flux[i] * y * y;
        sxy += g.flux[i] * x * y;
      }
      const measured = ((0.5 * Math.atan2(2 * sxy, sxx - syy) * 180) / Math.PI - 90 + 360) % 180;
      expect(Math.abs(measured - paDeg)).toBeLessThan(3);
      // V along the major axis direction (−sin PA, cos PA) is large, along the minor axis small
      const t = (paDeg * Math.PI) / 180;
      const v = (u: number, w: number) => {
        const x = Math.round(g.truth.xcPx - u * Math.sin(t) - w * Math.cos(t));
        const y = Math.round(g.truth.ycPx + u * Math.cos(t) - w * Math.sin(t));
        return g.velocity[y * 50 + x];
      };
      expect(Math.abs(v(8, 0) - v(-8, 0))).toBeGreaterThan(150);
      expect(Math.abs(v(0, 4) - v(0, -4))).toBeLessThan(40);
    }
  });

  it('a prolate rotator’s velocity gradient runs along the projected minor axis', () => {
    const g = edgeOn('prolate', (m) => {
      m.components[0].streaming.vMaxKms = 90;
    });
    expect(g.truth.ellipticity).toBeGreaterThan(0.1);
    const minor = Math.abs(at(g.velocity, 8, 0) - at(g.velocity, -9, 0));
    const major = Math.abs(at(g.velocity, 0, 8) - at(g.velocity, 0, -9));
    expect(minor).toBeGreaterThan(60);
    expect(major).toBeLessThan(minor / 4);
  });

  it('a non-rotating isotropic model recovers its input σ near the centre', () => {
    const g = edgeOn('non-rotating', () => {}, { sigmaScaleKms: 200 });
    let s = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += at(g.dispersion, dx, dy) / 9;
    expect(Math.abs(s / 200 - 1)).toBeLessThan(0.1);
  });

  it('a counter-rotating pair shows near-zero V inside and two off-centre σ peaks along the major axis (2σ)', () => {
    const g = edgeOn('counter-rotating', (m) => {
      m.components[0].streaming.vMaxKms = 2 * 150;
      m.components[0].counter = { maxFraction: 0.5, radiusArcsec: 5 };
    });
    const centre = at(g.dispersion, 0, 0);
    const peakUp = Math.max(...[2, 3, 4, 5, 6, 7, 8].map((d) => at(g.dispersion, 0, d)));
    const peakDown = Math.max(...[2, 3, 4, 5, 6, 7, 8].map((d) => at(g.dispersion, 0, -d - 1)));
    expect(peakUp).toBeGreaterThan(1.2 * centre);
    expect(peakDown).toBeGreaterThan(1.2 * centre);
    // peaks, not a plateau: σ falls again towards the bundle edge
    expect(at(g.dispersion, 0, 13)).toBeLessThan(peakUp - 20);
    expect(at(g.dispersion, 0, -14)).toBeLessThan(peakDown - 20);
    for (const d of [2, 3]) expect(Math.abs(at(g.velocity, 0, d))).toBeLessThan(40);
  });

  it('a KDC core rotates while the outer body does not', () => {
    const g = edgeOn('kdc', (m) => {
      const c = m.components[0];
      c.coreRadiusArcsec = 2.5;
      c.streaming = { axis: [0, 0, 1], vMaxKms: 120, rTurnArcsec: 0.6 };
      c.outer = { axis: [0, 0, 1], vMaxKms: 0, rTurnArcsec: 2 };
    });
    const inner = Math.abs(at(g.velocity, 0, 3) - at(g.velocity, 0, -4));
    const outer = Math.abs(at(g.velocity, 0, 12) - at(g.velocity, 0, -13));
    expect(inner).toBeGreaterThan(40);
    expect(outer).toBeLessThan(inner / 2);
  });

  it('is NaN in every plane outside the hexabundle and below S/N 3', () => {
    const g = particleFamily.simulate('slow', 'x', { ...NU, snAtRe: 5, dxPx: 3 }, mulberry32(4));
    let inside = 0;
    for (let i = 0; i < 2500; i++) {
      const r = Math.floor(i / 50);
      const c = i % 50;
      const planes = [
        g.velocity,
        g.dispersion,
        g.flux,
        g.velocityError,
        g.dispersionError,
        g.snr,
        g.fluxError,
      ];
      if ((r - 24.5) ** 2 + (c - 24.5) ** 2 > 15 * 15) {
        for (const p of planes) expect(p[i]).toBeNaN();
      } else if (g.valid[i]) {
        inside++;
        expect(g.snr[i]).toBeGreaterThanOrEqual(3);
      } else {
        for (const p of planes) expect(p[i]).toBeNaN();
      }
    }
    expect(inside).toBeGreaterThan(300);
  });

  it('S/N at Re is about nuisance.snAtRe', () => {
    const g = edgeOn('non-rotating', () => {}, { snAtRe: 12, psfFwhmArcsec: 0.01 });
    // along the major axis (rows) Re = 4″ = 8 px
    const sn = (at(g.snr, 0, 8) + at(g.snr, 0, -9)) / 2;
    expect(sn).toBeGreaterThan(12 * 0.75);
    expect(sn).toBeLessThan(12 * 1.25);
  });
});
