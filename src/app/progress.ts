/**
 * Progress on stderr, one module for every long job (predict's passes, explain, moran, inspect,
 * report, run's stages, training):
 * - {@link jobProgress}: a cli-progress bar on a TTY; otherwise a plain line when the job has run
 *   {@link PLAIN_FIRST_S} s, then every {@link PLAIN_EVERY_S} s or 10 % of the work (whichever
 *   comes first), and a last line when it ends — a short job prints nothing in a log.
 * - {@link trainingProgress}: a bar per epoch on a TTY (batches, loss, accuracy, samples/s, ETA);
 *   always one summary line per epoch (loss, acc, val metrics, lr, samples/s, ETA of the run).
 */
import cliProgress from 'cli-progress';
import type { EpochRecord } from '../model/train/callbacks.ts';

/** A job shorter than this (s) prints no plain line. */
export const PLAIN_FIRST_S = 3;
/** Longest gap between plain lines (s). */
export const PLAIN_EVERY_S = 5;

export interface JobProgress {
  /** `done` of `total` units finished; `note` is shown after the count (e.g. a file name). */
  update(done: number, note?: string): void;
  /** One more unit finished. */
  increment(note?: string): void;
  /** Changes the amount of work (a stage whose size becomes known later). */
  setTotal(total: number): void;
  /** Ends the bar, or writes the last plain line if any was written. */
  stop(): void;
}

/**
 * When to write a plain (non-TTY) line: after {@link PLAIN_FIRST_S} s of work, then when
 * {@link PLAIN_EVERY_S} s have passed or the fraction done has grown by ≥ 10 % since the last line.
 */
export function plainLineDue(
  elapsedS: number,
  sinceLastS: number | undefined,
  fraction: number,
  lastFraction: number,
): boolean {
  if (elapsedS < PLAIN_FIRST_S) return false;
  if (sinceLastS === undefined) return true;
  return sinceLastS >= PLAIN_EVERY_S || fraction - lastFraction >= 0.1 - 1e-9;
}

/** `galspin: LABEL 120/214 UNIT (56 %), 12 s, ETA 9 s NOTE` */
export function formatJobLine(
  label: string,
  unit: string,
  done: number,
  total: number,
  elapsedS: number,
  note?: string,
): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
  const eta = done > 0 && done < total ? `, ETA ${Math.ceil((elapsedS / done) * (total - done))} s` : '';
  return `galspin: ${label.trim()} ${done}/${total}${unit ? ` ${unit}` : ''} (${pct} %), ${elapsedS.toFixed(0)} s${eta}${note ? ` ${note}` : ''}`;
}

/**
 * Progress of one job of `total` units (maps, passes, figures) on `stream`: a bar on a TTY,
 * periodic plain lines otherwise (see the file comment). `now` (ms) is injectable for tests.
 */
export function jobProgress(
  label: string,
  total: number,
  opts: { unit?: string; stream?: NodeJS.WriteStream; now?: () => number } = {},
): JobProgress {
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? 'maps';
  const now = opts.now ?? (() => performance.now());
  const started = now();
  let size = total;
  let done = 0;
  let lastNote: string | undefined;
  // A bar for one unit would only flash; such a job gets the plain lines (none when it is short).
  if (stream.isTTY && total > 1) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total}${unit ? ` ${unit}` : ''} | ETA {eta}s {note}`,
        stream,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(size, 0, { note: '' });
    let stopped = false;
    let count = 0;
    return {
      update(d, note) {
        count = d;
        bar.update(d, { note: note ?? '' });
      },
      increment(note) {
        this.update(count + 1, note);
      },
      setTotal(t) {
        bar.setTotal(t);
      },
      stop() {
        if (!stopped) bar.stop();
        stopped = true;
      },
    };
  }
  let lastLineAt: number | undefined;
  let lastFraction = 0;
  let finished = false;
  const line = () => {
    const t = now();
    stream.write(`${formatJobLine(label, unit, done, size, (t - started) / 1000, lastNote)}\n`);
    lastLineAt = t;
    lastFraction = size > 0 ? done / size : 0;
  };
  return {
    increment(note) {
      this.update(done + 1, note);
    },
    update(d, note) {
      done = d;
      lastNote = note;
      const t = now();
      const fraction = size > 0 ? done / size : 0;
      const since = lastLineAt === undefined ? undefined : (t - lastLineAt) / 1000;
      if (done < size && plainLineDue((t - started) / 1000, since, fraction, lastFraction)) line();
    },
    setTotal(t) {
      size = t;
    },
    stop() {
      // A closing line only for a job long enough to be worth one (a short one stays silent).
      if (!finished && (lastLineAt !== undefined || (now() - started) / 1000 >= PLAIN_FIRST_S)) line();
      finished = true;
    },
  };
}

export interface TrainingProgress {
  onBatch(done: number, total: number): void;
  onEpoch(r: EpochRecord, info: { epochs: number; best: boolean }): void;
  stop(): void;
}

export function formatEpochLine(r: EpochRecord, epochs: number, best: boolean, elapsedSec: number): string {
  const eta = ((elapsedSec / r.epoch) * (epochs - r.epoch)) | 0;
  return (
    `epoch ${String(r.epoch).padStart(String(epochs).length)}/${epochs}  loss ${r.loss.toFixed(4)} acc ${r.acc.toFixed(3)}  ` +
    `val_loss ${r.valLoss.toFixed(4)} val_acc ${r.valAcc.toFixed(3)}  lr ${r.lr.toExponential(1)}  ` +
    `${r.samplesPerSec.toFixed(0)} samples/s  ${r.seconds.toFixed(1)} s  ETA ≤${eta} s${best ? '  *best' : ''}`
  );
}

export function trainingProgress(stream: NodeJS.WriteStream = process.stderr): TrainingProgress {
  const tty = Boolean(stream.isTTY);
  const started = performance.now();
  let bar: cliProgress.SingleBar | undefined;
  let epochStart = performance.now();
  return {
    onBatch(done, total) {
      if (!tty) return;
      if (!bar) {
        epochStart = performance.now();
        bar = new cliProgress.SingleBar(
          {
            format: 'train [{bar}] {value}/{total} batches {rate} batches/s ETA {eta}s',
            stream,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { rate: '-' });
      }
      const s = (performance.now() - epochStart) / 1000;
      bar.update(done, { rate: (done / Math.max(s, 1e-3)).toFixed(1) });
    },
    onEpoch(r, info) {
      bar?.stop();
      bar = undefined;
      stream.write(`${formatEpochLine(r, info.epochs, info.best, (performance.now() - started) / 1000)}\n`);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
