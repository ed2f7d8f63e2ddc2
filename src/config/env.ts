/**
 * Environment of the deployment shells, validated once at start-up. `AWS_ENDPOINT_URL` is never
 * read here: the SDK picks it up from the environment itself, so code never names an endpoint.
 */
import { z } from 'zod';
import { GalspinError } from '../errors.ts';

const envName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,20}$/, 'lowercase letters, digits and dashes')
  .default('dev');
const queueUrl = z.url();
const intFromEnv = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

/** Everything the AWS pipeline shells may need. */
export const PipelineEnv = z.object({
  GALSPIN_ENV: envName,
  GALSPIN_BUCKET: z.string().min(3).max(63),
  GALSPIN_INGEST_QUEUE_URL: queueUrl,
  GALSPIN_CLASSIFY_QUEUE_URL: queueUrl,
  GALSPIN_TABLE: z.string().min(3).max(255),
  AWS_REGION: z.string().min(1).default('us-east-1'),
});
export type PipelineEnv = z.infer<typeof PipelineEnv>;

/** What the shells that write maps, results and classify messages share. */
const CLASSIFY_SIDE = {
  GALSPIN_ENV: true,
  GALSPIN_BUCKET: true,
  GALSPIN_CLASSIFY_QUEUE_URL: true,
  GALSPIN_TABLE: true,
  AWS_REGION: true,
} as const;

/** Who serves a trained model: ONNX Runtime on the CPU (`onnx`), TensorFlow.js (`tfjs`), or `auto`. */
export const SERVING_ENGINES = ['auto', 'onnx', 'tfjs'] as const;
export type ServingEngineChoice = (typeof SERVING_ENGINES)[number];

const backendChoice = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto');

/** lambdas/preprocess.ts */
export const PreprocessEnv = PipelineEnv.pick(CLASSIFY_SIDE).extend({
  /** What the preprocess stage records as the row's `preprocessor` (a galspin version or git sha). */
  GALSPIN_VERSION: z.string().min(1).default('galspin'),
});
export type PreprocessEnv = z.infer<typeof PreprocessEnv>;

/** lambdas/query.ts */
export const QueryEnv = PipelineEnv.pick({
  GALSPIN_ENV: true,
  GALSPIN_BUCKET: true,
  GALSPIN_TABLE: true,
  AWS_REGION: true,
});
export type QueryEnv = z.infer<typeof QueryEnv>;

/** gpu-tasks/infer-worker.ts */
export const WorkerEnv = PipelineEnv.pick(CLASSIFY_SIDE).extend({
  /** Maps per inference batch. */
  GALSPIN_BATCH_SIZE: intFromEnv(32, 1, 1024),
  /** Longest wait to fill a batch, ms. */
  GALSPIN_BATCH_MS: intFromEnv(2000, 0, 60_000),
  /** Integrated-Gradients steps. */
  GALSPIN_IG_STEPS: intFromEnv(32, 1, 1024),
  /** MC-dropout passes for the uncertainty: DEFAULT_MC_PASSES (src/model/serve/uncertainty.ts), as everywhere. */
  GALSPIN_MC_PASSES: intFromEnv(30, 1, 1000),
  GALSPIN_BACKEND: backendChoice,
  /** Who serves inference, MC dropout and IG: ONNX Runtime on the CPU, or TensorFlow.js. */
  GALSPIN_ENGINE: z.enum(SERVING_ENGINES).default('auto'),
  /** Class thresholds on p = P(fast) (default DEFAULT_THRESHOLDS). */
  GALSPIN_THRESHOLD_FAST: z.coerce.number().min(0).max(1).optional(),
  GALSPIN_THRESHOLD_SLOW: z.coerce.number().min(0).max(1).optional(),
  /** File the worker touches after each poll; the container health check reads its age. */
  GALSPIN_HEARTBEAT_FILE: z.string().min(1).optional(),
  /** How long the champion pointer is trusted before it is re-read, ms (a promotion shows within it). */
  GALSPIN_CHAMPION_TTL_MS: intFromEnv(10_000, 0, 3_600_000),
  /** Long-poll wait per receive, s; 20 is the SQS maximum. */
  GALSPIN_WAIT_SECONDS: intFromEnv(20, 0, 20),
  /**
   * Visibility timeout of a received message, s (SQS allows up to 12 h); unset or empty: the
   * classify default, TIMEOUTS.classifyVisibilitySeconds. Not 0: the next poll would take the
   * batch in hand again.
   */
  GALSPIN_VISIBILITY_SECONDS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(1).max(43_200).optional(),
  ),
  /** `1`: return once the queue is drained, nothing in flight (local runs and benchmarks; never ECS). */
  GALSPIN_EXIT_WHEN_EMPTY: z.enum(['0', '1']).default('0'),
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;

/** gpu-tasks/train.ts */
export const TrainEnv = PipelineEnv.pick(CLASSIFY_SIDE).extend({
  /** `labels/<file>.csv` in the bucket; when absent, labels come from the index. */
  GALSPIN_LABELS_KEY: z.string().min(1).optional(),
  GALSPIN_SPLIT_SEED: intFromEnv(1, 0, 2 ** 31 - 1),
  GALSPIN_RECLASSIFY: z.enum(['0', '1']).default('0'),
  GALSPIN_BACKEND: backendChoice,
  /** libtensorflow's fused training kernels on tfjs-node (src/model/train/native-training.ts). */
  GALSPIN_NATIVE_KERNELS: z.enum(['on', 'off']).default('on'),
  /** `0`: the small demo configuration (DEMO_TRAIN, a smoke run); `1`: the full training run. */
  GALSPIN_TRAIN_FULL: z.enum(['0', '1']).default('1'),
});
export type TrainEnv = z.infer<typeof TrainEnv>;

/** Embedded mode: where the folder bucket and the SQLite files live. */
export const EmbeddedEnv = z.object({
  /** Root of the embedded state: `<dir>/bucket/`, `<dir>/queues.sqlite`, `<dir>/index.sqlite`. */
  GALSPIN_HOME: z.string().min(1).default('.galspin'),
  GALSPIN_ENV: envName,
});
export type EmbeddedEnv = z.infer<typeof EmbeddedEnv>;

export class EnvError extends GalspinError {
  override name = 'EnvError';
}

/** Validates `env` against `schema`; throws {@link EnvError} naming every bad variable on one line. */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): z.infer<T> {
  const r = schema.safeParse(env);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new EnvError(`invalid environment: ${problems}`);
}
