/**
 * The small scenarios the reliability matrix runs against faulty and healthy sandboxes: per protocol, a
 * session that goes through greeting, login and one transaction, optionally with the protocol's STARTTLS
 * (for the TLS fault), written as YAML files like a user would. Imports node:fs and node:path only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type MatrixProtocol = 'smtp' | 'pop3' | 'imap';

/** Each step's reply timeout: the "no reply within 2s". */
export const STEP_TIMEOUT_MS = 2000;

const STEPS: Readonly<Record<MatrixProtocol, (starttls: boolean, user: string) => string[]>> = {
  smtp: (starttls, user) => [
    '  - expect: 220',
    '  - { send: "EHLO probe.example", expect: 250 }',
    ...(starttls ? ['  - starttls: true', '  - { send: "EHLO probe.example", expect: 250 }'] : []),
    `  - { send: "MAIL FROM:<${user}@example.test>", expect: 250 }`,
    '  - { send: "RCPT TO:<bob@example.test>", expect: 250 }',
    '  - message: { raw: "Subject: reliability\\r\\n\\r\\nhello\\r\\n" }',
    '    expect: 250',
    '  - { send: QUIT, expect: 221 }',
  ],
  pop3: (starttls, user) => [
    '  - expect: "+OK"',
    ...(starttls ? ['  - starttls: true'] : []),
    `  - auth: { mechanism: USER, username: ${user}, password: ${user}pw }`,
    '  - { send: STAT, expect: "+OK" }',
    '  - { send: RETR 1, expect: "+OK" }',
    '  - { send: QUIT, expect: "+OK" }',
  ],
  imap: (starttls, user) => [
    '  - expect: OK',
    ...(starttls ? ['  - starttls: true'] : []),
    `  - auth: { mechanism: LOGIN-COMMAND, username: ${user}, password: ${user}pw }`,
    '    expect: OK',
    '  - { send: SELECT INBOX, expect: OK }',
    '  - { send: "FETCH 1 BODY.PEEK[]", expect: OK }',
    '  - { send: LOGOUT, expect: OK }',
  ],
};

export interface MatrixScenario {
  /** Unique in the run; the key to its result in the JSON report. */
  name: string;
  protocol: MatrixProtocol;
  /** The named target the scenario uses (passed to the CLI with --target NAME=URL). */
  target: string;
  starttls: boolean;
  /** A sandbox user (password: name + "pw"); POP3 sessions running at once need different ones (the lock). */
  user: string;
}

/** Writes the scenario as `<dir>/<target>.yaml` and returns the file's path. */
export function writeScenario(dir: string, scenario: MatrixScenario): string {
  const file = join(dir, `${scenario.target}.yaml`);
  const yaml = [
    `name: ${JSON.stringify(scenario.name)}`,
    `protocol: ${scenario.protocol}`,
    `target: ${scenario.target}`,
    `timeout: ${STEP_TIMEOUT_MS}ms`,
    'steps:',
    ...STEPS[scenario.protocol](scenario.starttls, scenario.user),
    '',
  ].join('\n');
  writeFileSync(file, yaml);
  return file;
}
