import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the folder holding package.json, lambdas/, gpu-tasks/ and src/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
