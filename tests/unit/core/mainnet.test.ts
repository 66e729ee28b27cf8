/**
 * Real Bitcoin history through the engine on the mainnet preset: the first 256 blocks connected
 * from the real genesis block (the first payments are pay-to-public-key spends, run by the
 * interpreter), and block 300,025 (461 transactions, 1,427 inputs) checked against the coins it
 * spends: scripts, fees, subsidy, sigops — and refused, with Core's reason, once a byte changes.
 */
import { describe, expect, it } from 'vitest';
import {
  COIN,
  Chain,
  CoinOverlay,
  FLAGS,
  MAINNET_GENESIS_HASH,
  RuleError,
  blockHashHex,
  blockScriptFlags,
  checkBlockSanity,
  checkTxScripts,
  connectBlock,
  hashToHex,
  txidHex,
  decodeOps,
  decodeBlock,
  encodeBlock,
  isCoinbase,
  legacySigOps,
  makeParams,
  parsePushes,
  solve,
  subsidyAt,
  type Block,
  type Coin,
  type Tx,
} from '../../../src/core';
import { block300025, coinsBefore300025, coinsPerTx, mainnetBlocks1to255 } from '../../helpers/mainnet';
import { seeded } from '../../helpers/scriptVectors';

const params = makeParams('mainnet', 'mainnet');
/** Any clock after 2009 will do: no block is from the future. */
const NOW = 1_700_000_000;

function reasonOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof RuleError) return e.reason;
    throw e;
  }
}

describe('mainnet blocks 0-255 on the mainnet preset', () => {
  const blocks = mainnetBlocks1to255();

  it('the preset is Bitcoin: genesis 000000000019d6…, magic f9beb4d9, 0x1d00ffff, 2,016-block retarget, 50 BTC halving every 210,000', () => {
    const chain = new Chain(params);
    expect(chain.genesis.hash).toBe(MAINNET_GENESIS_HASH);
    const magic = new Uint8Array(4);
    new DataView(magic.buffer).setUint32(0, params.magic, true);
    expect(Buffer.from(magic).toString('hex')).toBe('f9beb4d9');
    expect({ bits: params.genesisBits, retarget: params.retargetInterval, spacing: params.targetSpacing, halving: params.halvingInterval })
      .toEqual({ bits: 0x1d00ffff, retarget: 2016, spacing: 600, halving: 210_000 });
    expect([subsidyAt(params, 0), subsidyAt(params, 209_999), subsidyAt(params, 210_000), subsidyAt(params, 300_025)]).toEqual([50n * COIN, 50n * COIN, 25n * COIN, 25n * COIN]);
    // As on Bitcoin, the genesis coinbase's 50 BTC never entered the UTXO set.
    expect(chain.utxo.size).toBe(0);
  });

  it('connects all 255 blocks after genesis, ending at the real block 255', () => {
    const chain = new Chain(params);
    for (const b of blocks) {
      const r = chain.processBlock(b.block, NOW);
      expect({ height: b.height, status: r.status, reason: r.error?.reason }).toEqual({ height: b.height, status: 'accepted', reason: undefined });
    }
    expect(chain.height).toBe(255);
    expect(chain.tip.hash).toBe(blocks[254]!.hash);
  });

  it('the first payments (blocks 170, 181, 182, 183, 187, 221, 248) spend pay-to-public-key outputs, verified by the interpreter', () => {
    const chain = new Chain(params);
    const p2pkSpends: number[] = [];
    chain.on((e) => {
      if (e.type !== 'block-connected') return;
      for (const coin of e.undo) if (solve(coin.script).type === 'pubkey') p2pkSpends.push(e.entry.height);
    });
    for (const b of blocks) chain.processBlock(b.block, NOW);
    expect([...new Set(p2pkSpends)]).toEqual([170, 181, 182, 183, 187, 221, 248]);
  });

  it('block 170 with one byte of Satoshi\'s signature to Hal Finney changed: refused (bad-txnmrklroot as bytes; a failed script when connected)', () => {
    const chain = new Chain(params);
    for (const b of blocks.filter((x) => x.height < 170)) chain.processBlock(b.block, NOW);
    const b170 = blocks[169]!.block;
    const payment = b170.txs[1]!;
    const sig = parsePushes(payment.inputs[0]!.scriptSig)![0]!;
    const edited = sig.slice();
    edited[10] ^= 0x01;
    const forged: Tx = { ...payment, inputs: [{ ...payment.inputs[0]!, scriptSig: Uint8Array.from([edited.length, ...edited]) }] };
    const tampered: Block = { header: b170.header, txs: [b170.txs[0]!, forged] };
    // As wire bytes the block no longer matches its header's merkle root.
    const r = chain.processBlock(decodeBlock(encodeBlock(tampered)), NOW);
    expect(r.error?.reason).toBe('bad-txnmrklroot');
    // ConnectBlock itself (header checks bypassed) refuses the signature.
    const parent = chain.tip;
    const ctx = { height: 170, params, parentMedianTimePast: chain.medianTimePast(parent), medianTimePastAt: () => 0 };
    expect(reasonOf(() => connectBlock(tampered, new CoinOverlay(chain.utxo), ctx))).toBe('mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)');
  });
});

describe('mainnet block 300,025 with the coins it spends', () => {
  const b = block300025();
  const perTx = coinsPerTx(b.block, b.coins);
  const ctx = { height: b.height, params, parentMedianTimePast: b.block.header.time - 3600, medianTimePastAt: () => 0 };

  it('is the real block: hash, 461 transactions, 1,427 inputs (1,424 P2PKH, 3 bare multisig), valid proof of work and merkle root', () => {
    expect(blockHashHex(b.block.header)).toBe(b.hash);
    expect(b.block.txs.length).toBe(461);
    expect(b.coins.length).toBe(1427);
    const kinds = b.coins.reduce<Record<string, number>>((k, c) => ({ ...k, [solve(c.script).type]: (k[solve(c.script).type] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ pubkeyhash: 1424, multisig: 3 });
    checkBlockSanity(b.block, params);
  });

  it("legacy sigops: 1,320 in its 460 payments (bcoin's sigop cost 5,280 / 4), 1,321 with the coinbase's P2PKH output, as Core counts the block", () => {
    const payments = b.block.txs.slice(1).reduce((s, tx) => s + legacySigOps(tx), 0);
    expect(payments).toBe(1320);
    expect(payments * 4).toBe(b.sigopCost);
    expect(legacySigOps(b.block.txs[0]!)).toBe(1);
  });

  it('every input\'s script verifies with the P2SH and DERSIG flags', () => {
    let inputs = 0;
    b.block.txs.forEach((tx, t) => {
      if (isCoinbase(tx)) return;
      checkTxScripts(tx, perTx[t]!, FLAGS.P2SH | FLAGS.DERSIG);
      inputs += tx.inputs.length;
    });
    expect(inputs).toBe(1427);
  });

  it('ConnectBlock accepts it with the mainnet flags of its height: fees + 25 BTC subsidy = 2,507,773,345 sat = the coinbase output', () => {
    expect(blockScriptFlags(params, b.height)).toBe(FLAGS.P2SH); // BIP66 came at 363,725
    const r = connectBlock(b.block, coinsBefore300025(b), ctx);
    expect(r.fees + subsidyAt(params, b.height)).toBe(b.subsidyPlusFees);
    expect(b.block.txs[0]!.outputs.reduce((s, o) => s + o.value, 0n)).toBe(2_507_773_345n);
    expect(r.sigops).toBe(1321); // no P2SH inputs: legacy only, coinbase included
    expect(r.undo.length).toBe(1427);
  });

  // Seeded choices of which byte to change, so every run tests the same edits.
  const rand = seeded(300025);
  const pick = (n: number) => Math.floor(rand() * n);
  const spends = b.block.txs.flatMap((tx, t) => (isCoinbase(tx) ? [] : tx.inputs.map((_, i) => ({ t, i }))));
  const flip = (bytes: Uint8Array, at: number) => {
    const out = bytes.slice();
    out[at] ^= 1 + pick(255);
    return out;
  };
  const withInput = (tx: Tx, i: number, scriptSig: Uint8Array): Tx => ({ ...tx, inputs: tx.inputs.map((x, k) => (k === i ? { ...x, scriptSig } : x)) });
  const SCRIPT_FAIL = /^mandatory-script-verify-flag-failed \(.+\)$/;

  it("one byte changed in any of 40 signatures: that input fails its script (Core's mandatory-script-verify-flag-failed)", () => {
    const reasons = new Set<string>();
    for (let k = 0; k < 40; k++) {
      const { t, i } = spends[pick(spends.length)]!;
      const tx = b.block.txs[t]!;
      // P2PKH: <sig> <pubkey>; bare multisig: OP_0 <sig>. Change a byte inside the signature push.
      const sigOp = decodeOps(tx.inputs[i]!.scriptSig).ops.find((o) => o.data && o.data.length >= 9 && o.data[0] === 0x30)!;
      const at = sigOp.end - sigOp.data!.length + pick(sigOp.data!.length);
      const edited = withInput(tx, i, flip(tx.inputs[i]!.scriptSig, at));
      const reason = reasonOf(() => checkTxScripts(edited, perTx[t]!, FLAGS.P2SH | FLAGS.DERSIG));
      expect(reason).toMatch(SCRIPT_FAIL);
      reasons.add(reason!);
    }
    expect(reasons.size).toBeGreaterThan(1); // invalid signatures and broken DER alike
  });

  it('one byte changed in any of 40 spent scriptPubKeys: that input fails its script', () => {
    for (let k = 0; k < 40; k++) {
      const { t, i } = spends[pick(spends.length)]!;
      const coins = perTx[t]!.map((c, j): Coin => (j === i ? { ...c, script: flip(c.script, pick(c.script.length)) } : c));
      expect(reasonOf(() => checkTxScripts(b.block.txs[t]!, coins, FLAGS.P2SH | FLAGS.DERSIG))).toMatch(SCRIPT_FAIL);
    }
  });

  it('a spent amount lowered by one changed byte: bad-cb-amount or bad-txns-in-belowout; raised: only a bigger fee (valid)', () => {
    // Only coins from earlier blocks: a coin created inside the block has the value the block gives it.
    const inBlock = new Set(b.block.txs.map(txidHex));
    const outside = spends.map((sp, n) => ({ ...sp, n })).filter(({ t, i }) => !inBlock.has(hashToHex(b.block.txs[t]!.inputs[i]!.prevout.txid)));
    for (let k = 0; k < 6; k++) {
      const n = outside[pick(outside.length)]!.n;
      const coin = b.coins[n]!;
      const bits = coin.value.toString(2).length;
      const setBits = [...Array(bits).keys()].filter((k) => (coin.value >> BigInt(k)) & 1n);
      const lower = coin.value & ~(1n << BigInt(setBits[pick(setBits.length)]!));
      const changed = (v: bigint) => block300025WithCoin(n, v);
      expect(['bad-cb-amount', 'bad-txns-in-belowout']).toContain(reasonOf(() => connectBlock(b.block, changed(lower), ctx)));
      expect(reasonOf(() => connectBlock(b.block, changed(coin.value | (1n << BigInt(bits + 2))), ctx))).toBeNull();
    }
  });

  it('the block as bytes with one signature byte changed no longer matches its merkle root (bad-txnmrklroot)', () => {
    const { t, i } = spends[pick(spends.length)]!;
    const tx = b.block.txs[t]!;
    const edited = withInput(tx, i, flip(tx.inputs[i]!.scriptSig, 5));
    const bytes = encodeBlock({ header: b.block.header, txs: b.block.txs.map((x, k) => (k === t ? edited : x)) });
    expect(reasonOf(() => checkBlockSanity(decodeBlock(bytes), params))).toBe('bad-txnmrklroot');
  });

  /** The coins before the block with coin `n` (in input order) given another value. */
  function block300025WithCoin(n: number, value: bigint) {
    const coins = b.coins.map((c, k) => (k === n ? { ...c, value } : c));
    return coinsBefore300025({ ...b, coins });
  }
});
