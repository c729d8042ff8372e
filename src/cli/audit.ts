/**
 * `mailprobe audit <domain | host[:port] | URL>...`: checks mail domains and servers (DNS, SMTP service,
 * TLS, relay, enumeration, authentication, SMTP smuggling), prints a graded report, writes the file
 * reports and exits 0 (no check failed), 1 (one did) or 2 (usage error). Options are checked before anything
 * is sent. Imports audit/, cli helpers and util/.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { CHECKS, selectChecks, unmatchedGlobs } from '../audit/catalogue.js';
import { renderAuditConsole } from '../audit/report/console.js';
import { AUDIT_REPORTERS } from '../audit/report/index.js';
import { runAudit, type AuditOptions } from '../audit/run.js';
import { parseAuditTarget } from '../audit/targets.js';
import { describeReporters, parseReporters, writeReportFiles } from '../report/reporters.js';
import { parseDuration } from '../util/duration.js';
import { ExitCode } from './exit-codes.js';
import { interruptOnSigint, readCa, usage } from './options.js';
import { settle, useColor } from './output.js';
import { VERSION } from './package-info.js';

/** As declared (kebab-case); the handler reads them camel-cased. */
interface AuditArgs {
  targets: string[];
  resolver?: string;
  port: number;
  submission: boolean;
  'submission-port': number;
  'smtps-port': number;
  imap: boolean;
  'imap-port': number;
  'imaps-port': number;
  pop3: boolean;
  'pop3-port': number;
  'pop3s-port': number;
  checks: string[];
  skip: string[];
  timeout: string;
  deadline: string;
  concurrency: number;
  connections: number;
  rate: string;
  ehlo: string;
  rcpt?: string;
  intrusive: boolean;
  ca?: string;
  'https-port': number;
  reporter: string[];
  verbose: boolean;
}

function duration(name: string, text: string, allowZero: boolean): number {
  const ms = parseDuration(text);
  if (ms === undefined || (!allowZero && ms === 0)) throw usage(`--${name}: "${text}" is not a duration (e.g. 5s, 500ms)`);
  return ms;
}

function wholeNumber(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) throw usage(`--${name} must be a whole number from ${min} to ${max}`);
  return value;
}

function portOption(name: string, value: number): number {
  return wholeNumber(name, value, 1, 65535);
}

/** RFC 5321 §4.1.2 Mailbox, loosely: local-part "@" domain, no spaces or angle brackets. */
const MAILBOX = /^[^\s<>@]+@[^\s<>@]+$/;

async function optionsOf(argv: ArgumentsCamelCase<AuditArgs>): Promise<AuditOptions> {
  if (argv.targets.length === 0) throw usage('give at least one domain, host[:port] or smtp(s)://, imap(s)://, pop3(s):// URL to audit');
  for (const target of argv.targets) parseAuditTarget(target);
  const unknown = unmatchedGlobs([...argv.checks, ...argv.skip]);
  if (unknown.length > 0) throw usage(`no check id matches ${unknown.map((glob) => `"${glob}"`).join(', ')} (see mailprobe audit --help)`);
  if (argv.rcpt !== undefined && !MAILBOX.test(argv.rcpt)) throw usage(`--rcpt: "${argv.rcpt}" is not an address (user@domain)`);
  if (argv.intrusive && argv.rcpt === undefined) throw usage('--intrusive needs --rcpt ADDRESS: the only address the intrusive checks send to');
  const ca = await readCa(argv.ca);
  return {
    targets: argv.targets,
    ...(argv.resolver === undefined ? {} : { resolver: argv.resolver }),
    port: portOption('port', argv.port),
    ...(argv.submission ? { submissionPorts: { submission: portOption('submission-port', argv.submissionPort), smtps: portOption('smtps-port', argv.smtpsPort) } } : {}),
    ...(argv.imap ? { imapPorts: { imap: portOption('imap-port', argv.imapPort), imaps: portOption('imaps-port', argv.imapsPort) } } : {}),
    ...(argv.pop3 ? { pop3Ports: { pop3: portOption('pop3-port', argv.pop3Port), pop3s: portOption('pop3s-port', argv.pop3sPort) } } : {}),
    checks: selectChecks(argv.checks, argv.skip),
    timeoutMs: duration('timeout', argv.timeout, false),
    deadlineMs: duration('deadline', argv.deadline, false),
    rateMs: duration('rate', argv.rate, true),
    concurrency: wholeNumber('concurrency', argv.concurrency, 1),
    perHostConnections: wholeNumber('connections', argv.connections, 1),
    ehloName: argv.ehlo,
    ...(argv.rcpt === undefined ? {} : { rcpt: argv.rcpt }),
    intrusive: argv.intrusive,
    ...(ca === undefined ? {} : { ca }),
    httpsPort: portOption('https-port', argv.httpsPort),
    version: VERSION,
  };
}

async function audit(argv: ArgumentsCamelCase<AuditArgs>): Promise<number> {
  const options = await optionsOf(argv);
  const reporters = parseReporters(argv.reporter, AUDIT_REPORTERS, 'audit', process.cwd());
  const controller = new AbortController();
  const stopListening = interruptOnSigint(controller);
  let result;
  try {
    result = await runAudit({ ...options, signal: controller.signal });
  } finally {
    stopListening();
  }
  const written = await writeReportFiles(reporters.files, result);
  if (reporters.console) {
    process.stdout.write(renderAuditConsole(result, { color: useColor(process.stdout), verbose: argv.verbose }));
    for (const file of written) process.stdout.write(`report: ${file}\n`);
  }
  if (controller.signal.aborted) return ExitCode.INTERRUPTED;
  return result.summary.fail > 0 ? ExitCode.FAILED : ExitCode.OK;
}

/** Each check id on its own line, then what it checks and what its levels mean, indented. */
function checkList(): string {
  return CHECKS.map((check) => `  ${check.id}\n      ${check.title} (${check.rule}): ${check.description}`).join('\n');
}

export const auditCommand = {
  command: 'audit [targets..]',
  describe: 'Audit mail domains and servers: DNS, TLS, relay, enumeration, authentication, SMTP smuggling',
  builder: (y: Argv) =>
    y
      .positional('targets', { type: 'string', array: true, default: [] as string[], describe: 'Domains (audited through their MX hosts), host[:port], or smtp(s)://, imap(s)://, pop3(s):// URLs (one service each)' })
      .option('resolver', { type: 'string', describe: "DNS server to ask, IP[:PORT] (default: the system's)" })
      .option('port', { type: 'number', default: 25, describe: 'SMTP port of MX hosts and of hosts given without one' })
      .option('submission', { type: 'boolean', default: false, describe: 'Also audit submission (STARTTLS) and smtps (implicit TLS)' })
      .option('submission-port', { type: 'number', default: 587, describe: 'Port of submission with --submission' })
      .option('smtps-port', { type: 'number', default: 465, describe: 'Port of smtps with --submission' })
      .option('imap', { type: 'boolean', default: false, describe: 'Also audit IMAP (STARTTLS) and IMAPS' })
      .option('imap-port', { type: 'number', default: 143, describe: 'Port of IMAP with --imap' })
      .option('imaps-port', { type: 'number', default: 993, describe: 'Port of IMAPS with --imap' })
      .option('pop3', { type: 'boolean', default: false, describe: 'Also audit POP3 (STLS) and POP3S' })
      .option('pop3-port', { type: 'number', default: 110, describe: 'Port of POP3 with --pop3' })
      .option('pop3s-port', { type: 'number', default: 995, describe: 'Port of POP3S with --pop3' })
      .option('checks', { type: 'string', array: true, default: [] as string[], describe: 'Only these check ids (globs: "tls.*", "relay"); repeatable' })
      .option('skip', { type: 'string', array: true, default: [] as string[], describe: 'Leave out these check ids (globs); repeatable' })
      .option('timeout', { type: 'string', default: '20s', describe: 'How long each reply, connect or DNS query may take' })
      .option('deadline', { type: 'string', default: '10m', describe: 'The whole audit; checks left at the deadline are skipped' })
      .option('concurrency', { alias: 'c', type: 'number', default: 4, describe: 'Hosts audited at once' })
      .option('connections', { type: 'number', default: 2, describe: 'Simultaneous connections to one host, at most' })
      .option('rate', { type: 'string', default: '0ms', describe: 'Pause between the starts of two probes of one host (e.g. 500ms)' })
      .option('ehlo', { type: 'string', default: 'audit.mailprobe.invalid', describe: 'The name our EHLO gives' })
      .option('rcpt', { type: 'string', describe: 'An address you own: enumeration baseline and, with --intrusive, the smuggling probes recipient' })
      .option('intrusive', { type: 'boolean', default: false, describe: 'Run checks that deliver mail (SMTP smuggling), to --rcpt only' })
      .option('ca', { type: 'string', describe: "Trust the CA certificates in this PEM file instead of the system's (certificate and MTA-STS checks)" })
      .option('https-port', { type: 'number', default: 443, describe: 'Port of the MTA-STS policy server (for test set-ups)' })
      .option('reporter', { alias: 'r', type: 'string', array: true, default: [] as string[], describe: describeReporters(AUDIT_REPORTERS) })
      .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Evidence for every finding, not only failures and warnings' })
      .epilogue(`Checks (level meanings; relay probes never pass RCPT):\n${checkList()}\n\nExit codes: 0 no check failed, 1 a check failed, 2 usage error.`),
  handler: (argv: ArgumentsCamelCase<AuditArgs>): Promise<void> => settle(audit(argv)),
};
