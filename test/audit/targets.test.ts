/**
 * What `mailprobe audit` accepts as a target: a bare name is a domain (resolved through MX), host:port,
 * IP literals and smtp(s):// URLs are hosts; anything else is a usage error naming the input.
 */
import t from 'tap';
import { parseAuditTarget } from '../../src/audit/targets.js';

t.test('domains, hosts, IP literals and URLs', async (t) => {
  t.same(parseAuditTarget('Example.TEST.'), { kind: 'domain', name: 'example.test' });
  t.same(parseAuditTarget('mx.example.test:2525'), { kind: 'host', protocol: 'smtp', host: 'mx.example.test', port: 2525, tls: 'none' });
  t.same(parseAuditTarget('192.0.2.7'), { kind: 'host', protocol: 'smtp', host: '192.0.2.7', tls: 'none' });
  t.same(parseAuditTarget('[2001:db8::25]:587'), { kind: 'host', protocol: 'smtp', host: '2001:db8::25', port: 587, tls: 'none' });
  t.same(parseAuditTarget('smtps://127.0.0.1:2465'), { kind: 'host', protocol: 'smtp', host: '127.0.0.1', port: 2465, tls: 'implicit' });
  t.same(parseAuditTarget('imaps://127.0.0.1:1993'), { kind: 'host', protocol: 'imap', host: '127.0.0.1', port: 1993, tls: 'implicit' });
  t.same(parseAuditTarget('pop3://127.0.0.1'), { kind: 'host', protocol: 'pop3', host: '127.0.0.1', port: 110, tls: 'none' });
  t.same(parseAuditTarget('smtp://127.0.0.1?servername=mx.example.test'), { kind: 'host', protocol: 'smtp', host: '127.0.0.1', port: 25, tls: 'none', servername: 'mx.example.test' });
});

t.test('usage errors name the input', async (t) => {
  t.throws(() => parseAuditTarget('http://127.0.0.1:8080'), /http:\/\/127\.0\.0\.1:8080: only smtp\(s\):\/\/, imap\(s\):\/\/ and pop3\(s\):\/\//);
  t.throws(() => parseAuditTarget('bad_host!:25'), /not a host name/);
  t.throws(() => parseAuditTarget('mx.example.test:70000'), /port must be 1-65535/);
  t.throws(() => parseAuditTarget('[192.0.2.1]:25'), /not an IPv6 address/);
  t.throws(() => parseAuditTarget('-leading.example'), /not a domain/);
});
