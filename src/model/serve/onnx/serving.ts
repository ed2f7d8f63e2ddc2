/**
 * Which engine serves a trained model: ONNX Runtime on the CPU, or TensorFlow.js itself. The
 * choice is made once per loaded model and announced in one line.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ServingEngineChoice } from '../../../config/env.ts';
import { OnnxEngine, OnnxEngineError } from './engine.ts';
import { OnnxExportError } from './export.ts';

export { SERVING_ENGINES, type ServingEngineChoice } from '../../../config/env.ts';
export type { OnnxEngine };

/**
 * The ONNX engine for `model`, or undefined when TensorFlow.js should serve: `tfjs` asked for,
 * `auto` on the GPU backend (tfjs-node-gpu keeps the work on the device), or `auto` when
 * onnxruntime-node is missing or the model does not export. `onnx` insists and throws instead.
 */
export async function openServingEngine(
  model: tfjs.LayersModel,
  choice: ServingEngineChoice,
  backend: string,
  log: (line: string) => void = () => {},
): Promise<OnnxEngine | undefined> {
  if (choice === 'tfjs') return undefined;
  if (choice === 'auto' && backend === 'tensorflow-gpu') return undefined;
  try {
    const engine = await OnnxEngine.fromModel(model);
    log('galspin: serving engine onnxruntime (CPU); training stays on TensorFlow.js');
    return engine;
  } catch (err) {
    if (choice === 'onnx') throw err;
    const why = err instanceof OnnxEngineError || err instanceof OnnxExportError ? err.message : `${err}`;
    log(`galspin: serving engine TensorFlow.js ${backend} (${why.split('\n')[0]})`);
    return undefined;
  }
}
