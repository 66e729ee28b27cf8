import { describe, expect, it } from 'vitest';
import {
  blockHashHex,
  decodeBlock,
  encodeBlock,
  fromHex,
  hashToHex,
  blockMerkleRoot,
  isCoinbase,
  parseP2PKHInput,
  p2pkhScript,
  hash160,
  legacySighash,
  verifySignature,
  toHex,
} from '../../../src/core';
import { mainnetBlocks } from '../../helpers/vectors';

// Real Bitcoin mainnet blocks: tabchain's formats must be Bitcoin's, byte for byte.
describe('real mainnet blocks', () => {
  const blocks = mainnetBlocks();

  it('has the genesis block and four mainnet blocks', () => {
    expect(blocks.length).toBe(5);
  });

  for (const v of blocks) {
    describe(v.name, () => {
      const bytes = fromHex(v.hex);
      const block = decodeBlock(bytes);

      it('re-encodes byte-identical', () => {
        expect(toHex(encodeBlock({ header: block.header, txs: block.txs.map((t) => ({ ...t })) }))).toBe(v.hex);
      });
      it('hashes to the listed block hash', () => {
        expect(blockHashHex(block.header)).toBe(v.hash);
      });
      it('has the listed transaction count and merkle root', () => {
        expect(block.txs.length).toBe(v.transactions);
        expect(hashToHex(block.header.merkleRoot)).toBe(v.merkleRoot);
        const { root, mutated } = blockMerkleRoot(block);
        expect(hashToHex(root)).toBe(v.merkleRoot);
        expect(mutated).toBe(false);
      });
    });
  }

  it('all 21 P2PKH input signatures verify (legacy SIGHASH_ALL, high-S allowed for history)', () => {
    let checked = 0;
    for (const v of blocks) {
      const block = decodeBlock(fromHex(v.hex));
      for (const tx of block.txs) {
        if (isCoinbase(tx)) continue;
        tx.inputs.forEach((input, i) => {
          const parsed = parseP2PKHInput(input.scriptSig);
          if (!parsed) return;
          const prevScript = p2pkhScript(hash160(parsed.pubkey));
          const digest = legacySighash(tx, i, prevScript, parsed.hashType);
          expect(verifySignature(digest, parsed.signature, parsed.pubkey, { lowS: false, strictDer: false })).toBeNull();
          // A flipped digest bit must fail: the check is real.
          const bad = digest.slice();
          bad[0] ^= 1;
          expect(verifySignature(bad, parsed.signature, parsed.pubkey, { lowS: false, strictDer: false })).toBe('invalid');
          checked++;
        });
      }
    }
    expect(checked).toBe(21);
  });
});
