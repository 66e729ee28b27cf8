/**
 * Bitcoin mainnet's consensus parameters (Core's CMainParams, chainparams.cpp), so real history
 * can be fed to the engine: the genesis block of 3 January 2009, magic f9beb4d9, difficulty
 * 0x1d00ffff retargeted every 2,016 blocks toward 10 minutes, 50 BTC halving every 210,000
 * blocks, coinbase maturity 100, and the heights at which the soft forks apply.
 */
export const MAINNET_GENESIS_HEX =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c' +
  '0101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000';

/** Display hash of the mainnet genesis block. */
export const MAINNET_GENESIS_HASH = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

/** Message start f9 be b4 d9, read as a little-endian uint32 (how tabchain stores magics). */
export const MAINNET_MAGIC = 0xd9b4bef9;

/**
 * Soft-fork activation heights on mainnet (Core's consensus.BIP34Height, BIP66Height,
 * BIP65Height, CSVHeight, and SegwitHeight for BIP147's NULLDUMMY). P2SH (BIP16) is enforced for every block, as Core does today (it
 * exempts one block at height 170,060, which tabchain never sees).
 */
export const MAINNET_FORKS = { bip34Height: 227_931, bip66Height: 363_725, bip65Height: 388_381, csvHeight: 419_328, bip147Height: 481_824 } as const;
