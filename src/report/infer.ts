/**
 * Model outputs the report needs when no pipeline run supplied them: P(fast) for a survey's unknown
 * galaxies and Integrated-Gradients maps for the galaxies of interest, computed with the model
 * folder's own network (src/model: backend, predictMaps with the calibration temperature,
 * integratedGradients on the logit, zero baseline; Sundararajan et al. 2017).
 */
import type { GalaxyMap } from './sources.ts';

export interface InferredOutputs {
  /** P(fast), calibrated, per galaxy id. */
  probabilities: Map<string, number>;
  /** IG attribution (logit units) per galaxy id, same 40×40 grid as the map. */
  attributions: Map<string, Float32Array>;
  backend: string;
}

export interface InferOptions {
  modelDir: string;
  temperature?: number;
  /** Maps to classify (model input: NaN → 0). */
  classify: ReadonlyMap<string, GalaxyMap>;
  /** Maps to explain. */
  explain: ReadonlyMap<string, GalaxyMap>;
  igSteps?: number;
  /** Backend preference (default GALSPIN_BACKEND or auto). */
  backend?: string;
}

const toInput = (m: GalaxyMap) => Float32Array.from(m.values, (v) => (Number.isFinite(v) ? v : 0));

export async function inferOutputs(opts: InferOptions): Promise<InferredOutputs> {
  const [{ initBackend }, { artifactsToModel, readModelDir }, { predictMaps }, { integratedGradients }] =
    await Promise.all([
      import('../model/backend.ts'),
      import('../model/store.ts'),
      import('../model/predict.ts'),
      import('../model/ig.ts'),
    ]);
  const backend = await initBackend(opts.backend ?? process.env.GALSPIN_BACKEND ?? 'auto');
  const tf = backend.tf;
  const model = await artifactsToModel(tf, await readModelDir(opts.modelDir));
  try {
    const probabilities = new Map<string, number>();
    const ids = [...opts.classify.keys()];
    if (ids.length) {
      const preds = await predictMaps(
        tf,
        model,
        ids.map((id) => toInput(opts.classify.get(id) as GalaxyMap)),
        {
          temperature: opts.temperature,
        },
      );
      preds.forEach((p, i) => {
        probabilities.set(ids[i], p.probability);
      });
    }
    const attributions = new Map<string, Float32Array>();
    const explainIds = [...opts.explain.keys()];
    if (explainIds.length) {
      const ig = await integratedGradients(
        tf,
        model,
        explainIds.map((id) => toInput(opts.explain.get(id) as GalaxyMap)),
        { steps: opts.igSteps },
      );
      ig.forEach((r, i) => {
        attributions.set(explainIds[i], r.attribution);
      });
    }
    return { probabilities, attributions, backend: backend.name };
  } finally {
    model.dispose();
  }
}
