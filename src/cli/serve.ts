/**
 * `mailprobe serve`: the embedded sandbox as a local mail server, for developing mail clients or running
 * scenarios from elsewhere, or — with --fault NAME — as a misbehaving server for testing clients'
 * error handling. Runs until SIGINT or SIGTERM.
 */
import { writeFile } from 'node:fs/promises';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import {
  FAULTS,
  FAULT_NAMES,
  UNKNOWN_RECIPIENT_POLICIES,
  startSandbox,
  type FaultName,
  type SandboxServiceName,
  type UnknownRecipientPolicy,
} from '../sandbox/index.js';
import { ExitCode } from './exit-codes.js';
import { prepareMaildir } from './options.js';
import { settle } from './output.js';

/** As declared (kebab-case); the handler reads them camel-cased. */
interface ServeArgs {
  host: string;
  'smtp-port': number;
  'submission-port': number;
  'smtps-port': number;
  'pop3-port': number;
  'pop3s-port': number;
  'imap-port': number;
  'imaps-port': number;
  fault: FaultName | undefined;
  'ca-out': string | undefined;
  'unknown-recipients': UnknownRecipientPolicy;
  maildir: string | undefined;
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Starts the sandbox, prints its services, and stops it at SIGINT or SIGTERM. */
async function serve(argv: ArgumentsCamelCase<ServeArgs>): Promise<number> {
  const ports: Record<SandboxServiceName, number> = {
    smtp: argv.smtpPort,
    submission: argv.submissionPort,
    smtps: argv.smtpsPort,
    pop3: argv.pop3Port,
    pop3s: argv.pop3sPort,
    imap: argv.imapPort,
    imaps: argv.imapsPort,
  };
  const sandbox = await startSandbox({
    host: argv.host,
    ports,
    unknownRecipients: argv.unknownRecipients,
    log: (line) => process.stderr.write(`${line}\n`),
    ...(argv.fault === undefined ? {} : { fault: argv.fault }),
    ...(argv.maildir === undefined ? {} : { maildir: await prepareMaildir(argv.maildir) }),
  });
  if (argv.fault !== undefined) process.stdout.write(`fault      ${argv.fault}: ${FAULTS[argv.fault].description}\n`);
  if (argv.caOut !== undefined) await writeFile(argv.caOut, sandbox.ca);
  for (const [name, url] of Object.entries(sandbox.targets)) process.stdout.write(`${name.padEnd(10)} ${url}\n`);
  process.stdout.write(
    `users      ${sandbox.users.map((u) => `${u.name}@${sandbox.domain}`).join(', ')}\n` +
      (argv.maildir === undefined ? '' : `maildir    ${argv.maildir}/<user>\n`) +
      `run        mailprobe run scenarios/smtp ${Object.entries(sandbox.targets).map(([n, u]) => `--target ${n}=${u}`).join(' ')}${argv.caOut ? ` --ca ${argv.caOut}` : ' --insecure'}\n` +
      'Ctrl-C stops the sandbox.\n',
  );
  await waitForStopSignal();
  await sandbox.close();
  return ExitCode.OK;
}

export const serveCommand = {
  command: 'serve',
  describe: 'Run the embedded sandbox mail server on loopback until Ctrl-C',
  builder: (y: Argv) =>
    y
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('smtp-port', { type: 'number', default: 2525, describe: 'SMTP (STARTTLS offered, no AUTH; 0 = any free port)' })
      .option('submission-port', { type: 'number', default: 2587, describe: 'Submission (STARTTLS, then AUTH)' })
      .option('smtps-port', { type: 'number', default: 2465, describe: 'SMTP over implicit TLS, with AUTH' })
      // Not Dovecot's 1110/1995 of our real targets (docs/targets.md), so both can run at once.
      .option('pop3-port', { type: 'number', default: 2110, describe: 'POP3 (STLS offered)' })
      .option('pop3s-port', { type: 'number', default: 2995, describe: 'POP3 over implicit TLS' })
      .option('imap-port', { type: 'number', default: 2143, describe: 'IMAP4rev1 (STARTTLS offered)' })
      .option('imaps-port', { type: 'number', default: 2993, describe: 'IMAP over implicit TLS' })
      .option('fault', {
        type: 'string',
        choices: FAULT_NAMES,
        describe: 'Misbehave this way on every service it applies to (see below)',
      })
      .option('ca-out', { type: 'string', describe: "Write the sandbox's certificate (PEM) here, for clients to trust" })
      .option('maildir', {
        type: 'string',
        describe: 'Keep mail in Maildirs under this directory (DIR/<user>, Maildir++ folders), loaded at start, instead of in memory',
      })
      .option('unknown-recipients', {
        type: 'string',
        choices: UNKNOWN_RECIPIENT_POLICIES,
        default: 'reject' as UnknownRecipientPolicy,
        describe: 'RCPT TO an unknown user@example.test: reject (550 5.1.1), or accept and bounce (RFC 3464 DSN to the sender)',
      })
      .epilogue(
        'Users: alice/alicepw, bob/bobpw, carol/carolpw, dave/davepw, erin/erinpw @example.test. Mail to them is kept in ' +
          'memory, or with --maildir DIR in DIR/<user> (a restart on the same DIR finds it again, UIDs included).\n\nFaults:\n' +
          FAULT_NAMES.map((name) => `  ${name.padEnd(26)} ${FAULTS[name].description} [${FAULTS[name].protocols.join(', ')}]`).join('\n'),
      ),
  handler: (argv: ArgumentsCamelCase<ServeArgs>): Promise<void> => settle(serve(argv)),
};
