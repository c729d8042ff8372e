/**
 * The MIME parser's result: a part tree whose every node knows the exact byte ranges of its header block
 * and body in the parsed buffer, its header fields unfolded, and (for leaves) the decoded content and its
 * SHA-256. Plain data; imports nothing.
 */

/** Offsets into the parsed buffer: start included, end excluded. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface HeaderField {
  /** As written. */
  name: string;
  /** Lowercase, for lookups (RFC 5322 §1.2.2: field names are case-insensitive). */
  key: string;
  /** Unfolded (RFC 5322 §2.2.3) and trimmed; UTF-8 when the bytes are valid UTF-8 (RFC 6532), else Latin-1. */
  value: string;
  /** The whole field: name, folds and its final line break. */
  raw: ByteRange;
}

export interface ContentType {
  /** Lowercase `type/subtype`. */
  mediaType: string;
  /** Lowercase parameter names; RFC 2231 continuations joined and decoded. */
  parameters: Map<string, string>;
}

export type ParseWarningCode =
  | 'lf-line-endings'
  | 'mixed-line-endings'
  | 'no-header-end'
  | 'malformed-header'
  | 'invalid-content-type'
  | 'missing-boundary'
  | 'no-delimiter'
  | 'missing-final-boundary'
  | 'unknown-transfer-encoding'
  | 'encoded-multipart'
  | 'invalid-base64'
  | 'invalid-quoted-printable'
  | 'unknown-charset'
  | 'too-deep'
  | 'header-encoding';

/** Real-world breakage the parser worked around; the tree is still complete. */
export interface ParseWarning {
  code: ParseWarningCode;
  /** Path of the part it concerns ("" for the message itself). */
  path: string;
  message: string;
  /** Offset in the parsed buffer, when one place is at fault. */
  offset?: number;
}

export interface MimePart {
  /** IMAP-style section number (RFC 3501 §6.4.5): "" for the message, "1", "1.2" …; an enclosed
   *  message's root shares the path of its message/rfc822 part, as IMAP numbers its children from there. */
  path: string;
  /** The whole entity: header block, empty line and body. */
  range: ByteRange;
  /** Header fields, without the empty line that ends them. */
  header: ByteRange;
  body: ByteRange;
  headers: HeaderField[];
  contentType: ContentType;
  /** Lowercase Content-Transfer-Encoding; "7bit" when absent (RFC 2045 §6.1). */
  transferEncoding: string;
  /** multipart/*: the body parts, in order. */
  children: MimePart[];
  /** multipart/*: text before the first delimiter and after the close delimiter. */
  preamble?: ByteRange;
  epilogue?: ByteRange;
  /** message/rfc822 and message/global: the enclosed message. */
  message?: MimePart;
  /** Leaves (and message parts that could not be parsed further): the body after transfer decoding. */
  content?: Buffer;
  /** Hex SHA-256 of `content`. */
  sha256?: string;
}

export type LineEnding = 'crlf' | 'lf' | 'mixed' | 'none';

export interface ParsedMessage {
  bytes: Buffer;
  root: MimePart;
  /** How lines end in the whole buffer. */
  lineEnding: LineEnding;
  warnings: ParseWarning[];
}
