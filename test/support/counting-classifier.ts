import type { ClassifierSource } from '../../src/ports/classifier.ts';

/** Wraps a classifier source so a test can count the maps that went through the network. */
export function countingClassifier(models: ClassifierSource): {
  source: ClassifierSource;
  inferred: () => number;
} {
  let n = 0;
  const source: ClassifierSource = {
    champion: () => models.champion(),
    fallback: models.fallback ? () => models.fallback?.() ?? Promise.resolve(undefined) : undefined,
    load: async (version) => {
      const c = await models.load(version);
      return new Proxy(c, {
        get(target, prop, receiver) {
          if (prop !== 'classify') return Reflect.get(target, prop, receiver);
          return (inputs: Float32Array[]) => {
            n += inputs.length;
            return target.classify(inputs);
          };
        },
      });
    },
  };
  return { source, inferred: () => n };
}
