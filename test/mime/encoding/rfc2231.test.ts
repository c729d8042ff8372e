import t from 'tap';
import fc from 'fast-check';
import { decodeParameters, encodeParameter } from '../../../src/mime/encoding/rfc2231.js';

const param = (header: string, name: string): string | undefined => decodeParameters(header).parameters.get(name)?.value;

t.test('RFC 2045 §5.1: value, token and quoted-string parameters, names case-insensitive', async (t) => {
  const parsed = decodeParameters('text/plain; CharSet=utf-8; format="flowed"; name="a \\"b\\"; c"');
  t.equal(parsed.value, 'text/plain');
  t.equal(parsed.parameters.get('charset')?.value, 'utf-8');
  t.equal(parsed.parameters.get('format')?.value, 'flowed');
  t.equal(parsed.parameters.get('name')?.value, 'a "b"; c');
  t.same(parsed.warnings, []);
  t.equal(decodeParameters('attachment').value, 'attachment');
  t.equal(decodeParameters('attachment').parameters.size, 0);
  t.equal(param('inline;\r\n filename=x.txt', 'filename'), 'x.txt', 'folded header');
  t.equal(param('inline; junk; size=3', 'size'), '3', 'a name without = is skipped');
});

t.test('RFC 2231 §3 example: continuations', async (t) => {
  const header = 'message/external-body; access-type=URL;\r\n URL*0="ftp://";\r\n URL*1="cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"';
  t.equal(param(header, 'url'), 'ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar');
  t.equal(param(header, 'access-type'), 'URL');
});

t.test('RFC 2231 §4 example: charset and language', async (t) => {
  const p = decodeParameters("application/x-stuff;\r\n title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A").parameters.get('title');
  t.same(p, { value: 'This is ***fun***', charset: 'us-ascii', language: 'en-us' });
});

t.test('RFC 2231 §4.1 example: encoded and plain continuations mixed', async (t) => {
  const header = "application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"";
  t.same(decodeParameters(header).parameters.get('title'), { value: "This is even more ***fun*** isn't it!", charset: 'us-ascii', language: 'en' });
});

t.test('UTF-8 split across sections is joined before decoding; sections may come out of order', async (t) => {
  t.equal(param("attachment; filename*1*=%82%AC.txt; filename*0*=UTF-8''%E2", 'filename'), '€.txt');
  t.equal(param("attachment; filename*=''caf%C3%A9", 'filename'), 'café', 'empty charset taken as UTF-8');
  t.equal(param("attachment; filename*0=\"plain%\"; filename*1*=%C3%A9", 'filename'), 'plain%é', 'unencoded section 0');
});

t.test('the extended form wins over the plain one; encoded words in quoted values are decoded', async (t) => {
  t.equal(param("attachment; filename=\"fallback.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", 'filename'), 'résumé.txt');
  t.equal(param('attachment; filename="=?UTF-8?B?csOpc3Vtw6kudHh0?="', 'filename'), 'résumé.txt');
});

t.test('warnings: missing sections, unknown charset, no charset prefix', async (t) => {
  const gap = decodeParameters('a; n*0=x; n*2=z');
  t.equal(gap.parameters.get('n')?.value, 'xz');
  t.equal(gap.warnings[0]?.code, 'missing-continuation');
  const unknown = decodeParameters("a; n*=x-nope''%41");
  t.equal(unknown.parameters.get('n')?.value, '%41');
  t.equal(unknown.warnings[0]?.code, 'unknown-charset');
  const noPrefix = decodeParameters('a; n*=%41');
  t.equal(noPrefix.parameters.get('n')?.value, 'A');
  t.equal(noPrefix.warnings[0]?.code, 'invalid-encoding');
});

t.test('encodeParameter: token, quoted, continued, extended', async (t) => {
  t.equal(encodeParameter('charset', 'utf-8'), 'charset=utf-8');
  t.equal(encodeParameter('filename', 'my file "1".txt'), 'filename="my file \\"1\\".txt"');
  t.equal(encodeParameter('filename', 'résumé.txt'), "filename*=UTF-8''r%C3%A9sum%C3%A9.txt");
  t.equal(encodeParameter('title', 'fun', { language: 'en' }), "title*=UTF-8'en'fun");
  t.equal(encodeParameter('filename', 'café', { charset: 'ISO-8859-1' }), "filename*=ISO-8859-1''caf%E9");
  t.equal(encodeParameter('name', '=?UTF-8?Q?x?='), "name*=UTF-8''%3D%3FUTF-8%3FQ%3Fx%3F%3D", 'not mistaken for an encoded word');
  t.equal(param(`a; ${encodeParameter('name', '=?UTF-8?Q?x?=')}`, 'name'), '=?UTF-8?Q?x?=');
  const long = encodeParameter('filename', 'x'.repeat(150));
  t.match(long, /^filename\*0="x+";\r\n filename\*1="x+"/);
});

t.test('property: encoded parameters decode to the same value; every folded line fits in 76', async () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('filename', 'name', 'title'), (value, name) => {
      const encoded = encodeParameter(name, value);
      const header = `attachment; ${encoded}`;
      const lines = header.split('\r\n');
      const fits = lines.slice(1).every((line) => line.length + 1 <= 76) && lines.every((line) => !/[^\x20-\x7e]/.test(line));
      const parsed = decodeParameters(header);
      return fits && parsed.warnings.length === 0 && parsed.parameters.get(name)?.value === value;
    }),
  );
});
