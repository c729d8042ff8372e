/**
 * Which engine speaks which protocol. The runner asks here and knows nothing else of a protocol.
 */
import type { Protocol } from '../scenario/types.js';
import type { ProtocolDriver } from './types.js';
import { smtpDriver } from './smtp/driver.js';
import { pop3Driver } from './pop3/driver.js';
import { imapDriver } from './imap/driver.js';
import { httpDriver } from './http/driver.js';
import { ErrorCode, MailprobeError } from '../util/errors.js';

const DRIVERS: Partial<Record<Protocol, ProtocolDriver>> = { smtp: smtpDriver, pop3: pop3Driver, imap: imapDriver, http: httpDriver };

export function driverFor(protocol: Protocol): ProtocolDriver {
  const driver = DRIVERS[protocol];
  if (!driver) throw new MailprobeError(ErrorCode.UNSUPPORTED, `no ${protocol} engine in this version of mailprobe`);
  return driver;
}
