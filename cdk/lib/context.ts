/**
 * Deployment settings from `cdk.json` context (or `-c key=value`), validated once at the app entry.
 * `-c` values arrive as strings, so numbers, booleans and JSON objects are decoded before validation;
 * a bad value stops synth with one line naming the key.
 */
import { z } from 'zod';
import { DEFAULT_THRESHOLDS } from '../../src/config/index.ts';
import { GalspinError } from '../../src/errors.ts';

/** GPU instance types with CUDA 11.2 / cuDNN 8.1 support for tfjs-node-gpu 4.22 (one GPU each). */
export const GPU_INSTANCE_TYPES = ['g4dn.xlarge', 'g5.xlarge'] as const;

/** Weekly, Sunday 03:00 UTC (EventBridge Scheduler cron: min hour day-of-month month day-of-week year). */
export const DEFAULT_RETRAIN_SCHEDULE = 'cron(0 3 ? * SUN *)';

/** The context keys the app reads; anything else in cdk.json belongs to the CDK itself. */
export const CONTEXT_KEYS = [
  'environment',
  'instanceType',
  'minTasks',
  'maxTasks',
  'backlogPerTask',
  'retrainSchedule',
  'thresholds',
  'cpuOnly',
  'maxAzs',
  'alarmEmail',
  'retainData',
] as const;

export class ContextError extends GalspinError {
  override name = 'ContextError';
}

const fromString = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t !== '' && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
};

const decoded = <T extends z.ZodType>(schema: T) => z.preprocess(fromString, schema);

/** EventBridge Scheduler expressions: cron with six fields or rate(n unit). */
const scheduleExpression = z
  .string()
  .regex(
    /^(cron\((\S+\s){5}\S+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
    'an EventBridge Scheduler expression: cron(m h dom mon dow yr) or rate(n unit)',
  );

const probability = z.number().min(0).max(1);

export const GalspinContext = z
  .object({
    /** Deployment name; part of every physical name (`galspin-<environment>-<resource>`). */
    environment: decoded(
      z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,15}$/, 'lowercase letters, digits and dashes, at most 16 characters'),
    ).default('dev'),
    instanceType: decoded(z.enum(GPU_INSTANCE_TYPES)).default('g4dn.xlarge'),
    /** Infer-worker tasks kept running when the classify queue is empty (0 = scale to zero). */
    minTasks: decoded(z.number().int().min(0).max(100)).default(0),
    /** Upper bound of infer-worker tasks, and of GPU instances (one task per GPU). */
    maxTasks: decoded(z.number().int().min(1).max(100)).default(4),
    /** Classify-queue messages one task is expected to clear before another is added. */
    backlogPerTask: decoded(z.number().int().min(1).max(100_000)).default(500),
    retrainSchedule: decoded(scheduleExpression).default(DEFAULT_RETRAIN_SCHEDULE),
    thresholds: decoded(z.object({ fast: probability, slow: probability }).strict()).default({
      ...DEFAULT_THRESHOLDS,
    }),
    /** Run the worker and training on Fargate (tfjs-node, CPU) for accounts without a GPU quota. */
    cpuOnly: decoded(z.boolean()).default(false),
    /** Availability zones for the subnets and interface endpoints (each AZ adds endpoint cost). */
    maxAzs: decoded(z.number().int().min(1).max(3)).default(2),
    /** Subscribes this address to the alarm topic; the topic exists either way. */
    alarmEmail: decoded(z.email()).optional(),
    /** Keep the bucket and table when the stack is deleted; defaults to true for `prod`. */
    retainData: decoded(z.boolean()).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.minTasks > c.maxTasks) {
      ctx.addIssue({
        code: 'custom',
        path: ['minTasks'],
        message: `must not exceed maxTasks (${c.maxTasks})`,
      });
    }
    if (c.thresholds.slow >= c.thresholds.fast) {
      ctx.addIssue({ code: 'custom', path: ['thresholds'], message: 'slow must be below fast' });
    }
  })
  .transform((c) => ({ ...c, retainData: c.retainData ?? c.environment === 'prod' }));

export type GalspinContext = z.infer<typeof GalspinContext>;

/**
 * Reads and validates the app's context keys. `lookup` is `app.node.tryGetContext`; keys it returns
 * `undefined` for take their defaults.
 */
export function parseContext(lookup: (key: string) => unknown): GalspinContext {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const v = lookup(key);
    if (v !== undefined) raw[key] = v;
  }
  const r = GalspinContext.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || 'context'}: ${i.message}`).join('; ');
  throw new ContextError(`invalid cdk context: ${problems}`);
}
