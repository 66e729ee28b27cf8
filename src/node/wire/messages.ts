/**
 * Bitcoin's P2P messages, byte for byte, over any transport that carries byte arrays.
 * Frame: magic (4, LE) | command (12, ASCII, zero-padded) | payload length (4, LE) |
 * checksum (first 4 bytes of SHA-256d(payload)) | payload. See docs/PROTOCOL.md.
 *
 * This module gathers the wire format's parts: the messages and limits (`protocol.ts`), the
 * payload codec (`codec.ts`), framing (`frame.ts`) and readable summaries (`summary.ts`).
 */
export * from './protocol';
export * from './codec';
export * from './frame';
export * from './summary';
