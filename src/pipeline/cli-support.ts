/**
 * What the pipeline CLI commands share: choosing the ports (embedded under --home, or AWS from
 * the GALSPIN_* environment when --aws), and stage progress on stderr (a bar on a TTY, a line
 * per stage change otherwise).
 */
import cliProgress from 'cli-progress';
import { PipelineEnv, parseEnv } from '../config/index.ts';
import { awsPorts } from './deps.ts';
import { embeddedPorts } from './deps-local.ts';
import type { PipelinePorts } from './ports-types.ts';

export function portsFor(opts: { aws?: boolean; home: string }): PipelinePorts {
  return opts.aws ? awsPortsFromEnv() : embeddedPorts(opts.home);
}

/** AWS ports named by the GALSPIN_* environment (as `galspin provision` or the moto harness set it). */
export function awsPortsFromEnv(): PipelinePorts {
  return awsPorts(
    parseEnv(PipelineEnv.partial({ GALSPIN_INGEST_QUEUE_URL: true, GALSPIN_CLASSIFY_QUEUE_URL: true })),
  );
}

export interface StageProgress {
  update(stage: string, done: number, total?: number, note?: string): void;
  stop(): void;
}

export function stageProgress(stream: NodeJS.WriteStream = process.stderr): StageProgress {
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  let lastLine = 0;
  return {
    update(stage, done, total, note) {
      if (stream.isTTY) {
        if (stage !== current) {
          bar?.stop();
          bar = new cliProgress.SingleBar(
            { format: `${stage.padEnd(8)} [{bar}] {value}/{total} {note}`, stream, clearOnComplete: false },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total ?? 1, done, { note: note ?? '' });
          current = stage;
        } else {
          if (total !== undefined) bar?.setTotal(total);
          bar?.update(done, { note: note ?? '' });
        }
        return;
      }
      // Not a TTY: one line when a stage starts or finishes, and at most one every 5 s in between.
      const now = Date.now();
      const finished = total !== undefined && done >= total;
      if (stage !== current || finished || now - lastLine > 5000) {
        stream.write(
          `galspin: ${stage} ${done}${total !== undefined ? `/${total}` : ''}${note ? ` ${note}` : ''}\n`,
        );
        lastLine = now;
        current = stage;
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
