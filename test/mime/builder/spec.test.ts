import t from 'tap';
import { filesOf, parseMessageSpec } from '../../../src/mime/builder/spec.js';

t.test('a valid spec becomes typed, addresses as lists', async (t) => {
  const spec = parseMessageSpec({ from: 'a@x', to: 'b@x', cc: ['c@x'], message_id: 'id@x', attachments: [{ content: 'x', encoding: 'Base64' }] });
  t.same(spec.to, ['b@x']);
  t.same(spec.cc, ['c@x']);
  t.equal(spec.messageId, 'id@x');
  t.equal(spec.attachments?.[0]?.encoding, 'base64');
});

t.test('repeat takes a number or the digits a placeholder became', async (t) => {
  t.equal(parseMessageSpec({ body: { content: 'x', repeat: 3 } }).body?.repeat, 3);
  t.equal(parseMessageSpec({ body: { content: 'x', repeat: '7168' } }).body?.repeat, 7168);
  t.throws(() => parseMessageSpec({ body: { content: 'x', repeat: '7k' } }), /body\.repeat: must be a positive integer/);
  t.throws(() => parseMessageSpec({ body: { content: 'x', repeat: 0 } }), /positive integer/);
});

t.test('each mistake names the key at fault', async (t) => {
  const cases: [unknown, RegExp][] = [
    [{ subjet: 'x' }, /spec: unknown key `subjet`/],
    [{ to: [1] }, /spec\.to: must be an address or a list/],
    [{ text: 'a', parts: [{ content: 'b' }] }, /use either parts, body, or text\/html\/attachments/],
    [{ parts: [] }, /spec\.parts: must be a non-empty list/],
    [{ multipart: 'mixed' }, /spec\.multipart: goes with parts/],
    [{ parts: [{ content: 'a' }], multipart: 'weird' }, /unknown multipart kind weird/],
    [{ attachments: [{ content: 'a', file: 'b' }] }, /attachments\[0\]: needs exactly one of content, file, parts, message/],
    [{ attachments: [{ type: 'x' }] }, /attachments\[0\]: needs exactly one/],
    [{ body: { content: 'a', encoding: 'uuencode' } }, /body\.encoding: unknown transfer encoding uuencode/],
    [{ body: { content: 'a', disposition: 'sideways' } }, /body\.disposition: must be attachment or inline/],
    [{ headers: { 'Bad Name': 'x' } }, /`Bad Name` is not a header field name/],
    [{ partial: { number: 4, total: 3 } }, /partial\.number: fragment 4 of 3 does not exist/],
    [{ body: { message: { nope: 1 } } }, /spec\.body\.message: unknown key `nope`/],
  ];
  for (const [spec, message] of cases) t.throws(() => parseMessageSpec(spec), { code: 'MP_ERR_CONFIG', message }, JSON.stringify(spec));
});

t.test('filesOf lists files at every depth, in order', async (t) => {
  const spec = parseMessageSpec({
    attachments: [{ file: '/a' }, { parts: [{ file: '/b' }, { message: { body: { file: '/c' } } }] }],
  });
  t.same(filesOf(spec), ['/a', '/b', '/c']);
});
