/**
 * The POP3 server's state table (RFC 1939 §3): which command is allowed in which state, and the parsing
 * of a command line into keyword and arguments. The session dispatches from this table and nothing else
 * decides whether a command may run. Pure; imports nothing.
 */

/** RFC 1939 §3: the session's states. */
export const Pop3State = {
  AUTHORIZATION: 'AUTHORIZATION',
  TRANSACTION: 'TRANSACTION',
  /** Entered by QUIT from TRANSACTION; the deletions are committed and the connection closes. */
  UPDATE: 'UPDATE',
} as const;
export type Pop3State = (typeof Pop3State)[keyof typeof Pop3State];

const { AUTHORIZATION, TRANSACTION } = Pop3State;

/** Every command the server knows, with the states it is allowed in and where it is defined. */
export const COMMAND_TABLE = {
  USER: { states: [AUTHORIZATION], rfc: 'RFC 1939 §7' },
  PASS: { states: [AUTHORIZATION], rfc: 'RFC 1939 §7' },
  APOP: { states: [AUTHORIZATION], rfc: 'RFC 1939 §7' },
  AUTH: { states: [AUTHORIZATION], rfc: 'RFC 5034 §4' },
  STLS: { states: [AUTHORIZATION], rfc: 'RFC 2595 §4' },
  CAPA: { states: [AUTHORIZATION, TRANSACTION], rfc: 'RFC 2449 §5' },
  QUIT: { states: [AUTHORIZATION, TRANSACTION], rfc: 'RFC 1939 §4, §6' },
  STAT: { states: [TRANSACTION], rfc: 'RFC 1939 §5' },
  LIST: { states: [TRANSACTION], rfc: 'RFC 1939 §5' },
  RETR: { states: [TRANSACTION], rfc: 'RFC 1939 §5' },
  DELE: { states: [TRANSACTION], rfc: 'RFC 1939 §5' },
  NOOP: { states: [TRANSACTION], rfc: 'RFC 1939 §5' },
  RSET: { states: [TRANSACTION], rfc: 'RFC 1939 §5' },
  TOP: { states: [TRANSACTION], rfc: 'RFC 1939 §7' },
  UIDL: { states: [TRANSACTION], rfc: 'RFC 1939 §7' },
} as const satisfies Record<string, { states: readonly Pop3State[]; rfc: string }>;

export type Pop3Command = keyof typeof COMMAND_TABLE;
export const POP3_COMMANDS = Object.keys(COMMAND_TABLE) as Pop3Command[];

export function isPop3Command(keyword: string): keyword is Pop3Command {
  return Object.hasOwn(COMMAND_TABLE, keyword);
}

export function isAllowed(command: Pop3Command, state: Pop3State): boolean {
  return (COMMAND_TABLE[command].states as readonly Pop3State[]).includes(state);
}

export interface ParsedCommand {
  /** Upper-cased: RFC 1939 §3 keywords are case-insensitive. */
  keyword: string;
  args: string[];
  /** The line after the keyword and its SP, unsplit. */
  rest: string;
}

/**
 * RFC 1939 §3: a keyword, possibly followed by arguments separated by a single SP. Runs of spaces are
 * taken as one (as Dovecot does). `rest` keeps everything after the keyword's SP as written: RFC 1939 §7
 * lets a server take spaces as part of the PASS argument.
 */
export function parseCommandLine(line: string): ParsedCommand {
  const space = line.indexOf(' ');
  const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
  const rest = space < 0 ? '' : line.slice(space + 1);
  return { keyword, args: rest.split(' ').filter((word) => word !== ''), rest };
}
