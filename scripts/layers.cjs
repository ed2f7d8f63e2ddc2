/**
 * galspin's layers, top to bottom, with what each folder holds. .dependency-cruiser.cjs turns them
 * into rules (each layer imports only those below it); scripts/architecture.mjs renders the README's
 * Architecture section from them, so the rules and the description cannot drift apart.
 */
/**
 * Top to bottom. A path belongs to the first layer whose pattern matches it. `rooms` say what each
 * folder holds; scripts/architecture.mjs renders them into the README's Architecture section.
 */
const LAYERS = [
  {
    name: 'dev-tools',
    path: '^(scripts|bench)/',
    rooms: [
      ['scripts/', 'set-up, build, container smoke, quality runs, report assets, bundle measurer'],
      ['bench/', 'npm run bench:… — figures and ratios against the peers measured in the same run'],
    ],
  },
  {
    name: 'cli',
    path: '^src/cli/',
    rooms: [['src/cli/', 'the galspin command: arguments, one file per command (commands/), output']],
  },
  {
    name: 'shells',
    path: '^(lambdas|gpu-tasks)/',
    rooms: [
      ['lambdas/', 'thin shells: preprocess (SQS batch of S3 events), query (HTTP API, IAM auth)'],
      ['gpu-tasks/', 'thin shells: infer-worker (ECS service), train (scheduled task); Dockerfiles'],
    ],
  },
  {
    name: 'app',
    path: '^src/app/',
    rooms: [
      ['src/app/', 'composition roots: ports from the env (AWS) or a home folder (embedded), deps of'],
      ['', 'each shell from the zod env, the local run and bridge, logging and progress'],
    ],
  },
  {
    name: 'report',
    path: '^src/report/',
    rooms: [['src/report/', 'figures (vega-lite → SVG → resvg; fast-png maps) and the HTML report']],
  },
  {
    name: 'pipeline',
    path: '^src/pipeline/',
    rooms: [
      ['src/pipeline/', 'the services: ingest, classify worker, retrain, query, export; identity and'],
      ['', 'versions of maps, the bucket model repository, the TF.js classifier'],
    ],
  },
  {
    name: 'adapters',
    path: '^src/adapters/',
    rooms: [
      ['src/adapters/', 'ports over one technology: aws/ (S3, SQS, DynamoDB, ECS), local/ (folder, SQLite)'],
    ],
  },
  {
    name: 'predict',
    path: '^src/predict/',
    rooms: [['src/predict/', 'maps or a catalogue in → prediction records and catalogues out']],
  },
  {
    name: 'model',
    path: '^src/model/',
    rooms: [
      ['src/model/', 'backends and the model store, shared by its four rooms:'],
      ['  train/', 'Table 1 CNN, splits, augmentation, training, native kernels, tuner, model card'],
      ['  serve/', 'batched predict, calibrated P(fast), MC dropout, OOD flag, ONNX export and engine'],
      ['  explain/', 'Integrated Gradients, quadrature, attribution maps'],
      ['  evaluate/', 'metrics, calibration, held-out and cross-generator evaluation, promotion'],
    ],
  },
  {
    name: 'survey',
    path: '^src/survey/',
    rooms: [
      [
        'src/survey/',
        'seeded SAMI-like surveys from two mock families (analytic/, particle/), labels, audit',
      ],
    ],
  },
  {
    name: 'ports',
    path: '^src/ports/',
    rooms: [['src/ports/', 'every port: BlobStore, WorkQueue, ResultIndex, ModelStore, Classifier, logger']],
  },
  {
    name: 'formats',
    path: '^src/formats/',
    rooms: [
      [
        'src/formats/',
        'NPY, CSV, stored-map codec, colour maps and rasters, WCS; table/: CSV, ECSV, FITS tables',
      ],
    ],
  },
  {
    name: 'maps',
    path: '^src/maps/',
    rooms: [
      ['src/maps/', 'kinematic maps: loaders, the network grid and input, quality cuts, λRe–ε, λR, V/σ,'],
      ['', "fast/slow rules (Emsellem 2011, Cappellari 2016), Global Moran's I, science at ingest"],
    ],
  },
  {
    name: 'fits',
    path: '^src/fits/',
    rooms: [['src/fits/', 'exact FITS 4.0 reader/writer (images, tables, tile compression, gzip, limits)']],
  },
  {
    name: 'base',
    path: '^src/(config/|errors\\.ts$)',
    rooms: [
      ['src/config/', 'names, limits, timeouts and zod schemas (messages, rows, env)'],
      ['src/errors.ts', 'the error bases: GalspinError, PermanentInputError, TransientError'],
    ],
  },
];

module.exports = { LAYERS };
