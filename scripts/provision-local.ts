/**
 * Creates galspin's bucket, queues (with DLQs), S3 → SQS notification and results table on an AWS
 * emulator, from src/config (the module the CDK app reads). Idempotent.
 *
 *   python3 -m moto.server -H 127.0.0.1 -p 4566 &
 *   export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x
 *   eval "$(npx tsx scripts/provision-local.ts --env dev)"     # exports GALSPIN_* for galspin run --aws
 *
 * Refuses to run without AWS_ENDPOINT_URL: real accounts are deployed with the CDK app.
 */
import { parseArgs } from 'node:util';
import { provisionLocal } from '../src/adapters/aws/provision.ts';

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'dev' },
    format: { type: 'string', default: 'sh' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: tsx scripts/provision-local.ts [--env NAME] [--format sh|json]\n' +
      'Provisions galspin resources on the emulator at AWS_ENDPOINT_URL and prints GALSPIN_* variables.\n',
  );
  process.exit(0);
}
if (!process.env.AWS_ENDPOINT_URL) {
  process.stderr.write(
    'provision-local: AWS_ENDPOINT_URL is not set; deploy to real AWS with the CDK app (npm run synth)\n',
  );
  process.exit(2);
}
if (values.format !== 'sh' && values.format !== 'json') {
  process.stderr.write(`provision-local: --format must be sh or json, not ${values.format}\n`);
  process.exit(2);
}
if (!/^[a-z][a-z0-9-]{0,20}$/.test(values.env)) {
  process.stderr.write(
    `provision-local: --env must be lowercase letters, digits and dashes: ${values.env}\n`,
  );
  process.exit(2);
}

try {
  process.env.AWS_REGION ??= 'us-east-1';
  const res = await provisionLocal({ environment: values.env });
  if (values.format === 'json') process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
  else
    for (const [k, v] of Object.entries(res.env)) process.stdout.write(`export ${k}=${JSON.stringify(v)}\n`);
  process.stderr.write(
    `provision-local: ready on ${process.env.AWS_ENDPOINT_URL} (bucket ${res.bucket}, table ${res.table})\n`,
  );
} catch (err) {
  process.stderr.write(`provision-local: ${(err as Error).message}\n`);
  process.exit(1);
}
