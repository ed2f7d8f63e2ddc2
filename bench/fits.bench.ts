/**
 * `npm run bench:fits`: FITS read throughput, against astropy measured in the same run.
 *
 * Work per file, both sides: open and read the file, decode every image HDU after BSCALE/BZERO
 * (BLANK → NaN) and compute NaN count and finite count/min/max/sum (galspin: readFitsFileSync +
 * summarizeFits; astropy: bench/oracles/fits_astropy.py). Cases: a SAMI DR2 velocity map (5 HDUs,
 * 115 kB) and a MaNGA DAP MAPS .fits.gz (48 HDUs, 1.2 MB gzip). One more line reads the SAMI map
 * from memory (parseFits on bytes already read), which isolates decoding from file I/O.
 *
 * astropy also gets a warm-up call per file. Rounds alternate galspin and astropy (default 3 rounds of ≥ 1.5 s per case each) so both see
 * the same machine load; figures are medians over rounds. Rates are given per wall second and per
 * CPU second (process CPU time, all threads): on a shared, loaded machine the CPU-time ratio is the
 * fairer one. Goal: ≥ 10× astropy's per-file throughput on SAMI maps.
 *
 * The astropy peer runs when a python with astropy is found: GALSPIN_ASTROPY_PYTHON, else
 * /tmp/fits-astropy-venv/bin/python, else python3 (create one with `python3 -m venv
 * /tmp/fits-astropy-venv && /tmp/fits-astropy-venv/bin/pip install astropy`, local mirror).
 *
 *   npm run bench:fits [-- --seconds 1.5] [--rounds 3] [--json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFits, readFitsFileSync, summarizeFits } from '../src/fits/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIX = `${root}test/fixtures/fits`;
const SAMI = `${FIX}/105420_stellar-velocity_default_two-moment.fits`;
const MANGA = `${FIX}/manga-7815-3702-MAPS-HYB10-GAU-MILESHC.fits.gz`;

interface Rate {
  /** Files per wall-clock second. */
  wall: number;
  /** Files per CPU second of the process. */
  cpu: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = arg('--seconds', 1.5);
const rounds = arg('--rounds', 3);
const asJson = process.argv.includes('--json');

/**
 * Repeats `work` for at least `secs` seconds (and 3 calls) after a warm-up of ≥ 0.5 s and 20 calls,
 * so V8's optimizing compiler (which runs on background threads and would count as CPU) is done:
 * a survey reads thousands of files, so steady state is what matters.
 */
function measure(work: () => unknown, secs: number): Rate {
  const warm = process.hrtime.bigint();
  for (let n = 0; n < 20 || Number(process.hrtime.bigint() - warm) < 0.5e9; n++) work();
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let files = 0;
  let elapsed = 0;
  do {
    work();
    files++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < secs || files < 3);
  const cpu = process.cpuUsage(cpu0);
  return { wall: files / elapsed, cpu: files / ((cpu.user + cpu.system) / 1e6) };
}

function findPython(): string | undefined {
  const candidates = [process.env.GALSPIN_ASTROPY_PYTHON, '/tmp/fits-astropy-venv/bin/python', 'python3'];
  for (const py of candidates) {
    if (!py || (py.includes('/') && !existsSync(py))) continue;
    if (spawnSync(py, ['-c', 'import astropy'], { encoding: 'utf8' }).status === 0) return py;
  }
  return undefined;
}

let peerVersion = '';
function astropyRound(py: string, files: string[]): Map<string, Rate> {
  const r = spawnSync(py, [`${root}bench/oracles/fits_astropy.py`, String(seconds), ...files], {
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (r.status !== 0) throw new Error(`astropy peer failed: ${r.stderr.trim().split('\n').at(-1)}`);
  const out = new Map<string, Rate>();
  for (const line of r.stdout.trim().split('\n')) {
    const j = JSON.parse(line);
    peerVersion = `astropy ${j.astropy}, numpy ${j.numpy}`;
    out.set(j.file, { wall: j.files / j.seconds, cpu: j.files / j.cpuSeconds });
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const samiBytes = new Uint8Array(readFileSync(SAMI));
const cases = [
  { name: 'SAMI map (.fits)', file: SAMI, work: () => summarizeFits(readFitsFileSync(SAMI)) },
  { name: 'MaNGA MAPS (.fits.gz)', file: MANGA, work: () => summarizeFits(readFitsFileSync(MANGA)) },
  {
    name: 'SAMI map, from memory',
    file: undefined,
    work: () => summarizeFits(parseFits(samiBytes, 'sami.fits')),
  },
];
const py = findPython();
const ours = new Map<string, Rate[]>();
const theirs = new Map<string, Rate[]>();
for (let r = 0; r < rounds; r++) {
  for (const c of cases) ours.set(c.name, [...(ours.get(c.name) ?? []), measure(c.work, seconds)]);
  if (py) {
    const peer = astropyRound(py, [SAMI, MANGA]);
    for (const c of cases) {
      const rate = c.file ? peer.get(c.file) : undefined;
      if (rate) theirs.set(c.name, [...(theirs.get(c.name) ?? []), rate]);
    }
  }
}

const rows = cases.map((c) => {
  const bytes = c.file ? statSync(c.file).size : samiBytes.length;
  const g = ours.get(c.name) as Rate[];
  const a = theirs.get(c.name);
  const row = {
    case: c.name,
    bytes,
    galspin: { filesPerSec: median(g.map((x) => x.wall)), filesPerCpuSec: median(g.map((x) => x.cpu)) },
    astropy: a
      ? { filesPerSec: median(a.map((x) => x.wall)), filesPerCpuSec: median(a.map((x) => x.cpu)) }
      : null,
  };
  return {
    ...row,
    ratioWall: row.astropy ? row.galspin.filesPerSec / row.astropy.filesPerSec : null,
    ratioCpu: row.astropy ? row.galspin.filesPerCpuSec / row.astropy.filesPerCpuSec : null,
  };
});

if (asJson) {
  process.stdout.write(
    `${JSON.stringify({ node: process.version, peer: peerVersion || null, seconds, rounds, rows })}\n`,
  );
} else {
  const f = (v: number | undefined | null, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '-');
  const x = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)}×`);
  console.log(
    `FITS: read + decode every image HDU + stats; Node ${process.version}; median of ${rounds} rounds`,
  );
  console.log(
    `${'case'.padEnd(24)}${'files/s'.padStart(9)}${'MB/s'.padStart(7)}${'files/cpu-s'.padStart(13)}` +
      `${'astropy f/s'.padStart(13)}${'f/cpu-s'.padStart(9)}${'ratio wall'.padStart(12)}${'ratio cpu'.padStart(11)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.case.padEnd(24)}${f(r.galspin.filesPerSec).padStart(9)}${f((r.galspin.filesPerSec * r.bytes) / 1e6).padStart(7)}` +
        `${f(r.galspin.filesPerCpuSec).padStart(13)}${f(r.astropy?.filesPerSec).padStart(13)}` +
        `${f(r.astropy?.filesPerCpuSec).padStart(9)}${x(r.ratioWall).padStart(12)}${x(r.ratioCpu).padStart(11)}`,
    );
  }
  console.log(
    py
      ? `peer: ${peerVersion} (${py}), same files and work, alternating rounds`
      : 'astropy not found: no peer figures (set GALSPIN_ASTROPY_PYTHON)',
  );
  const sami = rows[0];
  if (sami.ratioCpu !== null && sami.ratioWall !== null) {
    const ok = sami.ratioCpu >= 10 && sami.ratioWall >= 10;
    console.log(
      `goal ≥ 10× astropy on SAMI maps: ${ok ? 'met' : 'NOT met'} (wall ${x(sami.ratioWall)}, cpu ${x(sami.ratioCpu)})`,
    );
  }
}
