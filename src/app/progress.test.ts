import { describe, expect, it } from 'vitest';
import { formatJobLine, jobProgress, plainLineDue } from './progress.ts';

/** A non-TTY stream that keeps what is written. */
function logStream() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('job progress without a terminal', () => {
  it('says nothing for a job shorter than 3 s', () => {
    const { stream, lines } = logStream();
    let t = 0;
    const p = jobProgress('predict', 100, { stream, now: () => t });
    for (let i = 1; i <= 100; i++) {
      t = i * 20; // 2 s in all
      p.update(i);
    }
    p.stop();
    expect(lines).toEqual([]);
  });

  it('writes a line after 3 s, then every 5 s or 10 % of the work, and a last line', () => {
    const { stream, lines } = logStream();
    let t = 0;
    const p = jobProgress('explain', 200, { stream, now: () => t });
    // 200 maps at 360 ms each: 72 s.
    for (let i = 1; i <= 200; i++) {
      t = i * 360;
      p.update(i);
    }
    p.stop();
    expect(lines[0]).toBe('galspin: explain 9/200 maps (4 %), 3 s, ETA 69 s\n');
    expect(lines.at(-1)).toBe('galspin: explain 200/200 maps (100 %), 72 s\n');
    // One line per 5 s (14 steps of 72 s) or per 10 % (10): the 5 s rule dominates here.
    expect(lines.length).toBeGreaterThanOrEqual(12);
    expect(lines.length).toBeLessThanOrEqual(16);
  });

  it('follows 10 % steps when they come faster than 5 s', () => {
    expect(plainLineDue(10, 1, 0.35, 0.25)).toBe(true);
    expect(plainLineDue(10, 1, 0.3, 0.25)).toBe(false);
    expect(plainLineDue(10, 5, 0.26, 0.25)).toBe(true);
    expect(plainLineDue(2.9, undefined, 0.9, 0)).toBe(false);
    expect(plainLineDue(3, undefined, 0, 0)).toBe(true);
  });

  it('formats the count, the percentage, elapsed time and ETA', () => {
    expect(formatJobLine('moran', 'maps', 120, 214, 12.3)).toBe(
      'galspin: moran 120/214 maps (56 %), 12 s, ETA 10 s',
    );
    expect(formatJobLine('ingest  ', '', 3, 3, 4)).toBe('galspin: ingest 3/3 (100 %), 4 s');
  });
});
