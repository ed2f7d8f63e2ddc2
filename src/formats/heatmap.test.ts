import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { colourAt, DIVERGING } from './colormap.ts';
import { attributionPng } from './heatmap.ts';
import { readNpyFloat32, writeNpyFloat32 } from './npy.ts';
import { INVALID_RGB } from './raster.ts';

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const values = Float32Array.from({ length: 40 * 40 }, (_, i) => Math.sin(i / 7) * (i % 3 === 0 ? -1 : 1));

describe('npy', () => {
  it('header is 64-byte aligned and data round-trips', () => {
    const bytes = writeNpyFloat32(values, [40, 40]);
    expect((bytes.length - values.length * 4) % 64).toBe(0);
    const back = readNpyFloat32(bytes);
    expect(back.shape).toEqual([40, 40]);
    expect(Array.from(back.data)).toEqual(Array.from(values));
  });

  it('refuses a shape that does not match', () => {
    expect(() => writeNpyFloat32(values, [40, 41])).toThrow(/shape/);
  });

  it.skipIf(!hasNumpy())('numpy.load reads the same values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-npy-'));
    writeFileSync(join(dir, 'a.npy'), writeNpyFloat32(values, [40, 40]));
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import numpy,sys,json;a=numpy.load(sys.argv[1]);print(json.dumps([a.shape,a.dtype.str,float(a[3,7]),float(a.sum(dtype="f8"))]))',
        join(dir, 'a.npy'),
      ],
      { encoding: 'utf8' },
    );
    const [shape, dtype, probe, sum] = JSON.parse(out);
    expect(shape).toEqual([40, 40]);
    expect(dtype).toBe('<f4');
    expect(probe).toBeCloseTo(values[3 * 40 + 7], 6);
    expect(sum).toBeCloseTo(
      values.reduce((a, b) => a + b, 0),
      3,
    );
  });
});

describe('attribution heatmap', () => {
  it('is symmetric about zero (+max red, −max blue, 0 white), greys masked spaxels, row 0 at the bottom', () => {
    const v = new Float32Array(4);
    v[0] = 2; // row 0, column 0
    v[1] = -2; // row 0, column 1
    v[2] = 0; // row 1, column 0
    const png = decode(attributionPng(v, 2, 2, { scale: 3, valid: Uint8Array.from([1, 1, 1, 0]) }));
    expect([png.width, png.height]).toEqual([6, 6]);
    const px = (x: number, y: number) =>
      Array.from(png.data.slice((y * 6 + x) * png.channels, (y * 6 + x) * png.channels + 3));
    // PNG rows run top-down; FITS row 0 is drawn at the bottom, as ds9 shows the FITS file.
    expect(px(0, 5)).toEqual(colourAt(DIVERGING, 1));
    expect(px(5, 5)).toEqual(colourAt(DIVERGING, 0));
    expect(px(0, 0)).toEqual(colourAt(DIVERGING, 0.5));
    expect(px(5, 0)).toEqual([...INVALID_RGB]);
  });
});
