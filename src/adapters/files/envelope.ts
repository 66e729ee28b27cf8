/**
 * tabchain's saved files (docs/PROTOCOL.md, "Saved files"): UTF-8 text in two lines. The first is
 * a JSON header naming the format, its version, the body's length in bytes and the SHA-256 of the
 * body; the second is the body, JSON. A file is read whole or refused with a reason: not ours,
 * another kind, a version this app does not read, cut short, or edited (the checksum no longer
 * matches). Nothing is loaded from a file that fails any check.
 */
import { sha256, toHex, utf8 } from '../../core';

/** The kinds of file tabchain writes. */
export type FileKind = 'tabchain-node' | 'tabchain-class';

/** Versions of each kind this app reads (and writes the last of). */
export const FILE_VERSIONS: Record<FileKind, number[]> = { 'tabchain-node': [1], 'tabchain-class': [1] };

export interface FileHeader {
  format: FileKind;
  version: number;
  /** UTF-8 bytes of the body line. */
  bytes: number;
  /** Hex SHA-256 of the body line's UTF-8 bytes. */
  sha256: string;
}

/** Why a file was refused: a code the UI translates, and a sentence with the details. */
export interface FileRefusal {
  code: 'not-tabchain' | 'wrong-kind' | 'version' | 'truncated' | 'checksum' | 'invalid';
  detail: string;
}

/** A file read, or why it was refused. */
export type FileResult<T> = { ok: true; value: T } | { ok: false; refusal: FileRefusal };

export const refuse = (code: FileRefusal['code'], detail: string): { ok: false; refusal: FileRefusal } => ({ ok: false, refusal: { code, detail } });

/** Writes a file: the header line, then the body (JSON) line. */
export function writeEnvelope(format: FileKind, body: unknown): string {
  const text = JSON.stringify(body);
  const bytes = utf8(text);
  const header: FileHeader = { format, version: FILE_VERSIONS[format].at(-1)!, bytes: bytes.length, sha256: toHex(sha256(bytes)) };
  return `${JSON.stringify(header)}\n${text}\n`;
}

/** Reads a file's envelope: the header checked, the body's length and checksum checked, the body parsed. */
export function readEnvelope(text: string, format: FileKind): FileResult<{ version: number; body: unknown }> {
  const nl = text.indexOf('\n');
  let header: Partial<FileHeader>;
  try {
    header = JSON.parse(nl < 0 ? text : text.slice(0, nl)) as Partial<FileHeader>;
  } catch {
    const marker = '{"format":"tabchain-';
    if (text.length > 0 && (text.startsWith(marker) || marker.startsWith(text))) return refuse('truncated', 'the file ends inside its header');
    return refuse('not-tabchain', 'the first line is not a tabchain file header');
  }
  if (typeof header !== 'object' || header === null || typeof header.format !== 'string' || !header.format.startsWith('tabchain-'))
    return refuse('not-tabchain', 'the file does not say it is a tabchain file');
  if (header.format !== format) return refuse('wrong-kind', `this is a ${header.format} file, not a ${format} file`);
  if (typeof header.version !== 'number' || !FILE_VERSIONS[format].includes(header.version))
    return refuse('version', `version ${String(header.version)} of ${format} files is not one this app reads (${FILE_VERSIONS[format].join(', ')})`);
  if (typeof header.bytes !== 'number' || typeof header.sha256 !== 'string') return refuse('not-tabchain', 'the header has no length or checksum');
  if (nl < 0) return refuse('truncated', 'the file ends after its header');
  const bodyText = text.slice(nl + 1).replace(/\n$/, '');
  const bytes = utf8(bodyText);
  if (bytes.length < header.bytes) return refuse('truncated', `the body has ${bytes.length} of its ${header.bytes} bytes`);
  if (bytes.length > header.bytes || toHex(sha256(bytes)) !== header.sha256) return refuse('checksum', 'the body does not match its checksum: the file was edited or damaged');
  try {
    return { ok: true, value: { version: header.version, body: JSON.parse(bodyText) as unknown } };
  } catch {
    return refuse('invalid', 'the body is not JSON');
  }
}

// ---------------------------------------------------------------- strict readers for bodies

/** Thrown by the body readers; becomes an 'invalid' refusal naming the field. */
export class BodyError extends Error {}

export function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BodyError(`${what} is not an object`);
  return v as Record<string, unknown>;
}
export function str(v: unknown, what: string, max = 1_000): string {
  if (typeof v !== 'string' || v.length > max) throw new BodyError(`${what} is not a string of at most ${max} characters`);
  return v;
}
export function int(v: unknown, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new BodyError(`${what} is not a whole number in ${min}–${max}`);
  return v;
}
export function arr(v: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(v)) throw new BodyError(`${what} is not a list`);
  if (v.length > max) throw new BodyError(`${what} has more than ${max} entries`);
  return v;
}
export function hex(v: unknown, what: string, maxBytes: number): string {
  const s = str(v, what, maxBytes * 2);
  if (s.length % 2 || !/^[0-9a-f]*$/.test(s)) throw new BodyError(`${what} is not hex`);
  return s;
}
