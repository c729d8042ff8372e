/**
 * XML 1.0 escaping for the JUnit reporter. Whatever the text holds (a server can send anything), the
 * result is well-formed: characters XML 1.0 §2.2 `Char` excludes (C0 controls other than TAB LF CR, lone
 * surrogates, U+FFFE, U+FFFF) become U+FFFD, and markup characters become references.
 * Pure; imports nothing.
 */

// XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// With the `u` flag a lone surrogate is one code point outside every allowed range.
const NOT_XML_CHAR = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

const TEXT_REFERENCES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
// XML 1.0 §3.3.3: a parser turns a literal TAB, LF or CR in an attribute value into a space; references keep them.
const ATTRIBUTE_REFERENCES: Record<string, string> = {
  ...TEXT_REFERENCES,
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

function xmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '\ufffd');
}

/** Character data: `>` is escaped too, so that "]]>" (XML 1.0 §2.4) never appears. */
export function escapeXmlText(text: string): string {
  return xmlChars(text).replace(/[&<>]/g, (ch) => TEXT_REFERENCES[ch] ?? ch);
}

/** A double-quoted attribute value. */
export function escapeXmlAttribute(text: string): string {
  return xmlChars(text).replace(/[&<>"'\t\n\r]/g, (ch) => ATTRIBUTE_REFERENCES[ch] ?? ch);
}

/** `name="value"` pairs, skipping undefined values. */
export function xmlAttributes(attributes: Record<string, string | number | undefined>): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}
