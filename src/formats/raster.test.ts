import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { colourAt, DIVERGING, hexAt, symmetricLimit } from './colormap.ts';
import { colourBarPng, INVALID_RGB, mapToPng, mapToRgba, RasterError } from './raster.ts';

describe('colormaps', () => {
  it('diverging ramp is white at zero and blue/red at the ends', () => {
    expect(hexAt(DIVERGING, 0.5)).toBe('#f7f7f7');
    expect(hexAt(DIVERGING, 0)).toBe('#053061');
    expect(hexAt(DIVERGING, 1)).toBe('#67001f');
  });

  it('clamps outside [0, 1]', () => {
    expect(colourAt(DIVERGING, 2)).toEqual(colourAt(DIVERGING, 1));
    expect(colourAt(DIVERGING, -1)).toEqual(colourAt(DIVERGING, 0));
  });

  it('symmetric limit ignores NaN and masked spaxels', () => {
    expect(symmetricLimit([1, -7, Number.NaN, 100], [1, 1, 1, 0])).toBe(7);
    expect(symmetricLimit([0, 0])).toBe(1);
  });
});

describe('mapToRgba / mapToPng', () => {
  it('puts row 0 at the bottom, upscales by whole pixels and greys invalid spaxels', () => {
    const img = mapToRgba([-1, 1, 0, Number.NaN], 2, 2, { cmap: DIVERGING, vmin: -1, vmax: 1, scale: 3 });
    expect([img.width, img.height]).toEqual([6, 6]);
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * 6 + x) * 4, (y * 6 + x) * 4 + 3));
    expect(px(0, 5)).toEqual(colourAt(DIVERGING, 0)); // value −1, row 0 → bottom-left
    expect(px(5, 3)).toEqual(colourAt(DIVERGING, 1)); // value 1, row 0 → bottom-right
    expect(px(0, 0)).toEqual(colourAt(DIVERGING, 0.5)); // value 0, row 1 → top-left
    expect(px(5, 0)).toEqual([...INVALID_RGB]);
  });

  it('encodes a PNG that fast-png decodes back to the same size', () => {
    const png = decode(
      mapToPng(
        new Float32Array(40 * 40).map((_, i) => i % 40),
        40,
        40,
        { cmap: DIVERGING, vmin: 0, vmax: 39, scale: 4 },
      ),
    );
    expect([png.width, png.height, png.channels]).toEqual([160, 160, 4]);
    const bar = decode(colourBarPng(DIVERGING, 12, 100));
    expect([bar.width, bar.height]).toEqual([12, 100]);
    expect(Array.from(bar.data.subarray(0, 3))).toEqual(colourAt(DIVERGING, 1)); // top = vmax
  });

  it('refuses a value array of the wrong size', () => {
    expect(() => mapToRgba([1, 2, 3], 2, 2, { cmap: DIVERGING, vmin: 0, vmax: 1 })).toThrow(RasterError);
  });
});
