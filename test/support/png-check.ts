/** Test support: decodes a figure's PNG and measures whether it carries a picture. */
import { decode } from 'fast-png';
import { expect } from 'vitest';
import type { Figure } from '../../src/report/render.ts';

export interface PngStats {
  width: number;
  height: number;
  /** Variance of the luminance over all pixels (0–255 scale); a blank image gives 0. */
  variance: number;
  /** Fraction of pixels that are not white. */
  inked: number;
}

export function pngStats(png: Uint8Array): PngStats {
  const img = decode(png);
  const ch = img.channels;
  const n = img.width * img.height;
  let sum = 0;
  let sum2 = 0;
  let inked = 0;
  for (let i = 0; i < n; i++) {
    const o = i * ch;
    const y = ch >= 3 ? 0.299 * img.data[o] + 0.587 * img.data[o + 1] + 0.114 * img.data[o + 2] : img.data[o];
    sum += y;
    sum2 += y * y;
    if (y < 250) inked++;
  }
  const mean = sum / n;
  return { width: img.width, height: img.height, variance: sum2 / n - mean * mean, inked: inked / n };
}

/** The checks every figure test shares: PNG decodes at 2× the SVG's size and is not blank. */
export function expectRenderedFigure(fig: Figure): PngStats {
  const s = pngStats(fig.png);
  expect(s.width).toBe(fig.width);
  expect(s.height).toBe(fig.height);
  expect(s.width).toBe(Math.round(fig.cssWidth * 2));
  expect(s.height).toBe(Math.round(fig.cssHeight * 2));
  expect(s.variance).toBeGreaterThan(200);
  expect(s.inked).toBeGreaterThan(0.02);
  return s;
}
