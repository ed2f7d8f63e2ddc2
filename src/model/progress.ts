/**
 * Training progress on stderr: on a TTY a cli-progress bar per epoch (batches, loss, accuracy,
 * samples/s, ETA); always one summary line per epoch (loss, acc, val metrics, lr, samples/s, ETA of
 * the whole run), so long runs in logs are not silent.
 */
import cliProgress from 'cli-progress';
import type { EpochRecord } from './callbacks.ts';

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
