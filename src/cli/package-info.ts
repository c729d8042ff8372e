/** Where the installed package lives, and its version: the built-in suites ship inside it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Package root: dist/cli/ → ../.. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const VERSION: string = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The built-in suites. */
export const BUILTIN_SCENARIOS = path.join(PACKAGE_ROOT, 'scenarios');
