/** Domain enums shared by the wire schemas and the rest of the code (re-exported by ./index.ts). */
import { z } from 'zod';

export const Survey = z.enum(['SAMI', 'MaNGA', 'synthetic', 'unknown']);
export type Survey = z.infer<typeof Survey>;

export const RotatorClass = z.enum(['fast', 'slow', 'uncertain']);
export type RotatorClass = z.infer<typeof RotatorClass>;

/** Lifecycle of one uploaded object / galaxy. */
export const ResultStatus = z.enum(['QUEUED', 'CLASSIFIED', 'REJECTED', 'FAILED']);
export type ResultStatus = z.infer<typeof ResultStatus>;

/** Id of one ingest / `galspin run` / re-classification; no `#`, which separates key parts in the index. */
export const RunId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits and . _ : - (max 128)');
export type RunId = z.infer<typeof RunId>;
