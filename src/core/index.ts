/**
 * tabchain's chain engine — the public API. Pure and synchronous: no DOM, timers or randomness
 * of its own, so the same code runs in a tab, a Web Worker, a test and plain Node.
 *
 * Typical use:
 *   const params = makeParams('class-1', 'regtest');
 *   params.genesisHex = toHex(encodeBlock(solveBlockSync(genesisTemplate(params, key.pubkeyHash, now))!));
 *   const chain = new Chain(params); const mempool = new Mempool(chain);
 *   const r = chain.processBlock(block, now); mempool.handleChainEvents(r.events, now);
 */
export * from './encoding';
export * from './fieldTrace';
export * from './crypto/hash';
export * from './crypto/keys';
export * from './crypto/sighash';
export * from './crypto/siphash';
export * from './crypto/der';
export * from './crypto/address';
export * from './script/opcodes';
export * from './script/errors';
export * from './script/num';
export * from './script/script';
export * from './script/checker';
export * from './script/interpreter';
export * from './script/verify';
export * from './script/debugger';
export * from './script/sigops';
export * from './script/templates';
export * from './policy/standard';
export * from './consensus/connect';
export * from './consensus/sequenceLocks';
export * from './mainnet';
export * from './primitives/tx';
export * from './primitives/block';
export * from './primitives/script';
export * from './consensus/errors';
export * from './consensus/pow';
export * from './consensus/checks';
export * from './consensus/inputs';
export * from './params';
export * from './chain/utxo';
export * from './chain/chain';
export * from './chain/scriptJobs';
export * from './mempool/mempool';
export * from './mempool/orphanage';
export * from './wallet/wallet';
export * from './wallet/scriptWallet';
export * from './mining/template';
export * from './mining/miner';
export * from './util/bounded';
export * from './consensus/asert';
export * from './teacher';
export * from './wallet/feeRate';
export * from './mempool/select';
export * from './lessons/tamper';
