import { sha256d } from './crypto/hash';
import { utf8 } from './encoding';
import { MAINNET_FORKS, MAINNET_GENESIS_HEX, MAINNET_MAGIC } from './mainnet';

/** Satoshis per coin. */
export const COIN = 100_000_000n;
/** Bitcoin's MAX_MONEY: no output or sum of outputs may exceed 21 million coins. */
export const MAX_MONEY = 21_000_000n * COIN;

/**
 * A network's consensus parameters, chosen by the node that creates the network (the central
 * node) and shared with every node that joins, so they all agree on the rules.
 */
export interface ChainParams {
  /** Network ("room") name. */
  network: string;
  /** 4-byte message magic, as a uint32 (written little-endian on the wire). */
  magic: number;
  /** Block subsidy in satoshis (the seed tutorial's 10 coins). */
  blockReward: bigint;
  /** Blocks between subsidy halvings; 0 = never halve. */
  halvingInterval: number;
  /** Confirmations before a coinbase output may be spent (Bitcoin: 100; tutorial: 0). */
  coinbaseMaturity: number;
  /** Target seconds between blocks (used by retargeting and the UI's expectations). */
  targetSpacing: number;
  /** Blocks between difficulty adjustments; 0 = difficulty fixed. Clamped ×4 like Bitcoin. */
  retargetInterval: number;
  /**
   * ASERT (aserti3-2d) half-life in seconds: every block's difficulty follows the schedule of one
   * block per `targetSpacing` from the genesis block; 0 = off. Takes precedence over `retargetInterval`.
   */
  asertHalfLife: number;
  /** Easiest allowed target, as compact bits. */
  powLimitBits: number;
  /** Difficulty of the genesis block (and of all blocks when retargeting is off). */
  genesisBits: number;
  /** Largest serialized block in bytes. */
  maxBlockSize: number;
  /** Blocks with a time further ahead of the node's clock than this are refused for now. */
  maxFutureBlockTime: number;
  /** Hex of the genesis block, once the creating node has made it. */
  genesisHex?: string;
  /** Compressed public key (hex) whose signatures carry the teacher's commands (see teacher.ts). */
  teacherKey?: string;
  /**
   * Heights from which Bitcoin's soft forks apply: BIP34 (height in the coinbase), BIP66 (strict
   * DER signatures), BIP65 (CHECKLOCKTIMEVERIFY), CSV (BIP68 sequence locks, BIP112
   * CHECKSEQUENCEVERIFY, BIP113 median-time-past lock times). Absent: from the genesis block, as
   * on every tabchain network; the mainnet preset has Bitcoin's heights.
   */
  bip34Height?: number;
  bip66Height?: number;
  bip65Height?: number;
  csvHeight?: number;
  /** BIP147 (NULLDUMMY), which came with SegWit on mainnet (SegWit itself is not implemented). */
  bip147Height?: number;
  /** Bitcoin's genesis coinbase cannot be spent; a tabchain network's can (the tutorial spends it). */
  genesisUnspendable?: boolean;
}

/** Parameter presets a teacher picks from when creating a network. */
export type Preset = 'classroom' | 'bitcoin-like' | 'regtest' | 'mainnet';

/** A 4-byte magic derived from the network name so different rooms never cross-talk. */
export function magicFor(network: string): number {
  const h = sha256d(utf8(`tabchain:${network}`));
  return (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
}

/** Block intervals a teacher can pick for a classroom network (seconds). */
export const CLASS_INTERVALS = [5, 10, 30, 60] as const;
/** The classroom's ASERT half-life, in block intervals: fast enough to follow a class whose hash rate jumps 30×. */
export const CLASS_HALF_LIFE_BLOCKS = 10;

/**
 * Parameters for a new network. `classroom`: a block every `targetSpacing` seconds (10 unless the
 * teacher picks another), the difficulty following the class's hash rate block by block (ASERT,
 * half-life 10 intervals, starting at ≈2^24 hashes), reward 10, maturity 0. `bitcoin-like`:
 * maturity 100, halving, retargeting every 2016 blocks toward 10 s. `regtest`: trivial work, fixed.
 * `mainnet`: Bitcoin itself (real genesis, magic f9beb4d9, 0x1d00ffff, 2,016-block retarget toward
 * 10 minutes, 50 BTC halving every 210,000, the soft forks at their mainnet heights), for feeding
 * the engine real history; not a network students mine on.
 */
export function makeParams(network: string, preset: Preset = 'classroom', overrides: Partial<ChainParams> = {}): ChainParams {
  const base: ChainParams = {
    network,
    magic: magicFor(network),
    blockReward: 10n * COIN,
    halvingInterval: 0,
    coinbaseMaturity: 0,
    targetSpacing: 10,
    retargetInterval: 0,
    asertHalfLife: 0,
    powLimitBits: 0x207fffff,
    genesisBits: 0x1e00ffff,
    maxBlockSize: 1_000_000,
    maxFutureBlockTime: 2 * 60 * 60,
  };
  if (preset === 'bitcoin-like') {
    Object.assign(base, { coinbaseMaturity: 100, halvingInterval: 210_000, retargetInterval: 2016, targetSpacing: 10 });
  } else if (preset === 'mainnet') {
    Object.assign(base, {
      magic: MAINNET_MAGIC, blockReward: 50n * COIN, halvingInterval: 210_000, coinbaseMaturity: 100, targetSpacing: 600,
      retargetInterval: 2016, powLimitBits: 0x1d00ffff, genesisBits: 0x1d00ffff, genesisHex: MAINNET_GENESIS_HEX,
      genesisUnspendable: true, ...MAINNET_FORKS,
    });
  } else if (preset === 'regtest') {
    Object.assign(base, { genesisBits: 0x207fffff, targetSpacing: 1 });
  }
  const p = { ...base, ...overrides };
  if (preset === 'classroom' && overrides.asertHalfLife === undefined) p.asertHalfLife = CLASS_HALF_LIFE_BLOCKS * p.targetSpacing;
  return p;
}

/** Block subsidy at a height: the reward, halved every `halvingInterval` blocks. */
export function subsidyAt(params: ChainParams, height: number): bigint {
  if (params.halvingInterval <= 0) return params.blockReward;
  const halvings = Math.floor(height / params.halvingInterval);
  return halvings >= 64 ? 0n : params.blockReward >> BigInt(halvings);
}

/** JSON form of parameters (bigints as decimal strings), for storage and for joining nodes. */
export function paramsToJSON(p: ChainParams): string {
  return JSON.stringify({ ...p, blockReward: p.blockReward.toString() });
}

/** Parses and checks parameters received from another node; throws a readable Error. */
export function paramsFromJSON(json: string): ChainParams {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new Error('bad parameters: not JSON');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('bad parameters: not an object');
  const num = (k: string) => {
    if (typeof o[k] !== 'number' || !Number.isInteger(o[k]) || (o[k] as number) < 0) throw new Error(`bad parameter ${k}`);
    return o[k] as number;
  };
  if (typeof o.network !== 'string' || typeof o.blockReward !== 'string' || !/^\d+$/.test(o.blockReward))
    throw new Error('bad parameters');
  const p: ChainParams = {
    network: o.network,
    magic: num('magic'),
    blockReward: BigInt(o.blockReward),
    halvingInterval: num('halvingInterval'),
    coinbaseMaturity: num('coinbaseMaturity'),
    targetSpacing: num('targetSpacing'),
    retargetInterval: num('retargetInterval'),
    // Absent in parameters saved before ASERT existed: those networks keep a fixed difficulty.
    asertHalfLife: o.asertHalfLife === undefined ? 0 : num('asertHalfLife'),
    powLimitBits: num('powLimitBits'),
    genesisBits: num('genesisBits'),
    maxBlockSize: num('maxBlockSize'),
    maxFutureBlockTime: num('maxFutureBlockTime'),
    ...(typeof o.genesisHex === 'string' ? { genesisHex: o.genesisHex } : {}),
    ...(o.teacherKey !== undefined ? { teacherKey: teacherKeyOf(o.teacherKey) } : {}),
  };
  for (const k of ['bip34Height', 'bip66Height', 'bip65Height', 'csvHeight', 'bip147Height'] as const) if (o[k] !== undefined) p[k] = num(k);
  if (o.genesisUnspendable !== undefined) {
    if (typeof o.genesisUnspendable !== 'boolean') throw new Error('bad parameter genesisUnspendable');
    p.genesisUnspendable = o.genesisUnspendable;
  }
  if (p.blockReward > MAX_MONEY) throw new Error('bad parameter blockReward');
  // Retargeting divides by the target timespan: a zero spacing would crash every node at the first adjustment.
  if ((p.retargetInterval > 0 || p.asertHalfLife > 0) && p.targetSpacing === 0) throw new Error('bad parameter targetSpacing: must be positive when retargeting');
  return p;
}

function teacherKeyOf(v: unknown): string {
  if (typeof v !== 'string' || !/^0[23][0-9a-f]{64}$/.test(v)) throw new Error('bad parameter teacherKey: a compressed public key in hex');
  return v;
}
