/**
 * What the Lambda Node.js runtime does with a function, reduced to one process: import the handler
 * module from the task root (`index.handler` → `$LAMBDA_TASK_ROOT/index.mjs`, export `handler`) once,
 * then invoke it with each event in turn, as a warm execution environment would. Plain JavaScript:
 * it runs on the Node 22 binary, without tsx.
 *
 *   node lambda-invoke.mjs <input.json> <output.json>
 *
 * input: { events: unknown[], context: { functionName, memoryLimitInMB, timeoutMs, ... } }
 * output: { node, initMs, invocations: [{ ms, result } | { ms, error: { name, message } }] }
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [inputPath, outputPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const root = process.env.LAMBDA_TASK_ROOT;
const [moduleName, exportName] = process.env._HANDLER.split('.');

// The runtime tries these in this order for a handler module.
const file = ['.mjs', '.js', '.cjs'].map((ext) => join(root, moduleName + ext)).find((f) => existsSync(f));
if (!file) throw new Error(`${root}: no ${moduleName}.mjs/.js/.cjs for handler ${process.env._HANDLER}`);

const started = performance.now();
const mod = await import(pathToFileURL(file).href);
const initMs = performance.now() - started;
const handler = mod[exportName];
if (typeof handler !== 'function') throw new Error(`${file}: export ${exportName} is not a function`);

const invocations = [];
for (const [i, event] of input.events.entries()) {
  const requestId = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
  const deadline = Date.now() + input.context.timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: input.context.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: input.context.invokedFunctionArn,
    memoryLimitInMB: String(input.context.memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${input.context.functionName}`,
    logStreamName: `2026/01/01/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  const t = performance.now();
  try {
    const result = await handler(event, context);
    invocations.push({ ms: performance.now() - t, result: result ?? null });
  } catch (err) {
    invocations.push({
      ms: performance.now() - t,
      error: { name: err?.name, message: String(err?.message) },
    });
  }
}
writeFileSync(outputPath, JSON.stringify({ node: process.version, initMs, invocations }));
// Lambda freezes the environment after the response; keep-alive sockets must not hold the process.
process.exit(0);
