/**
 * The open-relay battery (RFC 5321 §3.6.2, §7.1; RFC 2505 §2) and enumeration (RFC 5321 §3.5.3, §7.3).
 * Relay probes stop at RCPT: the audit never sends DATA to a recipient it does not own. External
 * addresses are in .invalid (RFC 2606 §2) and IP literals in TEST-NET-1 (RFC 5737), so even an accepted
 * recipient could never be delivered. All relay probes share one connection (RSET between them).
 * Imports node:crypto (random local parts), audit/context, audit/probe and protocols types only.
 */
import { randomBytes } from 'node:crypto';
import type { Reply } from '../../protocols/types.js';
import type { TranscriptEntry } from '../../results/types.js';
import { ProbeFailure } from '../probe.js';
import type { CheckOutcome, ServiceContext } from '../context.js';

const EXTERNAL_DOMAIN = 'mailprobe-relay-test.invalid';
const EXTERNAL_SENDER = `sender@${EXTERNAL_DOMAIN}`;
const EXTERNAL_RECIPIENT = `relay-test@${EXTERNAL_DOMAIN}`;
/** RFC 5737 TEST-NET-1: never routed. */
const EXTERNAL_LITERAL = '[192.0.2.1]';

interface RelayProbe {
  sender: string;
  recipient: (local: string) => string;
}

/** Each variant's MAIL FROM and RCPT TO paths; `local` is the domain the server takes mail for. */
export const RELAY_PROBES: Readonly<Record<string, RelayProbe>> = {
  'relay.external': { sender: EXTERNAL_SENDER, recipient: () => EXTERNAL_RECIPIENT },
  'relay.percent-hack': { sender: EXTERNAL_SENDER, recipient: (local) => `relay-test%${EXTERNAL_DOMAIN}@${local}` },
  'relay.quoted-local': { sender: EXTERNAL_SENDER, recipient: (local) => `"${EXTERNAL_RECIPIENT}"@${local}` },
  'relay.source-route': { sender: EXTERNAL_SENDER, recipient: (local) => `@${local}:${EXTERNAL_RECIPIENT}` },
  'relay.double-at': { sender: EXTERNAL_SENDER, recipient: (local) => `${EXTERNAL_RECIPIENT}@${local}` },
  'relay.bare-local': { sender: EXTERNAL_SENDER, recipient: () => `"${EXTERNAL_RECIPIENT}"` },
  'relay.ip-literal': { sender: EXTERNAL_SENDER, recipient: () => `relay-test@${EXTERNAL_LITERAL}` },
  'relay.null-sender': { sender: '', recipient: () => EXTERNAL_RECIPIENT },
};

interface RelayAnswer {
  mail?: Reply;
  rcpt?: Reply;
  evidence: TranscriptEntry[];
}

type Battery = { answers: Map<string, RelayAnswer>; failure?: ProbeFailure; evidence: TranscriptEntry[] };

/** Runs the selected relay variants on one connection, once per service. */
function battery(ctx: ServiceContext): Promise<Battery> {
  return ctx.memo('relay', async () => {
    const answers = new Map<string, RelayAnswer>();
    const ids = Object.keys(RELAY_PROBES).filter((id) => ctx.selected.has(id));
    try {
      const { evidence } = await ctx.probe('relay', async (probe) => {
        await probe.read();
        await probe.command(`EHLO ${ctx.settings.ehloName}`);
        for (const id of ids) {
          const { sender, recipient } = RELAY_PROBES[id]!;
          const mark = probe.transcript.mark();
          const answer: RelayAnswer = { evidence: [] };
          answers.set(id, answer);
          await probe.command('RSET');
          answer.mail = await probe.command(`MAIL FROM:<${sender}>`);
          if (answer.mail.status.startsWith('2')) answer.rcpt = await probe.command(`RCPT TO:<${recipient(ctx.service.localDomain)}>`);
          answer.evidence = probe.transcript.since(mark);
        }
        await probe.quit();
      });
      return { answers, evidence };
    } catch (err) {
      if (!(err instanceof ProbeFailure)) throw err;
      return { answers, failure: err, evidence: err.evidence };
    }
  });
}

function relayCheck(id: string): (ctx: ServiceContext) => Promise<CheckOutcome> {
  return async (ctx) => {
    const result = await battery(ctx);
    const answer = result.answers.get(id);
    if (!answer?.rcpt && !answer?.mail) {
      const failure = result.failure;
      return failure
        ? { level: 'warn', summary: `probe could not run: ${failure.problem}: ${failure.message}`, problem: failure.problem, evidence: result.evidence }
        : { level: 'skipped', summary: 'probe did not run', evidence: result.evidence };
    }
    const evidence = answer.evidence;
    if (!answer.rcpt) return { level: 'pass', summary: `MAIL FROM refused: ${answer.mail!.status}`, evidence };
    const status = answer.rcpt.status;
    if (status.startsWith('2')) return { level: 'fail', summary: `relay recipient accepted at RCPT (${status}): open relay`, evidence };
    if (status.startsWith('4')) return { level: 'warn', summary: `relay recipient refused only temporarily (${status})`, evidence };
    return { level: 'pass', summary: `relay recipient refused (${status})`, evidence };
  };
}

/** The address the enumeration probes compare against a surely-missing one: --rcpt, else postmaster (RFC 5321 §4.5.1). */
function knownAddress(ctx: ServiceContext): string {
  return ctx.settings.rcpt ?? `postmaster@${ctx.service.localDomain}`;
}

function missingAddress(ctx: ServiceContext): string {
  return `mailprobe-no-such-user-${randomBytes(4).toString('hex')}@${ctx.service.localDomain}`;
}

const isPositive = (reply: Reply): boolean => reply.status.startsWith('2');

/** Reply codes that do not tell whether an address exists: 252 (cannot verify) and refusals of the command. */
const NON_COMMITTAL = new Set(['252', '500', '502', '504', '550', '554']);

async function compare(ctx: ServiceContext, name: string, command: (address: string) => string): Promise<{ known: Reply; missing: Reply; evidence: TranscriptEntry[] }> {
  const { value } = await ctx.probe(name, async (probe) => {
    await probe.read();
    await probe.command(`EHLO ${ctx.settings.ehloName}`);
    const mark = probe.transcript.mark();
    const known = await probe.command(command(knownAddress(ctx)));
    const missing = await probe.command(command(missingAddress(ctx)));
    const evidence = probe.transcript.since(mark);
    await probe.quit();
    return { known, missing, evidence };
  });
  return value;
}

async function vrfyCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const { known, missing, evidence } = await compare(ctx, 'vrfy', (address) => `VRFY ${address}`);
  const answers = `${known.status} for ${knownAddress(ctx)}, ${missing.status} for a missing address`;
  if (known.status === '250' || known.status === '251') return { level: 'warn', summary: `VRFY confirms addresses: ${answers}`, evidence };
  if (known.status !== missing.status && (isPositive(known) || isPositive(missing))) {
    return { level: 'warn', summary: `VRFY tells existing from missing addresses: ${answers}`, evidence };
  }
  if (known.status === missing.status || NON_COMMITTAL.has(known.status)) return { level: 'pass', summary: `VRFY reveals nothing: ${answers}`, evidence };
  return { level: 'info', summary: `VRFY answers ${answers}`, evidence };
}

async function expnCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const { known, evidence } = await compare(ctx, 'expn', (address) => `EXPN ${address}`);
  if (isPositive(known)) return { level: 'warn', summary: `EXPN expands ${knownAddress(ctx)} (${known.status})`, evidence };
  return { level: 'pass', summary: `EXPN refused (${known.status})`, evidence };
}

async function rcptCheck(ctx: ServiceContext): Promise<CheckOutcome> {
  const { value } = await ctx.probe('rcpt', async (probe) => {
    await probe.read();
    await probe.command(`EHLO ${ctx.settings.ehloName}`);
    const mark = probe.transcript.mark();
    const mail = await probe.command(`MAIL FROM:<${EXTERNAL_SENDER}>`);
    if (!isPositive(mail)) return { mail, evidence: probe.transcript.since(mark) };
    const known = await probe.command(`RCPT TO:<${knownAddress(ctx)}>`);
    const missing = await probe.command(`RCPT TO:<${missingAddress(ctx)}>`);
    const evidence = probe.transcript.since(mark);
    await probe.quit();
    return { mail, known, missing, evidence };
  });
  const { evidence } = value;
  if (!value.known || !value.missing) return { level: 'skipped', summary: `MAIL FROM refused (${value.mail.status})`, evidence };
  const answers = `${value.known.status} for ${knownAddress(ctx)}, ${value.missing.status} for a missing address`;
  if (value.known.status !== value.missing.status) return { level: 'info', summary: `RCPT tells existing from missing addresses: ${answers}`, evidence };
  return { level: 'pass', summary: `RCPT answers alike: ${answers}`, evidence };
}

export const relayChecks: Record<string, (ctx: ServiceContext) => Promise<CheckOutcome>> = {
  ...Object.fromEntries(Object.keys(RELAY_PROBES).map((id) => [id, relayCheck(id)])),
  'enumeration.vrfy': vrfyCheck,
  'enumeration.expn': expnCheck,
  'enumeration.rcpt': rcptCheck,
};
