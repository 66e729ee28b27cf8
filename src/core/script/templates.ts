import { concatBytes, utf8 } from '../encoding';
import { hash160 } from '../crypto/hash';
import { OP } from './opcodes';
import { pushBytes, pushInt } from './script';

/**
 * Locking scripts the wallet lessons build: pay to public key (the 2009 form), pay to script
 * hash (BIP16), bare m-of-n multisig, a CHECKLOCKTIMEVERIFY time lock (BIP65), an OP_RETURN note.
 */

/** P2PK: `<pubkey> OP_CHECKSIG` (how the first blocks paid their miners). */
export function p2pkScript(pubkey: Uint8Array): Uint8Array {
  return concatBytes(pushBytes(pubkey), Uint8Array.of(OP.OP_CHECKSIG));
}

/** P2SH (BIP16): `OP_HASH160 <20-byte hash of the redeem script> OP_EQUAL`. */
export function p2shScript(scriptHash: Uint8Array): Uint8Array {
  if (scriptHash.length !== 20) throw new RangeError('P2SH needs a 20-byte script hash');
  return concatBytes(Uint8Array.of(OP.OP_HASH160, 20), scriptHash, Uint8Array.of(OP.OP_EQUAL));
}

/** The P2SH script paying to a redeem script (its HASH160). */
export function p2shFor(redeemScript: Uint8Array): Uint8Array {
  return p2shScript(hash160(redeemScript));
}

/** `m <key 1> … <key n> n OP_CHECKMULTISIG`: any m of the n keys can spend (1 <= m <= n <= 16). */
export function multisigScript(m: number, pubkeys: readonly Uint8Array[]): Uint8Array {
  const n = pubkeys.length;
  if (!Number.isInteger(m) || m < 1 || m > n || n > 16) throw new RangeError(`a multisig needs 1 <= m <= n <= 16 (got ${m} of ${n})`);
  return concatBytes(pushInt(m), ...pubkeys.map(pushBytes), pushInt(n), Uint8Array.of(OP.OP_CHECKMULTISIG));
}

/**
 * A time-locked key (BIP65): `<lockTime> OP_CHECKLOCKTIMEVERIFY OP_DROP <pubkey> OP_CHECKSIG`.
 * Spendable by the key only in a transaction whose nLockTime is at least `lockTime` (a block
 * height below 500,000,000, a Unix time above) and whose input is not final.
 */
export function timeLockScript(lockTime: number, pubkey: Uint8Array): Uint8Array {
  if (!Number.isInteger(lockTime) || lockTime < 0 || lockTime > 0xffffffff) throw new RangeError('lock time must be a uint32');
  return concatBytes(pushInt(lockTime), Uint8Array.of(OP.OP_CHECKLOCKTIMEVERIFY, OP.OP_DROP), pushBytes(pubkey), Uint8Array.of(OP.OP_CHECKSIG));
}

/** `OP_RETURN <data>`: an unspendable output carrying a note (standard up to 80 bytes of data). */
export function nullDataScript(data: Uint8Array | string): Uint8Array {
  return concatBytes(Uint8Array.of(OP.OP_RETURN), pushBytes(typeof data === 'string' ? utf8(data) : data));
}
