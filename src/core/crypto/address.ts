import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { DecodeError, concatBytes } from '../encoding';
import { hash160 } from './hash';
import { ADDRESS_VERSION } from './keys';
import { p2pkhScript } from '../primitives/script';
import { p2shScript } from '../script/templates';

/**
 * Destinations a tabchain wallet can pay: test-network P2PKH addresses (version 0x6f, "m…/n…")
 * and P2SH addresses (version 0xc4, "2…", BIP13), Base58Check like Bitcoin's testnet.
 */

export const P2SH_ADDRESS_VERSION = 0xc4;

const b58c = createBase58check(sha256);

/** What an address pays to: a public-key hash or a script hash. */
export interface Destination {
  type: 'p2pkh' | 'p2sh';
  hash: Uint8Array;
}

/** Decodes a P2PKH or P2SH test-network address; throws a readable DecodeError otherwise. */
export function decodeAddress(address: string): Destination {
  let raw: Uint8Array;
  try {
    raw = b58c.decode(address.trim());
  } catch {
    throw new DecodeError(`invalid address: checksum or characters wrong (${address})`);
  }
  if (raw.length === 21 && raw[0] === ADDRESS_VERSION) return { type: 'p2pkh', hash: raw.subarray(1) };
  if (raw.length === 21 && raw[0] === P2SH_ADDRESS_VERSION) return { type: 'p2sh', hash: raw.subarray(1) };
  throw new DecodeError(`invalid address: not a tabchain P2PKH or P2SH address (${address})`);
}

/** True for a valid P2PKH or P2SH address. */
export function isValidDestination(address: string): boolean {
  try {
    decodeAddress(address);
    return true;
  } catch {
    return false;
  }
}

/** The locking script an address stands for. */
export function scriptForDestination(address: string): Uint8Array {
  const d = decodeAddress(address);
  return d.type === 'p2pkh' ? p2pkhScript(d.hash) : p2shScript(d.hash);
}

/** The P2SH address of a redeem script (Base58Check of 0xc4 || HASH160(script)). */
export function p2shAddress(redeemScript: Uint8Array): string {
  return b58c.encode(concatBytes(Uint8Array.of(P2SH_ADDRESS_VERSION), hash160(redeemScript)));
}

/** The address of a P2SH script hash. */
export function addressFromScriptHash(scriptHash: Uint8Array): string {
  return b58c.encode(concatBytes(Uint8Array.of(P2SH_ADDRESS_VERSION), scriptHash));
}

/**
 * What an output pays, as people write it: the address of a P2PKH or P2SH script, "OP_RETURN"
 * for a data output; null for any other script.
 */
export function destinationOf(script: Uint8Array): string | null {
  if (script.length === 25 && script[0] === 0x76 && script[1] === 0xa9 && script[2] === 20 && script[23] === 0x88 && script[24] === 0xac)
    return b58c.encode(concatBytes(Uint8Array.of(ADDRESS_VERSION), script.subarray(3, 23)));
  if (script.length === 23 && script[0] === 0xa9 && script[1] === 20 && script[22] === 0x87) return addressFromScriptHash(script.subarray(2, 22));
  if (script.length > 0 && script[0] === 0x6a) return 'OP_RETURN';
  return null;
}
