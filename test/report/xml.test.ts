import t from 'tap';
import fc from 'fast-check';
import { escapeXmlAttribute, escapeXmlText, xmlAttributes } from '../../src/report/xml.js';
import { parseXml } from './fixtures/xml-parse.js';

// What survives escaping: the text itself, with the characters XML 1.0 cannot carry replaced by U+FFFD.
const xmlVisible = (s: string) => s.replace(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd');

t.test('markup and forbidden characters are escaped', async (t) => {
  t.equal(escapeXmlText('a & b < c > d ]]> e'), 'a &amp; b &lt; c &gt; d ]]&gt; e');
  t.equal(escapeXmlText('nul\x00 esc\x1b lone\ud800 non\ufffe\uffff'), 'nul\ufffd esc\ufffd lone\ufffd non\ufffd\ufffd');
  t.equal(escapeXmlText('pair \ud83d\ude00 stays'), 'pair \ud83d\ude00 stays');
  t.equal(escapeXmlAttribute(`"q" 'a'\tb\nc\rd`), '&quot;q&quot; &apos;a&apos;&#9;b&#10;c&#13;d');
  t.equal(xmlAttributes({ a: 1, b: undefined, c: 'x&y' }), ' a="1" c="x&amp;y"');
});

t.test('any string escapes into well-formed XML that reads back as itself', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (binary, text) => {
      for (const s of [binary, text]) {
        const { root, errors } = parseXml(`<a v="${escapeXmlAttribute(s)}">${escapeXmlText(s)}</a>`);
        if (errors.length > 0) return false;
        // XML parsers read a literal CR in text as LF (XML 1.0 §2.11); attributes keep it as a reference.
        if (root?.attributes['v'] !== xmlVisible(s)) return false;
        if (root.text !== xmlVisible(s).replace(/\r\n?/g, '\n')) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass('500 random strings, binary and graphemes');
});
