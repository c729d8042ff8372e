/**
 * Commands valid in any state (RFC 3501 §6.1) and the small extensions beside them: CAPABILITY, NOOP,
 * LOGOUT, ID (RFC 2971), ENABLE (RFC 5161), IDLE (RFC 2177). Imports sandbox/imap modules only.
 */
import type { CommandContext, Completion } from './commands.js';
import { list, nstring, string } from './response.js';

// RFC 3501 §6.1.1
export function capability({ session, args }: CommandContext): Completion {
  args.end();
  session.untagged('CAPABILITY ', session.capabilities().join(' '));
  return { text: 'Capability completed' };
}

// RFC 3501 §6.1.2: does nothing; the untagged updates come with its completion.
export function noop({ args }: CommandContext): Completion {
  args.end();
  return { text: 'NOOP completed' };
}

// RFC 3501 §6.1.3
export function logout({ session, tag, args }: CommandContext): undefined {
  args.end();
  session.logout(tag);
  return undefined;
}

// RFC 2971 §3.1 id = "ID" SP id-params-list; the server answers with its own.
export function id({ session, args }: CommandContext): Completion {
  args.sp();
  if (!args.take('NIL')) {
    args.expect('(');
    while (!args.take(')')) {
      args.take(' ');
      args.string();
      args.sp();
      args.nstring();
    }
  }
  args.end();
  session.untagged('ID ', list([string('name'), string('mailprobe sandbox'), string('vendor'), nstring('mailprobe')]));
  return { text: 'ID completed' };
}

// RFC 5161 §3.1: no extension here needs enabling, so none is; the ENABLED response lists none.
export function enable({ session, args }: CommandContext): Completion {
  do {
    args.sp();
    args.atom();
  } while (!args.atEnd());
  session.untagged('ENABLED');
  return { text: 'ENABLE completed' };
}

// RFC 2177 §3: "+" continuation, updates as they happen, DONE ends it.
export function idle({ session, tag, args }: CommandContext): undefined {
  args.end();
  session.beginIdle(tag);
  return undefined;
}
