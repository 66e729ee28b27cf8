/**
 * The message view's hex dump annotator, derived from the codec: the frame header and payload
 * are read by the same `readFrameHeader` and `readPayload` that decode messages from peers, with a
 * `TracingReader` recording each field's name and byte range. Only the values' display (dates,
 * hex codes, inventory type names) is decided here.
 */
import { DecodeError, TracingReader, hashToHex, toHex, type TracedField } from '../../core';
import { readPayload } from './codec';
import { readFrameHeader } from './frame';
import { HEADER_LEN, MSG_BLOCK, MSG_TX, isKnownCommand } from './protocol';

/** One field of a message: its name, byte range in the frame, and a readable value. */
export interface Field {
  name: string;
  /** The codec's label for the field, and the numbered parts it sits in (`tx 1`, `in 0`): `name` is them joined. */
  what: string;
  parts: readonly string[];
  start: number;
  end: number;
  value: string;
  /** Header, payload field, or a nested part (a transaction inside a block). */
  group: 'header' | 'payload' | 'tx';
}

/** Fields listed at most (a block of thousands of transactions keeps the first ones). */
const MAX_FIELDS = 1000;

const hexWord = (digits: number) => (v: TracedField['value']) => `0x${Number(v).toString(16).padStart(digits, '0')}`;
const isoDate = (v: TracedField['value']) => new Date(Number(v) * 1000).toISOString();

/** Display of the fields whose numbers mean more than their decimal value, by the codec's label. */
const DISPLAY: Record<string, (v: TracedField['value']) => string> = {
  magic: hexWord(8),
  command: (v) => String.fromCharCode(...(v as Uint8Array)).replace(/\0+$/, ''),
  timestamp: isoDate,
  'addr time': isoDate,
  'header time': isoDate,
  'header bits': hexWord(8),
  'reject code': hexWord(2),
  sequence: hexWord(0),
  'inv type': (v) => (v === MSG_TX ? 'MSG_TX (1)' : v === MSG_BLOCK ? 'MSG_BLOCK (2)' : String(v)),
};

function display(f: TracedField): string {
  const custom = DISPLAY[f.what];
  if (custom) return custom(f.value);
  switch (f.kind) {
    case 'hash':
      return hashToHex(f.value as Uint8Array);
    case 'bytes':
      return toHex(f.value as Uint8Array);
    default:
      return String(f.value);
  }
}

/**
 * Splits a frame into named byte ranges (the message view's hex dump highlights them): magic,
 * command, length, checksum, then the payload's fields as the codec reads them. Stops quietly at
 * the first field that does not decode (a malformed message still shows what came before).
 */
export function annotateFrame(frame: Uint8Array): Field[] {
  if (frame.length < HEADER_LEN) return [{ name: 'truncated header', what: 'truncated header', parts: [], start: 0, end: frame.length, value: toHex(frame), group: 'header' }];
  const r = new TracingReader(frame, MAX_FIELDS);
  try {
    const { header } = readFrameHeader(r);
    if (isKnownCommand(header.command)) readPayload(r, header.command);
  } catch (e) {
    // Malformed from here on: the fields so far still describe the bytes.
    if (!(e instanceof DecodeError)) throw e;
  }
  return r.fields.map((f) => ({
    name: f.name,
    what: f.what,
    parts: f.parts,
    start: f.start,
    end: f.end,
    value: display(f),
    group: f.end <= HEADER_LEN ? 'header' : f.parts[0]?.startsWith('tx ') ? 'tx' : 'payload',
  }));
}
