/**
 * The one module that defines galspin's names, limits and wire schemas.
 * Lambdas, GPU tasks, the CDK app, the local provisioner and the tests all import it,
 * so a queue name or a row field is spelled in exactly one place.
 */

export { ResultStatus, RotatorClass, RunId, Survey } from './domain.ts';
export * from './env.ts';
export * from './index-table.ts';
export * from './messages.ts';
export * from './names.ts';
export * from './rows.ts';
