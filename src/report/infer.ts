/**
 * Model outputs the report needs when no pipeline run supplied them: P(fast) for a survey's unknown
 * galaxies and Integrated-Gradients maps for the galaxies of interest, computed with the model
 * folder's own network (src/model: backend, predictMaps with the calibration temperature,
 * integratedGradients on the logit, zero baseline; Sundararajan et al. 2017).
 */
import type { InputKind } from '../maps/model-input.ts';
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
  /**
   * The network input of a galaxy for a model that reads more than velocity (e.g. velocity +
   * dispersion from the survey's files); galaxies without one are left out.
   */
  inputOf?: (galaxyId: string, kind: InputKind) => Promise<Float32Array | undefined>;
}

const toInput = (m: GalaxyMap) => Float32Array.from(m.values, (v) => (Number.isFinite(v) ? v : 0));

export async function inferOutputs(opts: InferOptions): Promise<InferredOutputs> {
  const [
    { initBackend },
    { artifactsToModel, modelInputKind, readModelDir },
    { predictMaps },
    { integratedGradients },
    { spaxelAttribution },
  ] = await Promise.all([
    import('../model/backend.ts'),
    import('../model/store.ts'),
    import('../model/serve/predict.ts'),
    import('../model/explain/ig.ts'),
    import('../model/explain/attribution.ts'),
  ]);
  const backend = await initBackend(opts.backend ?? process.env.GALSPIN_BACKEND ?? 'auto');
  const tf = backend.tf;
  const artifacts = await readModelDir(opts.modelDir);
  const model = await artifactsToModel(tf, artifacts);
  const kind = modelInputKind(artifacts);
  // The velocity map the report draws is the paper's input; other kinds come from the survey files.
  const inputsFor = async (ids: string[], maps: ReadonlyMap<string, GalaxyMap>) => {
    const out: { ids: string[]; inputs: Float32Array[] } = { ids: [], inputs: [] };
    for (const id of ids) {
      const x = kind === 'velocity' ? toInput(maps.get(id) as GalaxyMap) : await opts.inputOf?.(id, kind);
      if (!x) continue;
      out.ids.push(id);
      out.inputs.push(x);
    }
    return out;
  };
  try {
    const probabilities = new Map<string, number>();
    const { ids, inputs } = await inputsFor([...opts.classify.keys()], opts.classify);
    if (ids.length) {
      const preds = await predictMaps(tf, model, inputs, { temperature: opts.temperature });
      preds.forEach((p, i) => {
        probabilities.set(ids[i], p.probability);
      });
    }
    const attributions = new Map<string, Float32Array>();
    const explained = await inputsFor([...opts.explain.keys()], opts.explain);
    if (explained.ids.length) {
      const ig = await integratedGradients(tf, model, explained.inputs, { steps: opts.igSteps });
      const size = model.inputs[0].shape[1] as number;
      ig.forEach((r, i) => {
        // per spaxel: the sum over input channels, on the same 40×40 grid as the map
        attributions.set(explained.ids[i], spaxelAttribution(r.attribution, size));
      });
    }
    return { probabilities, attributions, backend: backend.name };
  } finally {
    model.dispose();
  }
}
