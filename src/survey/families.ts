/** Registry of the generator families (see ./family.ts for the contract). */
import { analyticFamily } from './analytic/index.ts';
import { type Family, GENERATOR_FAMILIES, type GeneratorFamily } from './family.ts';
import { particleFamily } from './particle/index.ts';

export function isGeneratorFamily(s: string): s is GeneratorFamily {
  return (GENERATOR_FAMILIES as readonly string[]).includes(s);
}

const FAMILIES: Readonly<Record<GeneratorFamily, Family>> = {
  analytic: analyticFamily,
  particle: particleFamily,
};

/** The family of the given name. */
export function familyOf(name: GeneratorFamily): Family {
  const family = isGeneratorFamily(name) ? FAMILIES[name] : undefined;
  if (!family) {
    throw new RangeError(
      `unknown generator family '${name as string}' (expected ${GENERATOR_FAMILIES.join(', ')})`,
    );
  }
  return family;
}
