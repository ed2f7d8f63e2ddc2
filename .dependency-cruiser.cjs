/**
 * galspin's layer rules (npm run lint:layers; CI runs it). Each layer may import only the layers
 * below it: the data flows down, from the shells through the composition roots and services to
 * the science and formats, and no edge runs back up. Tests may import anything; src never imports
 * test/. The README's Architecture section lists the same layers.
 */

const { LAYERS } = require('./scripts/layers.cjs');

const TEST = '(\\.test\\.ts$|^test/)';

const upward = LAYERS.slice(1).map((layer, i) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `${layer.name} may import only the layers below it`,
  severity: 'error',
  from: { path: layer.path, pathNot: TEST },
  to: { path: LAYERS.slice(0, i + 1).map((l) => l.path) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'an import cycle makes two modules one; split what they share into a lower module',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'adapters-import-only-ports',
      comment:
        'an adapter implements a port (src/ports) over one technology, and knows nothing else of galspin',
      severity: 'error',
      from: { path: '^src/adapters/', pathNot: TEST },
      to: { path: '^src/', pathNot: ['^src/adapters/', '^src/ports/', '^src/config/', '^src/errors\\.ts$'] },
    },
    {
      name: 'adapters-only-from-composition-roots',
      comment: 'services see ports; only src/app (and the shells and tools above it) choose adapters',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(app|cli|adapters)/', TEST] },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'cdk-imports-only-config',
      comment: 'the stack is built from names and limits, never from runtime code',
      severity: 'error',
      from: { path: '^cdk/', pathNot: TEST },
      to: { path: '^(src|lambdas|gpu-tasks|scripts|bench)/', pathNot: ['^src/config/', '^src/errors\\.ts$'] },
    },
    {
      name: 'no-test-code-in-product',
      comment: 'test helpers live under test/ and never ship',
      severity: 'error',
      from: { path: '^(src|lambdas|gpu-tasks|cdk)/', pathNot: TEST },
      to: { path: TEST },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^node_modules/|^dist/|^cdk\\.out/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
