/**
 * The file reporters of `mailprobe load` and `mailprobe merge` (`--reporter json | markdown | html[=FILE]`,
 * parsed by report/reporters). Imports load/types and the load reporters.
 */
import type { LoadResult } from '../../load/types.js';
import type { FileReporters } from '../reporters.js';
import { renderLoadHtml } from './html.js';
import { renderLoadJson } from './json.js';
import { renderLoadMarkdown } from './markdown.js';

export const LOAD_REPORTERS: FileReporters<LoadResult> = {
  json: { defaultPath: 'reports/load.json', render: renderLoadJson },
  markdown: { defaultPath: 'reports/load.md', render: renderLoadMarkdown },
  html: { defaultPath: 'reports/load.html', render: renderLoadHtml },
};
