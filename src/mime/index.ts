/**
 * The public MIME API, `import { … } from 'mailprobe/mime'` (package.json `exports`): the encoding core,
 * the message builder, the parser and the structural comparison. Re-exports only; every module behind it is pure (Buffers and strings in and
 * out, no I/O).
 */
export { base64Encode, base64Decode, BASE64_LINE_LENGTH } from './encoding/base64.js';
export type { Base64EncodeOptions, Base64WrapOptions, Base64DecodeOptions } from './encoding/base64.js';
export { qpEncode, qpDecode, QP_LINE_LENGTH } from './encoding/qp.js';
export type { QpEncodeOptions, QpDecodeOptions } from './encoding/qp.js';
export { encodeWord, decodeWords, ENCODED_WORD_LENGTH } from './encoding/encoded-word.js';
export type { EncodeWordOptions, DecodedWords } from './encoding/encoded-word.js';
export { decodeParameters, encodeParameter } from './encoding/rfc2231.js';
export type { DecodedParameter, DecodedParameters, EncodeParameterOptions } from './encoding/rfc2231.js';
export { decodeCharset } from './encoding/charset.js';
export type { MimeWarning } from './encoding/charset.js';
export { buildMessage } from './builder/build.js';
export type { BuildOptions } from './builder/build.js';
export { parseMessageSpec, filesOf, TRANSFER_ENCODINGS, MULTIPART_KINDS } from './builder/spec.js';
export type { MessageSpec, PartSpec, PartialSpec, TransferEncoding, MultipartKind } from './builder/spec.js';
export { parseMessage, MAX_NESTING } from './parser/parse.js';
export { textOf } from './parser/content.js';
export { reassemblePartial } from './parser/reassemble.js';
export type { Reassembly } from './parser/reassemble.js';
export type { ByteRange, HeaderField, ContentType, MimePart, ParsedMessage, ParseWarning, ParseWarningCode, LineEnding } from './parser/types.js';
export { compareStructural, compareParsed, compareFragments } from './compare/structural.js';
export type { StructuralOptions } from './compare/structural.js';
export type { StructuralDifference, DifferenceKind } from './compare/difference.js';
