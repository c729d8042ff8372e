/**
 * The file reporters of `mailprobe run` (`--reporter json | junit | tap | html[=FILE]`, parsed by
 * report/reporters). Reporters are pure functions of the RunResult; they never print and never see
 * secrets (the runner redacts before). Imports only results/types and the report modules.
 */
import type { RunResult } from '../results/types.js';
import { renderRunHtml } from './html/run.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import type { FileReporters } from './reporters.js';
import { renderTap } from './tap.js';

export const RUN_REPORTERS: FileReporters<RunResult> = {
  json: { defaultPath: 'reports/results.json', render: renderJson },
  junit: { defaultPath: 'reports/junit.xml', render: renderJunit },
  tap: { defaultPath: 'reports/results.tap', render: renderTap },
  html: { defaultPath: 'reports/results.html', render: renderRunHtml },
};
