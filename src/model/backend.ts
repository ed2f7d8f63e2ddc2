/**
 * Backend choice for TensorFlow.js. Preference order for `auto`: tensorflow-gpu (tfjs-node-gpu, the
 * GPU image) → tensorflow (tfjs-node, native libtensorflow) → wasm (XNNPACK, with galspin's
 * Conv2DBackpropFilter kernel so it can train) → cpu (pure JS, slow).
 *
 * tfjs-node(-gpu) are optional: they are imported dynamically and a missing or unbuildable native
 * binding only moves the choice down the list. `GALSPIN_BACKEND` names a backend to insist on.
 */
import type * as tfjs from '@tensorflow/tfjs';

type Tfjs = typeof tfjs;

import { GalspinError } from '../errors.ts';
import { setNativeTraining } from './train/native-training.ts';
import { registerWasmConv2DBackpropFilter } from './train/wasm-kernels/conv2d-backprop-filter.ts';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = BackendName | 'auto';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface Backend {
  name: BackendName;
  tf: typeof tfjs;
  /** Whether training runs libtensorflow's fused ReluGrad, FusedBatchNorm and Adam kernels. */
  nativeKernels: boolean;
  /** Why each better backend was skipped (empty when the first choice worked). */
  skipped: { name: BackendName; reason: string }[];
}

/** GALSPIN_BACKEND names something that is not a backend, or the named backend cannot start. */
export class BackendError extends GalspinError {
  override name = 'BackendError';
}

export interface InitBackendOptions {
  /** Where the one-line "backend: …" notice goes; default stderr (see setDefaultBackendLog). `() => {}` silences it. */
  log?: (line: string) => void;
  /**
   * Train with libtensorflow's fused kernels (native-training.ts) on the tensorflow backends.
   * Default: on, unless GALSPIN_NATIVE_KERNELS=off.
   */
  nativeKernels?: boolean;
}

let current: Backend | undefined;

/** Where initBackend's one-line notice goes when the caller names no `log`. */
let defaultLog: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

/**
 * Sets where the "backend: …" notice goes by default: the CLI keeps it for --verbose, the workers
 * leave it on stderr (their log).
 */
export function setDefaultBackendLog(log: (line: string) => void): void {
  defaultLog = log;
}

// TensorFlow.js takes ~2 s to load; only the commands that compute load it, on first use.
let loaded: Promise<typeof tfjs> | undefined;
function loadTfjs(): Promise<typeof tfjs> {
  // Bundled (the task images), tfjs's CommonJS build arrives as a namespace holding only `default`.
  loaded ??= import('@tensorflow/tfjs').then((m) =>
    typeof (m as Partial<typeof tfjs>).getKernel === 'function'
      ? m
      : (m as unknown as { default: typeof tfjs }).default,
  );
  return loaded;
}

export function parseBackendPreference(value: string): BackendPreference {
  const v = value.trim().toLowerCase();
  if (v === 'auto' || (BACKEND_ORDER as readonly string[]).includes(v)) return v as BackendPreference;
  throw new BackendError(`GALSPIN_BACKEND=${value}: expected auto, ${BACKEND_ORDER.join(', ')}`);
}

/** GALSPIN_NATIVE_KERNELS: on (default) or off. */
export function parseNativeKernels(value: string | undefined): boolean {
  const v = (value ?? 'on').trim().toLowerCase();
  if (v === 'on' || v === 'off') return v === 'on';
  throw new BackendError(`GALSPIN_NATIVE_KERNELS=${value}: expected on or off`);
}

// A variable specifier keeps TypeScript and bundlers from resolving the optional package.
async function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

async function tryStart(tf: Tfjs, name: BackendName): Promise<void> {
  // libtensorflow prints oneDNN/CPU-feature banners at INFO level on load; keep warnings.
  if (name.startsWith('tensorflow')) process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  switch (name) {
    case 'tensorflow-gpu':
      await importOptional('@tensorflow/tfjs-node-gpu');
      break;
    case 'tensorflow':
      await importOptional('@tensorflow/tfjs-node');
      break;
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmConv2DBackpropFilter(tf);
      break;
    }
    case 'cpu':
      break;
  }
  // tfjs-node-gpu registers itself under the name 'tensorflow' too.
  const registered = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  const ok = await tf.setBackend(registered);
  if (!ok || tf.getBackend() !== registered) throw new BackendError(`${name} did not initialise`);
  await tf.ready();
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 200);
}

/**
 * Selects and initialises a backend; later calls return the same one (a different explicit
 * preference switches). With 'auto' every candidate that fails is recorded in `skipped`.
 */
export async function initBackend(
  pref: string = process.env.GALSPIN_BACKEND ?? 'auto',
  opts: InitBackendOptions = {},
): Promise<Backend> {
  const wanted = parseBackendPreference(pref);
  const native = opts.nativeKernels ?? parseNativeKernels(process.env.GALSPIN_NATIVE_KERNELS);
  const tfjs = await loadTfjs();
  if (current && (wanted === 'auto' || wanted === current.name)) {
    current.nativeKernels = setNativeTraining(tfjs, native, { oneDnn: current.name === 'tensorflow' });
    return current;
  }
  const log = opts.log ?? defaultLog;
  const candidates = wanted === 'auto' ? BACKEND_ORDER : [wanted];
  const skipped: Backend['skipped'] = [];
  for (const name of candidates) {
    try {
      await tryStart(tfjs, name);
      current = {
        name,
        tf: tfjs,
        skipped,
        nativeKernels: setNativeTraining(tfjs, native, { oneDnn: name === 'tensorflow' }),
      };
      const why = skipped.length
        ? ` (skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`
        : '';
      const kernels = current.nativeKernels ? ', native training kernels' : '';
      log(`galspin: TensorFlow.js backend ${name}${kernels}${wanted === 'auto' ? why : ''}`);
      return current;
    } catch (err) {
      skipped.push({ name, reason: firstLine(err) });
    }
  }
  throw new BackendError(
    `no TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`,
  );
}
